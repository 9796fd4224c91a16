package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/store"
	"motcua/store/sqlite"
)

// RestoreOptions tune a restore.
type RestoreOptions struct {
	// Force restores into a folder that is not empty: its database is
	// replaced, its originals kept where their content is right.
	Force bool
	// Progress, if not nil, is called with the originals done and the total.
	Progress func(done, total int)
	// User is written to the audit event in the restored store.
	User string
}

// Restored says what a restore did.
type Restored struct {
	Snapshot string        `json:"snapshot"`
	From     string        `json:"from"`
	Records  int           `json:"records"`
	Copied   int           `json:"copied"` // originals written
	Bytes    int64         `json:"bytes"`  // database and originals
	Took     time.Duration `json:"took_ns"`
	Manifest *Manifest     `json:"-"`
}

// ErrNotEmpty refuses to restore into a folder that holds something.
var ErrNotEmpty = errors.New("thư mục dữ liệu không trống")

// Resolve finds the snapshot from names: a snapshot folder, or a backup
// folder (its newest snapshot). It returns the snapshot's folder and the
// backup folder holding it.
func Resolve(from string) (snapDir, target string, err error) {
	if _, err := os.Stat(filepath.Join(from, markerFile)); err == nil {
		snaps, err := List(from)
		if err != nil {
			return "", "", err
		}
		if len(snaps) == 0 {
			return "", "", fmt.Errorf("thư mục sao lưu %s chưa có bản sao lưu nào hoàn chỉnh", from)
		}
		return snaps[len(snaps)-1].Dir, from, nil
	}
	parent := filepath.Dir(filepath.Clean(from))
	if _, err := os.Stat(filepath.Join(parent, markerFile)); err != nil {
		return "", "", fmt.Errorf("%s không phải thư mục sao lưu motcua (thiếu %s) hay một bản sao lưu trong đó", from, markerFile)
	}
	base := filepath.Base(filepath.Clean(from))
	if base[0] == '.' {
		return "", "", &DamagedError{Snapshot: base, Problems: []Problem{{Path: from, What: "bản sao lưu chưa ghi xong (hoặc đang bị xóa): không khôi phục"}}}
	}
	if fi, err := os.Stat(from); err != nil || !fi.IsDir() {
		return "", "", fmt.Errorf("không có bản sao lưu %s: xem các bản bằng motcua backup --list --to %s", from, parent)
	}
	return from, parent, nil
}

// Restore checks a snapshot and copies it into the data folder: first the
// manifest and that every file it lists is there with its size, then each
// original and the database, each checked against its SHA-256 as it is
// copied. A snapshot with any problem is refused with every bad file named,
// and the data folder is left as it was. The database is put in place
// last, after the originals; the search index is not made here.
func Restore(ctx context.Context, from, data string, opt RestoreOptions) (res *Restored, err error) {
	start := time.Now()
	snapDir, target, err := Resolve(from)
	if err != nil {
		return nil, err
	}
	unlock, err := lock(target, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	name := filepath.Base(snapDir)
	m, err := readManifest(snapDir)
	if err != nil {
		var p *Problem
		if errors.As(err, &p) {
			return nil, &DamagedError{Snapshot: name, Problems: []Problem{*p}}
		}
		return nil, err
	}
	if m.Schema > sqlite.SchemaVersion() {
		return nil, fmt.Errorf("bản sao lưu %s do motcua %s ghi (lược đồ %d), mới hơn phiên bản này (lược đồ %d): khôi phục bằng motcua mới hơn",
			name, m.Motcua, m.Schema, sqlite.SchemaVersion())
	}

	// Every file there, with its size: a partial or truncated backup is
	// refused before anything is written.
	var bad []Problem
	check := func(path string, f File) {
		fi, err := os.Stat(path)
		switch {
		case err != nil:
			bad = append(bad, Problem{Path: path, What: "thiếu"})
		case fi.Size() != f.Size:
			bad = append(bad, Problem{Path: path, What: fmt.Sprintf("cỡ %d byte, manifest ghi %d: bị cắt cụt hoặc thay đổi", fi.Size(), f.Size)})
		}
	}
	check(filepath.Join(snapDir, dbFile), m.Database)
	for _, f := range m.Originals {
		check(blobPath(target, f.SHA256), f)
	}
	if len(bad) > 0 {
		return nil, &DamagedError{Snapshot: name, Problems: bad}
	}

	created, err := prepareData(data, opt.Force)
	if err != nil {
		return nil, err
	}
	res = &Restored{Snapshot: name, From: snapDir, Records: m.Records, Bytes: m.Bytes, Manifest: m}
	var written []string // to take back if the snapshot is refused
	defer func() {
		if err == nil {
			return
		}
		for _, p := range written {
			os.Remove(p)
		}
		if created {
			removeAll(data)
		}
	}()

	// The originals, each checked as it is copied.
	dirs := map[string]bool{}
	var mu sync.Mutex
	var done atomic.Int64
	err = parallel(ctx, len(m.Originals), copyWorkers, func(i int) error {
		f := m.Originals[i]
		src, dst := blobPath(target, f.SHA256), blobPath(data, f.SHA256)
		if !opt.Force || !hashIs(dst, f.SHA256) {
			_, _, err := copyFile(src, dst, f.SHA256)
			mu.Lock()
			switch {
			case errors.Is(err, errHash):
				bad = append(bad, Problem{Path: src, What: "hỏng: nội dung không khớp SHA-256 của nó"})
			case err != nil:
				mu.Unlock()
				return fmt.Errorf("không chép được bản gốc %s vào %s: %w", src, data, err)
			default:
				written = append(written, dst)
				dirs[filepath.Dir(dst)] = true
				res.Copied++
			}
			mu.Unlock()
		}
		if opt.Progress != nil {
			opt.Progress(int(done.Add(1)), len(m.Originals))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The database, under a temp name until everything is checked.
	dbTmp := filepath.Join(data, "."+dbFile+".restore")
	_, _, err = copyFile(filepath.Join(snapDir, dbFile), dbTmp, m.Database.SHA256)
	switch {
	case errors.Is(err, errHash):
		bad = append(bad, Problem{Path: filepath.Join(snapDir, dbFile), What: "hỏng: nội dung không khớp SHA-256 trong manifest.json"})
	case err != nil:
		return nil, fmt.Errorf("không chép được cơ sở dữ liệu vào %s: %w", data, err)
	default:
		written = append(written, dbTmp)
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
		return nil, &DamagedError{Snapshot: name, Problems: bad}
	}
	if len(dirs) > 0 {
		dirs[filepath.Join(data, blobsDir)] = true
	}
	if err := syncDirs(dirs); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(data, dbFile)
	for _, ext := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + ext); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	if err := os.Rename(dbTmp, dbPath); err != nil {
		return nil, err
	}
	written = append(written[:len(written)-1], dbPath)
	if err := os.Chmod(dbPath, 0o644); err != nil {
		return nil, err
	}
	if err := syncDir(data); err != nil {
		return nil, err
	}

	// The database opens, is whole, holds what the manifest says.
	db, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", dbPath, err)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if st.Records != m.Records {
		return nil, fmt.Errorf("%s: %d hồ sơ, manifest ghi %d", dbPath, st.Records, m.Records)
	}
	res.Took = time.Since(start)
	err = db.Log(ctx, store.Event{User: opt.User, Action: store.ActRestore, Remote: "cli", OK: true,
		Detail: fmt.Sprintf("từ %s: %d hồ sơ, %d bản gốc, %d byte", snapDir, m.Records, len(m.Originals), m.Bytes)})
	return res, err
}

// prepareData makes the data folder, or checks that it is empty (unless
// force); created says it did not exist.
func prepareData(data string, force bool) (created bool, err error) {
	ents, err := os.ReadDir(data)
	switch {
	case os.IsNotExist(err):
		if err := os.MkdirAll(data, 0o755); err != nil {
			return false, fmt.Errorf("không tạo được thư mục dữ liệu %s: %w", data, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("không đọc được thư mục dữ liệu %s: %w", data, err)
	case len(ents) > 0 && !force:
		return false, fmt.Errorf("%w: %s có %d mục; khôi phục vào một thư mục trống, hoặc thêm --force để thay cơ sở dữ liệu trong đó", ErrNotEmpty, data, len(ents))
	}
	return false, nil
}

// hashIs says whether a file exists with the given SHA-256.
func hashIs(path, sha string) bool {
	got, _, err := hashFile(path)
	return err == nil && got == sha
}
