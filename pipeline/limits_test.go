package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The bombs in testdata/bombs are tiny files that declare huge pages
// (made by hand; see each case). Each is measured from its declared size
// before anything is decoded or rendered: refused, or a vector page
// rendered at a lower resolution.
var bombs = []struct {
	file string
	want string // in the refusal's reason; "" = digitized
}{
	{"pdf-page-10000pt.pdf", "quá khổ"},  // 10000 × 10000 pt: 1.7 gigapixels at 300 dpi
	{"pdf-page-200000pt.pdf", "quá khổ"}, // pdftoppm writes a blank 1×1 page for it
	{"pdf-image-100k.pdf", "quá lớn"},    // one grey image of 100000 × 100000
	{"png-rgba64-10000.png", "quá lớn"},  // 100 megapixels but 800 MB decoded
	{"jpeg-cmyk-10000.jpg", "quá lớn"},   // 400 MB decoded
	{"tiff-rgba64-10000.tif", "quá lớn"}, // 800 MB decoded
	{"pdf-page-3000pt.pdf", ""},          // 3000 × 3000 pt: rendered below 300 dpi
}

func TestBombsMeasuredFirst(t *testing.T) {
	for _, b := range bombs {
		path := filepath.Join("testdata", "bombs", b.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		src, err := OpenSource(path, data, DefaultLimits)
		switch {
		case err == nil && b.want == "":
			// Rendered (by TestBombsMemory) at a lower resolution.
			if r := src.pdf.rasters[0]; r.dpi >= renderDPI || r.long*r.long > renderMaxPixels*2 {
				t.Errorf("%s: rendered as %+v", b.file, r)
			}
		case err == nil:
			_, err = src.Prepared(0)
		}
		var ie *InputError
		switch {
		case b.want == "" && err != nil:
			t.Errorf("%s: %v, want it digitized at a lower resolution", b.file, err)
		case b.want != "" && (!errors.As(err, &ie) || !strings.Contains(ie.Reason, b.want)):
			t.Errorf("%s: %v, want a refusal saying %q", b.file, err, b.want)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: %s to measure", b.file, d)
		}
	}
}

// TestRenderSize: a vector page is rendered at 300 dpi when that stays
// within renderMaxPixels, else at the resolution that does, and refused
// below renderMinDPI.
func TestRenderSize(t *testing.T) {
	for _, c := range []struct {
		w, h    float64
		dpi     int
		refused bool
	}{
		{595, 842, 300, false},   // A4
		{842, 1191, 300, false},  // A3
		{2384, 3370, 127, false}, // A0
		{3000, 3000, 120, false},
		{10000, 10000, 0, true},
		{0, 0, 300, false}, // unknown: as A4
	} {
		r, err := renderSize(c.w, c.h)
		if (err != nil) != c.refused || !c.refused && (r.dpi < c.dpi-1 || r.dpi > c.dpi+1) {
			t.Errorf("%g × %g pt: %+v, %v; want %d dpi, refused %v", c.w, c.h, r, err, c.dpi, c.refused)
		}
		if err == nil && r.long*r.long > renderMaxPixels*2 {
			t.Errorf("%g × %g pt: long side %d", c.w, c.h, r.long)
		}
	}
}

// TestBombsMemory digitizes every bomb in a child process (this test
// binary again) and checks its peak memory: under 1 GiB of resident
// memory, with pdftoppm counted, the bombs stored as failures and the
// oversized vector page as a record.
func TestBombsMemory(t *testing.T) {
	if dir := os.Getenv("MOTCUA_BOMB_DIR"); dir != "" {
		bombChild(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBombsMemory$", "-test.v")
	cmd.Env = append(os.Environ(), "MOTCUA_BOMB_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	rss := ru.Maxrss << 10 // kilobytes on Linux
	t.Logf("peak resident memory of the child (pdftoppm included): %d MiB", rss>>20)
	if rss >= 1<<30 {
		t.Errorf("digitizing the bombs took %d MiB of resident memory, want under 1 GiB", rss>>20)
	}
	var sum Summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	refused := 0
	for _, b := range bombs {
		if b.want != "" {
			refused++
		}
	}
	if sum.Failed != refused || sum.Records() != len(bombs)-refused {
		t.Errorf("%d failed, %d records; want %d and %d: %+v", sum.Failed, sum.Records(), refused, len(bombs)-refused, sum.Failures)
	}
}

func bombChild(t *testing.T, dir string) {
	// A safety net only: a regression fails the test rather than the machine.
	lim := syscall.Rlimit{Cur: 6 << 30, Max: 6 << 30}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		t.Logf("no address-space limit: %v", err)
	}
	st := openTestStore(t, dir)
	var paths []string
	for _, b := range bombs {
		paths = append(paths, filepath.Join("testdata", "bombs", b.file))
	}
	sum, err := Digitize(context.Background(), st, st.blobs, paths, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(sum)
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Println(string(b))
}

// TestRenderFailure: a page pdftoppm cannot render (it then writes a
// blank 1×1 image and exits 0) is an error, never a blank page.
func TestRenderFailure(t *testing.T) {
	data, err := os.ReadFile("testdata/bombs/pdf-page-3000pt.pdf")
	if err != nil {
		t.Fatal(err)
	}
	img, err := rasterize(data, 1, raster{dpi: 300, long: 900_000})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Reason, "không dựng được ảnh trang 1") {
		t.Errorf("render of 900000 pixels a side: %v, %v; want a failure", img, err)
	}
	img, err = rasterize(data, 1, raster{dpi: 10, long: 417})
	if err != nil || img.Bounds().Dx() != 417 {
		t.Errorf("small render: %v, %v", img, err)
	}
}
