package queue

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/scanmaker"
	"motcua/pipeline"
	"motcua/store"
	"motcua/store/postgres"
	"motcua/store/storetest"
)

// page is a small letter numbered n.
func page(t testing.TB, n int) []byte {
	t.Helper()
	b, err := scanmaker.Letter(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openDB(t *testing.T) *postgres.DB {
	t.Helper()
	url := storetest.Postgres(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(ctx, db.Pool()); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, db.Pool()); err != nil { // again: nothing to do
		t.Fatal(err)
	}
	return db
}

// waitFor runs a worker until the queue has no job waiting, running or
// retrying, and returns the counts.
func waitFor(t *testing.T, db *postgres.DB, blobs store.Blobs, cfg Config) Status {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Work(ctx, db, blobs, cfg) }()
	deadline := time.Now().Add(60 * time.Second)
	var s Status
	for {
		var err error
		if s, err = Stat(context.Background(), db.Pool()); err != nil {
			t.Fatal(err)
		}
		if s.Waiting+s.Running+s.Retrying == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue is not done after a minute: %+v", s)
		}
		select {
		case err := <-done:
			t.Fatalf("the worker stopped: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEnqueueWork queues three letters (one of them twice), a file that is
// no image and an original that disappears from the store: each letter is
// stored exactly once, the bad file at once and the missing original after
// its last attempt are stored failures with their reasons, and the counts
// say so.
func TestEnqueueWork(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	blobs := store.DirBlobs{Dir: filepath.Join(dir, "blobs")}
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	for i := range 3 {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("cv%d.png", i+1)), page(t, i+1), 0o644)
	}
	bad := filepath.Join(in, "hong.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nnot a png at all"), 0o644)

	sum, err := Enqueue(ctx, db, blobs, []string{in}, EnqueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != 4 || sum.Jobs != 4 {
		t.Errorf("first enqueue: %+v, want 4 files, 4 jobs", sum)
	}
	again, err := Enqueue(ctx, db, blobs, []string{filepath.Join(in, "cv1.png")}, EnqueueOptions{})
	if err != nil || again.Jobs != 0 || again.Queued != 1 {
		t.Errorf("the same file queued again: %+v, %v; want no new job", again, err)
	}
	// An original lost from the store: not the document's fault, so it is
	// retried; with one attempt, that one is the last.
	lost := filepath.Join(dir, "mat.png")
	os.WriteFile(lost, page(t, 9), 0o644)
	if _, err := Enqueue(ctx, db, blobs, []string{lost}, EnqueueOptions{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	p, _ := blobs.Path(store.SHA256(page(t, 9)))
	os.Chmod(filepath.Dir(p), 0o755)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if s, err := Stat(ctx, db.Pool()); err != nil || s.Waiting != 5 {
		t.Errorf("before the worker: %+v, %v; want 5 waiting", s, err)
	}

	var mu sync.Mutex
	var stored []string
	s := waitFor(t, db, blobs, Config{Workers: 2, Stored: func(r *store.Record) {
		mu.Lock()
		defer mu.Unlock()
		stored = append(stored, r.SourceName)
	}})
	if s.Done != 3 || s.Failed != 2 || s.PerMinute != 3.0/latencyWindow.Minutes() {
		t.Errorf("counts after the worker: %+v, want 3 done, 2 failed", s)
	}
	seen := map[string]int{}
	n := 0
	err = db.All(ctx, false, func(r *store.Record) error {
		n++
		seen[r.SourceName]++
		if r.DocType != "Công văn" || len(r.Pages) != 1 {
			t.Errorf("record %s: %q, %d pages", r.SourceName, r.DocType, len(r.Pages))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(stored) != 3 || seen["cv1.png"] != 1 || seen["cv2.png"] != 1 || seen["cv3.png"] != 1 {
		t.Errorf("records %v, want cv1..3.png once each", seen)
	}
	fails, err := db.Failures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, f := range fails {
		reasons[f.Path] = f.Reason
	}
	if len(fails) != 2 || !strings.Contains(reasons[bad], "bị hỏng") || !strings.Contains(reasons[lost], "không đọc được bản gốc") {
		t.Errorf("failures %v", reasons)
	}
	lat, run, err := Latencies(ctx, db.Pool(), time.Now().Add(-time.Hour))
	if err != nil || len(lat) != 3 || len(run) != 3 || run[0] <= 0 || lat[0] < run[0] {
		t.Errorf("latencies %v, runs %v, %v", lat, run, err)
	}
}

// TestJobTimeout: a job that outlives its timeout on its last attempt is
// a stored failure that says so.
func TestJobTimeout(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	blobs := store.DirBlobs{Dir: filepath.Join(dir, "blobs")}
	path := filepath.Join(dir, "cv.png")
	os.WriteFile(path, page(t, 1), 0o644)
	if _, err := Enqueue(ctx, db, blobs, []string{path}, EnqueueOptions{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, db, blobs, Config{JobTimeout: time.Millisecond})
	fails, err := db.Failures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Failed != 1 || len(fails) != 1 || !strings.Contains(fails[0].Reason, "quá thời gian") {
		t.Errorf("after a timeout: %+v, failures %v", s, fails)
	}
}

func TestMain(m *testing.M) {
	if err := pipeline.ReexecForOMP(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
