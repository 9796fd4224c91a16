package search

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/search/query"

	"motcua/search/querylog"
)

// What the search learns from its query log (see querylog.Learn): the
// procedures citizens chose among a query's results, in enough distinct
// sessions. A query learnt brings them among its candidates and raises
// them; the words' own ranking decides the rest.

// learnedKey is where the index keeps what it learnt.
var learnedKey = []byte("motcua_learned")

// wLearned weighs a procedure chosen for the query by every session that
// chose one (its share scales it): about a strong match of two words in the name.
var wLearned = 60.0

// Learn keeps in the index the procedures chosen for queries; they replace
// what it learnt before.
func (ix *Index) Learn(learned []querylog.Learned) error {
	b, err := json.Marshal(learned)
	if err != nil {
		return err
	}
	if err := ix.bleve.SetInternal(learnedKey, b); err != nil {
		return fmt.Errorf("search: save what was learnt from the query log: %w", err)
	}
	ix.mu.Lock()
	ix.learned = byQuery(learned)
	ix.mu.Unlock()
	return nil
}

func byQuery(learned []querylog.Learned) map[string][]querylog.Learned {
	m := map[string][]querylog.Learned{}
	for _, l := range learned {
		m[l.Query] = append(m[l.Query], l)
	}
	return m
}

// learnedFor returns the procedures learnt for q.
func (ix *Index) learnedFor(q string) []querylog.Learned {
	key, ok := querylog.Key(q)
	if !ok {
		return nil
	}
	ix.mu.RLock()
	m := ix.learned
	ix.mu.RUnlock()
	if m == nil {
		var learned []querylog.Learned
		if b, err := ix.bleve.GetInternal(learnedKey); err == nil && len(b) > 0 {
			json.Unmarshal(b, &learned)
		}
		m = byQuery(learned)
		ix.mu.Lock()
		ix.learned = m
		ix.mu.Unlock()
	}
	return m[key]
}

// learnedBoosts raise the procedures learnt for the query.
func (p *parsedQuery) learnedBoosts() []query.Query {
	var qs []query.Query
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
func (r *retrieval) addLearned(learned []querylog.Learned) {
	for _, l := range learned {
		id := KindProcedure + ":" + l.Code
		if slices.Contains(r.candidates, id) {
			continue
		}
		r.candidates = append([]string{id}, r.candidates...)
		r.idf2 = append([]float64{0}, r.idf2...)
		r.total++
	}
}
