package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStaticSite(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "thu-tuc", "1.001193"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>Trang chủ</h1>"), 0o644)
	os.WriteFile(filepath.Join(dir, "thu-tuc", "1.001193", "index.html"), []byte("<h1>Khai sinh</h1>"), 0o644)
	os.WriteFile(filepath.Join(dir, "404.html"), []byte("<h1>Không tìm thấy trang</h1>"), 0o644)
	h := New(Config{Public: dir})

	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, "Trang chủ"},
		{"/thu-tuc/1.001193/", 200, "Khai sinh"},
		{"/thu-tuc/9.999999/", 404, "Không tìm thấy trang"},
		{"/thu-tuc/", 404, "Không tìm thấy trang"}, // a folder without index.html is not listed
		{"/etc/passwd", 404, "Không tìm thấy trang"},
		{"/../../etc/passwd", 307, `href="/etc/passwd"`}, // cleaned to a path inside the site
		{"/healthz", 200, "ok"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("GET %s: %d %q, want %d with %q", tt.path, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: security headers missing", tt.path)
		}
	}
}
