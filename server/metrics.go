package server

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// metrics are the server's Prometheus figures, kept by hand: request counts
// by route and status, and a histogram of search latency.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status → count
	buckets  []float64            // upper bounds in seconds
	counts   []uint64             // per bucket, cumulative at export
	sum      float64
	total    uint64
	archive  *Archive // backup and fixity, set by serve
}

func newMetrics(a *Archive) *metrics {
	b := []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2}
	return &metrics{requests: map[[2]string]uint64{}, buckets: b, counts: make([]uint64, len(b)), archive: a}
}

func (m *metrics) request(route string, status int) {
	m.mu.Lock()
	m.requests[[2]string{route, fmt.Sprint(status)}]++
	m.mu.Unlock()
}

func (m *metrics) observe(d time.Duration) {
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total++
	m.sum += s
	for i, b := range m.buckets {
		if s <= b {
			m.counts[i]++
			break
		}
	}
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP motcua_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE motcua_http_requests_total counter")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "motcua_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP motcua_search_seconds Time to run a search.")
	fmt.Fprintln(w, "# TYPE motcua_search_seconds histogram")
	var cum uint64
	for i, b := range m.buckets {
		cum += m.counts[i]
		fmt.Fprintf(w, "motcua_search_seconds_bucket{le=\"%g\"} %d\n", b, cum)
	}
	fmt.Fprintf(w, "motcua_search_seconds_bucket{le=\"+Inf\"} %d\n", m.total)
	fmt.Fprintf(w, "motcua_search_seconds_sum %g\n", m.sum)
	fmt.Fprintf(w, "motcua_search_seconds_count %d\n", m.total)
	m.archive.writeMetrics(w)
}
