package pipeline

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
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
