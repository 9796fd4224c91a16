package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"motcua/reuse"
	"motcua/search"
	"motcua/store"
)

//go:embed templates
var templateFS embed.FS

// pageData is what every staff page template gets; each uses its part.
type pageData struct {
	Title    string
	Message  string
	Flash    string // the confirmation of the action that led here
	CSRF     string // the form token: the session's, or the login form's
	Next     string
	Username string // the login form's name, kept when a login is refused
	User     *staffUser
	Nav      string // the current section, for aria-current

	Query    url.Values
	Result   *search.Result
	Hits     []staffHit
	Facets   []facetGroup
	Error    string
	PrevPage string // URL of the previous page of results, if any
	NextPage string

	Record  *store.Record
	Fields  []fieldView
	Pages   []pageView
	Changes []store.Change
	Reuses  []store.Reuse

	Review []store.Record

	Procedure  string
	ProcName   string
	PersonID   string
	Dossier    string
	DossierURL string // the dossier's page, when it is kept here
	Needs      []needView
	Usable     int // required documents that a stored record can stand for
	Wanted     int // required documents

	Events  []store.Event
	Actions []string

	Dossiers *dossierData // the dossier list and page, and dossiers found by a search
}

// needView is a required document on the reuse page; I numbers it among
// the procedure's documents, as the reuse form does.
type needView struct {
	reuse.Need
	I int
}

type staffHit struct {
	search.Hit
	RecordID int64
}

type facetGroup struct {
	Name, Param string
	Values      []facetLink
}

type facetLink struct {
	Label string
	Count int
	URL   string
	On    bool
}

type fieldView struct {
	Field   store.Field
	Name    string
	Value   string
	Conf    float64
	HasConf bool
	Low     bool
	Marked  bool   // its words are outlined on the page image
	Error   string // why the value typed was refused (the edit form)
	Focus   bool   // the first refused field takes the focus
}

type pageView struct {
	N      int
	Width  int
	Height int
	Src    string
	Low    []store.Word
	Marks  []fieldMark
}

// fieldMark outlines one word of a doubtful field on a page image.
type fieldMark struct {
	Field store.Field
	Box   [4]int
}

var funcs = template.FuncMap{
	"pct":     func(f float64) string { return fmt.Sprintf("%.0f %%", 100*f) },
	"when":    func(t time.Time) string { return t.Local().Format("02/01/2006 15:04") },
	"status":  func(s store.Status) string { return s.Name() },
	"action":  store.ActionName,
	"detail":  eventDetail,
	"has":     func(u *staffUser, roles ...string) bool { return u != nil && slices.Contains(roles, string(u.Role)) },
	"sub":     func(a, b int) int { return a - b },
	"add":     func(a, b int) int { return a + b },
	"snippet": func(s string) template.HTML { return template.HTML(s) }, // escaped by the highlighter
}

var pages = func() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	out := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if strings.HasSuffix(n, "/layout.html") {
			continue
		}
		t := template.Must(template.Must(layout.Clone()).ParseFS(templateFS, n))
		out[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return out
}()

// page renders a staff page. Text is escaped by html/template: OCR text is
// untrusted input.
func (s *srv) page(w http.ResponseWriter, r *http.Request, status int, name string, u *staffUser, d pageData) {
	d.User = u
	if u != nil {
		d.CSRF = u.csrf
		d.Flash = s.takeFlash(w, r, u)
	}
	if name == "edit" && d.Record != nil && d.Pages == nil { // the form always shows the scan beside it
		d.Pages = editPages(d.Record, d.Fields)
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout.html", d); err != nil {
		slog.Error("template", "page", name, "error", err)
		internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
