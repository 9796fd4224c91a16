package store

import (
	"io"
	"os"
	"path/filepath"
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
