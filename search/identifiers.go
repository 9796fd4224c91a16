package search

import (
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"motcua/internal/vi"
	"motcua/store"
)

// Identifiers typed alone: a procedure code or the end of one, a dossier
// code, a result code, a number/symbol. Each item's keys for them are
// indexed in one keyword field (ids); a query that looks like one is
// looked up there before it is searched as words.

// exactTail marks the key of a procedure number's value without its
// leading zeros: "=1193" for 1.001193, which "1193" and "001193" both
// name exactly, while 1.011193 only ends in "1193".
const exactTail = "="

// codeKeys are a procedure code's keys: its digits without the dot
// ("1001193", as typed "1 001193" or "1,001193"), the last 4 to 6 digits
// of its number ("001193", "01193", "1193") and the number's value
// ("=1193").
func codeKeys(code string) []string {
	prefix, num, ok := strings.Cut(code, ".")
	if !ok || len(num) < 6 {
		return nil
	}
	num, _, _ = strings.Cut(num, ".")
	keys := []string{prefix + num}
	for n := 6; n >= 4; n-- {
		keys = append(keys, num[len(num)-n:])
	}
	if v := strings.TrimLeft(num, "0"); v != "" {
		keys = append(keys, exactTail+v)
	}
	return keys
}

// resultCodeIn finds result codes (a dossier code, -KQ and a number) in
// text.
var resultCodeIn = regexp.MustCompile(vi.DossierCodeRe.String() + `-KQ\d+\b`)

// recordKeys are a record's keys: its number/symbol (lower case, and
// folded: "215/qđ-ubnd" and "215/qd-ubnd"), the dossier it belongs to and
// the dossier and result codes its fields and text carry.
func recordKeys(r *store.Record) []string {
	var keys []string
	add := func(k string) {
		if k != "" && !containsString(keys, k) {
			keys = append(keys, k)
		}
	}
	if ns := strings.ToLower(r.Fields.NumberSymbol); ns != "" {
		add(ns)
		add(vi.Fold(ns))
	}
	add(r.Dossier)
	for _, c := range r.Fields.DossierCodes {
		add(c)
	}
	text := r.Text
	if len(text) > 20000 { // codes are printed at the top or foot of a paper
		text = text[:10000] + "\n" + text[len(text)-10000:]
	}
	// The regular expressions run only around where a code's unit
	// ("H09-") stands: over a whole text they cost more than indexing it.
	found := 0
	for _, w := range codeWindows(text) {
		if found >= 8 {
			break
		}
		if c := resultCodeIn.FindString(w); c != "" {
			add(c)
			add(c[:strings.LastIndex(c, "-KQ")])
			found++
		} else if c := vi.DossierCodeRe.FindString(w); c != "" {
			add(c)
			found++
		}
	}
	return keys
}

// codeWindows are the stretches of text that may hold a dossier or result
// code: around each capital letter followed by two digits and a hyphen,
// the 12 characters before it and the 22 after, with one more either side
// for the word boundaries.
func codeWindows(text string) []string {
	var out []string
	for i := 10; i+3 < len(text); i++ {
		if text[i+3] != '-' || text[i] < 'A' || text[i] > 'Z' || !isDigit(text[i+1]) || !isDigit(text[i+2]) || text[i-1] != '.' {
			continue
		}
		out = append(out, text[max(0, i-13):min(len(text), i+26)])
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var (
	// A procedure code typed with a space, comma or no dot between its
	// parts: "1 001193", "1,001193", "1001193".
	spacedCode = regexp.MustCompile(`^([1-9])[ ,.]*(\d{6})$`)
	// The end of a procedure code: 4 to 6 digits.
	codeTail = regexp.MustCompile(`^\d{4,6}$`)
)

// idWords say that an identifier follows: "mã 1193", "thủ tục
// 1.001193", "hồ sơ số 000.42.27.H09-240515-0087"; folded.
var idWords = set("ma", "so", "thu", "tuc", "ho", "tthc", "hs", "ky", "hieu", "van", "ban", "qd", "quyet", "dinh")

// identifierQuery is the lookup of q as an identifier, nil when q is not
// one. Words before it that say an identifier follows are dropped.
func identifierQuery(q string) query.Query {
	if iq := identifier(q); iq != nil {
		return iq
	}
	words := strings.Fields(q)
	i := 0
	for i < len(words) && idWords[strings.ToLower(vi.Fold(strings.Trim(words[i], ":#")))] {
		i++
	}
	if i == 0 || i == len(words) {
		return nil
	}
	return identifier(strings.Join(words[i:], " "))
}

// identifier is the lookup of q as an identifier, nil when q is not
// one. Lookups rank an exact match above a partial one: "1193" finds
// 1.001193 before 1.011193; a result code finds its record before the
// others of its dossier.
func identifier(q string) query.Query {
	switch {
	case procedureCode.MatchString(q):
		return term(fCode, q, 1)
	case personID.MatchString(q):
		return term(fPersonIDs, q, 1)
	}
	if m := spacedCode.FindStringSubmatch(q); m != nil {
		return term(fIDs, m[1]+m[2], 1)
	}
	if codeTail.MatchString(q) {
		either := []query.Query{term(fIDs, q, 1)}
		if v := strings.TrimLeft(q, "0"); v != "" {
			either = append(either, term(fIDs, exactTail+v, 2))
		}
		return query.NewDisjunctionQuery(either)
	}
	upper := strings.ToUpper(q)
	if vi.IsDossierCode(upper) {
		return term(fIDs, upper, 1)
	}
	if vi.IsResultCode(upper) {
		return query.NewDisjunctionQuery([]query.Query{
			term(fIDs, upper, 3),
			term(fIDs, upper[:strings.LastIndex(upper, "-KQ")], 1),
		})
	}
	if numberSymbol.MatchString(q) {
		lower := strings.ToLower(q)
		return query.NewDisjunctionQuery([]query.Query{
			term(fNumberSymbol, lower, 1), term(fIDs, lower, 1), term(fIDs, vi.Fold(lower), 1),
		})
	}
	return nil
}
