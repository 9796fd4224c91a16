package pipeline

import (
	"os"
	"path/filepath"
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
