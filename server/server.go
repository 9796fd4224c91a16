// Package server is motcua's one HTTP server: the built static site now,
// the search API and the staff area as they land.
package server

import (
	"runtime"

	"log/slog"
	"motcua/search"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Config says what to serve.
type Config struct {
	Public string        // the built site (motcua build)
	Index  *search.Index // the search index; nil serves the site without search
	// MaxSearches is how many searches may run at once; more wait briefly,
	// then get 503. Default: 4 per CPU.
	MaxSearches int
}

type srv struct {
	public  string
	index   *search.Index
	slots   chan struct{}
	metrics *metrics
}

// New returns the server's handler.
func New(cfg Config) http.Handler { return newSrv(cfg).routes() }

func newSrv(cfg Config) *srv {
	n := cfg.MaxSearches
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	return &srv{public: cfg.Public, index: cfg.Index, slots: make(chan struct{}, n), metrics: newMetrics()}
}

func (s *srv) routes() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc) {
		mux.Handle(pattern, s.count(name, h))
	}
	route("GET /healthz", "healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", s.metrics)
	route("GET /api/search", "api_search", s.apiSearch)
	route("GET /api/suggest", "api_suggest", s.apiSuggest)
	route("GET /tim-kiem/{$}", "tim_kiem", s.resultsPage)
	route("GET /tim-kiem", "tim_kiem", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/tim-kiem/?"+r.URL.RawQuery, http.StatusMovedPermanently)
	})
	route("GET /", "static", staticSite(s.public).ServeHTTP)
	return logRequests(secureHeaders(mux))
}

// count records each request's route and status in the metrics.
func (s *srv) count(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h(sw, r)
		s.metrics.request(route, sw.status)
	})
}

// staticSite serves the built site, with its own 404 page.
func staticSite(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		full := filepath.Join(dir, filepath.FromSlash(p))
		fi, err := os.Stat(full)
		if err == nil && fi.IsDir() {
			_, err = os.Stat(filepath.Join(full, "index.html"))
		}
		if err != nil {
			notFound(w, dir)
			return
		}
		if strings.HasSuffix(p, ".css") {
			w.Header().Set("Cache-Control", "public, max-age=86400")
		}
		files.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, dir string) {
	page, err := os.ReadFile(filepath.Join(dir, "404.html"))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if err != nil {
		w.Write([]byte("<!doctype html><html lang=\"vi\"><title>Không tìm thấy trang</title><h1>Không tìm thấy trang</h1>"))
		return
	}
	w.Write(page)
}

func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		slog.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}
