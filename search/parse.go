package search

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// fillers are everyday words that say how a citizen asks, not what about
// ("làm", "xin", "thủ tục", "như thế nào"): they may match but need not.
var fillers = set("lam", "xin", "can", "gi", "nhu", "the", "nao", "o", "dau", "bao", "nhieu", "muon",
	"toi", "minh", "em", "anh", "chi", "cho", "cua", "va", "hay", "ve", "thu", "tuc", "cach", "nhung",
	"cac", "mot", "bi", "duoc", "de", "voi", "khi", "nay", "thi", "la", "ma", "huong", "dan", "o",
	"tai", "sao", "phai", "gium", "giup", "nhe", "a", "ah", "voi")

// synonyms rewrite everyday phrases (folded) into the catalogue's words.
var synonyms = []struct{ from, to string }{
	{"so do", "giay chung nhan quyen su dung dat"},
	{"so hong", "giay chung nhan quyen su dung dat"},
	{"bang lai xe", "giay phep lai xe"},
	{"bang lai", "giay phep lai xe"},
	{"chung minh nhan dan", "can cuoc"},
	{"chung minh thu", "can cuoc"},
	{"can cuoc cong dan", "can cuoc"},
	{"cmnd", "can cuoc"},
	{"cmt", "can cuoc"},
	{"cccd", "can cuoc"},
	{"xay nha", "xay dung"},
	{"bao tu", "khai tu"},
	{"giay chung tu", "trich luc khai tu"},
	{"ho khau", "thuong tru"},
	{"nhap khau", "thuong tru"},
	{"lltp", "ly lich tu phap"},
	{"ly di", "ly hon"},
	{"passport", "ho chieu"},
	{"visa", "thi thuc"},
	{"xe may", "xe"},
	{"o to", "xe"},
	{"giay dang ky xe", "dang ky xe"},
	{"cong chung", "chung thuc"},
	{"sao y", "chung thuc ban sao"},
	{"doi ten", "thay doi ho tich"},
	{"cai ten", "thay doi ho tich"},
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
	required []string // folded words every hit must have (in some field)
	optional []string // filler words that only add to the score
	bigrams  []string // adjacent pairs of the meaningful words
	exact    []string // the words as typed, when typed with diacritics
	vocab    map[string]bool
}

func (ix *Index) parse(q string) (*parsedQuery, error) {
	vocab, err := ix.vocabulary()
	if err != nil {
		return nil, err
	}
	p := &parsedQuery{vocab: vocab}
	folded := ix.terms(analyzerFold, q)
	if hasDiacritics(q) {
		p.exact = ix.terms(analyzerExact, q)
	}
	folded = rewrite(folded)
	var meaningful []string
	for _, t := range folded {
		if fillers[t] {
			p.optional = append(p.optional, t)
			continue
		}
		if !containsString(p.required, t) {
			p.required = append(p.required, t)
		}
		meaningful = append(meaningful, t)
	}
	if len(p.required) == 0 { // only filler words: search for them
		p.required, p.optional = p.optional, nil
		meaningful = p.required
	}
	for i := 0; i+1 < len(meaningful); i++ {
		p.bigrams = append(p.bigrams, meaningful[i]+" "+meaningful[i+1])
	}
	return p, nil
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

// rewrite replaces everyday phrases with the catalogue's words.
func rewrite(words []string) []string {
	s := " " + strings.Join(words, " ") + " "
	for _, syn := range synonyms {
		s = strings.ReplaceAll(s, " "+syn.from+" ", " "+syn.to+" ")
	}
	return strings.Fields(s)
}

// word is the clause for one query word: in the name, the documents or the
// body, exactly or, for a word of 4 letters or more that the index does not
// hold, within one edit (typos: "phapp" → "phap").
func (p *parsedQuery) word(t string, scale float64) query.Query {
	clauses := []query.Query{
		term(fTitle, t, wTitle*scale),
		term(fDocs, t, wDocs*scale),
		term(fBody, t, wBody*scale),
	}
	if !p.vocab[t] && utf8.RuneCountInString(t) >= 4 {
		for _, f := range []struct {
			field string
			w     float64
		}{{fTitle, wTitle}, {fDocs, wDocs}, {fBody, wBody}} {
			fq := query.NewFuzzyQuery(t)
			fq.SetField(f.field)
			fq.SetFuzziness(1)
			fq.SetBoost(f.w * scale * 0.6)
			clauses = append(clauses, fq)
		}
	}
	return query.NewDisjunctionQuery(clauses)
}

// boosts are the optional clauses that order hits: adjacent word pairs,
// words as typed with diacritics, filler words.
func (p *parsedQuery) boosts() []query.Query {
	var qs []query.Query
	for _, b := range p.bigrams {
		qs = append(qs, term(fTitleBi, b, 2*wTitle), term(fDocsBi, b, 2*wDocs), term(fBodyBi, b, wBody))
	}
	for _, e := range p.exact {
		qs = append(qs, term(fTitleExact, e, wTitle/2), term(fDocsExact, e, wDocs/2), term(fBodyExact, e, wBody/2))
	}
	for _, o := range p.optional {
		qs = append(qs, p.word(o, 0.2))
	}
	return qs
}

// strict: every meaningful word must match.
func (p *parsedQuery) strict() query.Query {
	var must []query.Query
	for _, t := range p.required {
		must = append(must, p.word(t, 1))
	}
	return p.withBoosts(query.NewConjunctionQuery(must))
}

// loose: at least half of the meaningful words must match.
func (p *parsedQuery) loose() query.Query {
	var any []query.Query
	for _, t := range p.required {
		any = append(any, p.word(t, 1))
	}
	d := query.NewDisjunctionQuery(any)
	d.SetMin(float64((len(any) + 1) / 2))
	return p.withBoosts(d)
}

func (p *parsedQuery) withBoosts(main query.Query) query.Query {
	b := p.boosts()
	if len(b) == 0 {
		return main
	}
	return query.NewBooleanQuery([]query.Query{main}, b, nil)
}
