package search

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2/search"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"motcua/search/querylog"
)

// fillers are everyday words that say how a citizen asks, not what about
// ("làm", "xin", "thủ tục", "như thế nào"): they may match but need not.
var fillers = set("lam", "xin", "can", "gi", "nhu", "the", "nao", "o", "dau", "bao", "nhieu", "muon",
	"toi", "minh", "em", "anh", "chi", "cho", "cua", "va", "hay", "ve", "thu", "tuc", "cach", "nhung",
	"cac", "mot", "bi", "duoc", "de", "voi", "khi", "nay", "thi", "la", "ma", "huong", "dan",
	"tai", "sao", "phai", "gium", "giup", "nhe", "a", "ah", "roi", "ra", "trong", "ngoai", "nguoi")

// Folding merges words ("dang" is đăng and đang, "da" đã and đa), so only
// words that are fillers in every reading are listed above.

// abbreviations used in procedure names, folded, with what they stand for.
// Queries are rewritten with them and indexed names expanded (see
// ProcedureDoc), so "sổ BHXH" and "sổ bảo hiểm xã hội" find each other.
var abbreviations = map[string]string{
	"bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "bhtn": "bao hiem that nghiep",
	"cccd": "can cuoc cong dan", "cmnd": "chung minh nhan dan", "gplx": "giay phep lai xe",
	"tncn": "thu nhap ca nhan", "gtgt": "gia tri gia tang", "mst": "ma so thue",
	"hdnd": "hoi dong nhan dan", "ubnd": "uy ban nhan dan", "htx": "hop tac xa",
	"dkkd": "dang ky kinh doanh", "lltp": "ly lich tu phap", "tnld": "tai nan lao dong",
	"bnn": "benh nghe nghiep", "vphc": "vi pham hanh chinh", "pccc": "phong chay chua chay",
}

// synonyms map everyday phrases (folded) to the catalogue's words: "to"
// words become required, "also" words and the everyday words themselves
// only add to the score.
var synonyms = []struct{ from, to, also string }{
	{"so do", "giay chung nhan quyen su dung dat", ""},
	{"so hong", "giay chung nhan quyen su dung dat", ""},
	{"bang lai xe", "giay phep lai xe", ""},
	{"bang lai", "giay phep lai xe", ""},
	{"chung minh nhan dan", "can cuoc", ""},
	{"chung minh thu", "can cuoc", ""},
	{"can cuoc cong dan", "can cuoc", ""},
	{"cmnd", "can cuoc", ""},
	{"tru diem", "kiem tra kien thuc phap luat", "phuc hoi diem"},
	{"tru het diem", "kiem tra kien thuc phap luat", "phuc hoi diem"},
	{"lam ma so thue", "dang ky thue", "ma so thue"},
	{"mua bao hiem", "bao hiem", "dang ky dong tham gia"},
	{"phuc hoi diem", "kiem tra kien thuc phap luat", ""},
	{"nhan con", "nhan cha me con", ""},
	{"cmt", "can cuoc", ""},
	{"cccd", "can cuoc", ""},
	{"xay nha", "xay dung", "nha o rieng le"},
	{"sua nha", "sua chua cai tao", "nha o rieng le"},
	{"giay chung tu", "khai tu", "trich luc"},
	{"bao tu", "khai tu", ""},
	{"nhap ho khau", "dang ky thuong tru", ""},
	{"nhap khau", "dang ky thuong tru", ""},
	{"cat ho khau", "xoa dang ky thuong tru", ""},
	{"cat khau", "xoa dang ky thuong tru", ""},
	{"tach ho khau", "tach ho", "cu tru"},
	{"tach khau", "tach ho", "cu tru"},
	{"ho khau", "cu tru", "thuong tru"},
	{"ly di", "ly hon", ""},
	{"passport", "ho chieu", ""},
	{"visa", "thi thuc", ""},
	{"xe may", "xe", "mo to gan may"},
	{"ca vet", "dang ky xe", "chung nhan"},
	{"cavet", "dang ky xe", "chung nhan"},
	{"cong chung", "chung thuc", ""},
	{"sao y", "chung thuc ban sao", ""},
	{"doi ten", "thay doi ho tich", "cai chinh"},
	{"sua ten", "thay doi ho tich", "cai chinh"},
	{"cai ten", "thay doi ho tich", "cai chinh"},
	{"doc than", "tinh trang hon nhan", "xac nhan"},
	{"kinh doanh ca the", "ho kinh doanh", ""},
	{"mo tiem", "ho kinh doanh", "thanh lap"},
	{"mo cua hang", "ho kinh doanh", "thanh lap"},
	// "làm", "xin" a paper mean having it issued or registered; "mất" one
	// means having it issued again.
	{"lam", "", "cap dang ky"},
	{"xin", "", "cap"},
	{"mat", "mat", "cap lai"},
}

func set(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
	}
	return m
}

// parsedQuery is a query's words, sorted by role.
type parsedQuery struct {
	required   []string          // folded meaningful words, each once
	seq        []string          // the meaningful words in query order, for pairs
	adjacent   []string          // the query's words from the first meaningful one to the last, for phrases
	optional   []string          // filler and everyday words that only add to the score
	exact      []string          // the words as typed, when typed with diacritics
	raw        string            // the folded query after rewriting
	alts       map[string]string // a rare word → the common word one edit away
	also       []string          // words synonyms add (optional)
	lead       string            // a filler word and the meaningful word after it, for a pair ("thẻ tạm": "the" is also thế)
	fields     []string          // fields (lĩnh vực) the query names
	vocab      map[string]uint64
	learned    []querylog.Learned // procedures chosen for the query (see learned.go)
	expansions []expansion        // learnt expansions the query's words hold
}

func (ix *Index) parse(q string) (*parsedQuery, error) {
	vocab, fields, err := ix.vocabulary()
	if err != nil {
		return nil, err
	}
	p := &parsedQuery{vocab: vocab, alts: map[string]string{}, learned: ix.learnedFor(q)}
	if hasDiacritics(q) {
		p.exact = ix.terms(analyzerExact, q)
	}
	words := ix.terms(analyzerFold, q)
	var replaced, also []string
	if !isField(words, fields) {
		// A field's own name is not rewritten ("công chứng" is a field,
		// not the everyday word for chứng thực).
		words, replaced, also = rewrite(words, ix.abbreviations())
	}
	p.raw = strings.Join(words, " ")
	p.expansions = ix.learntIndex().expand(words)
	for _, t := range words {
		switch {
		case fillers[t] && !hasDigit(t):
			p.optional = append(p.optional, t)
			continue
		}
		p.seq = append(p.seq, t)
		switch {
		case !containsString(p.required, t):
			p.required = append(p.required, t)
		}
	}
	p.optional = append(p.optional, replaced...)
	p.also = also
	for _, t := range p.required {
		if c := p.correction(t); c != "" {
			p.alts[t] = c
		}
	}
	if len(p.required) == 0 { // only filler words: search for them
		p.required, p.seq, p.optional = p.optional, p.optional, nil
	}
	// Phrases are the words as they stand together in the query, filler
	// words between meaningful ones included: "thuế thu nhập cá nhân" is
	// the phrase "thue thu nhap ca nhan" ("thu", as in "thủ tục", is a
	// filler), "biện pháp bảo đảm" names the field "Đăng ký biện pháp bảo
	// đảm" ("bao", as in "bao nhiêu").
	p.adjacent = p.seq
	first, last := -1, -1
	for i, t := range words {
		if !fillers[t] || hasDigit(t) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 && last > first {
		p.adjacent = words[first : last+1]
	}
	if first > 0 {
		p.lead = words[first-1] + " " + words[first]
	}
	if first >= 0 {
		p.fields = namedFields(p.adjacent, fields)
	}
	return p, nil
}

// abbreviations is the index's abbreviations (see loadAbbreviations).
func (ix *Index) abbreviations() map[string]string {
	ix.mu.RLock()
	a := ix.abbrevs
	ix.mu.RUnlock()
	if a == nil {
		a = ix.loadAbbreviations()
		ix.mu.Lock()
		ix.abbrevs = a
		ix.mu.Unlock()
	}
	return a
}

// terms analyzes s with one of the index's analyzers.
func (ix *Index) terms(analyzer, s string) []string {
	a := ix.bleve.Mapping().AnalyzerNamed(analyzer)
	if a == nil {
		return nil
	}
	var out []string
	for _, t := range a.Analyze([]byte(s)) {
		out = append(out, string(t.Term))
	}
	return out
}

// rewrite replaces everyday phrases with the catalogue's words; the
// everyday words and the synonyms' extra words come back as optional.
func rewrite(words []string, abbrevs map[string]string) (out, optional, also []string) {
	for i, w := range words {
		if full, ok := abbrevs[w]; ok {
			words[i] = full
			optional = append(optional, w)
		}
	}
	s := " " + strings.Join(words, " ") + " "
	for _, syn := range synonyms {
		if strings.Contains(s, " "+syn.from+" ") {
			s = strings.ReplaceAll(s, " "+syn.from+" ", " "+syn.to+" ")
			optional = append(optional, strings.Fields(syn.from)...)
			also = append(also, strings.Fields(syn.also)...)
		}
	}
	return strings.Fields(s), append(optional, also...), also
}

// fuzzyBelow: a query word held by fewer items than this (in any one field)
// is probably mistyped, so it also matches words one edit away.
const fuzzyBelow = 3

func (p *parsedQuery) fuzzy(t string) bool {
	return p.vocab[t] < fuzzyBelow && utf8.RuneCountInString(t) >= 4
}

// rank is the clause that weighs where a query word was found: the name
// outweighs the documents, which outweigh the rest.
func (p *parsedQuery) rank(t string, scale float64, cands *candidates) query.Query {
	clauses := []query.Query{
		&titleTerm{term: t, boost: wTitle * scale, cands: cands},
		candTerm(cands, fLead, t, wLead*scale),
		candTerm(cands, fDocs, t, wDocs*scale),
		candTerm(cands, fTopic, t, wTopic*scale),
	}
	if c := p.alts[t]; c != "" {
		clauses = append(clauses, candTerm(cands, fTitle, c, 0.8*wTitle*scale), candTerm(cands, fDocs, c, 0.8*wDocs*scale))
	}
	if p.fuzzy(t) {
		fq := query.NewFuzzyQuery(t)
		fq.SetField(fTitle)
		fq.SetFuzziness(1)
		fq.SetBoost(0.8 * wTitle * scale)
		clauses = append(clauses, fq)
	}
	return query.NewDisjunctionQuery(clauses)
}

// boosts are the optional clauses that order hits: the words as a phrase
// and as adjacent pairs (stronger evidence than scattered words), the words
// as typed with diacritics, filler words. The phrases are only checked on
// the candidates ids.
func (p *parsedQuery) boosts(cands *candidates) []query.Query {
	var qs []query.Query
	w := p.seq
	pair := func(a, b string) {
		bi := a + " " + b
		qs = append(qs, candTerm(cands, fTitleBi, bi, 2*wTitle), candTerm(cands, fLeadBi, bi, 2*wLead), candTerm(cands, fDocsBi, bi, wDocs), candTerm(cands, fTopicBi, bi, wTopic))
	}
	for i := 0; i+1 < len(w); i++ {
		pair(w[i], w[i+1])
		if c := p.alts[w[i]]; c != "" {
			pair(c, w[i+1])
		}
		if c := p.alts[w[i+1]]; c != "" {
			pair(w[i], c)
		}
	}
	if p.lead != "" {
		qs = append(qs, candTerm(cands, fTitleBi, p.lead, wTitle))
	}
	// "làm hộ chiếu" → "cấp hộ chiếu": the words a synonym adds pair with
	// the first meaningful word, and with each other ("cải chính").
	for i, o := range p.also {
		if len(w) > 0 {
			pair(o, w[0])
		}
		if i+1 < len(p.also) {
			pair(o, p.also[i+1])
		}
	}
	// Phrases: the words as they stand together in the query.
	w = p.adjacent
	if len(w) >= 2 {
		// The whole query as the name of a field (lĩnh vực) or agency:
		// "xuất nhập cảnh", "đăng ký, quản lý phương tiện giao thông".
		qs = append(qs, newCandidatePhrase(w, fTopic, 2*wTitle, cands))
		// The query as the name of a paper the procedure issues or asks
		// for as a main document.
		qs = append(qs, query.NewDisjunctionQuery([]query.Query{
			newCandidatePhrase(w, fResults, wResults, cands), newCandidatePhrase(w, fRequired, wRequired, cands)}))
	}
	if len(w) > 2 {
		for _, f := range []struct {
			field string
			w     float64
		}{{fTitle, 3 * wTitle}, {fDocs, 3 * wDocs}} {
			qs = append(qs, newCandidatePhrase(w, f.field, f.w, cands))
		}
	}
	for _, e := range p.exact {
		// The words as typed in the texts are scored by the first pass
		// (see textMatch).
		qs = append(qs, candTerm(cands, fTitleExact, e, wTitle/2), candTerm(cands, fDocsExact, e, wDocs/2))
	}
	for _, t := range p.required {
		qs = append(qs, p.rank(t, 1, cands))
	}
	for _, o := range p.optional {
		qs = append(qs, p.rank(o, 0.3, cands))
	}
	return append(qs, p.learnedBoosts(cands)...)
}

// strictMin is how many meaningful words an item must hold: all of them,
// except that longer queries may miss some (citizens add words the catalogue
// does not use: "cho bé", "về nhà chồng"): one of three or four words,
// 40 % of five or more.
func (p *parsedQuery) strictMin() int {
	n := len(p.required)
	switch {
	case n <= 2:
		return n
	case n <= 4:
		return n - 1
	default:
		return (n*6 + 9) / 10
	}
}

// looseMin is the fallback when no item holds strictMin words: half.
func (p *parsedQuery) looseMin() int { return (len(p.required) + 1) / 2 }

// query is the full ranking of the first pass's candidates: the words in
// their texts, boosts and priors. The candidates lead the conjunction, so
// that every other clause is only advanced to them.
func (p *parsedQuery) query(r *retrieval) query.Query {
	cands := &candidates{ids: r.candidates, locs: r.locs, from: r.from, derived: r.derived}
	var q query.Query = &textMatch{cands: cands, idf2: r.idf2, weight: r.weight}
	if boosts := p.boosts(cands); len(boosts) > 0 {
		q = query.NewBooleanQuery([]query.Query{q}, boosts, nil)
	}
	return p.withPriors(q, cands)
}

// Priors of a one-stop shop's portal, as score factors: procedures
// citizens apply for, procedures carried out locally (commune, province:
// where one-stop shops are), and base procedures rather than their renewals
// and changes (unless the query asks for one of those).
const (
	priorCitizen = 1.5
	priorLocal   = 1.2
	priorBase    = 1.5
)

// A query that names a field (lĩnh vực: "hộ tịch", "xuất nhập cảnh")
// asks to browse it: its procedures come first, and the priors weigh more
// among them, since every one of them matches the words.
const (
	fieldFactor  = 3.0
	fieldPriorUp = 2.0 // priors are squared… (raised to this power)
)

func (p *parsedQuery) withPriors(q query.Query, cands *candidates) query.Query {
	preferBase := !variantQuery.MatchString(p.raw)
	fields := []string{fFlags}
	if len(p.fields) > 0 {
		fields = append(fields, fField, fTitleLen)
	}
	score := func(_ context.Context, d *search.DocumentMatch) (float64, error) {
		s, prior := d.Score, 1.0
		flags, _ := d.Fields[fFlags].(string)
		if strings.Contains(flags, flagRecord) {
			// The priors rank procedures among themselves; a record is
			// weighed like a fully central procedure.
			flags = flagCitizen + flagLocal + flagBase
		}
		if strings.Contains(flags, flagCitizen) {
			prior *= priorCitizen
		}
		if strings.Contains(flags, flagLocal) {
			prior *= priorLocal
		}
		if preferBase && strings.Contains(flags, flagBase) {
			prior *= priorBase
		}
		for _, f := range p.fields {
			if hasValue(d.Fields[fField], f) {
				// Every procedure of the field matches the request; how
				// well its text matches the words matters less.
				s = fieldFactor * math.Sqrt(s) * browseWeight(d.Fields[fTitleLen])
				prior = math.Pow(prior, fieldPriorUp)
				break
			}
		}
		return s * prior, nil
	}
	return &priorQuery{q: q, score: score, fields: fields, cands: cands}
}

func hasValue(v any, want string) bool {
	switch v := v.(type) {
	case string:
		return v == want
	case []any:
		for _, x := range v {
			if x == want {
				return true
			}
		}
	}
	return false
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// correction returns the word a rare query word was probably meant to be:
// of the words one edit away (a letter deleted, added, changed, or two
// swapped) the most common, if it is far more common. "khia" → "khai",
// "dungg" → "dung". Only words of 4 letters or more are corrected.
func (p *parsedQuery) correction(t string) string {
	if utf8.RuneCountInString(t) < 4 || hasDigit(t) {
		return ""
	}
	df := p.vocab[t]
	// Prefer a word of the same length (a changed or swapped letter: "khia"
	// → "khai", not "khi"), then any; of equal counts, the first found.
	var best [2]string // of the same length, of another
	var bestDF [2]uint64
	eachEdit(t, func(c []byte) {
		k := 0
		if len(c) != len(t) {
			k = 1
		}
		if n := p.vocab[string(c)]; n > bestDF[k] {
			best[k], bestDF[k] = string(c), n
		}
	})
	for k := range best {
		if bestDF[k] >= 20*(df+1) {
			return best[k]
		}
	}
	return ""
}

// eachEdit calls f on each string one edit away from t (ASCII letters and
// digits: t is folded), in a buffer that f must not keep.
func eachEdit(t string, f func(c []byte)) {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	buf := make([]byte, 0, len(t)+1)
	for i := 0; i <= len(t); i++ {
		l, r := t[:i], t[i:]
		if len(r) > 0 {
			f(append(append(buf[:0], l...), r[1:]...)) // delete
		}
		if len(r) > 1 {
			f(append(append(append(buf[:0], l...), r[1], r[0]), r[2:]...)) // swap
		}
		for j := 0; j < len(letters); j++ {
			if len(r) > 0 {
				f(append(append(append(buf[:0], l...), letters[j]), r[1:]...)) // replace
			}
			f(append(append(append(buf[:0], l...), letters[j]), r...)) // insert
		}
	}
}

// namedFields returns the fields (lĩnh vực) a query names: its words
// are all in the field's name, and make up at least half of it ("xuat
// nhap canh" names "Quản lý xuất nhập cảnh", "sat hach lai xe" "Sát hạch,
// cấp giấy phép lái xe").
func namedFields(seq []string, fields []fieldName) []string {
	if len(seq) == 0 {
		return nil
	}
	var out []string
	for _, f := range fields {
		if 2*len(seq) < len(f.words) {
			continue
		}
		all := true
		for _, w := range seq {
			all = all && slices.Contains(f.words, w)
		}
		if all {
			out = append(out, f.name)
		}
	}
	sort.Strings(out)
	return out
}

// fieldName is a field (lĩnh vực) and its folded name's words, split once
// (every query is matched against every field).
type fieldName struct {
	name  string
	words []string
}

func fieldWords(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' || r == '-' || r == '–' })
}

// isField says whether words are a field's whole name.
func isField(words []string, fields []fieldName) bool {
	for _, f := range fields {
		if slices.Equal(f.words, words) {
			return true
		}
	}
	return false
}

// browseWeight weighs a procedure of a field the query names by its
// name's length: browsing a field, its general procedures ("Cấp giấy phép
// lái xe") come before the particular ones ("Chấp thuận lại hoạt động của
// sân tập lái để sát hạch lái xe mô tô"). A name of browseWords words
// weighs 1.
func browseWeight(titleLen any) float64 {
	s, _ := titleLen.(string)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return math.Pow(browseWords/float64(n), browseExp)
}

var browseWords, browseExp = 6.0, 1.0
