package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/content"
	"motcua/search"
	"motcua/server/auth"
	"motcua/store"
	"motcua/store/sqlite"
)

const testPassword = "mật khẩu thử nghiệm"

// staffEnv is a server with a real store, blobs, index and catalogue, and
// one account per role.
type staffEnv struct {
	s     *srv
	ts    *httptest.Server
	db    *sqlite.DB
	ix    *search.Index
	rec   *store.Record // restricted, with a page image and hostile OCR text
	clock *testClock
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newStaffEnv(t testing.TB) *staffEnv {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs := store.DirBlobs{Dir: filepath.Join(dir, "blobs")}
	ctx := context.Background()
	hash, _ := auth.Hash(testPassword)
	for _, u := range []struct {
		name string
		role store.Role
	}{{"quantri", store.RoleAdmin}, {"luutru", store.RoleArchivist}, {"motcua", store.RoleStaff}} {
		if err := db.AddUser(ctx, store.User{Name: u.name, Role: u.role, Password: hash}); err != nil {
			t.Fatal(err)
		}
	}
	scan, err := os.ReadFile("../testdata/scans/06-trich-luc-khai-sinh.png")
	if err != nil {
		t.Fatal(err)
	}
	sha := store.SHA256(scan)
	if err := blobs.Put(sha, scan); err != nil {
		t.Fatal(err)
	}
	rec := &store.Record{SHA256: sha, SourceName: "trích lục <script>.png", SourcePath: "/scans/x.png", MediaType: "image/png",
		Size: int64(len(scan)), DocType: "Trích lục khai sinh", Status: store.StatusReview, Visibility: store.Restricted,
		Text: "TRÍCH LỤC KHAI SINH <script>alert('ocr')</script> Số định danh cá nhân: 026223001234",
		Fields: store.Fields{DocType: "Trích lục khai sinh", NumberSymbol: "215/TLKS-BS", IssueDate: "2023-03-15",
			Issuer: "ỦY BAN NHÂN DÂN XÃ ĐẠI TỰ", Summary: `<img src=x onerror="alert(1)">`, PersonIDs: []string{"026223001234"}, OwnerID: "026223001234"},
		Confidence: store.Confidence{store.DocType: 0.95, store.NumberSymbol: 0.5, store.IssueDate: 0.9, store.Issuer: 0.9},
		Pages: []store.Page{{N: 1, Width: 1654, Height: 2339, DPI: 200, Text: "TRÍCH LỤC",
			Words: []store.Word{{Text: "<b>215</b>", Box: [4]int{340, 290, 610, 330}, Conf: 0.3},
				{Text: "Số:", Box: [4]int{300, 350, 360, 390}, Conf: 0.9}, {Text: "215/TLKS-BS", Box: [4]int{370, 350, 610, 390}, Conf: 0.7}}}}}
	if err := db.Put(ctx, rec); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.IndexSince(ctx, db, time.Time{}); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(dir, "public")
	os.MkdirAll(filepath.Join(public, "thong-ke"), 0o755)
	os.MkdirAll(filepath.Join(public, "van-ban"), 0o755)
	os.WriteFile(filepath.Join(public, "van-ban", "index.html"),
		[]byte(`<!doctype html><html lang="vi"><main><!--motcua:document--><h1>Văn bản</h1><!--/motcua:document--></main>`), 0o644)
	os.WriteFile(filepath.Join(public, "index.html"), []byte("<!doctype html><title>x</title>"), 0o644)
	os.WriteFile(filepath.Join(public, "thong-ke", "index.html"),
		[]byte(`<!doctype html><html lang="vi"><main><h1>Thống kê</h1><!--motcua:stats--><p>tĩnh</p><!--/motcua:stats--></main>`), 0o644)
	proc := &content.Procedure{Code: "1.001471", Name: "Cấp hộ chiếu phổ thông", Documents: []content.Document{
		{Name: "Tờ khai đề nghị cấp hộ chiếu", Originals: 1}, {Name: "Bản sao giấy khai sinh hoặc trích lục khai sinh đối với người chưa đủ 14 tuổi", Copies: 1},
		{Name: "Số lượng hồ sơ: 01 (một) bộ.", Originals: 1}}}
	clock := &testClock{t: time.Now()}
	s := newSrv(Config{Public: public, Index: ix, Store: db, Blobs: blobs, Procedures: []*content.Procedure{proc}, Now: clock.now})
	ts := httptest.NewServer(s.routes())
	t.Cleanup(ts.Close)
	return &staffEnv{s: s, ts: ts, db: db, ix: ix, rec: rec, clock: clock}
}

// client is a browser: a cookie jar, redirects not followed.
func (e *staffEnv) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func body(t testing.TB, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// login signs c in and returns the session's CSRF token.
func (e *staffEnv) login(t testing.TB, c *http.Client, name, pw string) (int, string) {
	t.Helper()
	r, err := c.Get(e.ts.URL + "/staff/dang-nhap")
	if err != nil {
		t.Fatal(err)
	}
	m := csrfField.FindStringSubmatch(body(t, r))
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	r, err = c.PostForm(e.ts.URL+"/staff/dang-nhap", url.Values{"csrf": {m[1]}, "ten": {name}, "mat_khau": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, r)
	if r.StatusCode != http.StatusSeeOther {
		return r.StatusCode, ""
	}
	r, _ = c.Get(e.ts.URL + "/staff/")
	m = csrfField.FindStringSubmatch(body(t, r))
	if m == nil {
		t.Fatal("no CSRF token on the staff page")
	}
	return http.StatusSeeOther, m[1]
}

func (e *staffEnv) do(t testing.TB, c *http.Client, method, path string, form url.Values) (int, string) {
	t.Helper()
	var r *http.Response
	var err error
	if method == http.MethodPost {
		r, err = c.PostForm(e.ts.URL+path, form)
	} else {
		r, err = c.Get(e.ts.URL + path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.StatusCode, body(t, r)
}

// Every staff route is refused to anonymous users (401) and to the wrong
// role (403), including records that do not exist.
func TestStaffAccess(t *testing.T) {
	e := newStaffEnv(t)
	id := fmt.Sprint(e.rec.ID)
	clients := map[string]*http.Client{"anon": e.client()}
	tokens := map[string]string{}
	for _, name := range []string{"quantri", "luutru", "motcua"} {
		clients[name] = e.client()
		code, tok := e.login(t, clients[name], name, testPassword)
		if code != http.StatusSeeOther {
			t.Fatalf("login %s: %d", name, code)
		}
		tokens[name] = tok
	}
	reuseForm := url.Values{"thu_tuc": {"1.001471"}, "so_dinh_danh": {"026223001234"}, "giay_to": {"1"}, "ho_so": {id}}
	editForm := url.Values{"version": {"1"}, "summary": {"Trích lục khai sinh"}}
	all := map[string]int{"anon": 401, "quantri": 200, "luutru": 200, "motcua": 200}
	for _, c := range []struct {
		method, path string
		form         url.Values
		want         map[string]int
	}{
		{"GET", "/staff/", nil, all},
		{"GET", "/staff/?q=khai+sinh", nil, all},
		{"GET", "/staff/api/search?q=026223001234", nil, all},
		{"GET", "/staff/ho-so/" + id, nil, all},
		{"GET", "/staff/ho-so/" + id + "/trang/1.png", nil, all},
		{"GET", "/staff/ho-so/" + id + "/goc", nil, all},
		{"GET", "/staff/ho-so/" + id + "/pdf", nil, map[string]int{"anon": 401}},
		{"GET", "/staff/ho-so/999/goc", nil, map[string]int{"anon": 401, "motcua": 404}},
		{"GET", "/staff/ho-so/2", nil, map[string]int{"anon": 401, "motcua": 404}},
		{"GET", "/staff/ho-so/" + id + "/sua", nil, map[string]int{"anon": 401, "motcua": 403, "luutru": 200, "quantri": 200}},
		{"POST", "/staff/ho-so/" + id + "/sua", editForm, map[string]int{"anon": 401, "motcua": 403}},
		{"GET", "/staff/duyet/", nil, map[string]int{"anon": 401, "motcua": 403, "luutru": 200, "quantri": 200}},
		{"GET", "/staff/dung-lai/?thu_tuc=1.001471&so_dinh_danh=026223001234", nil, map[string]int{"anon": 401, "luutru": 403, "motcua": 200, "quantri": 200}},
		{"POST", "/staff/dung-lai/", reuseForm, map[string]int{"anon": 401, "luutru": 403}},
		{"GET", "/staff/nhat-ky/", nil, map[string]int{"anon": 401, "luutru": 403, "motcua": 403, "quantri": 200}},
		{"GET", "/staff/khong-co", nil, map[string]int{"anon": 401, "motcua": 404}},
		{"POST", "/staff/dang-xuat", url.Values{}, map[string]int{"anon": 401}},
	} {
		for who, want := range c.want {
			form := url.Values{}
			for k, v := range c.form {
				form[k] = v
			}
			if tok := tokens[who]; tok != "" {
				form.Set("csrf", tok)
			}
			got, b := e.do(t, clients[who], c.method, c.path, form)
			if got != want {
				t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, who, got, want)
			}
			if who == "anon" && (strings.Contains(b, "215/TLKS") || strings.Contains(b, "ĐẠI TỰ") ||
				(strings.Contains(b, "026223001234") && !strings.Contains(c.path, "026223001234"))) {
				t.Errorf("%s %s leaks the record to an anonymous user", c.method, c.path)
			}
		}
	}
	// A page image, the original and the staff API are what they say.
	r, _ := clients["motcua"].Get(e.ts.URL + "/staff/ho-so/" + id + "/trang/1.png")
	b := body(t, r)
	if r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(b, "\x89PNG") {
		t.Errorf("page image: %s", r.Header.Get("Content-Type"))
	}
	r, _ = clients["motcua"].Get(e.ts.URL + "/staff/ho-so/" + id + "/goc")
	if b := body(t, r); store.SHA256([]byte(b)) != e.rec.SHA256 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("original download differs from the stored original")
	}
	r, _ = clients["motcua"].Get(e.ts.URL + "/staff/ho-so/" + id + "/pdf")
	if b := body(t, r); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(b, "%PDF") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), ".pdf") {
		t.Errorf("searchable PDF: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	// Every access to the record was audited.
	seen := map[string]int{}
	e.db.Events(context.Background(), store.AuditFilter{}, func(ev store.Event) error {
		if ev.RecordID == e.rec.ID {
			seen[ev.Action]++
		}
		return nil
	})
	for _, a := range []string{store.ActView, store.ActImage, store.ActOriginal, store.ActPDF} {
		if seen[a] == 0 {
			t.Errorf("no %s event in the audit log: %v", a, seen)
		}
	}
}

func TestCSRFAndFixation(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	// A login form posted without its token is refused.
	code, _ := e.do(t, c, "POST", "/staff/dang-nhap", url.Values{"ten": {"motcua"}, "mat_khau": {testPassword}})
	if code != http.StatusForbidden {
		t.Errorf("login without a token: %d, want 403", code)
	}
	// A session ID planted before login is not the one after it.
	u, _ := url.Parse(e.ts.URL + "/staff/")
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted-by-an-attacker", Path: "/staff/"}})
	_, tok := e.login(t, c, "motcua", testPassword)
	var sid string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			sid = ck.Value
		}
	}
	if sid == "" || sid == "planted-by-an-attacker" {
		t.Errorf("session cookie after login: %q", sid)
	}
	r, _ := c.Get(e.ts.URL + "/staff/")
	body(t, r)
	if r.StatusCode != 200 {
		t.Fatalf("after login: %d", r.StatusCode)
	}
	// Forms without the session's token, or with another, are refused.
	for _, tk := range []string{"", "not-the-token", tok + "x"} {
		form := url.Values{"thu_tuc": {"1.001471"}, "so_dinh_danh": {"026223001234"}, "giay_to": {"1"}, "ho_so": {fmt.Sprint(e.rec.ID)}}
		if tk != "" {
			form.Set("csrf", tk)
		}
		if code, _ := e.do(t, c, "POST", "/staff/dung-lai/", form); code != http.StatusForbidden {
			t.Errorf("reuse with token %q: %d, want 403", tk, code)
		}
		if code, _ := e.do(t, c, "POST", "/staff/dang-xuat", form); code != http.StatusForbidden {
			t.Errorf("logout with token %q: %d, want 403", tk, code)
		}
	}
	// The cookie's attributes.
	r, _ = c.Get(e.ts.URL + "/staff/dang-nhap")
	body(t, r)
	for _, h := range r.Header.Values("Set-Cookie") {
		if !strings.Contains(h, "HttpOnly") || !strings.Contains(h, "SameSite=Lax") {
			t.Errorf("cookie without HttpOnly/SameSite: %s", h)
		}
	}
	// Logout ends the session on the server, not only in the browser.
	e.do(t, c, "POST", "/staff/dang-xuat", url.Values{"csrf": {tok}})
	stolen := e.client()
	stolen.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sid, Path: "/staff/"}})
	if code, _ := e.do(t, stolen, "GET", "/staff/", nil); code != http.StatusUnauthorized {
		t.Errorf("session cookie after logout: %d, want 401", code)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	e.login(t, c, "motcua", testPassword)
	e.clock.add(20 * time.Minute)
	if code, _ := e.do(t, c, "GET", "/staff/", nil); code != 200 {
		t.Fatalf("after 20 idle minutes: %d", code)
	}
	e.clock.add(20 * time.Minute) // still within 30 minutes of the last request
	if code, _ := e.do(t, c, "GET", "/staff/", nil); code != 200 {
		t.Fatalf("20 minutes after the last request: %d", code)
	}
	e.clock.add(31 * time.Minute)
	if code, _ := e.do(t, c, "GET", "/staff/", nil); code != http.StatusUnauthorized {
		t.Errorf("after 31 idle minutes: %d, want 401", code)
	}
	// A disabled account loses its live sessions at once.
	e.login(t, c, "motcua", testPassword)
	e.db.SetDisabled(context.Background(), "motcua", true)
	if code, _ := e.do(t, c, "GET", "/staff/", nil); code != http.StatusUnauthorized {
		t.Errorf("disabled account: %d, want 401", code)
	}
}

func TestLoginLockoutAndAudit(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	for i := 1; i <= 5; i++ {
		code, _ := e.login(t, c, "motcua", "sai mật khẩu")
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Errorf("wrong password %d: %d, want %d", i, code, want)
		}
	}
	if code, _ := e.login(t, c, "motcua", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password on a locked account: %d, want 429", code)
	}
	if code, _ := e.login(t, c, "ai-do", testPassword); code != http.StatusUnauthorized {
		t.Errorf("unknown account: %d", code)
	}
	var fails, total int
	e.db.Events(context.Background(), store.AuditFilter{Action: store.ActLogin}, func(ev store.Event) error {
		total++
		if !ev.OK {
			fails++
		}
		return nil
	})
	if total != 7 || fails != 7 {
		t.Errorf("login events: %d, failed %d; want 7 failed", total, fails)
	}
	// Per client: ten attempts, then wait.
	e2 := newStaffEnv(t)
	var last int
	for range 12 {
		last, _ = e2.login(t, e2.client(), fmt.Sprint("x", time.Now().UnixNano()), "sai")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("12th login from one client: %d, want 429", last)
	}
}

// OCR text is untrusted: it is shown escaped everywhere.
func TestStaffEscaping(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	e.login(t, c, "luutru", testPassword)
	for _, p := range []string{fmt.Sprintf("/staff/ho-so/%d", e.rec.ID), fmt.Sprintf("/staff/ho-so/%d/sua", e.rec.ID), "/staff/?q=script", "/staff/duyet/"} {
		code, b := e.do(t, c, "GET", p, nil)
		if code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>215</b>"} {
			if strings.Contains(b, bad) {
				t.Errorf("%s contains unescaped %q", p, bad)
			}
		}
	}
	_, b := e.do(t, c, "GET", fmt.Sprintf("/staff/ho-so/%d", e.rec.ID), nil)
	if !strings.Contains(b, "&lt;script&gt;alert(&#39;ocr&#39;)&lt;/script&gt;") || !strings.Contains(b, `class="lowword"`) {
		t.Errorf("record page: escaped text or low-confidence outline missing")
	}
}

func TestStaffPathTraversal(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	e.login(t, c, "quantri", testPassword)
	for _, p := range []string{
		"/staff/ho-so/..%2F..%2F..%2Fetc%2Fpasswd/goc",
		"/staff/ho-so/1%2F..%2F..%2Fmotcua.db/goc",
		"/staff/ho-so/-1/goc",
		"/staff/ho-so/1/trang/..%2F..%2Fetc%2Fpasswd",
		"/staff/ho-so/1/trang/0.png",
		"/staff/static/..%2F..%2Fserver.go",
		"/staff/static/../staff.go",
	} {
		code, b := e.do(t, c, "GET", p, nil)
		if code == 200 || strings.Contains(b, "root:") || strings.Contains(b, "package server") {
			t.Errorf("%s: %d", p, code)
		}
	}
	// A record whose hash was tampered with in the database cannot name a
	// file outside the blob folder.
	bad := *e.rec
	bad.ID, bad.SHA256 = 0, "../../../../etc/passwd"
	if err := e.db.Put(context.Background(), &bad); err != nil {
		t.Fatal(err)
	}
	code, b := e.do(t, c, "GET", fmt.Sprintf("/staff/ho-so/%d/goc", bad.ID), nil)
	if code == 200 || strings.Contains(b, "root:") {
		t.Errorf("tampered hash: %d", code)
	}
}

// TestReviewAndReuse: an archivist corrects and approves the record (the
// index follows at once); an officer reuses it; the statistics count both.
func TestReviewAndReuse(t *testing.T) {
	e := newStaffEnv(t)
	arch := e.client()
	_, tok := e.login(t, arch, "luutru", testPassword)
	if _, b := e.do(t, arch, "GET", "/staff/duyet/", nil); !strings.Contains(b, fmt.Sprintf("/staff/ho-so/%d/sua", e.rec.ID)) {
		t.Fatal("the record is not in the review queue")
	}
	id := fmt.Sprint(e.rec.ID)
	form := url.Values{"csrf": {tok}, "version": {"1"}, "number_symbol": {"216/TLKS-BS"}, "issue_date": {"15/03/2023"}}
	if code, b := e.do(t, arch, "POST", "/staff/ho-so/"+id+"/sua", form); code != 400 || !strings.Contains(b, "NNNN-TT-NN") {
		t.Errorf("a bad date: %d", code)
	}
	// A rejected value comes back as typed, marked invalid with its
	// message beside it and the focus on it; nothing is saved, not even
	// the valid fields, until every field is valid.
	for _, bad := range []string{"31/02/2024", "2023-13-40", "2024-02-31"} {
		form.Set("issue_date", bad)
		form.Set("valid_until", "mai")
		code, b := e.do(t, arch, "POST", "/staff/ho-so/"+id+"/sua", form)
		input := regexp.MustCompile(`<input id="f-issue_date"[^>]*>`).FindString(b)
		if code != 400 || !strings.Contains(input, `value="`+bad+`"`) || !strings.Contains(input, `aria-invalid="true"`) ||
			!strings.Contains(input, `aria-describedby="loi-issue_date"`) || !strings.Contains(input, "autofocus") {
			t.Errorf("%s: %d, the date field is %s", bad, code, input)
		}
		if !regexp.MustCompile(`id="loi-issue_date"[^>]*>[^<]*` + regexp.QuoteMeta(bad)).MatchString(b) {
			t.Errorf("%s: no message beside the field", bad)
		}
		other := regexp.MustCompile(`<input id="f-valid_until"[^>]*>`).FindString(b)
		if !strings.Contains(other, `value="mai"`) || !strings.Contains(other, `aria-invalid="true"`) || strings.Contains(other, "autofocus") {
			t.Errorf("%s: the second invalid field is %s", bad, other)
		}
		if !strings.Contains(b, `value="216/TLKS-BS"`) {
			t.Errorf("%s: the valid number typed is lost", bad)
		}
		if got, _ := e.db.Get(context.Background(), e.rec.ID); got.Fields.IssueDate != "2023-03-15" || got.Fields.NumberSymbol != "215/TLKS-BS" || got.Version != 1 {
			t.Errorf("%s: saved although a field is invalid: %+v", bad, got.Fields)
		}
	}
	form.Del("valid_until")
	form.Set("issue_date", "2023-03-15")
	form.Set("duyet", "1")
	if code, _ := e.do(t, arch, "POST", "/staff/ho-so/"+id+"/sua", form); code != http.StatusSeeOther {
		t.Fatalf("approve: %d", code)
	}
	if code, _ := e.do(t, arch, "POST", "/staff/ho-so/"+id+"/sua", form); code != http.StatusConflict {
		t.Errorf("a second save from the old version: %d, want 409", code)
	}
	got, _ := e.db.Get(context.Background(), e.rec.ID)
	if got.Status != store.StatusVerified || got.Fields.NumberSymbol != "216/TLKS-BS" {
		t.Errorf("after approval: %s %s", got.Status, got.Fields.NumberSymbol)
	}
	res, err := e.ix.Search(context.Background(), search.Request{Query: "216/TLKS-BS", Restricted: true})
	if err != nil || res.Total != 1 {
		t.Errorf("the index does not have the corrected number: %v %v", res, err)
	}
	if _, b := e.do(t, arch, "GET", "/staff/ho-so/"+id, nil); !strings.Contains(b, "215/TLKS-BS") || !strings.Contains(b, "Lịch sử chỉnh sửa") {
		t.Error("the record page does not show the change history")
	}

	staff := e.client()
	_, tok = e.login(t, staff, "motcua", testPassword)
	_, b := e.do(t, staff, "GET", "/staff/dung-lai/?thu_tuc=1.001471&so_dinh_danh=026223001234", nil)
	if !strings.Contains(b, "Dùng lại</button>") {
		t.Fatalf("no reuse action offered:\n%s", b)
	}
	reuse := url.Values{"csrf": {tok}, "thu_tuc": {"1.001471"}, "so_dinh_danh": {"026223001234"}, "ma_ho_so": {"000.00.11.H62-231027-0001"}, "giay_to": {"1"}, "ho_so": {id}}
	if code, _ := e.do(t, staff, "POST", "/staff/dung-lai/", reuse); code != http.StatusSeeOther {
		t.Fatalf("reuse: %d", code)
	}
	// Pressed twice: shown as already done, recorded once.
	r, err := staff.PostForm(e.ts.URL+"/staff/dung-lai/", reuse)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("the same reuse again: %d %s", r.StatusCode, loc)
	}
	if _, b := e.do(t, staff, "GET", loc, nil); !strings.Contains(b, "đã được ghi nhận từ trước (số 1)") {
		t.Error("a repeated reuse is not shown as already done")
	}
	// Not for another citizen, nor for a document it cannot stand for.
	for k, v := range map[string]string{"so_dinh_danh": "001190000001", "giay_to": "0"} {
		f := url.Values{}
		for kk, vv := range reuse {
			f[kk] = vv
		}
		f.Set(k, v)
		if code, _ := e.do(t, staff, "POST", "/staff/dung-lai/", f); code != http.StatusBadRequest {
			t.Errorf("reuse with %s=%s: %d, want 400", k, v, code)
		}
	}
	rs, _ := e.db.Reuses(context.Background(), e.rec.ID)
	if len(rs) != 1 || rs[0].User != "motcua" || rs[0].Dossier != "000.00.11.H62-231027-0001" {
		t.Errorf("reuses: %+v", rs)
	}
	// Public statistics: counts, no personal data.
	code, b := e.do(t, e.client(), "GET", "/thong-ke/", nil)
	if code != 200 || !strings.Contains(b, "<svg") || !strings.Contains(b, "<strong>1</strong>") || strings.Contains(b, "026223001234") || strings.Contains(b, "tĩnh") {
		t.Errorf("statistics page: %d\n%s", code, b)
	}
}

// TestStaffLoadLoop logs in, searches and logs out in a bounded loop from
// several clients at once: no errors, and no session left behind.
func TestStaffLoadLoop(t *testing.T) {
	e := newStaffEnv(t)
	e.s.logins = &auth.Limiter{Burst: 1000, Every: time.Millisecond} // one client address here
	const workers, rounds = 4, 8
	deadline := time.Now().Add(60 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds && time.Now().Before(deadline); i++ {
				c := e.client()
				code, tok := e.login(t, c, "motcua", testPassword)
				if code != http.StatusSeeOther {
					errs <- fmt.Sprintf("worker %d login %d: %d", w, i, code)
					continue
				}
				for _, q := range []string{"khai+sinh", "026223001234", "trich+luc&trang_thai=review"} {
					if code, b := e.do(t, c, "GET", "/staff/api/search?q="+q, nil); code != 200 || !strings.Contains(b, `"total":1`) {
						errs <- fmt.Sprintf("worker %d search %s: %d %s", w, q, code, b)
					}
				}
				if code, _ := e.do(t, c, "POST", "/staff/dang-xuat", url.Values{"csrf": {tok}}); code != http.StatusSeeOther {
					errs <- fmt.Sprintf("worker %d logout: %d", w, code)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Purging every session, however far its expiry, counts those left.
	if n, _ := e.db.PurgeSessions(context.Background(), time.Now().AddDate(100, 0, 0)); n != 0 {
		t.Errorf("%d sessions left after every client logged out", n)
	}
}

// A public document has a public page; a restricted record and a missing
// one are the same 404.
func TestPublicDocumentPage(t *testing.T) {
	e := newStaffEnv(t)
	ctx := context.Background()
	pub := *e.rec
	pub.ID, pub.SHA256, pub.Visibility = 0, strings.Repeat("ab", 32), store.Public
	pub.Fields.PersonIDs, pub.Fields.OwnerID = nil, ""
	pub.Fields.DocType, pub.Fields.NumberSymbol = "Quyết định", "1402/QĐ-UBND"
	if err := e.db.Put(ctx, &pub); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	code, b := e.do(t, anon, "GET", fmt.Sprintf("/van-ban/%d/", pub.ID), nil)
	if code != 200 || !strings.Contains(b, "<h1>Quyết định 1402/QĐ-UBND</h1>") || strings.Contains(b, "<script>alert") ||
		!strings.Contains(b, "&lt;script&gt;") {
		t.Errorf("public document: %d\n%s", code, b)
	}
	code404, b404 := e.do(t, anon, "GET", "/van-ban/999/", nil)
	codeR, bR := e.do(t, anon, "GET", fmt.Sprintf("/van-ban/%d/", e.rec.ID), nil)
	if code404 != 404 || codeR != 404 || bR != b404 || strings.Contains(bR, "215/TLKS") {
		t.Errorf("restricted %d, missing %d; the two must be the same 404", codeR, code404)
	}
	if d := search.RecordDoc(&pub); d.URL != fmt.Sprintf("/van-ban/%d/", pub.ID) {
		t.Errorf("public record URL: %q", d.URL)
	}
	if d := search.RecordDoc(e.rec); d.URL != "" {
		t.Errorf("restricted record URL: %q", d.URL)
	}
}

// Under TLS the session cookie is sent over HTTPS only.
func TestSecureCookieUnderTLS(t *testing.T) {
	e := newStaffEnv(t)
	tls := httptest.NewTLSServer(e.s.routes())
	defer tls.Close()
	c := tls.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	e.ts = tls
	r, _ := c.Get(tls.URL + "/staff/dang-nhap")
	m := csrfField.FindStringSubmatch(body(t, r))
	r, err := c.PostForm(tls.URL+"/staff/dang-nhap", url.Values{"csrf": {m[1]}, "ten": {"motcua"}, "mat_khau": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, r)
	cookies := r.Header.Values("Set-Cookie")
	if r.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
		t.Fatalf("login over TLS: %d %v", r.StatusCode, cookies)
	}
	for _, h := range cookies {
		if !strings.Contains(h, "; Secure") || !strings.Contains(h, "HttpOnly") {
			t.Errorf("cookie without Secure under TLS: %s", h)
		}
	}
}

// After login the browser goes back where it was, inside the staff area
// only: no open redirect.
func TestLocalNext(t *testing.T) {
	for in, want := range map[string]string{
		"/staff/ho-so/3?x=1":        "/staff/ho-so/3?x=1",
		"":                          "/staff/",
		"//evil.example/staff/":     "/staff/",
		"https://evil.example/":     "/staff/",
		"/tim-kiem/":                "/staff/",
		"/staff/../tim-kiem":        "/staff/",
		"javascript:alert(1)":       "/staff/",
		"/\\evil.example/staff/":    "/staff/",
		"/staff/\r\nSet-Cookie: x=": "/staff/",
	} {
		got := localNext(in)
		if got != want {
			t.Errorf("localNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStaffSearchPages(t *testing.T) {
	e := newStaffEnv(t)
	ctx := context.Background()
	for i := range 25 {
		r := *e.rec
		r.ID, r.SHA256 = 0, fmt.Sprintf("%064x", i+1)
		if err := e.db.Put(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if err := e.ix.Put(search.RecordDoc(&r)); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	e.login(t, c, "motcua", testPassword)
	_, b := e.do(t, c, "GET", "/staff/?trang_thai=review", nil)
	if !strings.Contains(b, "26 hồ sơ") || strings.Count(b, `<li><h3>`) != 20 || !strings.Contains(b, `rel="next"`) || strings.Contains(b, `rel="prev"`) {
		t.Fatalf("first page:\n%s", b)
	}
	_, b = e.do(t, c, "GET", "/staff/?page=2&trang_thai=review", nil)
	if strings.Count(b, `<li><h3>`) != 6 || strings.Contains(b, `rel="next"`) || !strings.Contains(b, `rel="prev"`) {
		t.Errorf("second page: %d hits", strings.Count(b, `<li><h3>`))
	}
}
