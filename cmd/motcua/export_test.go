package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/store"
)

// TestExportBagit: the command writes a record's bag where asked, says
// where, and logs the export in the audit log; bad command lines are
// refused before anything is read. (The bags themselves are validated in
// archive/bagit.)
func TestExportBagit(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	db, blobs, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 160, 90)))
	sha := store.SHA256(img.Bytes())
	if err := blobs.Put(sha, img.Bytes()); err != nil {
		t.Fatal(err)
	}
	r := &store.Record{SHA256: sha, SourceName: "giấy khai sinh.png", MediaType: "image/png", Size: int64(img.Len()),
		Status: store.StatusAuto, Visibility: store.Restricted, Pages: []store.Page{{N: 1, Width: 160, Height: 90}}}
	if err := db.Put(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(t.TempDir(), "luu-tru")
	for _, args := range [][]string{
		{"export"}, {"export", "csv", "--record", "1", "--out", out}, {"export", "bagit", "--record", "1"},
		{"export", "bagit", "--out", out}, {"export", "bagit", "--record", "1", "--since", "2026-01-01", "--out", out},
		{"export", "bagit", "--since", "hôm qua", "--out", out}, {"export", "bagit", "--record", "-3", "--out", out},
	} {
		if code, msg := runCLI(t, append(args, "--data", data)...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, msg)
		}
	}
	if code, msg := runCLI(t, "export", "bagit", "--record", "9", "--out", out, "--data", data); code != 1 || !strings.Contains(msg, "không có bản ghi 9") {
		t.Errorf("a record that does not exist: exit %d\n%s", code, msg)
	}
	if code, msg := runCLI(t, "export", "bagit", "--since", "2999-01-01", "--out", out, "--data", data); code != 0 || !strings.Contains(msg, "Không có bản ghi nào") {
		t.Errorf("nothing since: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused export made its folder")
	}
	code, msg := runCLI(t, "export", "bagit", "--record", "1", "--out", out, "--data", data, "--org", "UBND xã Đại Tự")
	bag := filepath.Join(out, "motcua-ban-ghi-1-v1")
	if code != 0 || !strings.Contains(msg, bag) || !strings.Contains(msg, "Đã ghi 1 túi BagIt 1.0") {
		t.Fatalf("export: exit %d\n%s", code, msg)
	}
	for _, f := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data/goc/giấy khai sinh.png", "data/ban-ghi-1.json", "data/ban-ghi-1.pdf"} {
		if _, err := os.Stat(filepath.Join(bag, f)); err != nil {
			t.Error(err)
		}
	}
	if info, _ := os.ReadFile(filepath.Join(bag, "bag-info.txt")); !strings.Contains(string(info), "Source-Organization: UBND xã Đại Tự\n") {
		t.Errorf("bag-info.txt:\n%s", info)
	}
	if code, msg := runCLI(t, "audit", "--data", data, "--action", "export", "--json"); code != 0 || !strings.Contains(msg, `"record_id":1`) || !strings.Contains(msg, "BagIt → "+out) {
		t.Errorf("the export is not in the audit log: exit %d\n%s", code, msg)
	}
	// The same bag again is refused, and the first stays.
	if code, msg := runCLI(t, "export", "bagit", "--since", "24h", "--out", out, "--data", data); code != 1 || !strings.Contains(msg, "đã có "+filepath.Join(out, "motcua-ban-ghi-1-v1")) {
		t.Errorf("export over an existing bag: exit %d\n%s", code, msg)
	}
}
