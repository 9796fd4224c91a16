package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"motcua/store"
	"motcua/store/sqlite"
)

// Options tune a backup.
type Options struct {
	// Keep is how many snapshots to keep, newest first; 0 keeps all.
	// Originals are deleted only when no kept snapshot needs them.
	Keep int
	// Version is motcua's version, written to the manifest.
	Version string
	// Progress, if not nil, is called with the originals done and the total.
	Progress func(done, total int)
}

// Result says what a backup wrote.
type Result struct {
	Snapshot      string        `json:"snapshot"`
	Dir           string        `json:"dir"`
	Records       int           `json:"records"`
	Originals     int           `json:"originals"`
	Bytes         int64         `json:"bytes"`          // the snapshot's database and originals
	DatabaseBytes int64         `json:"database_bytes"` // of which the database
	Copied        int           `json:"copied"`         // originals written this time; the rest were already there
	CopiedBytes   int64         `json:"copied_bytes"`   // of those, and of the database
	Pruned        Pruned        `json:"pruned"`
	Took          time.Duration `json:"took_ns"`
}

// Backup writes a snapshot of the store (db, with its originals in blobs)
// into the backup folder target while other processes go on writing: the
// database first, copied in one read transaction, then every original
// that copy refers to (an original is saved before its record, so all of
// them exist). Originals already in target are not copied again.
func Backup(ctx context.Context, db *sqlite.DB, blobs store.DirBlobs, target string, opt Options) (res *Result, err error) {
	start := time.Now()
	if err := prepareTarget(target); err != nil {
		return nil, err
	}
	unlock, err := lock(target, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := removeStale(target); err != nil {
		return nil, fmt.Errorf("không dọn được bản sao lưu dở dang trong %s: %w", target, err)
	}
	name := snapshotName(start)
	if _, err := os.Stat(filepath.Join(target, name)); err == nil {
		time.Sleep(time.Millisecond)
		name = snapshotName(time.Now())
	}
	tmp := filepath.Join(target, tmpPrefix+name)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("không ghi được vào thư mục sao lưu %s: %w", target, err)
	}
	defer func() {
		if err != nil {
			removeAll(tmp)
		}
	}()

	// The database, as of one moment.
	dbPath := filepath.Join(tmp, dbFile)
	if err := db.Snapshot(ctx, dbPath); err != nil {
		return nil, err
	}
	shas, records, err := readSnapshot(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Snapshot: name, CreatedAt: start.UTC(), Motcua: opt.Version,
		Schema: sqlite.SchemaVersion(), Records: records, Originals: make([]File, 0, len(shas))}
	res = &Result{Snapshot: name, Dir: filepath.Join(target, name), Records: records, Originals: len(shas)}

	// The originals it refers to, those not yet there copied.
	dirs := map[string]bool{}
	sizes := make([]int64, len(shas))
	var mu sync.Mutex
	var done atomic.Int64
	err = parallel(ctx, len(shas), copyWorkers, func(i int) error {
		sha := shas[i]
		src, err := blobs.Path(sha)
		if err != nil {
			return err
		}
		fi, err := os.Stat(src)
		if err != nil {
			return fmt.Errorf("bản gốc %s: %w (chạy motcua verify)", sha, err)
		}
		sizes[i] = fi.Size()
		dst := blobPath(target, sha)
		if have, err := os.Stat(dst); err != nil || have.Size() != fi.Size() {
			_, n, err := copyFile(src, dst, sha)
			if errors.Is(err, errHash) {
				return fmt.Errorf("bản gốc %s trong kho đã hỏng (nội dung không còn khớp SHA-256), không sao lưu: chạy motcua verify", src)
			}
			if err != nil {
				return fmt.Errorf("không chép được bản gốc %s vào %s: %w", sha, target, err)
			}
			mu.Lock()
			dirs[filepath.Dir(dst)] = true
			res.Copied++
			res.CopiedBytes += n
			mu.Unlock()
		}
		if opt.Progress != nil {
			opt.Progress(int(done.Add(1)), len(shas))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, sha := range shas {
		m.Originals = append(m.Originals, File{SHA256: sha, Size: sizes[i]})
		m.Bytes += sizes[i]
	}
	if len(dirs) > 0 {
		dirs[filepath.Join(target, blobsDir)] = true
	}
	if err := syncDirs(dirs); err != nil {
		return nil, err
	}

	// The manifest, then the snapshot becomes visible at once.
	sha, size, err := hashFile(dbPath)
	if err != nil {
		return nil, err
	}
	m.Database = File{SHA256: sha, Size: size}
	m.Bytes += size
	res.DatabaseBytes = size
	res.CopiedBytes += size
	res.Bytes = m.Bytes
	if err := writeManifest(tmp, m); err != nil {
		return nil, err
	}
	if err := syncDir(tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, res.Dir); err != nil {
		return nil, err
	}
	if err := syncDir(target); err != nil {
		return nil, err
	}
	if opt.Keep > 0 {
		if res.Pruned, err = prune(target, opt.Keep); err != nil {
			// The snapshot is written; say what retention could not do.
			return res, fmt.Errorf("đã sao lưu %s nhưng không xóa được bản cũ: %w", name, err)
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

// readSnapshot lists the originals a database copy refers to and counts
// its records.
func readSnapshot(ctx context.Context, path string) (shas []string, records int, err error) {
	snap, err := sqlite.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer func() {
		if cerr := snap.Close(); err == nil && cerr != nil {
			err = cerr
		}
		// The copy must be one file: the WAL, if any, was checkpointed.
		if _, serr := os.Stat(path + "-wal"); err == nil && serr == nil {
			err = fmt.Errorf("store: the database copy %s kept its WAL file", path)
		}
	}()
	if err := snap.Originals(ctx, func(sha string) error { shas = append(shas, sha); return nil }); err != nil {
		return nil, 0, err
	}
	st, err := snap.Stats(ctx)
	if err != nil {
		return nil, 0, err
	}
	return shas, st.Records, nil
}
