package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"motcua/internal/atomicfile"
)

// markerText is written once into a new backup folder.
const markerText = `Kho sao lưu motcua (` + Format + `).
Mỗi thư mục con có tên là thời điểm (UTC) là một bản sao lưu: cơ sở dữ liệu
và manifest.json (SHA-256 của mọi tệp); blobs/ giữ các bản gốc, dùng chung.
Khôi phục: motcua restore --from <thư mục này> --data <thư mục dữ liệu mới>
Xem các bản: motcua backup --list --to <thư mục này>
`

// ErrBusy is returned when another backup holds the backup folder.
var ErrBusy = errors.New("thư mục sao lưu đang được một lệnh motcua backup hoặc restore khác dùng, thử lại sau")

// prepareTarget creates the backup folder, or checks that an existing one
// is a motcua backup folder (or empty).
func prepareTarget(target string) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return fmt.Errorf("không tạo được thư mục sao lưu %s: %w", target, err)
	}
	if _, err := os.Stat(filepath.Join(target, markerFile)); err == nil {
		return nil
	}
	ents, err := os.ReadDir(target)
	if err != nil {
		return fmt.Errorf("không đọc được thư mục sao lưu %s: %w", target, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+markerFile+".tmp") {
			// A backup killed while it wrote the marker left its temp file.
			if err := os.Remove(filepath.Join(target, e.Name())); err != nil {
				return fmt.Errorf("không dọn được %s: %w", filepath.Join(target, e.Name()), err)
			}
			continue
		}
		if e.Name() != lockFile {
			return fmt.Errorf("thư mục %s có dữ liệu khác, không phải kho sao lưu motcua (thiếu %s): chọn một thư mục con trống, ví dụ %s",
				target, markerFile, filepath.Join(target, "motcua-sao-luu"))
		}
	}
	return atomicfile.Write(filepath.Join(target, markerFile), []byte(markerText), 0o644)
}

// lock takes the backup folder's lock: exclusive for a backup (which may
// delete old snapshots), shared for a restore. It fails at once when
// another process holds it; a killed process's lock is released by the
// system. Where the file system has no locks (some network shares), the
// work goes on unlocked.
func lock(target string, exclusive bool) (unlock func(), err error) {
	path := filepath.Join(target, lockFile)
	var f *os.File
	if exclusive {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("không khóa được thư mục sao lưu %s: %w", target, err)
		}
	} else if f, err = os.Open(path); err != nil {
		return func() {}, nil // a read-only backup disk, or a copy without the lock file
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("%w: %s", ErrBusy, target)
		}
		// ENOLCK, EOPNOTSUPP: no locks here.
	}
	return func() { f.Close() }, nil
}

// snapshotName names a snapshot by its time, so that names sort by time.
func snapshotName(t time.Time) string {
	return t.UTC().Format("2006-01-02T15-04-05.000Z")
}

// Entry is one snapshot in a backup folder.
type Entry struct {
	Name     string
	Dir      string
	Manifest *Manifest // nil when Err
	Err      error     // the manifest is missing or damaged
}

// List returns the snapshots in a backup folder, oldest first. Only the
// manifests are checked (against their checksums), not the files.
func List(target string) ([]Entry, error) {
	ents, err := os.ReadDir(target)
	if err != nil {
		return nil, fmt.Errorf("không đọc được thư mục sao lưu %s: %w", target, err)
	}
	var out []Entry
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() || n == blobsDir || strings.HasPrefix(n, ".") {
			continue
		}
		en := Entry{Name: n, Dir: filepath.Join(target, n)}
		en.Manifest, en.Err = readManifest(en.Dir)
		out = append(out, en)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// removeStale deletes what killed backups left: snapshots never finished
// and snapshots half deleted. The caller holds the exclusive lock.
func removeStale(target string) error {
	ents, err := os.ReadDir(target)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() && (strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), delPrefix)) {
			if err := removeAll(filepath.Join(target, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeAll removes a folder whose files are read-only.
func removeAll(dir string) error {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// Pruned says what retention removed.
type Pruned struct {
	Snapshots []string // names
	Originals int      // originals no remaining snapshot needs
	Bytes     int64
}

// prune keeps the newest keep snapshots, then deletes the originals that
// none of them needs (and the temp files of killed copies). A snapshot is
// first renamed out of sight, so that a kill leaves no half-deleted one.
// If any remaining manifest cannot be read, no original is deleted. The
// caller holds the exclusive lock.
func prune(target string, keep int) (Pruned, error) {
	var p Pruned
	snaps, err := List(target)
	if err != nil {
		return p, err
	}
	if keep > 0 && len(snaps) > keep {
		for _, s := range snaps[:len(snaps)-keep] {
			del := filepath.Join(target, delPrefix+s.Name)
			if err := os.Rename(s.Dir, del); err != nil {
				return p, err
			}
			if err := removeAll(del); err != nil {
				return p, err
			}
			p.Snapshots = append(p.Snapshots, s.Name)
		}
		snaps = snaps[len(snaps)-keep:]
	}
	need := map[string]bool{}
	for _, s := range snaps {
		if s.Err != nil {
			return p, fmt.Errorf("không dọn bản gốc thừa vì không đọc được bản sao lưu %s: %w", s.Name, s.Err)
		}
		for _, f := range s.Manifest.Originals {
			need[f.SHA256] = true
		}
	}
	err = filepath.WalkDir(filepath.Join(target, blobsDir), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || need[d.Name()] {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		p.Originals++
		p.Bytes += fi.Size()
		return nil
	})
	return p, err
}
