package search

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Suggestion is one completion for a query being typed.
type Suggestion struct {
	Code  string `json:"code,omitempty"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Suggest completes a query being typed: every finished word must be in
// the name, and the last, unfinished one must start a word of the name.
// Only public procedures are suggested.
func (ix *Index) Suggest(ctx context.Context, q string, n int) ([]Suggestion, error) {
	q = normalizeQuery(q)
	words := ix.terms(analyzerFold, q)
	if len(words) == 0 {
		return nil, nil
	}
	n = min(max(n, 1), 20)
	var must []query.Query
	last := len(words) - 1
	if strings.HasSuffix(q, " ") {
		last = len(words)
	}
	for i, w := range words {
		if i == last {
			must = append(must, term(fTitleEdge, w, 1))
		} else {
			must = append(must, query.NewDisjunctionQuery([]query.Query{term(fTitle, w, 2), term(fDocs, w, 0.5)}))
		}
	}
	// The filter leads the conjunction, unscored: only the procedures
	// are scored, not every record whose name holds the words.
	filter := unscored{query.NewConjunctionQuery([]query.Query{term(fVisibility, VisibilityPublic, 0), term(fKind, KindProcedure, 0)})}
	b := query.NewConjunctionQuery([]query.Query{query.NewBooleanQuery(must, nil, nil), filter})
	req := bleve.NewSearchRequestOptions(b, n, 0, false)
	req.Fields = []string{fCode, fTitle, fURL}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchErr(err)
	}
	out := []Suggestion{}
	for _, h := range res.Hits {
		out = append(out, Suggestion{Code: str(h.Fields[fCode]), Title: str(h.Fields[fTitle]), URL: str(h.Fields[fURL])})
	}
	return out, nil
}
