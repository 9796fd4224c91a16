package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua/queue"
	"motcua/store"
	"motcua/store/bucket"
	"motcua/store/postgres"
	"motcua/store/sqlite"
)

// The records database is chosen here and nowhere else: --db URL on every
// command that has --data, else $MOTCUA_DB, else motcua.db in the data
// folder. The originals likewise: --blobs URL, else $MOTCUA_BLOBS, else
// blobs/ in the data folder. The search index stays in the data folder.

// dbEnv names the variable that chooses the database when --db is not given.
const dbEnv = "MOTCUA_DB"

// blobsEnv names the variable that chooses where the originals are when
// --blobs is not given.
const blobsEnv = "MOTCUA_BLOBS"

// dbFlag and blobsFlag are --db and --blobs of the command being run (see
// addDBFlag).
var dbFlag, blobsFlag string

// addDBFlag gives a command that has --data the --db flag; parseFlags
// calls it for every command.
func addDBFlag(fs *flag.FlagSet) {
	dbFlag, blobsFlag = "", ""
	if fs.Lookup("data") == nil || fs.Lookup("db") != nil {
		return
	}
	fs.StringVar(&dbFlag, "db", "", "cơ sở dữ liệu hồ sơ: sqlite:ĐƯỜNG_DẪN hoặc postgres://người_dùng@máy:cổng/tên "+
		"(mặc định: biến "+dbEnv+", không có thì motcua.db trong --data)")
	fs.StringVar(&blobsFlag, "blobs", "", "nơi giữ bản gốc: file:///THƯ_MỤC hoặc s3://BUCKET?endpoint=http://máy:cổng "+
		"(mặc định: biến "+blobsEnv+", không có thì thư mục blobs trong --data)")
}

// dbChoice is the chosen database: a PostgreSQL URL or a SQLite file.
type dbChoice struct {
	postgres string
	sqlite   string
}

// chooseDB reads --db or $MOTCUA_DB; dir is the data folder.
func chooseDB(dir string) (dbChoice, error) {
	u, from := dbFlag, "--db"
	if u == "" {
		u, from = os.Getenv(dbEnv), dbEnv
	}
	switch {
	case u == "":
		return dbChoice{sqlite: filepath.Join(dir, storeFile)}, nil
	case strings.HasPrefix(u, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "//")
		if p == "" {
			return dbChoice{}, usageError{fmt.Sprintf("%s %q: thiếu đường dẫn tệp, ví dụ sqlite:data/motcua.db", from, u)}
		}
		return dbChoice{sqlite: p}, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return dbChoice{postgres: u}, nil
	}
	return dbChoice{}, usageError{fmt.Sprintf("%s %q: dùng sqlite:ĐƯỜNG_DẪN hoặc postgres://người_dùng@máy:cổng/tên_cơ_sở_dữ_liệu", from, redacted(u))}
}

// redacted is a database URL without its password, for messages.
func redacted(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "…"
}

// String names the database for people, without a password.
func (c dbChoice) String() string {
	if c.postgres != "" {
		return redacted(c.postgres)
	}
	return c.sqlite
}

// storeExists says whether the data folder has a records database to read:
// a PostgreSQL one always does.
func storeExists(dir string) bool {
	c, err := chooseDB(dir)
	if err != nil {
		return true // openStore reports the mistake
	}
	if c.postgres != "" {
		return true
	}
	_, err = os.Stat(c.sqlite)
	return err == nil
}

// openStore opens the chosen records database and originals; dir is the
// data folder.
func openStore(dir string) (store.Store, store.Blobs, error) {
	c, err := chooseDB(dir)
	if err != nil {
		return nil, nil, err
	}
	blobs, err := openBlobs(dir)
	if err != nil {
		return nil, blobs, err
	}
	if c.postgres == "" {
		if err := os.MkdirAll(filepath.Dir(c.sqlite), 0o755); err != nil {
			return nil, nil, fmt.Errorf("không tạo được thư mục dữ liệu %s: %w", filepath.Dir(c.sqlite), err)
		}
		db, err := sqlite.Open(c.sqlite)
		return db, blobs, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, c.postgres)
	if err != nil {
		return nil, blobs, fmt.Errorf("không mở được cơ sở dữ liệu %s (kiểm tra máy chủ PostgreSQL, tên người dùng, mật khẩu và tên cơ sở dữ liệu trong --db hoặc %s): %w", c, dbEnv, err)
	}
	if err := queue.Migrate(ctx, db.Pool()); err != nil { // River's tables, with motcua's
		db.Close()
		return nil, blobs, fmt.Errorf("không mở được cơ sở dữ liệu %s: %w", c, err)
	}
	return db, blobs, nil
}

// openSQLite opens the SQLite database in dir whatever --db says: for work
// on a folder of its own (benchmarks, a restored copy).
func openSQLite(dir string) (*sqlite.DB, store.DirBlobs, error) {
	blobs, err := folderBlobs(filepath.Join(dir, "blobs"))
	if err != nil {
		return nil, blobs, err
	}
	db, err := sqlite.Open(filepath.Join(dir, storeFile))
	return db, blobs, err
}

// sqliteOnly refuses a command that copies the SQLite file when the
// database chosen is PostgreSQL, saying what to use instead.
func sqliteOnly(command, instead string) error {
	c, err := chooseDB("")
	if err != nil || c.postgres == "" {
		return err
	}
	return usageError{fmt.Sprintf("%s chỉ dùng cho cơ sở dữ liệu SQLite; với PostgreSQL (%s) hãy dùng %s", command, c, instead)}
}

// openBlobs opens where the originals are: --blobs or $MOTCUA_BLOBS, else
// blobs/ in the data folder dir. file:// is that content-addressed folder
// (store.DirBlobs), s3:// a bucket on an S3-compatible server.
func openBlobs(dir string) (store.Blobs, error) {
	u, from := blobsFlag, "--blobs"
	if u == "" {
		u, from = os.Getenv(blobsEnv), blobsEnv
	}
	switch {
	case u == "":
		return folderBlobs(filepath.Join(dir, "blobs"))
	case strings.HasPrefix(u, "file://"):
		p := strings.TrimPrefix(u, "file://")
		if p == "" {
			return nil, usageError{fmt.Sprintf("%s %q: thiếu thư mục, ví dụ file:///srv/motcua/blobs", from, u)}
		}
		return folderBlobs(filepath.FromSlash(p))
	case strings.HasPrefix(u, "s3://"):
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		b, err := bucket.Open(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("không mở được kho bản gốc %s (kiểm tra tên bucket, endpoint và AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY): %w", redacted(u), err)
		}
		return b, nil
	}
	return nil, usageError{fmt.Sprintf("%s %q: dùng file:///THƯ_MỤC hoặc s3://BUCKET?endpoint=http://máy:cổng&region=VÙNG", from, redacted(u))}
}

// folderBlobs is the originals' folder, made if need be.
func folderBlobs(dir string) (store.DirBlobs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return store.DirBlobs{}, fmt.Errorf("không tạo được thư mục bản gốc %s: %w", dir, err)
	}
	return store.DirBlobs{Dir: dir}, nil
}

// localBlobs is blobs as a folder, for what copies or hashes its files
// (backup, verify); originals in an object store are refused, saying why.
func localBlobs(blobs store.Blobs, command string) (store.DirBlobs, error) {
	if d, ok := blobs.(store.DirBlobs); ok {
		return d, nil
	}
	return store.DirBlobs{}, fmt.Errorf("%s chỉ làm việc với bản gốc trong thư mục (file://); bản gốc ở %v "+
		"được giữ bởi chính kho đối tượng: bật versioning và nhân bản (replication) của bucket", command, blobs)
}
