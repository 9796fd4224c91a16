package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"motcua/internal/atomicfile"
)

// Blobs keeps original files by their SHA-256, written once and never
// modified. An object store (S3) can be added behind the same methods.
type Blobs interface {
	Put(sha string, data []byte) error
	Open(sha string) (io.ReadCloser, error)
}

// MaxOriginalSize is the largest original file accepted, in bytes.
const MaxOriginalSize int64 = 1 << 30

// DirBlobs stores blobs as read-only files under a folder:
// DIR/ab/abcdef….
type DirBlobs struct{ Dir string }

// SHA256 returns the hex SHA-256 of data.
func SHA256(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func (b DirBlobs) path(sha string) (string, error) {
	if len(sha) != 64 {
		return "", fmt.Errorf("store: bad blob name %q", sha)
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", fmt.Errorf("store: bad blob name %q", sha)
	}
	return filepath.Join(b.Dir, sha[:2], sha), nil
}

// Put writes data under its hash unless a complete copy is already there.
// The file appears whole or not at all (temp file, fsync, rename).
func (b DirBlobs) Put(sha string, data []byte) error {
	if SHA256(data) != sha {
		return fmt.Errorf("store: blob %s: content does not match its hash", sha)
	}
	p, err := b.path(sha)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(p); err == nil && fi.Size() == int64(len(data)) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("store: unable to save original %s: %w", sha, err)
	}
	if err := atomicfile.Write(p, data, 0o444); err != nil {
		return fmt.Errorf("store: unable to save original %s: %w", sha, err)
	}
	return nil
}

// Open opens a stored original.
func (b DirBlobs) Open(sha string) (io.ReadCloser, error) {
	p, err := b.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, ErrNotFound
	}
	return f, err
}

// Original reads a record's original file from b: the one place that
// knows where a record's original is kept.
func Original(b Blobs, r *Record) ([]byte, error) {
	rc, err := b.Open(r.SHA256)
	if err != nil {
		return nil, fmt.Errorf("store: original of record %d: %w", r.ID, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxOriginalSize+1))
	if err != nil {
		return nil, fmt.Errorf("store: original of record %d: %w", r.ID, err)
	}
	return data, nil
}
