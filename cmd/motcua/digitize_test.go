package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/internal/scanmaker"
	"motcua/pipeline"
	"motcua/store"
	"motcua/store/sqlite"
)

// copyScans copies the repository's demo scans into a temp folder.
func copyScans(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("../../testdata/scans", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDigitizeCommand digitizes two demo scans (a two-page TIFF and a
// scanned PDF), a broken file and a mislabelled one (a PNG named .jpg)
// through the command line, then reads them back with every records
// subcommand.
func TestDigitizeCommand(t *testing.T) {
	in := copyScans(t, "04-bien-ban-kiem-tra.tif", "05-quyet-dinh-cong-bo.pdf")
	os.WriteFile(filepath.Join(in, "hỏng (1).jpg"), []byte("\xff\xd8\xffnot really"), 0o644)
	png, err := os.ReadFile("../../testdata/scans/01-quyet-dinh-hoa-giai.png")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "sai đuôi.jpg"), png, 0o644) // a PNG named .jpg
	data := filepath.Join(t.TempDir(), "dữ liệu")

	code, out := runCLI(t, "digitize", "--data", data, "--workers", "2", in)
	if code != 1 {
		t.Errorf("digitize with a broken file: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"Số hóa: 4 tệp, 3 trang", "lỗi: 2", "hỏng (1).jpg: tệp ảnh bị hỏng",
		"sai đuôi.jpg: phần mở rộng .jpg không khớp nội dung (tệp là PNG): đổi tên tệp thành .png", "motcua records failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("digitize output lacks %q:\n%s", want, out)
		}
	}
	// The run indexed what it stored: the public decision is searchable
	// by its number and symbol.
	if code, out := runCLI(t, "search", "--data", data, "--catalogue", "../../site/testdata/catalogue", "1402/QĐ-UBND"); code != 0 || !strings.Contains(out, "Quyết định 1402/QĐ-UBND") {
		t.Errorf("search after digitize: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "digitize", "--data", data, in); code != 1 || !strings.Contains(out, "bỏ qua): 2") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}

	code, out = runCLI(t, "records", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "14/BB-UBND") || !strings.Contains(out, "1402/QĐ-UBND") || !strings.Contains(out, "2 bản ghi") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	code, out = runCLI(t, "records", "export", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	var ids []int64
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("export line is not JSON: %v\n%s", err, sc.Text())
		}
		for _, k := range []string{"id", "sha256", "source_name", "doc_type", "status", "visibility", "text", "fields", "confidence"} {
			if _, ok := r[k]; !ok {
				t.Errorf("export lacks %q", k)
			}
		}
		fields := r["fields"].(map[string]any)
		for _, k := range store.AllFields {
			if _, ok := fields[string(k)]; !ok {
				t.Errorf("export fields lack %q", k)
			}
		}
		ids = append(ids, int64(r["id"].(float64)))
		if r["source_name"] == "05-quyet-dinh-cong-bo.pdf" {
			if r["visibility"] != "public" || fields["number_symbol"] != "1402/QĐ-UBND" {
				t.Errorf("published decision: %v %v", r["visibility"], fields["number_symbol"])
			}
			pc, _ := fields["procedure_codes"].([]any)
			if len(pc) != 2 {
				t.Errorf("procedure codes %v", fields["procedure_codes"])
			}
		}
	}
	if len(ids) != 2 {
		t.Fatalf("export: %d lines", len(ids))
	}
	code, out = runCLI(t, "records", "show", "1", "--data", data)
	if code != 0 || !strings.Contains(out, "Số, ký hiệu") || !strings.Contains(out, "Văn bản:") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "records", "show", "99", "--data", data); code != 1 || !strings.Contains(out, "không có bản ghi 99") {
		t.Errorf("show missing: exit %d\n%s", code, out)
	}
	if code, _ := runCLI(t, "records", "show", "abc", "--data", data); code != 2 {
		t.Errorf("show abc: exit %d, want 2", code)
	}
	code, out = runCLI(t, "records", "failed", "--data", data)
	if code != 0 || !strings.Contains(out, "hỏng (1).jpg") {
		t.Errorf("failed: exit %d\n%s", code, out)
	}

	// A searchable PDF of the two-page TIFF's record.
	var tifID int64
	db, err := sqlite.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.All(context.Background(), false, func(r *store.Record) error {
		if r.SourceName == "04-bien-ban-kiem-tra.tif" {
			tifID = r.ID
		}
		return nil
	})
	db.Close()
	pdf := filepath.Join(t.TempDir(), "biên bản.pdf")
	code, out = runCLI(t, "records", "pdf", itoa(tifID), "--out", pdf, "--data", data)
	if code != 0 {
		t.Fatalf("pdf: exit %d\n%s", code, out)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(string(text), "BIÊN BẢN") || strings.Count(string(text), "\f") != 2 {
		t.Errorf("the PDF's text layer:\n%s", text)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestMain(m *testing.M) {
	// The crash test runs this binary as motcua.
	if os.Getenv("MOTCUA_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if err := pipeline.ReexecForOMP(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func TestDigitizeUsage(t *testing.T) {
	if code, _ := runCLI(t, "digitize", "--data", t.TempDir()); code != 2 {
		t.Errorf("no path: exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "digitize", "--visibility", "secret", "x"); code != 2 {
		t.Errorf("bad visibility: exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "records", "burn", "--data", t.TempDir()); code != 2 {
		t.Errorf("bad records verb: exit %d, want 2", code)
	}
}

// TestCrashSafety kills motcua digitize with SIGKILL at random moments,
// again and again, and checks after each kill that the store opens
// cleanly and holds only whole records; a last run finishes the batch
// with every file stored exactly once.
func TestCrashSafety(t *testing.T) {
	in := t.TempDir()
	const files = 8
	want := map[string]int{} // name → pages
	for i := range files {
		src := "Hb ỦY BAN NHÂN DÂN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHb XÃ AN PHÚ || Độc lập - Tự do - Hạnh phúc\n" +
			"H Số: " + itoa(int64(i)) + "/TB-UBND || An Phú, ngày 0" + itoa(int64(i%9+1)) + " tháng 5 năm 2024\nCb THÔNG BÁO\n"
		pages, err := scanmaker.Render(src + "===\n" + "L Trang hai.\n")
		if err != nil {
			t.Fatal(err)
		}
		name := "thông báo " + itoa(int64(i)) + ".tif"
		n := 1 + i%2
		data, err := scanmaker.TIFF(pages[:n], 200)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(in, name), data, 0o644)
		want[name] = n
	}
	data := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	kills := 0
	check := func(final bool) {
		t.Helper()
		db, err := sqlite.Open(filepath.Join(data, "motcua.db"))
		if err != nil {
			t.Fatalf("the store does not open after a kill: %v", err)
		}
		defer db.Close()
		if err := db.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		blobs := store.DirBlobs{Dir: filepath.Join(data, "blobs")}
		seen := map[string]bool{}
		err = db.All(context.Background(), false, func(r *store.Record) error {
			if seen[r.SourceName] {
				t.Errorf("%s stored twice", r.SourceName)
			}
			seen[r.SourceName] = true
			if len(r.Pages) != want[r.SourceName] {
				t.Errorf("%s: %d pages stored, want %d", r.SourceName, len(r.Pages), want[r.SourceName])
			}
			rc, err := blobs.Open(r.SHA256)
			if err != nil {
				t.Errorf("%s: original missing: %v", r.SourceName, err)
				return nil
			}
			rc.Close()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("after kill %d: %d records", kills, len(seen))
		if final && len(seen) != files {
			t.Errorf("%d of %d files stored after the last run", len(seen), files)
		}
	}
	for kills < 12 {
		cmd := exec.Command(os.Args[0], "digitize", "--data", data, "--workers", "2", in)
		cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-time.After(time.Duration(50+rng.IntN(1200)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		case <-done: // finished before the kill: start over with a fresh store
			os.RemoveAll(data)
			os.MkdirAll(data, 0o755)
			continue
		}
		check(false)
	}
	code, out := runCLI(t, "digitize", "--data", data, in)
	if code != 0 {
		t.Errorf("last run: exit %d\n%s", code, out)
	}
	check(true)
}

// TestCtrlC interrupts a run with SIGINT: it stops cleanly with exit code
// 130, says so, and leaves a consistent store that a rerun completes.
func TestCtrlC(t *testing.T) {
	in := copyScans(t, "01-quyet-dinh-hoa-giai.png", "02-cong-van-so-tu-phap.jpg", "03-giay-tiep-nhan.png", "04-bien-ban-kiem-tra.tif")
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "digitize", "--data", data, "--workers", "1", in)
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("after Ctrl-C: %v, want exit 130\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Đã dừng theo yêu cầu") {
		t.Errorf("output:\n%s", out.String())
	}
	if code, out := runCLI(t, "digitize", "--data", data, in); code != 0 || !strings.Contains(out, "lỗi: 0") {
		t.Errorf("rerun: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "records", "list", "--data", data); code != 0 || !strings.Contains(out, "4 bản ghi") {
		t.Errorf("list: %s", out)
	}
}
