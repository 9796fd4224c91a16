package server

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/dossier"
	"motcua/internal/addr"
	"motcua/store"
)

// The statistics page: the site's /thong-ke/ page with the figures filled
// in between its markers. Charts are SVG drawn here: no JavaScript, and
// every chart has its table.
const (
	statsStart = "<!--motcua:stats-->"
	statsEnd   = "<!--/motcua:stats-->"
	statsTTL   = time.Minute
)

type bar struct {
	Label string // shortened to fit; Full is in a tooltip and the table
	Full  string
	Value int
	Y     int
	W     int
	Class string
}

type chart struct {
	Title  string
	Bars   []bar
	Height int
}

func newChart(title string, labels []string, values []int, classes []string) chart {
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	c := chart{Title: title, Height: 28*len(values) + 8}
	for i, v := range values {
		b := bar{Label: shorten(labels[i], 30), Full: labels[i], Value: v, Y: 28*i + 4, W: v * 360 / maxV}
		if v > 0 {
			b.W = max(b.W, 2)
		}
		if classes != nil {
			b.Class = classes[i]
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

var statsTmpl = template.Must(template.New("stats").Funcs(template.FuncMap{"month": monthVI}).Parse(`
{{define "chart"}}
<figure class="chart">
<figcaption>{{.Title}}</figcaption>
<svg viewBox="0 0 640 {{.Height}}" width="100%" role="img" aria-label="{{.Title}}">
{{range .Bars}}<g><title>{{.Full}}: {{.Value}}</title><text x="226" y="{{.Y}}" dy="17" text-anchor="end">{{.Label}}</text>
<rect x="234" y="{{.Y}}" width="{{.W}}" height="22" class="bar {{.Class}}"></rect>
<text x="{{.W}}" dx="240" y="{{.Y}}" dy="17">{{.Value}}</text></g>
{{end}}
</svg>
</figure>
{{end}}
<section aria-labelledby="tk-giay-to" class="records-stats">
<h2 id="tk-giay-to">Giấy tờ đã số hóa</h2>
<p class="stats-total">Tổng số hồ sơ, giấy tờ đã số hóa: <strong>{{.Total}}</strong>. Số lần dùng lại kết quả số hóa thay cho bản giấy: <strong>{{.Reuses}}</strong>.</p>
{{if .Total}}
<section aria-labelledby="tk-trang-thai"><h3 id="tk-trang-thai">Tự động, chờ duyệt và đã duyệt</h3>
{{template "chart" .Status}}
<table><caption>Tỉ lệ theo trạng thái</caption><thead><tr><th scope="col">Trạng thái</th><th scope="col">Số hồ sơ</th><th scope="col">Tỉ lệ</th></tr></thead>
<tbody>{{range .StatusRows}}<tr><th scope="row">{{.Label}}</th><td>{{.Count}}</td><td>{{.Share}}</td></tr>{{end}}</tbody></table>
</section>
<section aria-labelledby="tk-loai"><h3 id="tk-loai">Theo loại giấy tờ</h3>
{{template "chart" .Types}}
</section>
<section aria-labelledby="tk-thang"><h3 id="tk-thang">Theo tháng số hóa</h3>
{{template "chart" .Months}}
<table><caption>Số hồ sơ theo loại giấy tờ và tháng</caption>
<thead><tr><th scope="col">Tháng</th><th scope="col">Loại giấy tờ</th><th scope="col">Số hồ sơ</th></tr></thead>
<tbody>{{range .Cells}}<tr><td>{{month .Month}}</td><td>{{.DocType}}</td><td>{{.Count}}</td></tr>{{end}}</tbody></table>
</section>
{{if .Reuses}}<section aria-labelledby="tk-dung-lai"><h3 id="tk-dung-lai">Dùng lại theo tháng</h3>
{{template "chart" .ReuseMonths}}
</section>{{end}}
{{end}}
</section>
`))

type statusRow struct {
	Label, Share string
	Count        int
}

// statsCache keeps the record statistics and the indicators of the
// periods last asked for, each for statsTTL.
type statsCache struct {
	mu   sync.Mutex
	html []byte
	at   time.Time
	ind  map[string]cachedHTML // by period.query()

	// The dossiers' facts, read once for every period: a period is then
	// computed in memory, so asking for many periods costs no queries.
	facts   []dossier.Facts
	factsAt time.Time
}

// report computes the indicators of a period from the dossiers' facts,
// read from the store at most once per statsTTL.
func (s *srv) report(r *http.Request, p period) (dossier.Report, error) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	now := s.now()
	if s.stats.facts == nil || now.Sub(s.stats.factsAt) >= statsTTL {
		facts, err := dossier.AllFacts(r.Context(), s.store, s.cat)
		if err != nil {
			return dossier.Report{}, err
		}
		s.stats.facts, s.stats.factsAt = facts, now
	}
	return dossier.Compute(s.stats.facts, p.from, p.to, now), nil
}

type cachedHTML struct {
	html []byte
	at   time.Time
}

// statsCacheMax bounds the periods cached: anyone can ask for any period.
const statsCacheMax = 64

// cachedIndicators renders the indicators of a valid period, or takes them
// from the cache.
func (s *srv) cachedIndicators(r *http.Request, p period) ([]byte, error) {
	key := p.query()
	s.stats.mu.Lock()
	c, ok := s.stats.ind[key]
	s.stats.mu.Unlock()
	if ok && s.now().Sub(c.at) < statsTTL {
		return c.html, nil
	}
	html, err := s.indicatorsHTML(r, p)
	if err != nil {
		return nil, err
	}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	if s.stats.ind == nil || len(s.stats.ind) >= statsCacheMax {
		s.stats.ind = map[string]cachedHTML{}
	}
	s.stats.ind[key] = cachedHTML{html: html, at: s.now()}
	return html, nil
}

func (s *srv) statsHTML(r *http.Request) ([]byte, error) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	if s.stats.html != nil && s.now().Sub(s.stats.at) < statsTTL {
		return s.stats.html, nil
	}
	st, err := s.store.Stats(r.Context())
	if err != nil {
		return nil, err
	}
	byType := map[string]int{}
	byMonth := map[string]int{}
	for _, c := range st.ByTypeMonth {
		t := c.DocType
		if t == "" {
			t = "Chưa rõ loại"
		}
		byType[t] += c.Count
		byMonth[c.Month] += c.Count
	}
	types := keysBy(byType, func(a, b string) bool { return byType[a] > byType[b] || (byType[a] == byType[b] && a < b) })
	months := keysBy(byMonth, func(a, b string) bool { return a < b })
	rmonths := keysBy(st.ReusesMonth, func(a, b string) bool { return a < b })
	vals := func(m map[string]int, keys []string) []int {
		var out []int
		for _, k := range keys {
			out = append(out, m[k])
		}
		return out
	}
	monthLabel := func(ms []string) []string {
		var out []string
		for _, m := range ms {
			out = append(out, monthVI(m))
		}
		return out
	}
	var sl, sc []string
	var sv []int
	var rows []statusRow
	for _, k := range store.Statuses {
		sl, sv, sc = append(sl, k.Name()), append(sv, st.ByStatus[k]), append(sc, string(k))
		share := "0 %"
		if st.Records > 0 {
			share = strings.Replace(strings.TrimSuffix(formatFloat(100*float64(st.ByStatus[k])/float64(st.Records)), ".0"), ".", ",", 1) + " %"
		}
		rows = append(rows, statusRow{Label: k.Name(), Count: st.ByStatus[k], Share: share})
	}
	var buf bytes.Buffer
	err = statsTmpl.Execute(&buf, map[string]any{
		"Total": st.Records, "Reuses": st.Reuses, "StatusRows": rows, "Cells": st.ByTypeMonth,
		"Status":      newChart("Hồ sơ theo trạng thái", sl, sv, sc),
		"Types":       newChart("Hồ sơ theo loại giấy tờ", types, vals(byType, types), nil),
		"Months":      newChart("Hồ sơ số hóa theo tháng", monthLabel(months), vals(byMonth, months), nil),
		"ReuseMonths": newChart("Lần dùng lại theo tháng", monthLabel(rmonths), vals(st.ReusesMonth, rmonths), nil),
	})
	if err != nil {
		return nil, err
	}
	s.stats.html, s.stats.at = buf.Bytes(), s.now()
	return s.stats.html, nil
}

// monthVI: "2026-11" → "11/2026".
func monthVI(m string) string {
	if t, err := time.Parse("2006-01", m); err == nil {
		return t.Format("01/2006")
	}
	return m
}

// formatFloat writes a share with one decimal, Vietnamese style: 33,3.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func keysBy(m map[string]int, less func(a, b string) bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out
}

// statsPage shows the reform's indicators for the period the form asks
// for, then the record statistics. A bad period is answered 400 with the
// form and what is wrong.
func (s *srv) statsPage(w http.ResponseWriter, r *http.Request) {
	p := parsePeriod(r.URL.Query())
	var ind []byte
	var err error
	if p.Err != "" {
		ind, err = s.indicatorsHTML(r, p)
	} else {
		ind, err = s.cachedIndicators(r, p)
	}
	if err != nil {
		internalError(w, r, err)
		return
	}
	records, err := s.statsHTML(r)
	if err != nil {
		internalError(w, r, err)
		return
	}
	status := http.StatusOK
	if p.Err != "" {
		status = http.StatusBadRequest
		w.Header().Set("Cache-Control", "no-store")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	s.fill(w, status, addr.File(addr.Stats), statsStart, statsEnd, append(ind[:len(ind):len(ind)], records...))
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
