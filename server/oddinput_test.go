package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/store"
)

// oddValues are what people and attackers put where a value goes: empty,
// whitespace, huge, unicode in odd forms, numbers out of range, path
// traversal, markup.
var oddValues = []string{
	"", " ", "+", "\t\n", "   \u00a0 ", "0", "-1", "-0", "00", "1e3", "0x10", "abc", "1.5",
	"9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
	strings.Repeat("9", 400), strings.Repeat("a", 70000), strings.Repeat("khai sinh ", 3000),
	"ho\u0103\u0323c", "đường", "\u202eabc", "😀😀", "\x00", "\xff\xfe", "%", "%zz", "..", "../../etc/passwd",
	"..%2f..%2fetc%2fpasswd", "/etc/passwd", "<script>alert(1)</script>", "\"'`", "*", "?", "~", "a:b",
	"AND OR NOT", "+-&&||!(){}[]^\"~*?:\\/", "field:value", "/regexp.*/",
}

// publicRoutes turn an odd value into requests on every public route:
// as a path segment and as each query parameter the route reads.
func oddRequests(v string) []string {
	seg := url.PathEscape(v)
	q := url.QueryEscape(v)
	return []string{
		"/van-ban/" + seg + "/",
		"/tim-kiem/?q=" + q,
		"/tim-kiem/?q=khai+sinh&page=" + q,
		"/tim-kiem/?q=" + q + "&linh_vuc=" + q + "&cap=" + q + "&co_quan=" + q,
		"/tim-kiem?q=" + q,
		"/api/search?q=" + q,
		"/api/search?q=khai+sinh&page=" + q + "&linh_vuc=" + q,
		"/api/suggest?q=" + q,
		"/thong-ke/?tu=" + q + "&den=" + q + "&nam=" + q,
		"/" + seg,
		"/thu-tuc/" + seg + "/",
		"/staff/dang-nhap?next=" + q,
		"/staff/ho-so/" + seg,
		"/staff/ho-so/" + seg + "/trang/" + seg,
		"/staff/ho-so/1/trang/" + seg,
		"/staff/ho-so/" + seg + "/goc",
		"/staff/ho-so/" + seg + "/pdf",
		"/staff/ho-so/" + seg + "/sua",
		"/staff/?q=" + q + "&trang_thai=" + q + "&so_dinh_danh=" + q + "&tu_ngay=" + q + "&den_ngay=" + q + "&page=" + q,
		"/staff/api/search?q=" + q + "&page=" + q,
		"/staff/dung-lai/?thu_tuc=" + q + "&so_dinh_danh=" + q + "&ma_ho_so=" + q + "&da_ghi=" + q,
		"/staff/nhat-ky/?since=" + q + "&user=" + q + "&action=" + q,
	}
}

// TestOddInputs walks every public route (and the staff ones, anonymous
// and signed in) with odd inputs: no answer is a server error and no
// handler panics.
func TestOddInputs(t *testing.T) {
	e := newStaffEnv(t)
	os.MkdirAll(filepath.Join(e.s.public, "tim-kiem"), 0o755)
	os.WriteFile(filepath.Join(e.s.public, "tim-kiem", "index.html"), []byte(`<!doctype html><html lang="vi"><main>`+
		`<!--motcua:results--><p>tĩnh</p><!--/motcua:results--></main>`), 0o644)
	pub := *e.rec
	pub.ID, pub.SHA256, pub.Visibility, pub.Fields.PersonIDs, pub.Fields.OwnerID = 0, strings.Repeat("ab", 32), store.Public, nil, ""
	if err := e.db.Put(context.Background(), &pub); err != nil {
		t.Fatal(err)
	}
	admin := e.client()
	e.login(t, admin, "quantri", testPassword)
	u, _ := url.Parse(e.ts.URL)
	var cookies []*http.Cookie
	for _, c := range admin.Jar.Cookies(u) {
		cookies = append(cookies, c)
	}
	h := e.s.routes()
	do := func(target string, signedIn bool) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "http://example.test/", nil)
		req.URL, _ = url.Parse(target)
		if req.URL == nil {
			t.Errorf("bad test target %q", target)
			return
		}
		req.RequestURI = target
		if signedIn {
			for _, c := range cookies {
				req.AddCookie(c)
			}
		}
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("GET %.120q (signed in %v) panics: %v", target, signedIn, p)
			}
		}()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("GET %.120q (signed in %v): %d %.200s", target, signedIn, rec.Code, rec.Body)
		}
	}
	n := 0
	for _, v := range oddValues {
		for _, target := range oddRequests(v) {
			do(target, false)
			if strings.HasPrefix(target, "/staff/") {
				do(target, true)
			}
			n++
		}
	}
	for _, target := range []string{"/van-ban/0/", "/van-ban/-1/", fmt.Sprintf("/van-ban/%d/", pub.ID), "/tim-kiem/?q=+",
		"/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/tim-kiem/?q=%20&q=khai"} {
		do(target, false)
	}
	t.Logf("%d odd requests", n)

	// The two reported: a whitespace query answers like an empty one, and
	// ID 0 or -1 like a missing document.
	for target, want := range map[string]int{"/tim-kiem/?q=+": 200, "/tim-kiem/?q=%09%0a": 200, "/van-ban/0/": 404, "/van-ban/-1/": 404} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", target, rec.Code, want)
		}
	}
}
