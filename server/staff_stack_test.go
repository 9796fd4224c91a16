package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"motcua/pipeline"
	"motcua/store"
)

// TestStaffStackRecord: a document split from a scanning session
// (digitize --stack) has no original of its own; its download is a PDF of
// its own pages, taken from the originals they were scanned in, and its
// page images come from there too.
func TestStaffStackRecord(t *testing.T) {
	e := newStaffEnv(t)
	blobs := e.s.blobs
	var pages []store.Page
	for i, name := range []string{"01-quyet-dinh-hoa-giai.png", "04-bien-ban-kiem-tra.tif"} {
		b, err := os.ReadFile("../testdata/scans/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sha := store.SHA256(b)
		if err := blobs.Put(sha, b); err != nil {
			t.Fatal(err)
		}
		// The PNG's only page, then the TIFF's second: a page range of
		// the TIFF, whose first page belongs to another document.
		pages = append(pages, store.Page{N: i + 1, Width: 1654, Height: 2339, DPI: 200, Source: sha, SourcePage: i + 1})
	}
	rec := &store.Record{SHA256: pipeline.StackSHA(pages), SourceName: "01-quyet-dinh-hoa-giai.png + 04-bien-ban-kiem-tra.tif (trang 2)",
		SourcePath: "/scans/01-quyet-dinh-hoa-giai.png", MediaType: "application/pdf", DocType: "Quyết định",
		Status: store.StatusReview, Visibility: store.Restricted, Pages: pages}
	if err := e.db.Put(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	if code, _ := e.login(t, c, "motcua", testPassword); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	r, err := c.Get(fmt.Sprintf("%s/staff/ho-so/%d/goc", e.ts.URL, rec.ID))
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, r)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.Header.Get("Content-Disposition"), ".pdf") {
		t.Fatalf("original: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	if n, err := api.PageCount(bytes.NewReader([]byte(b)), nil); err != nil || n != 2 {
		t.Errorf("original: a PDF of %d pages (%v), want the record's 2", n, err)
	}
	r, err = c.Get(fmt.Sprintf("%s/staff/ho-so/%d/trang/2.png", e.ts.URL, rec.ID))
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, r); r.StatusCode != 200 || !strings.HasPrefix(b, "\x89PNG") {
		t.Errorf("page 2 image: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
