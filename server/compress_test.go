package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/content"
	"motcua/site"
)

// builtSite builds the site's fixture catalogue with the real layouts.
func builtSite(t *testing.T) string {
	t.Helper()
	cat, err := content.Load("../site/testdata/catalogue")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if err := site.Build(cat, site.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

func request(t *testing.T, h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCompressSite(t *testing.T) {
	public := builtSite(t)
	png, err := os.ReadFile("../testdata/scans/06-trich-luc-khai-sinh.png")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(public, "anh.png"), png, 0o644)
	h := New(Config{Public: public})
	css := regexp.MustCompile(`href="(/css/[^"]+)"`).FindStringSubmatch(request(t, h, "GET", "/", nil).Body.String())
	if css == nil {
		t.Fatal("no stylesheet on the home page")
	}
	gz := map[string]string{"Accept-Encoding": "gzip, deflate, br"}
	tests := []struct {
		name, path string
		header     map[string]string
		gzip       bool
	}{
		{"page", "/thu-tuc/1.001193/", gz, true},
		{"stylesheet", css[1], gz, true},
		{"404 page", "/khong-co/", gz, true},
		{"not asked", "/thu-tuc/1.001193/", nil, false},
		{"refused", "/thu-tuc/1.001193/", map[string]string{"Accept-Encoding": "gzip;q=0, identity"}, false},
		{"any", "/thu-tuc/1.001193/", map[string]string{"Accept-Encoding": "*"}, true},
		{"tiny", "/robots.txt", gz, false},
		{"already compressed", "/anh.png", gz, false},
		{"range", "/thu-tuc/1.001193/", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"}, false},
	}
	for _, tt := range tests {
		rec := request(t, h, "GET", tt.path, tt.header)
		plain := request(t, h, "GET", tt.path, nil)
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tt.gzip {
			t.Errorf("%s: gzip %v, want %v (%d, %v)", tt.name, got, tt.gzip, rec.Code, rec.Header())
			continue
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", tt.name, rec.Header().Get("Vary"))
		}
		if !tt.gzip {
			continue
		}
		if rec.Header().Get("Content-Length") != "" || rec.Header().Get("Accept-Ranges") != "" {
			t.Errorf("%s: compressed with the uncompressed length or ranges: %v", tt.name, rec.Header())
		}
		body := gunzip(t, rec.Body.Bytes())
		if !bytes.Equal(body, plain.Body.Bytes()) || rec.Code != plain.Code {
			t.Errorf("%s: the compressed body differs from the plain one", tt.name)
		}
		if rec.Body.Len() >= len(body) {
			t.Errorf("%s: %d bytes compressed from %d", tt.name, rec.Body.Len(), len(body))
		}
	}
	// A range is served from the plain file.
	rec := request(t, h, "GET", "/thu-tuc/1.001193/", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
	if rec.Code != http.StatusPartialContent || rec.Body.Len() != 100 {
		t.Errorf("range: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}

// TestCompressETag: a compressed answer has its own ETag, and a client
// sending it back gets 304, as with the plain one.
func TestCompressETag(t *testing.T) {
	body := []byte(`{"hits":[` + strings.Repeat(`{"title":"Đăng ký khai sinh"},`, 100) + `{}]}`)
	h := compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/json")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	}))
	gz := map[string]string{"Accept-Encoding": "gzip"}
	rec := request(t, h, "GET", "/api/x", gz)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") != `"v1-gzip"` ||
		!bytes.Equal(gunzip(t, rec.Body.Bytes()), body) {
		t.Fatalf("compressed: %d %v", rec.Code, rec.Header())
	}
	for _, tt := range []struct {
		header map[string]string
		etag   string
	}{
		{map[string]string{"Accept-Encoding": "gzip", "If-None-Match": `"v1-gzip"`}, `"v1"`}, // net/http keeps the handler's ETag on 304
		{map[string]string{"If-None-Match": `"v1"`}, `"v1"`},
	} {
		rec := request(t, h, "GET", "/api/x", tt.header)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("If-None-Match %s: %d %v", tt.header["If-None-Match"], rec.Code, rec.Header())
		}
	}
	// The staff area is never compressed (BREACH).
	rec = request(t, h, "GET", "/staff/ho-so/1", gz)
	if rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("staff page compressed: %v", rec.Header())
	}
	// HEAD: no body, no encoding.
	rec = request(t, h, "HEAD", "/api/x", gz)
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %v", rec.Header())
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=1.0": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"br": false, "*": true, "*;q=0": false, "identity, *;q=0.5": true, "x-gzip": true, "gzip;q=0, *": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}

// TestCacheHeaders: every fingerprinted asset a built page links to is
// cached for a year, the same way; pages are not.
func TestCacheHeaders(t *testing.T) {
	public := builtSite(t)
	h := New(Config{Public: public})
	const year = "public, max-age=31536000, immutable"
	assets := map[string]bool{}
	link := regexp.MustCompile(`(?:href|src)="(/[^"]+\.(?:css|js))"`)
	err := filepath.WalkDir(public, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".html") {
			return err
		}
		data, err := os.ReadFile(path)
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			assets[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(assets) < 2 {
		t.Fatalf("assets linked: %v, want the stylesheet and the script", assets)
	}
	for a := range assets {
		rec := request(t, h, "GET", a, nil)
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != year {
			t.Errorf("%s: %d, Cache-Control %q, want %q", a, rec.Code, rec.Header().Get("Cache-Control"), year)
		}
		if !fingerprinted.MatchString(a) {
			t.Errorf("%s is linked without a fingerprint", a)
		}
	}
	for _, p := range []string{"/", "/thu-tuc/1.001193/", "/robots.txt", "/sitemap.xml"} {
		rec := request(t, h, "GET", p, nil)
		if cc := rec.Header().Get("Cache-Control"); rec.Code != 200 || strings.Contains(cc, "immutable") || strings.Contains(cc, "31536000") {
			t.Errorf("%s: %d, Cache-Control %q", p, rec.Code, cc)
		}
	}
}
