package pipeline

import (
	"context"
	"image"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"motcua/internal/scanmaker"
	"motcua/pipeline/extract"
	"motcua/store"
	"motcua/store/sqlite"
)

// A short decision, one page, rendered for the test.
const shortDecision = `Hb ỦY BAN NHÂN DÂN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hb XÃ BÌNH MINH || Độc lập - Tự do - Hạnh phúc
-
H Số: 41/QĐ-UBND || Bình Minh, ngày 15 tháng 4 năm 2024
-
Cb QUYẾT ĐỊNH
Cb Về việc công nhận tổ hòa giải thôn Đông
-
L     Điều 1. Công nhận tổ hòa giải thôn Đông gồm 5 thành viên.
L     Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
-
Rb CHỦ TỊCH
-
-
Rb Phan Văn Khải`

const twoPages = `Hb UBND HUYỆN AN LÃO || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hb PHÒNG TƯ PHÁP || Độc lập - Tự do - Hạnh phúc
-
H Số: 12/BC-PTP || An Lão, ngày 02 tháng 10 năm 2023
-
Cb BÁO CÁO
Cb Kết quả chứng thực quý III năm 2023
===
L     Tổng số việc chứng thực trong quý là 1.250 việc, thu phí 6.250.000 đồng.
-
Rb TRƯỞNG PHÒNG
-
-
Rb Vũ Thị Hoa`

func render(t testing.TB, src string) []*image.Gray {
	t.Helper()
	pages, err := scanmaker.Render(src)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

type testStore struct {
	*sqlite.DB
	blobs store.DirBlobs
}

func openTestStore(t *testing.T, dir string) testStore {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return testStore{db, store.DirBlobs{Dir: filepath.Join(dir, "blobs")}}
}

func records(t *testing.T, st store.Store) map[string]*store.Record {
	t.Helper()
	out := map[string]*store.Record{}
	if err := st.All(context.Background(), true, func(r *store.Record) error {
		out[r.SourceName] = r
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDigitize runs real OCR on a folder of good and bad files: every bad
// file is stored as a failure with its reason, the good ones become
// records, a second run skips them, --force keeps the history.
func TestDigitize(t *testing.T) {
	in := t.TempDir()
	dec := render(t, shortDecision)
	decPNG, err := scanmaker.PNG(scanmaker.Degrade(dec[0], scanmaker.Scan{Angle: 0.8, Seed: 1}), 200)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(in, "Quyết định (bản sao) số 1.png"), decPNG)
	tif, err := scanmaker.TIFF(render(t, twoPages), 200)
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(in, "thư mục con"), 0o755)
	write(t, filepath.Join(in, "thư mục con", "báo cáo hai trang.tif"), tif)
	// Bad input, one of each kind.
	write(t, filepath.Join(in, "rỗng.png"), nil)
	write(t, filepath.Join(in, "ảnh giả.png"), []byte("không phải ảnh"))
	write(t, filepath.Join(in, "ghi chú.txt"), []byte("a scanner's notes: passed over"))
	write(t, filepath.Join(in, "bom.png"), pngHeader(50000, 50000))
	write(t, filepath.Join(in, "cắt cụt.png"), decPNG[:len(decPNG)/3])
	write(t, filepath.Join(in, "bị mã hóa.pdf"), encryptedPDF(t))
	os.Symlink(filepath.Join(in, "không có"), filepath.Join(in, "liên kết hỏng.png"))
	write(t, filepath.Join(in, ".DS_Store"), []byte("hidden"))

	data := t.TempDir()
	st := openTestStore(t, data)
	var progress [][2]int
	opt := Options{Workers: 2, Progress: func(d, n int) { progress = append(progress, [2]int{d, n}) }}
	sum, err := Digitize(context.Background(), st, st.blobs, []string{in}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records() != 2 || sum.Failed != 6 || sum.Pages != 3 || sum.Files != 7 || sum.Ignored != 1 {
		t.Errorf("summary %+v", sum)
	}
	if last := progress[len(progress)-1]; last != [2]int{4, 4} { // 3 recognised, 1 failed
		t.Errorf("progress ends at %v", last)
	}
	fails, err := st.Failures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"rỗng.png": reasonEmpty, "ảnh giả.png": reasonFormat, "bom.png": "ảnh quá lớn", "cắt cụt.png": reasonCorrupt,
		"bị mã hóa.pdf": reasonEncrypted, "liên kết hỏng.png": reasonRead,
	}
	for _, f := range fails {
		name := filepath.Base(f.Path)
		if !strings.HasPrefix(f.Reason, want[name]) || want[name] == "" {
			t.Errorf("failure %s: %q", name, f.Reason)
		}
		delete(want, name)
	}
	if len(want) > 0 {
		t.Errorf("failures not stored: %v", want)
	}

	recs := records(t, st)
	r := recs["Quyết định (bản sao) số 1.png"]
	if r == nil {
		t.Fatalf("records: %v", recs)
	}
	f := r.Fields
	if f.DocType != "Quyết định" || f.NumberSymbol != "41/QĐ-UBND" || f.IssueDate != "2024-04-15" ||
		f.Issuer != "ỦY BAN NHÂN DÂN XÃ BÌNH MINH" || f.SignerName != "Phan Văn Khải" || f.SignerTitle != "CHỦ TỊCH" {
		t.Errorf("fields %+v", f)
	}
	confident := true
	for _, k := range store.KeyFields {
		confident = confident && r.Confidence[k] >= store.Confident
	}
	if confident != (r.Status == store.StatusAuto) || r.Visibility != store.Restricted || len(r.Pages) != 1 || len(r.Pages[0].Words) < 40 {
		t.Errorf("record %s %s pages %d confidence %v", r.Status, r.Visibility, len(r.Pages), r.Confidence)
	}
	if !strings.Contains(r.Text, "công nhận tổ hòa giải") {
		t.Errorf("text %q", r.Text)
	}
	rep := recs["báo cáo hai trang.tif"]
	if rep == nil || len(rep.Pages) != 2 || rep.Fields.DocType != "Báo cáo" || rep.Fields.SignerName != "Vũ Thị Hoa" ||
		!slices.Equal(rep.Fields.MoneyVND, []int64{6250000}) || rep.MediaType != "image/tiff" || rep.Status != store.StatusAuto {
		t.Errorf("two-page TIFF: %+v", rep)
	}
	// The original is kept as it was.
	rc, err := st.blobs.Open(r.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := io.ReadAll(rc)
	rc.Close()
	if store.SHA256(orig) != r.SHA256 || len(orig) != len(decPNG) {
		t.Error("stored original differs")
	}

	// Again: nothing new, the failures are reported again, not duplicated.
	sum, err = Digitize(context.Background(), st, st.blobs, []string{in}, opt)
	if err != nil || sum.Skipped != 2 || sum.Records() != 0 || sum.Failed != 6 {
		t.Errorf("second run: %v %+v", err, sum)
	}
	if ff, _ := st.Failures(context.Background()); len(ff) != 6 {
		t.Errorf("%d failures after two runs", len(ff))
	}

	// --force redoes a file and keeps its previous version.
	opt.Force = true
	sum, err = Digitize(context.Background(), st, st.blobs, []string{filepath.Join(in, "Quyết định (bản sao) số 1.png")}, opt)
	if err != nil || sum.Records() != 1 {
		t.Fatalf("force: %v %+v", err, sum)
	}
	again := records(t, st)["Quyết định (bản sao) số 1.png"]
	hist, _ := st.History(context.Background(), again.ID)
	if again.ID != r.ID || again.Version != 2 || len(hist) != 1 || hist[0].Version != 1 {
		t.Errorf("force: id %d→%d version %d history %d", r.ID, again.ID, again.Version, len(hist))
	}

	// A searchable PDF of the record, digitized, is read from its text
	// layer instead of recognised again.
	src, _ := OpenSource("x.png", decPNG, DefaultLimits)
	img, dpi, _ := src.Page(0)
	out := filepath.Join(in, "có lớp chữ.pdf")
	if err := SearchablePDF(out, []Prepared{Prepare(img, dpi)}, Lang, "thử"); err != nil {
		t.Fatal(err)
	}
	sum, err = Digitize(context.Background(), st, st.blobs, []string{out}, Options{Workers: 1})
	if err != nil || sum.Records() != 1 {
		t.Fatalf("text-layer PDF: %v %+v", err, sum)
	}
	tl := records(t, st)["có lớp chữ.pdf"]
	if !tl.TextLayer || !strings.Contains(tl.Text, "QUYẾT ĐỊNH") || tl.Fields.NumberSymbol != "41/QĐ-UBND" ||
		tl.Fields.Issuer != "ỦY BAN NHÂN DÂN XÃ BÌNH MINH" || tl.Fields.SignerName != "Phan Văn Khải" {
		t.Errorf("text layer: %v %q %+v", tl.TextLayer, tl.Text, tl.Fields)
	}
}

// TestInterrupt cancels a run after its first page: the page in flight
// finishes, no file is half stored, and the next run does the rest.
func TestInterrupt(t *testing.T) {
	in := t.TempDir()
	tif, err := scanmaker.TIFF(render(t, twoPages), 200)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(in, "a.tif"), tif)
	page := render(t, shortDecision)[0]
	for i, name := range []string{"b.png", "c.png"} {
		b, _ := scanmaker.PNG(scanmaker.Degrade(page, scanmaker.Scan{Noise: 1, Seed: uint64(i)}), 200)
		write(t, filepath.Join(in, name), b)
	}
	st := openTestStore(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	sum, err := Digitize(ctx, st, st.blobs, []string{in}, Options{Workers: 1, Progress: func(done, total int) {
		if done == 1 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Failed != 0 || sum.Records() > 1 {
		t.Errorf("interrupted run: %+v", sum)
	}
	for _, r := range records(t, st) {
		if r.SourceName == "a.tif" && len(r.Pages) != 2 {
			t.Errorf("half-stored record: %d pages", len(r.Pages))
		}
	}
	sum, err = Digitize(context.Background(), st, st.blobs, []string{in}, Options{Workers: 2})
	if err != nil || sum.Interrupted || len(records(t, st)) != 3 || sum.Skipped+sum.Records() != 3 {
		t.Errorf("resumed run: %v %+v", err, sum)
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "b", ".ẩn"), 0o755)
	for _, p := range []string{"a.png", "b/c.jpg", "b/.ẩn/d.png", ".e.png"} {
		write(t, filepath.Join(dir, p), []byte("x"))
	}
	files, fails := Collect([]string{dir, filepath.Join(dir, "a.png"), filepath.Join(dir, "không có")})
	want := []string{filepath.Join(dir, "a.png"), filepath.Join(dir, "b", "c.jpg")}
	if !slices.Equal(files, want) || len(fails) != 1 {
		t.Errorf("files %v fails %v", files, fails)
	}
}

// TestUpsideDown: a page fed upside down is turned and read.
func TestUpsideDown(t *testing.T) {
	page := render(t, shortDecision)[0]
	eng, err := NewEngine(Lang)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	pg, turn, err := eng.RecognizeUpright(Prepared{Gray: Turn(page, 180), DPI: 200, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	if turn != 180 || !strings.Contains(pg.Text, "QUYẾT ĐỊNH") {
		t.Errorf("turned %d°, text %q", turn, pg.Text)
	}
	if g := Turn(Turn(page, 90), 270); !slices.Equal(g.Pix, page.Pix) {
		t.Error("Turn 90 then 270 is not the identity")
	}
}

// TestMissingModel: without Tesseract's model the run stops with the
// command that installs it, and no file is blamed.
func TestMissingModel(t *testing.T) {
	in := t.TempDir()
	b, _ := scanmaker.PNG(grayPage(827, 1170), 100)
	write(t, filepath.Join(in, "a.png"), b)
	st := openTestStore(t, t.TempDir())
	_, err := Digitize(context.Background(), st, st.blobs, []string{in}, Options{Lang: "khong-co"})
	if err == nil || !strings.Contains(err.Error(), "apt-get install tesseract-ocr") {
		t.Errorf("error %v", err)
	}
	if ff, _ := st.Failures(context.Background()); len(ff) != 0 {
		t.Errorf("failures stored: %v", ff)
	}
}

// A notice in another typeface (DejaVu Sans), scanned crooked, noisy and
// soft, then stamped on yellowed paper: the rules are Decree 30's, not a
// font's or a scanner's.
const policeNotice = `Hb BỘ CÔNG AN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hb CỤC CẢNH SÁT QUẢN LÝ || Độc lập - Tự do - Hạnh phúc
Hb HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI ||
-
H Số: 2291/TB-C06-P4 || Hà Nội, ngày 17 tháng 01 năm 2025
-
Cb THÔNG BÁO
Cb Về việc cấp đổi thẻ Căn cước cho công dân
-
L     Cục Cảnh sát quản lý hành chính về trật tự xã hội thông báo: công dân có
L số định danh cá nhân 036095001234 đến nhận thẻ tại Công an phường Trúc Bạch.
L     Lệ phí cấp đổi là 50.000 đồng (Năm mươi nghìn đồng)./.
-
Hb Nơi nhận: || TL. CỤC TRƯỞNG
H - Như trên; || TRƯỞNG PHÒNG
H - Lưu: VT, P4. ||
-
-
-
Rb Thượng tá Đặng Quốc Hưng`

func TestUnseenTypeface(t *testing.T) {
	pages, err := scanmaker.RenderWith(policeNotice, scanmaker.DejaVuSans)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(Lang)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, sc := range []scanmaker.Scan{{Angle: 2.2, Noise: 6, Blur: true, Seed: 3}, {Stamp: true, Paper: true, Angle: -1, Noise: 3}} {
		pg, _, err := eng.RecognizeUpright(Prepare(scanmaker.Degrade(pages[0], sc), scanmaker.DPI))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := extract.Extract([]store.Page{pg})
		want := store.Fields{DocType: "Thông báo", NumberSymbol: "2291/TB-C06-P4", IssueDate: "2025-01-17", IssuePlace: "Hà Nội",
			Issuer: "BỘ CÔNG AN CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", Summary: "cấp đổi thẻ Căn cước cho công dân",
			SignerName: "Đặng Quốc Hưng", SignerTitle: "TL. CỤC TRƯỞNG TRƯỞNG PHÒNG", PersonIDs: []string{"036095001234"},
			DossierCodes: []string{}, ProcedureCodes: []string{}, MoneyVND: []int64{50000}}
		if !reflect.DeepEqual(f, want) {
			t.Errorf("scan %+v:\n got %+v\nwant %+v", sc, f, want)
		}
	}
}
