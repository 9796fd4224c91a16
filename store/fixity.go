package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Fixity is the result of checking every stored original against the
// SHA-256 it is stored under.
type Fixity struct {
	At      time.Time `json:"at"`
	Checked int       `json:"checked"` // originals the database refers to
	Bytes   int64     `json:"bytes"`   // read and hashed
	// Missing and Corrupt are originals the database refers to that are
	// absent, or whose content no longer has their SHA-256.
	Missing []string `json:"missing"`
	Corrupt []string `json:"corrupt"`
	// Orphans are files in the blob folder that no record refers to: a
	// stray file, or an original whose record a killed digitize never
	// saved (a rerun uses it). They are reported, not damage.
	Orphans []string `json:"orphans"`
}

// OK says that no original is missing or corrupt.
func (f *Fixity) OK() bool { return len(f.Missing) == 0 && len(f.Corrupt) == 0 }

// CheckFixity recomputes the SHA-256 of every original db refers to and
// lists the files under blobs that none refers to. progress, if not nil,
// is called with the originals done and the total.
func CheckFixity(ctx context.Context, db Originals, blobs DirBlobs, progress func(done, total int)) (*Fixity, error) {
	f := &Fixity{At: time.Now().UTC(), Missing: []string{}, Corrupt: []string{}, Orphans: []string{}}
	var shas []string
	if err := db.Originals(ctx, func(sha string) error { shas = append(shas, sha); return nil }); err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(shas))
	for i, sha := range shas {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		want[sha] = true
		got, n, err := hashBlob(blobs, sha)
		f.Bytes += n
		switch {
		case errors.Is(err, ErrNotFound):
			f.Missing = append(f.Missing, sha)
		case err != nil:
			return nil, err
		case got != sha:
			f.Corrupt = append(f.Corrupt, sha)
		}
		if progress != nil {
			progress(i+1, len(shas))
		}
	}
	f.Checked = len(shas)
	err := blobs.Walk(func(rel, sha string, _ int64) error {
		if sha == "" || !want[sha] {
			f.Orphans = append(f.Orphans, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the originals in %s: %w", blobs.Dir, err)
	}
	return f, nil
}

// hashBlob returns the SHA-256 of a stored original's content and its size.
func hashBlob(blobs DirBlobs, sha string) (string, int64, error) {
	p, err := blobs.Path(sha)
	if err != nil {
		return "", 0, err
	}
	r, err := os.Open(p)
	if os.IsNotExist(err) {
		return "", 0, ErrNotFound
	}
	if err != nil {
		return "", 0, fmt.Errorf("store: unable to read original %s: %w", sha, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, fmt.Errorf("store: unable to read original %s: %w", sha, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
