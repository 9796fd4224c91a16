package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"motcua/internal/atomicfile"
)

// Blobs keeps original files by their SHA-256, written once and never
// modified: DirBlobs in a folder, store/bucket in an object store (S3).
// Put refuses data whose SHA-256 is not sha and never replaces a stored
// original; Open returns ErrNotFound for a missing one, and its reader
// fails with a *CorruptBlobError at the end when the content read does not
// have its SHA-256.
type Blobs interface {
	Put(sha string, data []byte) error
	Open(sha string) (io.ReadCloser, error)
}

// BlobKey is where the original sha is kept under a folder or bucket:
// "ab/abcdef…" (the first two hex digits, then the whole SHA-256). It
// refuses anything but 64 lower-case hex digits.
func BlobKey(sha string) (string, error) {
	if len(sha) != 64 || strings.ToLower(sha) != sha {
		return "", fmt.Errorf("store: bad blob name %q", sha)
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", fmt.Errorf("store: bad blob name %q", sha)
	}
	return sha[:2] + "/" + sha, nil
}

// CorruptBlobError says that a stored original no longer has the content
// its name promises.
type CorruptBlobError struct {
	SHA256 string
	Got    string // SHA-256 of what was read
	Size   int64  // bytes read
}

func (e *CorruptBlobError) Error() string {
	return fmt.Sprintf("store: original %s is damaged: its %d bytes have SHA-256 %s (run motcua verify)", e.SHA256, e.Size, e.Got)
}

// VerifiedReader reads rc and, at its end, checks that what was read has
// the SHA-256 sha: the last Read returns a *CorruptBlobError instead of
// io.EOF when it does not. A reader closed before its end is not checked.
func VerifiedReader(sha string, rc io.ReadCloser) io.ReadCloser {
	return &verifiedReader{sha: sha, rc: rc, h: sha256.New()}
}

type verifiedReader struct {
	sha  string
	rc   io.ReadCloser
	h    hash.Hash
	n    int64
	done error
}

func (v *verifiedReader) Read(p []byte) (int, error) {
	if v.done != nil {
		return 0, v.done
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.sha {
			err = &CorruptBlobError{SHA256: v.sha, Got: got, Size: v.n}
		}
		v.done = err
	}
	return n, err
}

func (v *verifiedReader) Close() error { return v.rc.Close() }

// Originals is what the database knows of the stored originals: backup
// copies them, the fixity check hashes them. Every table that names an
// original is read here, so that a new one is added in one place.
type Originals interface {
	// Originals calls fn with the SHA-256 of every original the database
	// refers to, once each, in ascending order. Stop early by returning an
	// error.
	Originals(ctx context.Context, fn func(sha string) error) error
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

// Path is where the original sha is kept (or would be).
func (b DirBlobs) Path(sha string) (string, error) { return b.path(sha) }

func (b DirBlobs) path(sha string) (string, error) {
	key, err := BlobKey(sha)
	if err != nil {
		return "", err
	}
	return filepath.Join(b.Dir, filepath.FromSlash(key)), nil
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

// Open opens a stored original; reading it to its end checks its SHA-256.
func (b DirBlobs) Open(sha string) (io.ReadCloser, error) {
	p, err := b.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return VerifiedReader(sha, f), nil
}

// Walk calls fn for every file under the folder, in lexical order: sha is
// the SHA-256 the file's place names, or "" for a file that is not where
// an original would be (a stray file, a temp file a kill left behind);
// rel is its path under the folder.
func (b DirBlobs) Walk(fn func(rel, sha string, size int64) error) error {
	err := filepath.WalkDir(b.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(b.Dir, p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		sha := filepath.Base(p)
		if want, err := b.path(sha); err != nil || want != p || !fi.Mode().IsRegular() || strings.ToLower(sha) != sha {
			sha = ""
		}
		return fn(filepath.ToSlash(rel), sha, fi.Size())
	})
	if os.IsNotExist(err) {
		return nil
	}
	return err
}
