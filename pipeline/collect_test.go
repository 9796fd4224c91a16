package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestCollectNonRegular: a FIFO (or a device) named on the command line is
// refused, not opened (opening a FIFO waits for a writer forever); one met
// in a folder is passed over.
func TestCollectNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "scan.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.png")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	files, fails := Collect([]string{fifo, link, "/dev/null", dir})
	if len(files) != 0 {
		t.Errorf("files %q, want none", files)
	}
	if len(fails) != 3 {
		t.Fatalf("failures %+v, want 3", fails)
	}
	for _, f := range fails {
		if !strings.Contains(f.Reason, "không phải tệp thường") {
			t.Errorf("%s: %s", f.Path, f.Reason)
		}
	}
}

// TestNaturalOrder: a session's pages in the order people number them.
func TestNaturalOrder(t *testing.T) {
	for _, c := range []struct {
		in, want []string
	}{
		{[]string{"scan10.png", "scan2.png", "scan1.png"}, []string{"scan1.png", "scan2.png", "scan10.png"}},
		{[]string{"trang 10.jpg", "trang 9.jpg", "trang 09b.jpg"}, []string{"trang 9.jpg", "trang 09b.jpg", "trang 10.jpg"}},
		{[]string{"b/1.png", "a/2.png", "a/10.png"}, []string{"a/2.png", "a/10.png", "b/1.png"}},
		{[]string{"x-002.tif", "x-001.tif", "x.tif"}, []string{"x-001.tif", "x-002.tif", "x.tif"}},
		{[]string{"99999999999999999999999.png", "100000000000000000000000.png"}, []string{"99999999999999999999999.png", "100000000000000000000000.png"}},
	} {
		got := slices.Clone(c.in)
		slices.SortStableFunc(got, naturalCompare)
		if !slices.Equal(got, c.want) {
			t.Errorf("sorted %q = %q, want %q", c.in, got, c.want)
		}
	}
	dir := t.TempDir()
	for _, n := range []string{"trang-10.png", "trang-2.png", "trang-1.png"} {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	files, _ := Collect([]string{dir})
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if !slices.Equal(names, []string{"trang-1.png", "trang-2.png", "trang-10.png"}) {
		t.Errorf("Collect order %q", names)
	}
}
