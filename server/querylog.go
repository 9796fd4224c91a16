package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"

	"motcua/internal/addr"
)

// The query log (see querylog): the results page logs each public search
// and links each procedure through chooseURL, which logs the choice and
// redirects to the procedure's page. A browser session is told apart by a
// random token in a session cookie (no lifetime, path /tim-kiem/), which
// the log only keeps hashed with the query.

const (
	searchSessionCookie = "motcua_tim_kiem"
	choosePath          = addr.Search + "chon"
)

// procedureCode is a procedure's code as the catalogue writes it.
var procedureCode = regexp.MustCompile(`^[1-9]\.\d{6}(\.\d{2})?$`)

// searchSession returns the browser's search session token, setting one
// when it has none.
func searchSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(searchSessionCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	b := make([]byte, 16)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: searchSessionCookie, Value: tok, Path: addr.Search,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return tok
}

// chooseProcedure logs the choice of a procedure among a query's results
// and redirects to its page. Only a procedure of the catalogue is logged
// and redirected to.
func (s *srv) chooseProcedure(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	code, q := v.Get("id"), v.Get("q")
	if !procedureCode.MatchString(code) || (len(s.procs) > 0 && s.procs[code] == nil) || len(q) > maxQueryBytes {
		http.Redirect(w, r, addr.Search, http.StatusSeeOther)
		return
	}
	if s.queryLog != nil {
		s.queryLog.Choose(searchSession(w, r), q, code)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, addr.Procedure(code), http.StatusSeeOther)
}

// logSearch logs a public search of the results page.
func (s *srv) logSearch(w http.ResponseWriter, r *http.Request, q string, page int) {
	if s.queryLog != nil && page == 1 {
		s.queryLog.Search(searchSession(w, r), q)
	}
}

// chooseURL is a result's link on the results page: through the query
// log for procedures, when there is one.
func chooseURL(logged bool, q, kind, code, link string) string {
	if !logged || kind != "procedure" || !procedureCode.MatchString(code) {
		return link
	}
	return choosePath + "?" + url.Values{"q": {q}, "id": {code}}.Encode()
}
