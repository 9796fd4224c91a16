package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"motcua/backup"
	"motcua/search"
	"motcua/store"
)

// bandPages writes n page images cut from the sample scans (bands of
// text at different heights, so each is a file of its own) into a folder.
func bandPages(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var srcs []image.Image
	for _, name := range []string{"01-quyet-dinh-hoa-giai.png", "03-giay-tiep-nhan.png", "06-trich-luc-khai-sinh.png"} {
		f, err := os.Open(filepath.Join("../../testdata/scans", name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, img)
	}
	for i := range n {
		src := srcs[i%len(srcs)]
		b := src.Bounds()
		h := b.Dy() / 5
		y := b.Min.Y + b.Dy()/20 + (i/len(srcs))*b.Dy()/40
		band := image.NewRGBA(image.Rect(0, 0, b.Dx(), h))
		draw.Draw(band, band.Bounds(), src, image.Pt(b.Min.X, y), draw.Src)
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("trang-%02d.png", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, band); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

// TestBackupWhileDigitizing: backups taken while `motcua digitize` of 30
// pages runs in another process (real OCR) each restore to a consistent
// prefix: every record restored has its original and equals the source's
// record; the backup after digitize ends restores every record, found by
// search in the rebuilt index.
func TestBackupWhileDigitizing(t *testing.T) {
	const pages = 30
	in := bandPages(t, pages)
	data := filepath.Join(t.TempDir(), "data")
	target := filepath.Join(t.TempDir(), "sao-luu")
	cmd := exec.Command(os.Args[0], "digitize", "--data", data, "--workers", "1", in)
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("digitize said:\n%s", log.String())
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	type snap struct {
		dir     string
		records int
	}
	var during []snap
	take := func() (snap, bool) {
		code, out := runCLI(t, "backup", "--data", data, "--to", target, "--json")
		var res backup.Result
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
			return snap{}, false // the store is not there yet, or the run is just starting
		}
		return snap{res.Dir, res.Records}, true
	}
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("digitize: %v", err)
			}
			running = false
		case <-time.After(300 * time.Millisecond):
			if s, ok := take(); ok && s.records > 0 && s.records < pages {
				during = append(during, s)
			}
		}
	}
	last, ok := take()
	if !ok || last.records != pages {
		t.Fatalf("backup after digitize: %+v, want %d records", last, pages)
	}
	if len(during) == 0 {
		t.Fatal("no backup was taken while digitize ran")
	}
	t.Logf("%d backups while digitize ran (records %d … %d of %d)", len(during), during[0].records, during[len(during)-1].records, last.records)

	src, _, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	// The first, a middle one and the last taken during the run, and the
	// one after it.
	check := []snap{during[0], during[len(during)/2], during[len(during)-1], last}
	for i, s := range check {
		into := filepath.Join(t.TempDir(), fmt.Sprintf("khoi-phuc-%d", i))
		if code, out := runCLI(t, "restore", "--from", s.dir, "--data", into, "--catalogue", testCatalogue); code != 0 {
			t.Fatalf("restore %s: exit %d\n%s", s.dir, code, out)
		}
		if code, out := runCLI(t, "verify", "--data", into); code != 0 {
			t.Errorf("verify of the restore of %s: exit %d\n%s", s.dir, code, out)
		}
		db, _, err := openStore(into)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		err = db.All(ctx, false, func(r *store.Record) error {
			n++
			want, err := src.BySHA256(ctx, r.SHA256)
			if err != nil {
				return fmt.Errorf("restored record %d (%s) is not in the source: %w", r.ID, r.SourceName, err)
			}
			if want.ID != r.ID || want.Text != r.Text || !reflect.DeepEqual(want.Fields, r.Fields) {
				t.Errorf("restored record %d differs from the source's", r.ID)
			}
			return nil
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n != s.records {
			t.Errorf("%s: restored %d records, the backup said %d", s.dir, n, s.records)
		}
		if s == last {
			ix, err := openSearchIndex(into, testCatalogue)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(ctx, search.Request{Query: "hòa giải", Kind: search.KindRecord, Restricted: true})
			ix.Close()
			if err != nil || res.Total == 0 {
				t.Errorf("the restored archive's index finds no record of \"hòa giải\": %v", err)
			}
		}
	}
}
