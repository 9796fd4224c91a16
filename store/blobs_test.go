package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirBlobs(t *testing.T) {
	b := DirBlobs{Dir: t.TempDir()}
	data := []byte("bản gốc")
	sha := SHA256(data)
	if err := b.Put(sha, data); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(sha, data); err != nil {
		t.Fatalf("second Put of the same blob: %v", err)
	}
	fi, err := os.Stat(filepath.Join(b.Dir, sha[:2], sha))
	if err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("blob file: %v %v", err, fi)
	}
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != string(data) {
		t.Errorf("read back %q", got)
	}
	if err := b.Put(sha, []byte("khác")); err == nil {
		t.Error("Put with a wrong hash should fail")
	}
	if err := b.Put("../../etc", nil); err == nil {
		t.Error("Put with a bad name should fail")
	}
	if _, err := b.Open(SHA256([]byte("x"))); err != ErrNotFound {
		t.Errorf("missing blob: %v", err)
	}
}

func TestDirBlobsCorruptRead(t *testing.T) {
	b := DirBlobs{Dir: t.TempDir()}
	data := []byte("bản gốc sẽ hỏng")
	sha := SHA256(data)
	if err := b.Put(sha, data); err != nil {
		t.Fatal(err)
	}
	p, _ := b.Path(sha)
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, []byte("bản gốc đã hỏng"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	var ce *CorruptBlobError
	if !errors.As(err, &ce) || ce.SHA256 != sha {
		t.Errorf("reading a damaged original: %v, want a CorruptBlobError", err)
	}
}

func TestBlobKey(t *testing.T) {
	sha := SHA256([]byte("x"))
	for _, tc := range []struct {
		sha, want string
	}{
		{sha, sha[:2] + "/" + sha},
		{strings.ToUpper(sha), ""},
		{sha[:63], ""},
		{"../" + sha[3:], ""},
		{strings.Repeat("g", 64), ""},
	} {
		got, err := BlobKey(tc.sha)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("BlobKey(%q) = %q, %v; want %q", tc.sha, got, err, tc.want)
		}
	}
}
