package server

import (
	"bufio"
	"compress/gzip"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Response compression for the public site: gzip for text (HTML, CSS,
// JavaScript, JSON, SVG, CSV, plain text, XML) when the client accepts
// it, the body is not tiny and nothing else encoded it. A compressed
// response drops Content-Length and Accept-Ranges, and its ETag gets a
// "-gzip" suffix, which is taken off again from If-None-Match and If-Match
// before the handler sees them, so that conditional requests still work.
// Range requests are answered uncompressed, as the handler would. The
// staff area is not compressed: its pages mix secrets (the form token)
// with what the user typed, which compression would leak (BREACH).

// compressMin is the smallest body worth compressing: below a packet the
// gzip header and the CPU cost outweigh the bytes saved.
const compressMin = 1024

// gzipPool holds writers at gzip's fastest level, as web servers compress
// what they make per request (nginx's default): a search answer of 7.5 KB
// takes 130 µs instead of 230 and is 2.1 KB instead of 1.8.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

const etagGzip = "-gzip"

// compressible reports whether a media type is text that gzip shrinks.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "application/javascript", "text/javascript", "image/svg+xml",
		"application/xml", "application/rss+xml", "application/atom+xml", "application/manifest+json":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// acceptsGzip reports whether the Accept-Encoding header allows gzip
// (RFC 9110 §12.5.3: "gzip;q=0" refuses it, "*" accepts it).
func acceptsGzip(h string) bool {
	star := false
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch name {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// compress wraps the public handlers; see above.
func compress(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/staff/") {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.ServeHTTP(w, r)
			return
		}
		for _, name := range []string{"If-None-Match", "If-Match"} {
			if v := r.Header.Get(name); strings.Contains(v, etagGzip+`"`) {
				r.Header.Set(name, strings.ReplaceAll(v, etagGzip+`"`, `"`))
			}
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// gzipWriter holds back the first bytes of a body until it knows whether
// to compress: the handler's headers, and whether the body reaches
// compressMin.
type gzipWriter struct {
	http.ResponseWriter
	status  int    // the status the handler wrote, 0 until then
	buf     []byte // held back until decided
	decided bool
	gz      *gzip.Writer // nil: passing through
}

func (g *gzipWriter) WriteHeader(code int) {
	if code < 200 { // informational: the real answer follows
		g.ResponseWriter.WriteHeader(code)
		return
	}
	if g.status != 0 {
		return
	}
	g.status = code
	// Answers without a body, and partial ones, pass straight on.
	if code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.WriteHeader(http.StatusOK)
	}
	if g.decided {
		if g.gz != nil {
			return g.gz.Write(p)
		}
		return g.ResponseWriter.Write(p)
	}
	g.buf = append(g.buf, p...)
	if len(g.buf) >= compressMin {
		if err := g.decide(true); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// decide compresses or not (big says the body reached compressMin), then
// writes the header and what was held back.
func (g *gzipWriter) decide(big bool) error {
	if g.decided {
		return nil
	}
	g.decided = true
	h := g.Header()
	if g.status == 0 {
		g.status = http.StatusOK
	}
	ct := h.Get("Content-Type")
	if ct == "" && len(g.buf) > 0 {
		ct = http.DetectContentType(g.buf)
		h.Set("Content-Type", ct)
	}
	if cl, err := strconv.Atoi(h.Get("Content-Length")); err == nil && cl < compressMin {
		big = false
	}
	if big && h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" && compressible(ct) {
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		h.Set("Content-Encoding", "gzip")
		if et := h.Get("ETag"); strings.HasSuffix(et, `"`) {
			h.Set("ETag", strings.TrimSuffix(et, `"`)+etagGzip+`"`)
		}
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
	if len(g.buf) == 0 {
		return nil
	}
	var err error
	if g.gz != nil {
		_, err = g.gz.Write(g.buf)
	} else {
		_, err = g.ResponseWriter.Write(g.buf)
	}
	g.buf = nil
	return err
}

// close ends the response: a short body goes out as it is.
func (g *gzipWriter) close() {
	if g.status == 0 && !g.decided {
		// The handler wrote nothing at all: let net/http answer 200.
		return
	}
	g.decide(false)
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}

// Flush sends what is held back, compressed or not as decided so far.
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(len(g.buf) > 0)
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets a handler take the connection over, as without compression.
func (g *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(g.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
