package server

import (
	"bytes"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"motcua/internal/addr"
	"motcua/store"
)

// fill serves the built page file with what lies between its markers
// replaced by body.
func (s *srv) fill(w http.ResponseWriter, status int, file, start, end string, body []byte) {
	page, err := os.ReadFile(filepath.Join(s.public, file))
	if err != nil {
		notFound(w, s.public)
		return
	}
	i, j := bytes.Index(page, []byte(start)), bytes.Index(page, []byte(end))
	if i < 0 || j < i {
		slog.Error("the built page has no markers; rebuild the site", "page", file, "marker", start)
		http.Error(w, "Lỗi nội bộ", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(page[:i])
	w.Write(body)
	w.Write(page[j+len(end):])
}

var documentTmpl = template.Must(template.New("document").Parse(`
<h1>{{.Title}}</h1>
<table class="document-fields">
<caption>Thông tin văn bản (đọc tự động từ bản quét{{if eq .R.Status "verified"}}, đã được kiểm tra{{end}})</caption>
<tbody>
{{range .Fields}}<tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}
</tbody>
</table>
<h2>Toàn văn</h2>
<pre class="document-text">{{.R.Text}}</pre>
`))

// publicFields are what a public document's page shows: the document's
// own particulars, nothing about a person.
var publicFields = []store.Field{store.DocType, store.NumberSymbol, store.IssueDate, store.IssuePlace, store.Issuer,
	store.Summary, store.SignerName, store.SignerTitle, store.ProcedureCodes}

// documentPage shows a public digitized document (a published decision, an
// official letter). A restricted record and a missing one get the same
// 404: the page does not tell which IDs exist.
func (s *srv) documentPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		notFound(w, s.public) // not an ID: no document has it
		return
	}
	rec, err := s.store.Get(r.Context(), id)
	if err != nil || rec.Visibility != store.Public {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			slog.Error("document page", "id", id, "error", err)
		}
		notFound(w, s.public)
		return
	}
	type fv struct{ Name, Value string }
	var fields []fv
	for _, k := range publicFields {
		if v := rec.Fields.Value(k); v != "" {
			fields = append(fields, fv{store.FieldNames[k], v})
		}
	}
	title := rec.Fields.DocType + " " + rec.Fields.NumberSymbol
	if rec.Fields.DocType == "" {
		title = rec.SourceName
	}
	var buf bytes.Buffer
	if err := documentTmpl.Execute(&buf, map[string]any{"Title": title, "R": rec, "Fields": fields}); err != nil {
		internalError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	s.fill(w, http.StatusOK, addr.File(addr.Documents), "<!--motcua:document-->", "<!--/motcua:document-->", buf.Bytes())
}
