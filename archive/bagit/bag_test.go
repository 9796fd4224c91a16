package bagit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/sqlite"
)

// validate checks a bag against RFC 8493 as an archive's ingest would,
// without any of the writing code: every payload file is hashed again and
// must be in the manifest with that hash, and every manifest line must
// name a payload file; every tag manifest line is recomputed; the
// Payload-Oxum is recounted. It returns the problems found.
func validate(dir string) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	sum := func(p string) (string, int64) {
		b, err := os.ReadFile(p)
		if err != nil {
			fail("%v", err)
			return "", 0
		}
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:]), int64(len(b))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "bagit.txt")); err != nil || string(b) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		fail("bagit.txt: %q %v", b, err)
	}
	// The payload as it is on disk.
	payload := map[string]string{}
	var octets int64
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fail("%v", err)
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			h, n := sum(p)
			payload[filepath.ToSlash(rel)], octets = h, octets+n
		}
		return nil
	})
	// manifest lines: checksum, whitespace, path (CR, LF and % encoded).
	lines := func(name string) [][2]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			fail("%v", err)
			return nil
		}
		defer f.Close()
		var out [][2]string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			m := regexp.MustCompile(`^([0-9a-f]{64})[ \t]+(.+)$`).FindStringSubmatch(sc.Text())
			if m == nil {
				fail("%s: bad line %q", name, sc.Text())
				continue
			}
			p := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(m[2])
			out = append(out, [2]string{m[1], p})
		}
		return out
	}
	listed := map[string]bool{}
	for _, l := range lines("manifest-sha256.txt") {
		want, ok := payload[l[1]]
		switch {
		case !strings.HasPrefix(l[1], "data/"):
			fail("manifest: %s is not under data/", l[1])
		case !ok:
			fail("manifest: %s is not in the payload", l[1])
		case want != l[0]:
			fail("manifest: %s has SHA-256 %s, the manifest says %s", l[1], want, l[0])
		case listed[l[1]]:
			fail("manifest: %s listed twice", l[1])
		}
		listed[l[1]] = true
	}
	for p := range payload {
		if !listed[p] {
			fail("payload file %s is not in the manifest", p)
		}
	}
	// Tag files: every file beside data/ but the tag manifest itself.
	tagged := map[string]bool{}
	for _, l := range lines("tagmanifest-sha256.txt") {
		if h, _ := sum(filepath.Join(dir, filepath.FromSlash(l[1]))); h != l[0] {
			fail("tag manifest: %s has SHA-256 %s, the tag manifest says %s", l[1], h, l[0])
		}
		tagged[l[1]] = true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "data" && n != "tagmanifest-sha256.txt" && !tagged[n] {
			fail("tag file %s is not in the tag manifest", n)
		}
	}
	for _, n := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt"} {
		if !tagged[n] {
			fail("tag manifest lacks %s", n)
		}
	}
	// bag-info.txt: the reserved labels asked for, and the Oxum recounted.
	info := map[string]string{}
	b, _ := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		label, value, ok := strings.Cut(l, ": ")
		if !ok || label == "" {
			fail("bag-info.txt: bad line %q", l)
		}
		info[label] = value
	}
	for _, k := range []string{"Source-Organization", "Bagging-Date", "External-Identifier", "Payload-Oxum"} {
		if info[k] == "" {
			fail("bag-info.txt lacks %s", k)
		}
	}
	if want := strconv.FormatInt(octets, 10) + "." + strconv.Itoa(len(payload)); info["Payload-Oxum"] != want {
		fail("Payload-Oxum %s, the payload is %s", info["Payload-Oxum"], want)
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(info["Bagging-Date"]) {
		fail("Bagging-Date %q", info["Bagging-Date"])
	}
	return bad
}

func bagInfoOf(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWrite: a bag of awkward names is valid; the validator catches a
// changed byte, a stray file and a wrong Oxum.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tui")
	files := []File{
		Bytes("goc/trích lục <1>.png", []byte("ảnh")),
		Bytes("100% chắc.txt", []byte("phần trăm")),
		Bytes("a/b/rỗng", nil),
	}
	info := Info{SourceOrganization: "UBND xã\nĐại Tự", ExternalIdentifier: "x-1", BaggingDate: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	if err := Write(dir, info, files); err != nil {
		t.Fatal(err)
	}
	if bad := validate(dir); len(bad) > 0 {
		t.Fatalf("the bag is not valid:\n%s", strings.Join(bad, "\n"))
	}
	want := "Source-Organization: UBND xã Đại Tự\nBagging-Date: 2026-11-26\nExternal-Identifier: x-1\nPayload-Oxum: 17.3\n"
	if got := bagInfoOf(t, dir); got != want {
		t.Errorf("bag-info.txt:\n%s\nwant:\n%s", got, want)
	}
	var exists *ExistsError
	if err := Write(dir, info, files); !errors.As(err, &exists) {
		t.Errorf("a second bag over the first: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func()
		want   string
	}{
		{"a changed byte", func() { os.WriteFile(filepath.Join(dir, "data/goc/trích lục <1>.png"), []byte("ảnH"), 0o644) }, "has SHA-256"},
		{"a stray file", func() { os.WriteFile(filepath.Join(dir, "data/lạ.txt"), nil, 0o644) }, "not in the manifest"},
		{"a wrong Oxum", func() {
			os.WriteFile(filepath.Join(dir, "bag-info.txt"), []byte(strings.Replace(want, "17.3", "17.2", 1)), 0o644)
		}, "Payload-Oxum 17.2"},
	} {
		c.change()
		if bad := strings.Join(validate(dir), "\n"); !strings.Contains(bad, c.want) {
			t.Errorf("%s: the validator says %q, want %q", c.name, bad, c.want)
		}
	}
}

// A bag whose payload fails is not written, and leaves nothing behind.
func TestWriteFailure(t *testing.T) {
	parent := t.TempDir()
	files := []File{Bytes("a", []byte("a")), {Path: "b", Write: func(string) error { return errors.New("đĩa đầy") }}}
	err := Write(filepath.Join(parent, "tui"), Info{}, files)
	if err == nil || !strings.Contains(err.Error(), "đĩa đầy") {
		t.Errorf("error %v", err)
	}
	for _, bad := range [][]File{{Bytes("../a", nil)}, {Bytes("/a", nil)}, {Bytes("a", nil), Bytes("a", nil)}, {Bytes("", nil)}} {
		if err := Write(filepath.Join(parent, "tui"), Info{}, bad); err == nil {
			t.Errorf("payload %q accepted", bad[0].Path)
		}
	}
	if left, _ := os.ReadDir(parent); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.Set(5, 5, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExport: two records from a real store, with their originals, JSON
// and searchable PDFs (real OCR, of small pages to stay fast), as two
// valid bags of one group.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs := store.DirBlobs{Dir: filepath.Join(dir, "blobs")}
	ctx := context.Background()
	var ids []int64
	for i, data := range [][]byte{pngOf(t, 240, 120), pngOf(t, 200, 120)} {
		sha := store.SHA256(data)
		if err := blobs.Put(sha, data); err != nil {
			t.Fatal(err)
		}
		r := &store.Record{SHA256: sha, SourceName: fmt.Sprintf("trích lục %d.png", i+1), MediaType: "image/png", Size: int64(len(data)),
			Status: store.StatusReview, Visibility: store.Restricted, Text: "TRÍCH LỤC KHAI SINH",
			Fields: store.Fields{DocType: "Trích lục khai sinh", NumberSymbol: "215/TLKS-BS"}, Pages: []store.Page{{N: 1, Width: 10, Height: 10}}}
		if err := db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	out := filepath.Join(dir, "xuat")
	start := time.Now()
	var progress []int
	bags, err := Export(ctx, db, blobs, ids, out, Options{Organization: "UBND xã Đại Tự", Group: "motcua-tu-2026-11-01",
		Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2 bags in %v", time.Since(start).Round(time.Millisecond))
	if len(bags) != 2 || !slices.Equal(progress, []int{1, 2}) {
		t.Fatalf("bags %v, progress %v", bags, progress)
	}
	for i, bag := range bags {
		if bad := validate(bag); len(bad) > 0 {
			t.Errorf("%s is not valid:\n%s", bag, strings.Join(bad, "\n"))
		}
		id := ids[i]
		for _, f := range []string{fmt.Sprintf("data/goc/trích lục %d.png", i+1), fmt.Sprintf("data/ban-ghi-%d.json", id), fmt.Sprintf("data/ban-ghi-%d.pdf", id)} {
			if _, err := os.Stat(filepath.Join(bag, f)); err != nil {
				t.Errorf("%s: %v", bag, err)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(bag, fmt.Sprintf("data/ban-ghi-%d.pdf", id))); !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Errorf("%s: the searchable PDF is not a PDF", bag)
		}
		info := bagInfoOf(t, bag)
		for _, want := range []string{"Source-Organization: UBND xã Đại Tự\n", fmt.Sprintf("External-Identifier: motcua-ban-ghi-%d-v1\n", id),
			fmt.Sprintf("Bag-Count: %d of 2\n", i+1), "Bag-Group-Identifier: motcua-tu-2026-11-01\n"} {
			if !strings.Contains(info, want) {
				t.Errorf("%s: bag-info.txt lacks %q:\n%s", bag, want, info)
			}
		}
	}
	// Again: refused before anything is written, and the bags stay whole.
	var exists *ExistsError
	if _, err := Export(ctx, db, blobs, ids, out, Options{}); !errors.As(err, &exists) || exists.Path != bags[0] {
		t.Errorf("a second export over the first: %v", err)
	}
	for _, bag := range bags {
		if bad := validate(bag); len(bad) > 0 {
			t.Errorf("%s after a refused export: %v", bag, bad)
		}
	}
	// A record whose original is gone: no bag at all, not even the first.
	r, _ := db.Get(ctx, ids[1])
	r.ID, r.SHA256 = 0, strings.Repeat("ab", 32)
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "xuat2")
	if _, err := Export(ctx, db, blobs, []int64{ids[1], r.ID}, out2, Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprint(r.ID)) {
		t.Errorf("a missing original: %v", err)
	}
	if left, _ := os.ReadDir(out2); len(left) != 0 {
		t.Errorf("a failed export left %v", left)
	}
}
