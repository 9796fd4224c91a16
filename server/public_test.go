package server

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"motcua/content"
	"motcua/search"
)

// TestServedPagesOneSearchBox: the results page and the 404 page, as the
// server fills and serves them from the built site, show one search box.
func TestServedPagesOneSearchBox(t *testing.T) {
	public := builtSite(t)
	cat, err := content.Load("../site/testdata/catalogue")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, _, err := ix.SyncProcedures(cat.Procedures); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Public: public, Index: ix})
	for _, path := range []string{"/tim-kiem/?q=" + url.QueryEscape("khai sinh"), "/tim-kiem/", "/khong-co-trang-nay/"} {
		rec := get(t, h, path)
		body := rec.Body.String()
		if n := strings.Count(body, `role="search"`); n != 1 {
			t.Errorf("GET %s: %d, %d search forms", path, rec.Code, n)
		}
	}
	if rec := get(t, h, "/tim-kiem/?q=khai+sinh"); !strings.Contains(rec.Body.String(), "Đăng ký khai sinh") {
		t.Errorf("results page without its result:\n%s", rec.Body)
	}
}
