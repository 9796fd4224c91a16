// Package backup writes consistent snapshots of a data directory to a
// backup folder and restores them.
//
// A backup folder (TARGET) holds:
//
//	motcua-backup.txt           what the folder is, for a person who finds it
//	blobs/ab/abcdef…            the originals, by SHA-256, shared by every snapshot
//	2026-11-26T23-44-19.123Z/   one snapshot: motcua.db, manifest.json, manifest.sha256
//	.tmp-…/ .del-…/             a snapshot being written or deleted (never restored)
//
// A snapshot is written in a folder whose name starts with a dot, after
// every original it needs is in blobs/ and synced, and becomes a snapshot
// only when that folder is renamed, so a backup killed at any point leaves
// either a whole snapshot or none.
package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/internal/atomicfile"
)

// Format names the layout of a backup folder and of its manifests.
const Format = "motcua-backup/1"

// Names inside a backup folder and a snapshot.
const (
	markerFile   = "motcua-backup.txt"
	blobsDir     = "blobs"
	dbFile       = "motcua.db"
	manifestFile = "manifest.json"
	checksumFile = "manifest.sha256"
	lockFile     = ".lock"
	tmpPrefix    = ".tmp-"
	delPrefix    = ".del-"
)

// File is one file of a snapshot: its SHA-256 and size.
type File struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Manifest describes one snapshot: the database (motcua.db beside the
// manifest) and every original it refers to (blobs/<ab>/<sha256> in the
// backup folder).
type Manifest struct {
	Format    string    `json:"format"`
	Snapshot  string    `json:"snapshot"`
	CreatedAt time.Time `json:"created_at"`
	Motcua    string    `json:"motcua_version"`
	Schema    int       `json:"schema_version"`
	Records   int       `json:"records"`
	Bytes     int64     `json:"bytes"` // the database and the originals
	Database  File      `json:"database"`
	Originals []File    `json:"originals"`
}

// blobPath is where an original lives in a backup folder or data folder.
func blobPath(root, sha string) string {
	return filepath.Join(root, blobsDir, sha[:2], sha)
}

// writeManifest writes m and its checksum (in sha256sum's format, so that
// `sha256sum -c manifest.sha256` checks it too) into dir, synced.
func writeManifest(dir string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := atomicfile.Write(filepath.Join(dir, manifestFile), data, 0o444); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	line := hex.EncodeToString(sum[:]) + "  " + manifestFile + "\n"
	return atomicfile.Write(filepath.Join(dir, checksumFile), []byte(line), 0o444)
}

// readManifest reads a snapshot's manifest and checks it against its
// checksum and this motcua's format; a problem names the file.
func readManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &Problem{Path: filepath.Join(dir, manifestFile), What: "thiếu: đây không phải một bản sao lưu hoàn chỉnh"}
		}
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(dir, checksumFile))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &Problem{Path: filepath.Join(dir, checksumFile), What: "thiếu: không kiểm được manifest.json"}
		}
		return nil, err
	}
	want, _, _ := strings.Cut(string(sum), " ")
	got := sha256.Sum256(data)
	if want != hex.EncodeToString(got[:]) {
		return nil, &Problem{Path: filepath.Join(dir, manifestFile), What: "hỏng: SHA-256 không khớp manifest.sha256"}
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, &Problem{Path: filepath.Join(dir, manifestFile), What: "hỏng: " + err.Error()}
	}
	if m.Format != Format {
		return nil, &Problem{Path: filepath.Join(dir, manifestFile),
			What: fmt.Sprintf("định dạng %q, phiên bản motcua này đọc %q: khôi phục bằng motcua %s", m.Format, Format, m.Motcua)}
	}
	for _, f := range m.Originals {
		if !isSHA(f.SHA256) {
			return nil, &Problem{Path: filepath.Join(dir, manifestFile), What: fmt.Sprintf("hỏng: tên bản gốc %q", f.SHA256)}
		}
	}
	return &m, nil
}

func isSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// Problem is one file of a backup that is missing, damaged or incomplete.
type Problem struct {
	Path string // the file
	What string // what is wrong, in Vietnamese
}

func (p *Problem) Error() string { return p.Path + ": " + p.What }

// DamagedError refuses a snapshot and names its bad files.
type DamagedError struct {
	Snapshot string
	Problems []Problem
}

func (e *DamagedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bản sao lưu %s hỏng hoặc không đầy đủ, không khôi phục (%d tệp có vấn đề):", e.Snapshot, len(e.Problems))
	for i, p := range e.Problems {
		if i == 20 {
			fmt.Fprintf(&b, "\n  … và %d tệp nữa", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.Error())
	}
	return b.String()
}

// hashFile returns the SHA-256 and size of a file.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// copyFile copies src to dst through a temp file beside dst, hashing what
// it reads. The temp file becomes dst (read-only, synced) only when the
// content's SHA-256 is want; otherwise it is removed and errHash returned
// with what was read. dst's folder is not synced: see syncDirs.
func copyFile(src, dst, want string) (got string, n int64, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", 0, err
	}
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	h := sha256.New()
	if n, err = io.Copy(io.MultiWriter(out, h), in); err != nil {
		return "", n, fmt.Errorf("copy %s: %w", src, err)
	}
	if got = hex.EncodeToString(h.Sum(nil)); want != "" && got != want {
		return got, n, errHash
	}
	if err = out.Chmod(0o444); err != nil {
		return got, n, err
	}
	if err = out.Sync(); err != nil {
		return got, n, fmt.Errorf("sync %s: %w", dst, err)
	}
	if err = out.Close(); err != nil {
		return got, n, err
	}
	if err = os.Rename(out.Name(), dst); err != nil {
		return got, n, err
	}
	return got, n, nil
}

var errHash = fmt.Errorf("content does not match its SHA-256")

// syncDirs syncs folders, so that the files renamed into them survive a
// power cut.
func syncDirs(dirs map[string]bool) error {
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// copyWorkers is how many files are copied at once: a copy waits mostly
// on the disk's fsync, and several in flight share its latency.
const copyWorkers = 4

// parallel calls fn(0) … fn(n-1) from workers goroutines and returns the
// first error, after which no new call starts.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
