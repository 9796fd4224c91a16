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
	"motcua/search/querylog"
)

// TestQueryLogLearning: searches and choices on the results page go to the
// query log (folded, without the session token, never a query holding an
// ID number or a dossier code); what enough distinct sessions chose is
// learnt, and raises the chosen procedure for that query.
func TestQueryLogLearning(t *testing.T) {
	procs := []*content.Procedure{
		{Code: "1.000101", Name: "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với quán ăn, nhà hàng", Field: "An toàn thực phẩm",
			Levels: []string{"Cấp tỉnh"}, Applicants: "Tổ chức, cá nhân"},
		{Code: "1.000102", Name: "Đăng ký thành lập hộ kinh doanh", Field: "Thành lập và hoạt động của hộ kinh doanh",
			Levels: []string{"Cấp xã"}, Applicants: "Cá nhân", Conditions: "Ngành, nghề kinh doanh không bị cấm (cửa hàng, quán ăn uống); tên hộ kinh doanh"},
		{Code: "1.000103", Name: "Cấp lại giấy chứng nhận an toàn thực phẩm quán ăn", Field: "An toàn thực phẩm"},
		{Code: "1.000104", Name: "Chấm dứt hoạt động hộ kinh doanh", Field: "Thành lập và hoạt động của hộ kinh doanh"},
	}
	ix, err := search.Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	public := t.TempDir()
	os.MkdirAll(filepath.Join(public, "tim-kiem"), 0o755)
	os.WriteFile(filepath.Join(public, "tim-kiem", "index.html"),
		[]byte(`<!doctype html><html lang="vi"><title>Kết quả</title><!--motcua:results--><!--/motcua:results-->`), 0o644)
	logPath := filepath.Join(t.TempDir(), querylog.File)
	qlog, err := querylog.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer qlog.Close()
	h := newSrv(Config{Public: public, Index: ix, Procedures: procs, QueryLog: qlog}).routes()

	const q, chosen = "Mở quán ăn", "1.000102"
	first := func() string {
		t.Helper()
		rec := get(t, h, "/api/search?q="+url.QueryEscape(q))
		var res search.Result
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Hits) == 0 {
			t.Fatalf("search %q: %v %s", q, err, rec.Body)
		}
		return res.Hits[0].Code
	}
	if got := first(); got == chosen {
		t.Fatalf("before learning %s is already first: the test proves nothing", chosen)
	}
	// session searches on the results page, as a new browser, and chooses
	// code (twice: one session counts once).
	session := func(query, code string) {
		t.Helper()
		rec := get(t, h, "/tim-kiem/?q="+url.QueryEscape(query))
		var cookie *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == searchSessionCookie {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatalf("the results page set no session cookie")
		}
		link := choosePath + "?" + url.Values{"q": {query}, "id": {code}}.Encode()
		if !strings.ContainsAny(query, "0123456789") && !strings.Contains(rec.Body.String(), choosePath+"?id="+code+"&amp;q=") {
			t.Fatalf("the results page does not link %s through the log:\n%s", link, rec.Body)
		}
		for range 2 {
			req := httptest.NewRequest(http.MethodGet, link, nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/thu-tuc/"+code+"/" {
				t.Fatalf("choose %s: status %d, Location %q", code, rec.Code, rec.Header().Get("Location"))
			}
		}
	}
	learn := func() {
		t.Helper()
		events, bad, err := querylog.Read(logPath)
		if err != nil || bad > 0 {
			t.Fatalf("read log: %v, %d bad lines", err, bad)
		}
		if err := ix.Learn(querylog.Learn(events, 3, 0.2)); err != nil {
			t.Fatal(err)
		}
	}
	session(q, chosen)
	session("mo quan an", chosen) // the same query, typed without diacritics
	session("012345678901 mo quan an", chosen)
	session("000.42.27.H09-240515-0087", chosen)
	learn()
	if got := first(); got == chosen {
		t.Fatalf("learnt from 2 sessions (and 2 queries that must not be logged): %s first", got)
	}
	session("mở quán ăn", chosen)
	learn()
	if got := first(); got != chosen {
		t.Errorf("after 3 sessions chose %s for %q, first is %s", chosen, q, got)
	}
	// What it teaches about words: another query holding "mở quán ăn"
	// finds the procedure first.
	rec := get(t, h, "/api/search?q="+url.QueryEscape("muốn mở quán ăn sáng ở nhà"))
	var res search.Result
	json.Unmarshal(rec.Body.Bytes(), &res)
	if len(res.Hits) == 0 || res.Hits[0].Code != chosen {
		t.Errorf("a query holding the learnt words does not find %s first: %s", chosen, rec.Body)
	}
	// Another query is not changed by what was learnt.
	rec = get(t, h, "/api/search?q="+url.QueryEscape("an toan thuc pham quan an"))
	if strings.Index(rec.Body.String(), chosen) >= 0 {
		t.Errorf("an unrelated query found %s: %s", chosen, rec.Body)
	}

	b, _ := os.ReadFile(logPath)
	log := string(b)
	for _, bad := range []string{"012345678901", "H09", "Mở", "motcua_tim_kiem"} {
		if strings.Contains(log, bad) {
			t.Errorf("the query log holds %q:\n%s", bad, log)
		}
	}
	events, _, _ := querylog.Read(logPath)
	if len(events) != 3*3 { // 3 logged sessions × (a search, 2 choices)
		t.Errorf("%d events, want 9:\n%s", len(events), log)
	}
	// Only a catalogue procedure is redirected to and logged.
	rec = get(t, h, choosePath+"?q=x&id=https://evil.example/")
	if loc := rec.Header().Get("Location"); loc != "/tim-kiem/" {
		t.Errorf("a bad id redirects to %q", loc)
	}
}
