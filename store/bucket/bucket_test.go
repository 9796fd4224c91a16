package bucket

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob/memblob"

	"motcua/store"
)

// TestBlobs runs the same cases on gocloud's in-memory bucket and on an
// in-process fake S3 server reached through s3:// (the real server is in
// TestRealS3).
func TestBlobs(t *testing.T) {
	t.Run("mem", func(t *testing.T) { testBlobs(t, New(memblob.OpenBucket(nil), "mem://")) })
	t.Run("fakes3", func(t *testing.T) { testBlobs(t, fakeS3(t)) })
}

// fakeS3 serves an in-memory S3 on loopback and opens a bucket there.
func fakeS3(t *testing.T) *Blobs {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("motcua"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "motcua")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "motcua-secret")
	b, err := Open(context.Background(), "s3://motcua?endpoint="+url.QueryEscape(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func testBlobs(t *testing.T, b *Blobs) {
	ctx := context.Background()
	data := []byte("bản gốc: giấy khai sinh")
	sha := store.SHA256(data)
	if err := b.Put(sha, data); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.b.Exists(ctx, sha[:2]+"/"+sha); !ok || err != nil {
		t.Errorf("object %s/%s: exists %v, %v", sha[:2], sha, ok, err)
	}
	if err := b.Put(sha, data); err != nil {
		t.Errorf("second Put of the same original: %v", err)
	}
	if got := read(t, b, sha); string(got) != string(data) {
		t.Errorf("read back %q", got)
	}
	if err := b.Put(sha, []byte("khác")); err == nil {
		t.Error("Put with a wrong hash should fail")
	}
	if err := b.Put("../../etc", nil); err == nil {
		t.Error("Put with a bad name should fail")
	}
	if _, err := b.Open(store.SHA256([]byte("x"))); err != store.ErrNotFound {
		t.Errorf("missing original: %v, want store.ErrNotFound", err)
	}

	// Several machines putting one original at once all succeed.
	big := make([]byte, 300<<10)
	rand.Read(big)
	bigSHA := store.SHA256(big)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = b.Put(bigSHA, big) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Put %d: %v", i, err)
		}
	}
	if got := read(t, b, bigSHA); string(got) != string(big) {
		t.Errorf("read back %d bytes, want %d", len(got), len(big))
	}

	// A damaged object is found on reading and never overwritten.
	bad := []byte("bản gốc này sẽ bị sửa")
	badSHA := store.SHA256(bad)
	if err := b.b.WriteAll(ctx, badSHA[:2]+"/"+badSHA, []byte("bản gốc đã bị sửa!"), nil); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open(badSHA)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	var ce *store.CorruptBlobError
	if !errors.As(err, &ce) || ce.SHA256 != badSHA {
		t.Errorf("reading a damaged original: %v, want a CorruptBlobError", err)
	}
	if err := b.Put(badSHA, bad); err == nil {
		t.Error("Put over a damaged original of another size should say so")
	}
	if got, _ := b.b.ReadAll(ctx, badSHA[:2]+"/"+badSHA); string(got) != "bản gốc đã bị sửa!" {
		t.Errorf("the damaged original was overwritten with %q", got)
	}
}

func read(t *testing.T, b *Blobs, sha string) []byte {
	t.Helper()
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", sha, err)
	}
	return got
}

// realS3Env names the variable holding the endpoint of a real
// S3-compatible server (versitygw in CI, started by .ci/run); the
// credentials are in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
const realS3Env = "MOTCUA_TEST_S3"

// realS3 makes a bucket of its own on the real server and opens it.
func realS3(t testing.TB) (*Blobs, string) {
	t.Helper()
	endpoint := os.Getenv(realS3Env)
	if endpoint == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI: .ci/run starts versitygw and sets it", realS3Env)
		}
		t.Skipf("no S3-compatible server: set %s=http://127.0.0.1:PORT and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (as .ci/run does with versitygw)", realS3Env)
	}
	name := "motcua-test-" + randomHex(6)
	if err := createBucket(context.Background(), endpoint, name); err != nil {
		t.Fatalf("creating bucket %s on %s: %v", name, endpoint, err)
	}
	u := "s3://" + name + "?endpoint=" + url.QueryEscape(endpoint)
	b, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, u
}

func randomHex(n int) string {
	p := make([]byte, n)
	rand.Read(p)
	return hex.EncodeToString(p)
}

// TestRealS3 runs the cases on a real S3-compatible server, and checks
// that it refuses a request signed with the wrong secret (SigV4).
func TestRealS3(t *testing.T) {
	b, u := realS3(t)
	testBlobs(t, b)

	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	wrong, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	data := []byte("ký sai")
	if err := wrong.Put(store.SHA256(data), data); err == nil {
		t.Error("a Put signed with the wrong secret was accepted: is this a real S3 server?")
	}
}
