package search

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"motcua/internal/vi"
	"motcua/search/querylog"
)

// What the search learns from its query log (see querylog.Learn): the
// procedures citizens chose among a query's results, in enough distinct
// sessions. A query learnt brings them among its candidates and raises
// them; the words' own ranking decides the rest. And words: of the
// query's words that the chosen procedure's name lacks, each word and
// adjacent pair that no name uses ("mở quán" of "mở quán ăn") stands, in
// any query, for the words of that name's first clause the query lacks
// ("đăng ký thành lập hộ kinh doanh"): an item holding these holds
// those, and the name's words weigh as an expansion, below the words
// typed.

// learnedKey is where the index keeps what it learnt.
var learnedKey = []byte("motcua_learned")

// wLearned weighs a procedure chosen for the query by every session that
// chose one (its share scales it): about a strong match of two words in the name.
var wLearned = 60.0

// wExpansion scales the rank of a word a learnt expansion adds (a typed
// word's is 1).
var wExpansion = 0.5

// expansion is a run of a query's words (From) that stands for name words
// (To), learnt from a query whose chosen procedure's name lacks From.
type expansion struct {
	From string   `json:"from"`
	To   []string `json:"to"`
}

// learnt is what the index keeps.
type learnt struct {
	Pairs      []querylog.Learned `json:"pairs"`
	Expansions []expansion        `json:"expansions"`
}

// learntIndex is learnt by query key and by expanded word.
type learntIndex struct {
	byQuery    map[string][]querylog.Learned
	expansions []expansion
}

// Learn keeps in the index the procedures chosen for queries and the
// expansions they teach; they replace what it learnt before.
func (ix *Index) Learn(learned []querylog.Learned) error {
	l := learnt{Pairs: learned}
	for _, p := range learned {
		title, err := ix.title(KindProcedure + ":" + p.Code)
		if err != nil {
			return err
		}
		if title == "" {
			continue
		}
		for _, e := range expansions(p.Query, lead(title)) {
			// Only words the names do not use stand for others: "con"
			// of "làm căn cước cho con" is the catalogue's own word
			// ("nhận cha, mẹ, con"), "mở quán" is not. Each such word
			// of the run, and each such pair, stands for the name's
			// words in any query that holds it.
			ws := strings.Fields(e.From)
			var units []string
			for i, w := range ws {
				units = append(units, w)
				if i+1 < len(ws) {
					units = append(units, w+" "+ws[i+1])
				}
			}
			for _, u := range units {
				named, err := ix.named(u)
				if err != nil {
					return err
				}
				if !named && !slices.ContainsFunc(l.Expansions, func(x expansion) bool { return x.From == u && slices.Equal(x.To, e.To) }) {
					l.Expansions = append(l.Expansions, expansion{From: u, To: e.To})
				}
			}
		}
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if err := ix.bleve.SetInternal(learnedKey, b); err != nil {
		return fmt.Errorf("search: save what was learnt from the query log: %w", err)
	}
	ix.mu.Lock()
	ix.learned = l.index()
	ix.mu.Unlock()
	return nil
}

// named says whether some item's title holds the words: the word, or
// each pair of adjacent words.
func (ix *Index) named(words string) (bool, error) {
	ws := strings.Fields(words)
	var terms []*query.TermQuery
	if len(ws) == 1 {
		terms = append(terms, term(fTitle, ws[0], 0))
	}
	for i := 0; i+1 < len(ws); i++ {
		terms = append(terms, term(fTitleBi, ws[i]+" "+ws[i+1], 0))
	}
	for _, t := range terms {
		res, err := ix.bleve.Search(bleve.NewSearchRequestOptions(t, 0, 0, false))
		if err != nil {
			return false, err
		}
		if res.Total == 0 {
			return false, nil
		}
	}
	return true, nil
}

// title is an item's stored title, "" when it is not in the index.
func (ix *Index) title(id string) (string, error) {
	sr := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 1, 0, false)
	sr.Fields = []string{fTitle}
	res, err := ix.bleve.Search(sr)
	if err != nil || len(res.Hits) == 0 {
		return "", err
	}
	return str(res.Hits[0].Fields[fTitle]), nil
}

// expansions are the runs of key's meaningful words that name lacks, each
// standing for name's meaningful words that key lacks.
func expansions(key, name string) []expansion {
	nameWords := foldedWords(name)
	keyWords := strings.Fields(key)
	var to []string
	for _, w := range nameWords {
		if !fillers[w] && !slices.Contains(keyWords, w) && !slices.Contains(to, w) {
			to = append(to, w)
		}
	}
	if len(to) == 0 {
		return nil
	}
	var out []expansion
	var run []string
	flush := func() {
		if len(run) > 0 {
			out = append(out, expansion{From: strings.Join(run, " "), To: to})
		}
		run = nil
	}
	for _, w := range keyWords {
		if fillers[w] || slices.Contains(nameWords, w) || hasDigit(w) {
			flush()
			continue
		}
		run = append(run, w)
	}
	flush()
	return out
}

func foldedWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(vi.Fold(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func (l learnt) index() *learntIndex {
	x := &learntIndex{byQuery: map[string][]querylog.Learned{}, expansions: l.Expansions}
	for _, p := range l.Pairs {
		x.byQuery[p.Query] = append(x.byQuery[p.Query], p)
	}
	return x
}

// learntIndex returns what the index learnt.
func (ix *Index) learntIndex() *learntIndex {
	ix.mu.RLock()
	x := ix.learned
	ix.mu.RUnlock()
	if x == nil {
		var l learnt
		if b, err := ix.bleve.GetInternal(learnedKey); err == nil && len(b) > 0 {
			json.Unmarshal(b, &l)
		}
		x = l.index()
		ix.mu.Lock()
		ix.learned = x
		ix.mu.Unlock()
	}
	return x
}

// expand returns the expansions whose words the query's folded words
// (words) hold together.
func (x *learntIndex) expand(words []string) []expansion {
	if len(x.expansions) == 0 {
		return nil
	}
	s := " " + strings.Join(words, " ") + " "
	var out []expansion
	for _, e := range x.expansions {
		if strings.Contains(s, " "+e.From+" ") {
			out = append(out, e)
		}
	}
	return out
}

// expansionOf returns the name words a query word stands for, through
// the expansions the query holds.
func (p *parsedQuery) expansionOf(t string) [][]string {
	var out [][]string
	for _, e := range p.expansions {
		if slices.Contains(strings.Fields(e.From), t) {
			out = append(out, e.To)
		}
	}
	return out
}

// expansionBits is the items that hold every word of one of the
// expansions of t.
func (s *snapshot) expansionBits(p *parsedQuery, t string) (bits, error) {
	var out bits
	for _, to := range p.expansionOf(t) {
		var b bits
		for _, w := range to {
			wb, err := s.term(fAll, w)
			if err != nil {
				return nil, err
			}
			if b == nil {
				b = wb
			} else {
				b = and(b, wb)
			}
		}
		if out == nil {
			out = b
		} else if b != nil {
			out = or(out, b)
		}
	}
	return out, nil
}

// learnedFor returns the procedures learnt for q.
func (ix *Index) learnedFor(q string) []querylog.Learned {
	key, ok := querylog.Key(q)
	if !ok {
		return nil
	}
	return ix.learntIndex().byQuery[key]
}

// learnedBoosts raise the procedures learnt for the query, and rank the
// words of its expansions.
func (p *parsedQuery) learnedBoosts(cands *candidates) []query.Query {
	var qs []query.Query
	for _, e := range p.expansions {
		for _, w := range e.To {
			qs = append(qs, p.rank(w, wExpansion, cands))
		}
		for i := 0; i+1 < len(e.To); i++ {
			qs = append(qs, term(fTitleBi, e.To[i]+" "+e.To[i+1], wExpansion*wTitle))
		}
	}
	for _, l := range p.learned {
		q := query.NewDocIDQuery([]string{KindProcedure + ":" + l.Code})
		q.SetBoost(wLearned * l.Share)
		qs = append(qs, q)
	}
	return qs
}

// addLearned makes the procedures learnt for the query candidates of the
// full ranking, ahead of the first pass's (which may not have found
// them: "mở quán ăn" holds none of the words of "Đăng ký thành lập hộ
// kinh doanh").
func (r *retrieval) addLearned(learned []querylog.Learned) (added bool) {
	for _, l := range learned {
		id := KindProcedure + ":" + l.Code
		if slices.Contains(r.candidates, id) {
			continue
		}
		r.candidates = append([]string{id}, r.candidates...)
		r.locs = append([]docLoc{{seg: -1}}, r.locs...)
		r.idf2 = append([]float64{0}, r.idf2...)
		r.total++
		added = true
	}
	return added
}
