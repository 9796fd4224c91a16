package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"motcua/internal/addr"
	"motcua/search"
)

// Limits on the public search.
const (
	maxQueryBytes = 4 * search.MaxQueryLen // longer input is refused, not cut
	searchTimeout = 2 * time.Second
)

// apiError is a JSON error: {"error": "…"} with a Vietnamese message.
func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// publicRequest reads a public search from the URL. Only the documented
// parameters are read; none of them can lift the visibility filter.
func publicRequest(v url.Values) (search.Request, string) {
	q := v.Get("q")
	if len(q) > maxQueryBytes {
		return search.Request{}, "Câu tìm kiếm quá dài: hãy rút gọn dưới 200 ký tự."
	}
	page := 1
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100 {
			return search.Request{}, "Tham số page phải là số trang từ 1 đến 100."
		}
		page = n
	}
	for _, k := range []string{"linh_vuc", "cap", "co_quan"} {
		if len(v.Get(k)) > 300 {
			return search.Request{}, "Tham số " + k + " quá dài."
		}
	}
	return search.Request{
		Query:  q,
		Field:  v.Get("linh_vuc"),
		Level:  v.Get("cap"),
		Agency: v.Get("co_quan"),
		Page:   page,
		Size:   10,
		// Restricted stays false: public searches see public items only.
	}, ""
}

// searchResponse is the API's JSON.
type searchResponse struct {
	*search.Result
	TookMS float64 `json:"took_ms"`
}

func (s *srv) apiSearch(w http.ResponseWriter, r *http.Request) {
	req, msg := publicRequest(r.URL.Query())
	if msg != "" {
		apiError(w, http.StatusBadRequest, msg)
		return
	}
	s.searchJSON(w, r, req, nil)
}

// searchJSON runs req and writes the API's JSON; url, if given, sets each
// hit's link.
func (s *srv) searchJSON(w http.ResponseWriter, r *http.Request, req search.Request, url func(search.Hit) string) {
	res, err := s.search(r.Context(), req)
	if err != nil {
		s.searchFailed(w, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []search.Hit{}
	}
	if url != nil {
		for i, h := range res.Hits {
			res.Hits[i].URL = url(h)
		}
	}
	writeJSON(w, searchResponse{res, float64(res.Took.Microseconds()) / 1000})
}

func (s *srv) apiSuggest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if len(q) > maxQueryBytes {
		apiError(w, http.StatusBadRequest, "Câu tìm kiếm quá dài.")
		return
	}
	if s.index == nil {
		apiError(w, http.StatusServiceUnavailable, "Chưa có chỉ mục tìm kiếm: chạy motcua index.")
		return
	}
	release, ok := s.acquire(r.Context())
	if !ok {
		apiError(w, http.StatusServiceUnavailable, "Máy chủ đang bận, xin thử lại sau giây lát.")
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), searchTimeout)
	defer cancel()
	sug, err := s.index.Suggest(ctx, q, 8)
	if err != nil {
		s.searchFailed(w, err)
		return
	}
	writeJSON(w, map[string]any{"suggestions": sug})
}

// search runs a request under the concurrency limit and the timeout.
func (s *srv) search(ctx context.Context, req search.Request) (*search.Result, error) {
	if s.index == nil {
		return nil, errNoIndex
	}
	release, ok := s.acquire(ctx)
	if !ok {
		return nil, errBusy
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, searchTimeout)
	defer cancel()
	start := time.Now()
	res, err := s.index.Search(ctx, req)
	s.metrics.observe(time.Since(start))
	return res, err
}

var (
	errNoIndex = errors.New("no search index")
	errBusy    = errors.New("too many searches at once")
)

func (s *srv) searchFailed(w http.ResponseWriter, err error) {
	status, msg := searchStatus(err)
	apiError(w, status, msg)
}

// searchStatus says what a failed search answers: a status and a message.
func searchStatus(err error) (int, string) {
	switch {
	case errors.Is(err, errNoIndex):
		return http.StatusServiceUnavailable, "Chưa có chỉ mục tìm kiếm: chạy motcua index."
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable, "Máy chủ đang bận, xin thử lại sau giây lát."
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "Tìm kiếm quá lâu, xin thử lại với ít từ hơn."
	}
	slog.Error("search failed", "error", err)
	return http.StatusInternalServerError, "Lỗi nội bộ khi tìm kiếm."
}

// acquire takes a place among the searches allowed at once, waiting a
// little for one.
func (s *srv) acquire(ctx context.Context) (func(), bool) {
	t := time.NewTimer(200 * time.Millisecond)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// The results page: the site's own /tim-kiem/ page (built by Hugo) with the
// region between the markers replaced by results rendered here, so it works
// without JavaScript.
const (
	resultsStart = "<!--motcua:results-->"
	resultsEnd   = "<!--/motcua:results-->"
)

var resultsTmpl = template.Must(template.New("results").Funcs(template.FuncMap{
	"snippet": func(s string) template.HTML { return template.HTML(s) }, // escaped by the highlighter
	"pageURL": func(q url.Values, page int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(page))
		return addr.Search + "?" + v.Encode()
	},
	"facetURL": func(q url.Values, key, value string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("page")
		v.Set(key, value)
		return addr.Search + "?" + v.Encode()
	},
	"add": func(a, b int) int { return a + b },
}).Parse(`
<form class="search" action="` + addr.Search + `" method="get" role="search">
  <label for="q-ket-qua">Tìm thủ tục hành chính</label>
  <div class="search-row">
    <input type="search" id="q-ket-qua" name="q" value="{{.Query}}" autocomplete="off">
    <button type="submit">Tìm kiếm</button>
  </div>
</form>
{{- if .Error}}
<p class="notice" role="alert">{{.Error}}</p>
{{- else if .Res}}
<p class="search-summary" role="status">{{if .Res.Total}}Tìm thấy {{.Res.Total}} kết quả cho “{{.Query}}”.{{if .Res.Loose}} Không có kết quả chứa đủ các từ; hiển thị kết quả gần đúng.{{end}}{{else}}Không tìm thấy kết quả cho “{{.Query}}”. Hãy thử ít từ hơn hoặc từ khác.{{end}}</p>
{{- if .Res.Hits}}
<ol class="results" start="{{add .From 1}}">
{{- range .Res.Hits}}
  <li>{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}<strong>{{.Title}}</strong>{{end}}{{if .Code}} <span class="code">{{.Code}}</span>{{end}}
  {{- if .Snippet}}<p class="snippet">{{snippet .Snippet}}</p>{{end}}</li>
{{- end}}
</ol>
{{- end}}
{{- if .Facets}}
<nav class="facets" aria-label="Lọc kết quả">
{{- range .Facets}}
  <h2>{{.Label}}</h2>
  <ul>{{range .Values}}<li><a href="{{facetURL $.Params .Key .Value}}">{{.Value}}</a> ({{.Count}})</li>{{end}}</ul>
{{- end}}
</nav>
{{- end}}
{{- if or .Prev .Next}}
<nav class="pager" aria-label="Trang kết quả">
  {{if .Prev}}<a href="{{pageURL .Params .Prev}}" rel="prev">Trang trước</a>{{end}}
  {{if .Next}}<a href="{{pageURL .Params .Next}}" rel="next">Trang sau</a>{{end}}
</nav>
{{- end}}
{{- end}}
`))

type facetView struct {
	Label  string
	Values []facetValueView
}

type facetValueView struct {
	Key, Value string
	Count      int
}

var facetLabels = []struct{ key, label string }{
	{"linh_vuc", "Lĩnh vực"}, {"cap", "Cấp thực hiện"}, {"co_quan", "Cơ quan"},
}

func (s *srv) resultsPage(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Query      string
		Params     url.Values
		Res        *search.Result
		Error      string
		From       int
		Prev, Next int
		Facets     []facetView
	}{Query: r.URL.Query().Get("q"), Params: r.URL.Query()}
	status := http.StatusOK
	req, msg := publicRequest(r.URL.Query())
	switch {
	case msg != "":
		data.Error, status = msg, http.StatusBadRequest
	case strings.TrimSpace(data.Query) == "":
	default:
		res, err := s.search(r.Context(), req)
		if err != nil {
			data.Error, status = "Không tìm kiếm được lúc này, xin thử lại sau.", http.StatusServiceUnavailable
			slog.Warn("results page", "error", err)
			break
		}
		data.Res = res
		s.logSearch(w, r, req.Query, req.Page)
		for i, h := range res.Hits {
			res.Hits[i].URL = chooseURL(s.queryLog != nil, req.Query, h.Kind, h.Code, h.URL)
		}
		data.From = (req.Page - 1) * req.Size
		if req.Page > 1 {
			data.Prev = req.Page - 1
		}
		if res.More {
			data.Next = req.Page + 1
		}
		for _, f := range facetLabels {
			var vals []facetValueView
			for _, v := range res.Facets[f.key] {
				vals = append(vals, facetValueView{f.key, v.Value, v.Count})
			}
			if len(vals) > 1 {
				data.Facets = append(data.Facets, facetView{f.label, vals})
			}
		}
	}
	var buf bytes.Buffer
	if err := resultsTmpl.Execute(&buf, data); err != nil {
		slog.Error("results page", "error", err)
		http.Error(w, "Lỗi nội bộ", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.fill(w, status, addr.File(addr.Search), resultsStart, resultsEnd, buf.Bytes())
}
