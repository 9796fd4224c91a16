package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/content"
	"motcua/search"
)

// testServer serves a real index of the site's fixture catalogue plus a
// restricted record, and a public folder with the results page.
func testServer(t *testing.T, maxSearches int) (*srv, http.Handler) {
	t.Helper()
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
	err = ix.Put(search.Doc{ID: "record:1", Kind: search.KindRecord, Title: "Trích lục khai sinh Nguyễn Văn An",
		Body: "khai sinh 001317012345", PersonIDs: []string{"001317012345"}, Visibility: search.VisibilityRestricted})
	if err != nil {
		t.Fatal(err)
	}
	public := t.TempDir()
	os.MkdirAll(filepath.Join(public, "tim-kiem"), 0o755)
	page := `<!doctype html><html lang="vi"><title>Kết quả tìm kiếm</title><main><h1>Kết quả tìm kiếm</h1><!--motcua:results--><p>tĩnh</p><!--/motcua:results--></main>`
	os.WriteFile(filepath.Join(public, "tim-kiem", "index.html"), []byte(page), 0o644)
	s := newSrv(Config{Public: public, Index: ix, MaxSearches: maxSearches})
	return s, s.routes()
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestAPISearch(t *testing.T) {
	_, h := testServer(t, 0)
	rec := get(t, h, "/api/search?q="+url.QueryEscape("dang ky khai sinh"))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s", rec.Code, rec.Body)
	}
	var res struct {
		Total  int
		TookMS *float64 `json:"took_ms"`
		Hits   []struct{ Kind, ID, Code, Title, URL, Snippet string }
		Facets map[string][]struct {
			Value string
			Count int
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || res.Hits[0].Code != "1.001193" || res.Hits[0].URL != "/thu-tuc/1.001193/" || res.Hits[0].Kind != "procedure" {
		t.Errorf("hits %+v", res.Hits)
	}
	if res.TookMS == nil || len(res.Facets["linh_vuc"]) == 0 {
		t.Errorf("took_ms or facets missing: %s", rec.Body)
	}
	// A facet filter narrows the results.
	rec = get(t, h, "/api/search?q=dang+ky&linh_vuc="+url.QueryEscape("Đất đai"))
	if !strings.Contains(rec.Body.String(), `"1.004227"`) || strings.Contains(rec.Body.String(), `"1.001193"`) {
		t.Errorf("filter by lĩnh vực: %s", rec.Body)
	}
}

// TestAPIPublicOnly: no parameter or query text reaches restricted records.
func TestAPIPublicOnly(t *testing.T) {
	_, h := testServer(t, 0)
	for _, q := range []string{
		"q=001317012345", "q=khai+sinh", "q=Nguy%E1%BB%85n", "q=visibility:restricted", "q=khai+sinh&visibility=restricted",
		"q=khai+sinh&restricted=true&kind=record", "q=*&Restricted=1", "q=khai%20sinh&co_quan=%2A",
	} {
		rec := get(t, h, "/api/search?"+q)
		if strings.Contains(rec.Body.String(), "record:1") || strings.Contains(rec.Body.String(), "Nguyễn Văn An") {
			t.Errorf("/api/search?%s leaked a restricted record: %s", q, rec.Body)
		}
	}
	rec := get(t, h, "/tim-kiem/?q=001317012345")
	if strings.Contains(rec.Body.String(), "Nguyễn Văn An") {
		t.Error("results page leaked a restricted record")
	}
}

func TestAPIErrors(t *testing.T) {
	s, h := testServer(t, 1)
	tests := []struct {
		path   string
		status int
		msg    string
	}{
		{"/api/search?q=" + strings.Repeat("a", 5000), 400, "quá dài"},
		{"/api/search?q=x&page=abc", 400, "page"},
		{"/api/search?q=x&page=0", 400, "page"},
		{"/api/suggest?q=" + strings.Repeat("a", 5000), 400, "quá dài"},
	}
	for _, tt := range tests {
		rec := get(t, h, tt.path)
		var body map[string]string
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != tt.status || !strings.Contains(body["error"], tt.msg) {
			t.Errorf("%.60s: %d %s, want %d with %q", tt.path, rec.Code, rec.Body, tt.status, tt.msg)
		}
	}
	// Every search slot taken: the next search is refused quickly with 503.
	s.slots <- struct{}{}
	rec := get(t, h, "/api/search?q=khai+sinh")
	<-s.slots
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "bận") {
		t.Errorf("busy: %d %s", rec.Code, rec.Body)
	}
	// No index: search says so.
	h2 := newSrv(Config{Public: t.TempDir()}).routes()
	if rec := get(t, h2, "/api/search?q=x"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("no index: %d", rec.Code)
	}
}

func TestResultsPage(t *testing.T) {
	_, h := testServer(t, 0)
	rec := get(t, h, "/tim-kiem/?q="+url.QueryEscape(`khai sinh <script>alert(1)</script>`))
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("query not escaped: %s", body)
	}
	if strings.Contains(body, "<p>tĩnh</p>") || !strings.Contains(body, "<h1>Kết quả tìm kiếm</h1>") {
		t.Errorf("markers not replaced: %s", body)
	}
	rec = get(t, h, "/tim-kiem/?q=dang+ky+khai+sinh")
	if !strings.Contains(rec.Body.String(), `<li><a href="/thu-tuc/1.001193/">`) {
		t.Errorf("results page has no hit: %s", rec.Body)
	}
	// Only items holding some of the words: the page says the results are
	// approximate; with every word found it does not.
	const loose = "Không có kết quả chứa đủ các từ; hiển thị kết quả gần đúng"
	if rec := get(t, h, "/tim-kiem/?q=khai+sinh+zzzyyyxxx+qqqwwwvvv"); !strings.Contains(rec.Body.String(), loose) {
		t.Errorf("loose results without the notice: %s", rec.Body)
	}
	if rec := get(t, h, "/tim-kiem/?q=dang+ky+khai+sinh"); strings.Contains(rec.Body.String(), loose) {
		t.Errorf("results holding every word with the loose notice: %s", rec.Body)
	}
	// The API's empty answer: arrays, not null.
	rec = get(t, h, "/api/search?q=zzzyyyxxx")
	if b := rec.Body.String(); !strings.Contains(b, `"hits":[]`) || !strings.Contains(b, `"linh_vuc":[]`) || strings.Contains(b, "null") {
		t.Errorf("empty answer: %s", b)
	}
	if rec := get(t, h, "/tim-kiem?q=a"); rec.Code != http.StatusMovedPermanently {
		t.Errorf("/tim-kiem without slash: %d", rec.Code)
	}
}

func TestSuggestAndMetrics(t *testing.T) {
	_, h := testServer(t, 0)
	rec := get(t, h, "/api/suggest?q=khai+si")
	if !strings.Contains(rec.Body.String(), `"1.001193"`) {
		t.Errorf("suggest: %s", rec.Body)
	}
	get(t, h, "/api/search?q=ho+tich")
	rec = get(t, h, "/metrics")
	for _, want := range []string{`motcua_http_requests_total{route="api_suggest",status="200"} 1`, "motcua_search_seconds_count 1"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, rec.Body)
		}
	}
}
