package queue

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"motcua/store"
	"motcua/store/bucket"
)

// TestWorkFromBucket: originals queued into an S3 bucket (an in-process
// fake server) are read from there by a worker that has no folder of
// originals, as on another machine, and checked against their SHA-256.
func TestWorkFromBucket(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	backend := s3mem.New()
	if err := backend.CreateBucket("ban-goc"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "motcua")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "motcua-secret")
	u := "s3://ban-goc?endpoint=" + url.QueryEscape(srv.URL)
	open := func() *bucket.Blobs {
		b, err := bucket.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	in := filepath.Join(t.TempDir(), "cv1.png")
	os.WriteFile(in, page(t, 1), 0o644)
	if sum, err := Enqueue(ctx, db, open(), []string{in}, EnqueueOptions{}); err != nil || sum.Jobs != 1 {
		t.Fatalf("enqueue: %+v, %v", sum, err)
	}
	if _, err := backend.HeadObject("ban-goc", store.SHA256(page(t, 1))[:2]+"/"+store.SHA256(page(t, 1))); err != nil {
		t.Fatalf("the original is not in the bucket: %v", err)
	}
	if s := waitFor(t, db, open(), Config{Workers: 1}); s.Done != 1 || s.Failed != 0 {
		t.Fatalf("after the worker: %+v, want 1 done", s)
	}
	r, err := db.BySHA256(ctx, store.SHA256(page(t, 1)))
	if err != nil || r.SourceName != "cv1.png" {
		t.Errorf("stored record: %+v, %v", r, err)
	}
}
