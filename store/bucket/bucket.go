// Package bucket keeps the originals in an object store through
// gocloud.dev/blob: an S3-compatible server (s3://BUCKET?endpoint=…), or
// any bucket gocloud opens. Objects are named as in the data folder,
// "ab/abcdef…" by SHA-256 (store.BlobKey), so a folder copied into a
// bucket, or a bucket mirrored to a folder, needs no renaming.
package bucket

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob" // s3://
	"gocloud.dev/gcerrors"

	"motcua/store"
)

// Blobs is store.Blobs on a gocloud bucket.
type Blobs struct {
	b    *blob.Bucket
	name string // the URL without secrets, for messages
	// Timeout bounds one Put or the opening of one read (default 2 min).
	Timeout time.Duration
}

// New wraps an open bucket; name says which one in messages.
func New(b *blob.Bucket, name string) *Blobs {
	return &Blobs{b: b, name: name, Timeout: 2 * time.Minute}
}

// Open opens the bucket a URL names. For s3:// with an endpoint (an
// S3-compatible server such as versitygw or MinIO), path-style addressing
// is the default (use_path_style=false turns it off) and so is the region
// us-east-1 when none is given. Credentials come from the usual AWS
// variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or files.
func Open(ctx context.Context, rawURL string) (*Blobs, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bucket: bad URL %q: %w", rawURL, err)
	}
	if u.Scheme == "s3" {
		q := u.Query()
		if q.Get("endpoint") != "" {
			if q.Get("use_path_style") == "" && q.Get("s3ForcePathStyle") == "" {
				q.Set("use_path_style", "true")
			}
			if q.Get("region") == "" {
				q.Set("region", "us-east-1")
			}
		}
		u.RawQuery = q.Encode()
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("bucket: unable to open %s: %w", u.Redacted(), err)
	}
	return New(b, u.Redacted()), nil
}

// String names the bucket.
func (b *Blobs) String() string { return b.name }

// Close closes the bucket.
func (b *Blobs) Close() error { return b.b.Close() }

// Put stores data under its SHA-256 unless the original is there already.
// An object of that name with another size is damage and is reported,
// never overwritten. The write is conditional (If-None-Match) where the
// store supports it, so that two machines putting the same original at
// once leave one object.
func (b *Blobs) Put(sha string, data []byte) error {
	key, err := store.BlobKey(sha)
	if err != nil {
		return err
	}
	if store.SHA256(data) != sha {
		return fmt.Errorf("bucket: original %s: content does not match its hash", sha)
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.Timeout)
	defer cancel()
	if done, err := b.stored(ctx, key, sha, len(data)); done || err != nil {
		return err
	}
	err = b.b.WriteAll(ctx, key, data, &blob.WriterOptions{
		ContentType: "application/octet-stream",
		IfNotExist:  true,
		Metadata:    map[string]string{"sha256": sha},
	})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		// Put by someone else since we looked.
		if done, err2 := b.stored(ctx, key, sha, len(data)); done || err2 != nil {
			return err2
		}
	}
	if err != nil {
		return fmt.Errorf("bucket: unable to save original %s in %s: %w", sha, b.name, err)
	}
	return nil
}

// stored says whether key holds the original already; an object with
// another size is an error.
func (b *Blobs) stored(ctx context.Context, key, sha string, size int) (bool, error) {
	a, err := b.b.Attributes(ctx, key)
	switch {
	case gcerrors.Code(err) == gcerrors.NotFound:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("bucket: unable to look up original %s in %s: %w", sha, b.name, err)
	case a.Size != int64(size):
		return false, fmt.Errorf("bucket: original %s in %s has %d bytes, not %d: it is damaged and is not overwritten (run motcua verify)", sha, b.name, a.Size, size)
	}
	return true, nil
}

// Open reads a stored original. The reader fails at its end when the
// bytes read are not as many as the object's size or do not have its
// SHA-256.
func (b *Blobs) Open(sha string) (io.ReadCloser, error) {
	key, err := store.BlobKey(sha)
	if err != nil {
		return nil, err
	}
	// The reader's context is cancelled by Close, or if the object has not
	// started to come within the timeout; a deadline would cut a long read.
	rctx, rcancel := context.WithCancel(context.Background())
	t := time.AfterFunc(b.Timeout, rcancel)
	r, err := b.b.NewReader(rctx, key, nil)
	if !t.Stop() && err == nil {
		r.Close()
		err = fmt.Errorf("no answer in %v", b.Timeout)
	}
	if err != nil {
		rcancel()
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, store.ErrNotFound
		}
		return nil, fmt.Errorf("bucket: unable to read original %s in %s: %w", sha, b.name, err)
	}
	return store.VerifiedReader(sha, &reader{r: r, cancel: rcancel}), nil
}

type reader struct {
	r      *blob.Reader
	cancel context.CancelFunc
}

func (r *reader) Read(p []byte) (int, error) { return r.r.Read(p) }

func (r *reader) Close() error {
	err := r.r.Close()
	r.cancel()
	return err
}

var _ store.Blobs = (*Blobs)(nil)
