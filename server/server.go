// Package server is motcua's one HTTP server: the built static site, the
// public search API and results page, the statistics page, public
// documents' pages, and the staff area (login, search, record views,
// review, reuse, audit log).
package server

import (
	"embed"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"motcua/content"
	"motcua/internal/addr"
	"motcua/search"
	"motcua/search/querylog"
	"motcua/server/auth"
	"motcua/store"
)

//go:embed static
var staticFS embed.FS

// Config says what to serve.
type Config struct {
	Public string        // the built site (motcua build)
	Index  *search.Index // the search index; nil serves the site without search
	// MaxSearches is how many searches may run at once; more wait briefly,
	// then get 503. Default: 4 per CPU.
	MaxSearches int

	// The staff area and the statistics page need the store; without it
	// they are not served.
	Store store.Store
	Blobs store.Blobs
	// Procedures are the catalogue, for reuse.
	Procedures []*content.Procedure
	// Auth checks logins; default: passwords in the store, a name locked
	// for a client for 15 minutes after 5 failures in a row from it, and
	// slowed (not locked) past 20 failures from all clients.
	Auth auth.Authenticator
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// Archive is the last backup and fixity check, for /metrics; nil: none.
	Archive *Archive
	// QueryLog logs the results page's searches and the procedures
	// chosen among them (see querylog); nil: none.
	QueryLog *querylog.Log
}

type srv struct {
	public  string
	index   *search.Index
	slots   chan struct{}
	metrics *metrics

	store   store.Store
	blobs   store.Blobs
	procs   map[string]*content.Procedure
	cat     *content.Catalogue // the same procedures, for the dossier package
	auth    auth.Authenticator
	logins  *auth.Limiter
	now     func() time.Time
	pdfSlot chan struct{}
	stats   statsCache

	queryLog *querylog.Log
}

// New returns the server's handler.
func New(cfg Config) http.Handler { return newSrv(cfg).routes() }

func newSrv(cfg Config) *srv {
	n := cfg.MaxSearches
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	s := &srv{public: cfg.Public, index: cfg.Index, slots: make(chan struct{}, n), metrics: newMetrics(cfg.Archive),
		store: cfg.Store, blobs: cfg.Blobs, auth: cfg.Auth, now: cfg.Now, pdfSlot: make(chan struct{}, 1), queryLog: cfg.QueryLog,
		procs: map[string]*content.Procedure{}, logins: &auth.Limiter{Burst: 10, Every: 6 * time.Second}}
	for _, p := range cfg.Procedures {
		s.procs[p.Code] = p
	}
	s.cat = content.NewCatalogue(cfg.Procedures)
	if s.now == nil {
		s.now = time.Now
	}
	if s.auth == nil && s.store != nil {
		s.auth = &auth.Passwords{Accounts: s.store, LockAfter: 5, LockFor: 15 * time.Minute, Now: s.now}
	}
	return s
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
	route("GET "+addr.Search+"{$}", "tim_kiem", s.resultsPage)
	route("GET "+choosePath, "tim_kiem_chon", s.chooseProcedure)
	route("GET "+strings.TrimSuffix(addr.Search, "/"), "tim_kiem", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, addr.Search+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
	})
	if s.store != nil {
		route("GET "+addr.Stats+"{$}", "thong_ke", s.statsPage)
		route("GET "+addr.StatsCSV, "thong_ke_csv", s.statsCSV)
		route("GET "+addr.Documents+"{id}/{$}", "van_ban", s.documentPage)
		s.staffRoutes(route)
	}
	route("GET /", "static", staticSite(s.public).ServeHTTP)
	return logRequests(secureHeaders(compress(mux)))
}

// staffRoutes are the staff area's: every one but the login page behind
// s.staff with the roles allowed.
func (s *srv) staffRoutes(route func(pattern, name string, h http.HandlerFunc)) {
	route("GET /staff/dang-nhap", "staff_login", s.getLogin)
	route("POST /staff/dang-nhap", "staff_login", s.postLogin)
	route("POST /staff/dang-xuat", "staff_logout", s.staff(allStaff, s.postLogout))
	route("GET /staff/static/", "staff_static", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/staff/", http.FileServerFS(staticFS)).ServeHTTP(w, r)
	})
	route("GET /staff/{$}", "staff_search", s.staff(allStaff, s.staffSearch))
	route("GET /staff/api/search", "staff_api_search", s.staff(allStaff, s.staffAPISearch))
	route("GET /staff/ho-so/{id}", "staff_record", s.staff(allStaff, s.staffRecord))
	route("GET /staff/ho-so/{id}/trang/{page}", "staff_image", s.staff(allStaff, s.staffPageImage))
	route("GET /staff/ho-so/{id}/goc", "staff_original", s.staff(allStaff, s.staffOriginal))
	route("GET /staff/ho-so/{id}/pdf", "staff_pdf", s.staff(allStaff, s.staffPDF))
	route("GET /staff/ho-so/{id}/sua", "staff_edit", s.staff(archivists, s.staffEdit))
	route("POST /staff/ho-so/{id}/sua", "staff_edit", s.staff(archivists, s.staffSave))
	route("GET /staff/duyet/{$}", "staff_review", s.staff(archivists, s.staffReview))
	route("GET /staff/dung-lai/{$}", "staff_reuse", s.staff(reusers, s.staffReuse))
	route("POST /staff/dung-lai/{$}", "staff_reuse", s.staff(reusers, s.staffReusePost))
	route("GET /staff/nhat-ky/{$}", "staff_audit", s.staff(admins, s.staffAudit))
	s.dossierRoutes(route)
	// Anything else under /staff/ is refused the same way: no guessing
	// which paths exist.
	other := s.staff(allStaff, func(w http.ResponseWriter, r *http.Request, u *staffUser) {
		s.page(w, r, http.StatusNotFound, "error", u, pageData{Title: "Không có trang này", Message: "Không có trang này trong khu vực cán bộ."})
	})
	route("GET /staff/", "staff_other", other)
	route("POST /staff/", "staff_other", other)
}

// count records each request's route and status in the metrics.
func (s *srv) count(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h(sw, r)
		s.metrics.request(route, sw.status)
	})
}

// fingerprinted matches the built site's assets whose name holds a hash
// of their content (Hugo's fingerprint: main.<sha256>.css): a new content
// gets a new name, so they may be cached for good.
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{32,}\.[a-z0-9]+$`)

// staticSite serves the built site, with its own 404 page: fingerprinted
// assets cached for a year, everything else revalidated.
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
		if fingerprinted.MatchString(p) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
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
