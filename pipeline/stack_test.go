package pipeline

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"motcua/internal/scanmaker"
	"motcua/pipeline/cover"
	"motcua/store"
)

var (
	sheetA = cover.Sheet{Code: "000.00.15.H46-240408-0413", Procedure: "1.000894", OwnerID: "025194006281", OwnerName: "Hà Thị Thu Trang"}
	sheetB = cover.Sheet{Code: "000.00.15.H46-250123-0007", Procedure: "1.001193", OwnerID: "025194006281"}
)

// stackTIFF renders a clean stack, with the covers of sheets before its
// dossiers, into one multi-page TIFF, as a sheet-fed scanner saves it.
func stackTIFF(t *testing.T, path string, sheets []cover.Sheet, dossiers ...[]string) scanmaker.Stack {
	t.Helper()
	spec := scanmaker.StackSpec{Name: filepath.Base(path)}
	for _, d := range dossiers {
		var docs []scanmaker.Doc
		for _, name := range d {
			b, err := os.ReadFile("testdata/stacks/" + name + ".scan")
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, scanmaker.Doc{Name: name, Src: string(b)})
		}
		spec.Dossiers = append(spec.Dossiers, docs)
	}
	st, err := scanmaker.BuildStack(spec, func(i int) image.Image {
		if i >= len(sheets) {
			return nil
		}
		img, err := cover.Render(sheets[i], scanmaker.DPI)
		if err != nil {
			t.Fatal(err)
		}
		return img
	})
	if err != nil {
		t.Fatal(err)
	}
	var grays []*image.Gray
	for _, p := range st.Pages {
		grays = append(grays, p.(*image.Gray))
	}
	data, err := scanmaker.TIFF(grays, scanmaker.DPI)
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, data)
	return st
}

// fakeDossiers stands for the catalogue: it knows two procedures and
// places every record at component 1.
type fakeDossiers struct {
	st     store.Store
	opened []string
}

func (f *fakeDossiers) open(d *store.Dossier, check bool) (Placer, error) {
	if d.Procedure != "1.000894" && d.Procedure != "1.001193" {
		return nil, errors.New("danh mục không có thủ tục " + d.Procedure)
	}
	if check {
		return nil, nil
	}
	if _, err := f.st.Dossier(context.Background(), d.Code); errors.Is(err, store.ErrNotFound) {
		d.Channel, d.Status, d.Received = store.Direct, store.DossierReceived, "2024-04-08"
		if err := f.st.PutDossier(context.Background(), d); err != nil {
			return nil, err
		}
		f.opened = append(f.opened, d.Code)
	}
	return func(*store.Record) (string, *store.Attachment) {
		return d.Code, &store.Attachment{Component: 1}
	}, nil
}

// TestStackInterrupt: a stack in one TIFF (cover, a 2-page form whose
// second page has no header, cover, a 1-page certificate) is interrupted
// once the first document is stored; the rerun recognises only the page
// not stored, completes the second dossier and duplicates nothing; a
// third run does nothing. Each document's original is its own pages.
func TestStackInterrupt(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	path := filepath.Join(in, "lo-quet.tif")
	stackTIFF(t, path, []cover.Sheet{sheetA, sheetB}, []string{"t-to-khai-ket-hon"}, []string{"t-giay-chung-sinh"})
	st := openTestStore(t, data)
	fd := &fakeDossiers{st: st}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := StackOptions{Options: Options{Workers: 1, Stored: func(*store.Record) { cancel() }}, Open: fd.open}
	sum, err := DigitizeStack(ctx, st, st.blobs, []string{path}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Records() != 1 {
		t.Fatalf("first run: interrupted %v, %d records; want interrupted after 1", sum.Interrupted, sum.Records())
	}

	opt.Stored = nil
	sum, err = DigitizeStack(context.Background(), st, st.blobs, []string{path}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Interrupted || sum.Records() != 1 || sum.Skipped != 1 || sum.Pages != 1 {
		t.Errorf("rerun: %d records, %d skipped, %d pages recognised; want 1, 1, 1 (only the page not stored)", sum.Records(), sum.Skipped, sum.Pages)
	}
	recs := records(t, st)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2: %v", len(recs), recs)
	}
	form, cert := recs["lo-quet.tif (trang 2–3)"], recs["lo-quet.tif (trang 5)"]
	if form == nil || cert == nil {
		t.Fatalf("records %v, want lo-quet.tif (trang 2–3) and (trang 5)", recs)
	}
	if form.Dossier != sheetA.Code || len(form.Pages) != 2 || form.Pages[1].SourcePage != 3 || form.Fields.DocType == "" {
		t.Errorf("the form: dossier %q, %d pages, type %q", form.Dossier, len(form.Pages), form.Fields.DocType)
	}
	if cert.Dossier != sheetB.Code || len(cert.Pages) != 1 {
		t.Errorf("the certificate: dossier %q, %d pages", cert.Dossier, len(cert.Pages))
	}
	if form.SHA256 != StackSHA(form.Pages) || form.Pages[0].Source != store.SHA256(mustRead(t, path)) {
		t.Error("the form's key or source is not its pages' sources")
	}
	for _, code := range []string{sheetA.Code, sheetB.Code} {
		d, err := st.Dossier(context.Background(), code)
		if err != nil || len(d.Records) != 1 || d.Records[0].Component != 1 {
			t.Errorf("dossier %s: %v, %+v", code, err, d)
		}
	}

	sum, err = DigitizeStack(context.Background(), st, st.blobs, []string{path}, opt)
	if err != nil || sum.Records() != 0 || sum.Pages != 0 || sum.Skipped != 2 {
		t.Errorf("third run: %v, %d records, %d pages, %d skipped; want nothing done", err, sum.Records(), sum.Pages, sum.Skipped)
	}

	// Plain digitize of the same file finds it stored, page by page.
	plain, err := Digitize(context.Background(), st, st.blobs, []string{path}, Options{Workers: 1})
	if err != nil || plain.Skipped != 1 || plain.Records() != 0 || len(records(t, st)) != 2 {
		t.Errorf("plain digitize after the stack: %v, %d skipped, %d records; want the file skipped", err, plain.Skipped, plain.Records())
	}

	// The form's original is a PDF of its two pages, not the whole scan;
	// its pages render from the TIFF.
	open := BlobOpener(st.blobs)
	pdf, mt, name, err := RecordOriginal(form, open)
	if err != nil || mt != "application/pdf" || !strings.HasSuffix(name, ".pdf") {
		t.Fatalf("original: %v, %s %s", err, mt, name)
	}
	if n, err := api.PageCount(bytes.NewReader(pdf), nil); err != nil || n != 2 {
		t.Errorf("original PDF: %d pages, %v; want 2", n, err)
	}
	if p, err := RecordPage(form, open, 1); err != nil || p.Gray.Bounds().Dx() != form.Pages[1].Width {
		t.Errorf("page 2: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStackBadCover: a cover naming a procedure the catalogue lacks stops
// the run before any page is recognised or anything stored, naming the
// file and the page.
func TestStackBadCover(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	path := filepath.Join(in, "lo-hong.tif")
	bad := sheetB
	bad.Procedure = "1.999999"
	stackTIFF(t, path, []cover.Sheet{sheetA, bad}, []string{"t-giay-chung-sinh"}, []string{"t-giay-chung-sinh"})
	st := openTestStore(t, data)
	fd := &fakeDossiers{st: st}
	_, err := DigitizeStack(context.Background(), st, st.blobs, []string{path}, StackOptions{Open: fd.open})
	if err == nil || !strings.Contains(err.Error(), "lo-hong.tif, trang 3") || !strings.Contains(err.Error(), "1.999999") {
		t.Fatalf("err = %v; want one naming lo-hong.tif, trang 3 and the procedure", err)
	}
	if recs := records(t, st); len(recs) != 0 || len(fd.opened) != 0 {
		t.Errorf("stored %d records and dossiers %v after a bad cover", len(recs), fd.opened)
	}
}

// TestStackDossiers runs the splitter on synthetic pages (no OCR): which
// dossier each document joins, from covers, receipts and the command
// line's dossier.
func TestStackDossiers(t *testing.T) {
	head := synthPage(row{-3, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, row{-1, 400, "QUYẾT ĐỊNH"})
	cont := synthPage(append([]row{{-1, 160, "2"}}, body(250, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")...)...)
	receipt := func(code, proc string) store.Page {
		return synthPage(append([]row{{-1, 450, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"}, {-1, 497, "Mã hồ sơ: " + code}},
			body(600, "Ông/Bà: Kiều Văn Dũng", "Số định danh cá nhân: 026089004517",
				"Nội dung yêu cầu: Đăng ký khai sinh (mã thủ tục "+proc+")",
				"Thời gian trả kết quả: 10 giờ 00 phút, ngày 13/9/2023")...)...)
	}
	const (
		d = "000.00.11.H62-230901-0001" // the command line's
		r = "000.00.11.H62-230912-0193" // a receipt's
		x = "000.00.11.H62-230912-0194" // a receipt of an unknown procedure
	)
	type pg struct {
		page  store.Page
		sheet *cover.Sheet
	}
	tests := []struct {
		name    string
		dossier string // the command line's, "" none
		pages   []pg
		want    []string // each record's dossier, in stack order
		due     map[string]string
	}{
		{"covers, a receipt of the cover's dossier", "", []pg{{head, nil}, {sheet: &sheetA}, {head, nil}, {cont, nil},
			{receipt(sheetA.Code, "1.000894"), nil}, {head, nil}},
			[]string{"", sheetA.Code, sheetA.Code, sheetA.Code}, map[string]string{sheetA.Code: "2023-09-13"}},
		{"a receipt opens its dossier; after a cover it does not", d, []pg{{head, nil}, {receipt(r, "1.001193"), nil}, {head, nil},
			{sheet: &sheetB}, {receipt(r, "1.001193"), nil}, {head, nil}},
			[]string{d, r, r, sheetB.Code, sheetB.Code}, map[string]string{r: "2023-09-13", sheetB.Code: ""}},
		{"a receipt that opens no dossier", d, []pg{{head, nil}, {receipt(x, "1.999999"), nil}, {head, nil}},
			[]string{d, "", ""}, nil},
	}
	for _, tt := range tests {
		st := openTestStore(t, t.TempDir())
		fd := &fakeDossiers{st: st}
		ctx := context.Background()
		sum := &Summary{}
		s := &splitter{ctx: ctx, st: st, opt: StackOptions{Open: fd.open}, sum: sum, failed: map[*stackFile]bool{}}
		if tt.dossier != "" {
			place, err := fd.open(&store.Dossier{Code: tt.dossier, Procedure: "1.000894", OwnerID: "025194006281"}, false)
			if err != nil {
				t.Fatal(err)
			}
			s.cur = &current{code: tt.dossier, place: place}
		}
		f := &stackFile{path: "lo.tif", sha: strings.Repeat("a", 64), count: len(tt.pages)}
		for i, p := range tt.pages {
			s.take(&stackPage{file: f, n: i, page: p.page, sheet: p.sheet, done: true})
		}
		s.flush()
		if s.err != nil {
			t.Fatalf("%s: %v", tt.name, s.err)
		}
		var got []string
		st.All(ctx, false, func(r *store.Record) error { got = append(got, r.Dossier); return nil })
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: records in dossiers %q, want %q", tt.name, got, tt.want)
		}
		for code, due := range tt.due {
			if dd, err := st.Dossier(ctx, code); err != nil {
				t.Errorf("%s: dossier %s: %v", tt.name, code, err)
			} else if dd.Due != due {
				t.Errorf("%s: dossier %s: due %q, want %q", tt.name, code, dd.Due, due)
			}
		}
	}
}
