package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"
)

// MaxQueryLen caps a query's length in characters; longer input is cut.
const MaxQueryLen = 200

// Request is a search. Nothing in it can widen what a public search sees:
// Restricted is set by the server for authenticated staff only.
type Request struct {
	Query      string
	Field      string // lĩnh vực
	Level      string // cấp thực hiện
	Agency     string // cơ quan
	DocType    string // loại văn bản (records)
	Kind       string // "procedure", "record" or "" for both
	Page       int    // from 1
	Size       int    // hits per page, at most 50
	Restricted bool   // include restricted records (staff only)

	// Staff filters on records; a public search ignores them.
	Status   string // auto, review, verified
	Issuer   string // cơ quan ban hành
	PersonID string // a 12-digit ID number among the record's
	DateFrom string // issue date from, YYYY-MM-DD
	DateTo   string // issue date to, inclusive
}

// Hit is one result. Snippet is HTML: text escaped, matches in <mark>.
type Hit struct {
	Kind    string  `json:"kind"`
	ID      string  `json:"id"`
	Code    string  `json:"code"`
	Title   string  `json:"title"`
	URL     string  `json:"url"`
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with facets.
type Result struct {
	Total  uint64                  `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	Loose  bool                    `json:"loose,omitempty"` // no item matched every word
	More   bool                    `json:"more"`            // a next page exists
	Took   time.Duration           `json:"-"`
}

// Facet names in results, as the API and pages use them.
var facetFields = map[string]string{
	"linh_vuc":     fField,
	"cap":          fLevel,
	"co_quan":      fAgency,
	"loai_van_ban": fDocType,
}

// staffFacets are added for staff searches.
var staffFacets = map[string]string{
	"trang_thai":       fStatus,
	"co_quan_ban_hanh": fIssuer,
}

// Field weights: the name outweighs documents, which outweigh body text.
const (
	wTitle = 3.0
	wLead  = 1.5 // the name's first clause
	wTopic = 1.5 // lĩnh vực, agencies
	wDocs  = 1.5
	wBody  = 0.5
	// The query as the name of a paper the procedure issues, or asks for
	// as a main document (a requirement's first clause, not an aside).
	wResults  = 3.0
	wRequired = 2.0
)

var (
	procedureCode = regexp.MustCompile(`^[1-9]\.\d{6}(\.\d{2})?$`)
	numberSymbol  = regexp.MustCompile(`^\d{1,5}(\.\d+)?/(\d{4}/)?[\p{L}\d]+(-[\p{L}\d]+)*$`)
	personID      = regexp.MustCompile(`^\d{12}$`)
)

// normalizeQuery returns q in NFC, on one line, cut to MaxQueryLen characters.
func normalizeQuery(q string) string {
	q = norm.NFC.String(q)
	q = strings.Join(strings.Fields(q), " ")
	if utf8.RuneCountInString(q) > MaxQueryLen {
		r := []rune(q)
		q = string(r[:MaxQueryLen])
	}
	return q
}

// Search runs req.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	q := normalizeQuery(req.Query)
	size := req.Size
	if size <= 0 {
		size = 10
	}
	size = min(size, 50)
	from := (min(max(req.Page, 1), 100) - 1) * size

	filter := ix.filter(req)
	// A selective filter (a field, level, agency, document type or kind)
	// is an unscored member of a conjunction, which its few items lead,
	// rather than bleve's boolean filter, which scores every hit of the
	// query before checking it. The visibility filter alone lets most
	// items through: checking the hits after is cheaper.
	selective := strings.TrimSpace(req.Field+req.Level+req.Agency+req.DocType+req.Kind) != ""
	withFilter := func(q query.Query, filter query.Query) query.Query {
		if selective {
			return query.NewConjunctionQuery([]query.Query{q, unscored{filter}})
		}
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMust(q)
		b.AddFilter(filter)
		return b
	}
	// page ranks the candidates and fetches a page of them with their
	// fields; their texts are for the snippets. The first pass's
	// candidates passed the filter already (filter nil): checking them
	// again would open the filter's postings in every segment.
	page := func(q query.Query, filter query.Query, from int) (*bleve.SearchResult, error) {
		if filter != nil {
			q = withFilter(q, filter)
		}
		sr := bleve.NewSearchRequestOptions(q, size, from, false)
		sr.Fields = []string{fKind, fCode, fTitle, fRecTitle, fURL, fDocs, fRecDocs, fBody}
		return ix.bleve.SearchInContext(ctx, sr)
	}
	// The scored passes count only the records' facet (loai_van_ban):
	// the procedures' facets are counted over the procedures among the
	// hits alone (see procedureFacets), not visited on every record hit.
	// But a request filtered by a procedure's field, level or agency has
	// only procedures among its hits: every facet is counted in the pass;
	// and a request for records alone has no procedure facets to count.
	onlyProcedures := req.Kind == KindProcedure || strings.TrimSpace(req.Field+req.Level+req.Agency) != ""
	countProcedureFacets := !onlyProcedures && req.Kind != KindRecord
	addFacets := func(sr *bleve.SearchRequest) {
		for name, f := range facetFields {
			if onlyProcedures || !procedureFacet[f] {
				sr.AddFacet(name, bleve.NewFacetRequest(f, 10))
			}
		}
		if req.Restricted {
			for name, f := range staffFacets {
				sr.AddFacet(name, bleve.NewFacetRequest(f, 10))
			}
		}
	}

	var res, facets *bleve.SearchResult
	var marks *marker // the query's words, to mark in snippets
	var err error
	loose, more := false, false
	// Lookups by code, ID number or number/symbol, and browsing: one pass.
	var exact query.Query
	if q == "" {
		exact = bleve.NewMatchAllQuery()
	} else {
		exact = identifierQuery(q)
	}
	if exact != nil {
		sr := bleve.NewSearchRequestOptions(withFilter(exact, filter), size, from, false)
		sr.Fields = []string{fKind, fCode, fTitle, fRecTitle, fURL}
		if q != "" {
			// Of equal matches, procedures by code: 1.001193 before 2.001193.
			sr.SortBy([]string{"-_score", fCode, "_id"})
		}
		addFacets(sr)
		if res, err = ix.bleve.SearchInContext(ctx, sr); err != nil {
			return nil, searchErr(err)
		}
		facets = res
		more = uint64(from+size) < res.Total
		if countProcedureFacets {
			if err := ix.procedureFacets(ctx, withFilter(exact, filter), facets); err != nil {
				return nil, searchErr(err)
			}
		}
	}
	var counted map[string][]FacetValue // the facets of a word search
	if res == nil || (res.Total == 0 && q != "") {
		// Words: find the hits and count their facets on the postings'
		// bitmaps, then rank the best of them with the full query.
		pq, err := ix.parse(q)
		if err != nil {
			return nil, err
		}
		r, err := ix.firstPass(ctx, pq, req)
		if err != nil {
			return nil, searchErr(err)
		}
		if err := ctx.Err(); err != nil {
			return nil, searchErr(err)
		}
		var pageFilter query.Query // candidates learnt from the log were not filtered
		if r.addLearned(pq.learned) {
			pageFilter = filter
		}
		res = &bleve.SearchResult{}
		if len(r.candidates) > 0 && from < len(r.candidates) {
			if res, err = page(pq.query(r), pageFilter, from); err != nil {
				return nil, searchErr(err)
			}
		}
		loose, more = r.loose, from+size < len(r.candidates)
		res.Total, counted = r.total, r.facets
		marks = pq.marker()
	}
	out := &Result{Total: res.Total, Hits: []Hit{}, Loose: loose, More: more}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, Hit{
			Kind:    str(h.Fields[fKind]),
			ID:      h.ID,
			Code:    str(h.Fields[fCode]),
			Title:   str(h.Fields[fTitle]) + str(h.Fields[fRecTitle]), // a procedure's or a record's
			URL:     str(h.Fields[fURL]),
			Snippet: marks.snippetOf(h),
			Score:   math.Round(h.Score*1000) / 1000,
		})
	}
	if counted != nil {
		out.Facets = counted
	} else {
		out.Facets = bleveFacets(facets.Facets)
	}
	// Every facet the request counts is a list, empty when no hit has a
	// value for it: clients need not tell a missing facet from an empty one.
	names := []map[string]string{facetFields}
	if req.Restricted {
		names = append(names, staffFacets)
	}
	for _, m := range names {
		for name := range m {
			if out.Facets[name] == nil {
				out.Facets[name] = []FacetValue{}
			}
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// bleveFacets turns bleve's facet results into ours.
func bleveFacets(facets search.FacetResults) map[string][]FacetValue {
	out := map[string][]FacetValue{}
	for name, fr := range facets {
		var vals []FacetValue
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term == "" { // an item without a value: nothing to filter by
					continue
				}
				vals = append(vals, FacetValue{Value: t.Term, Count: t.Count})
			}
		}
		if len(vals) > 0 {
			out[name] = vals
		}
	}
	return out
}

// firstPass finds the hits of a word search, its facets and the
// candidates for the full ranking.
func (ix *Index) firstPass(ctx context.Context, p *parsedQuery, req Request) (*retrieval, error) {
	if len(p.required) == 0 { // no word at all ("!!!"): nothing to find
		return &retrieval{facets: map[string][]FacetValue{}}, nil
	}
	s, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	defer s.Close()
	filter, err := s.filter(req)
	if err != nil {
		return nil, err
	}
	r, err := s.retrieve(p, filter)
	if err != nil {
		return nil, err
	}
	defer func() { r.hits = nil }() // they point into the snapshot
	r.facets = map[string][]FacetValue{}
	if r.total == 0 {
		return r, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	count := func(names map[string]string) error {
		for name, f := range names {
			vals, err := s.facet(f, r.hits, 10)
			if err != nil {
				return err
			}
			if len(vals) > 0 {
				r.facets[name] = vals
			}
		}
		return nil
	}
	if err := count(facetFields); err != nil {
		return nil, err
	}
	if req.Restricted {
		if err := count(staffFacets); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func searchErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("search: the search took too long: %w", err)
	}
	return fmt.Errorf("search: %w", err)
}

func term(field, value string, boost float64) *query.TermQuery {
	t := query.NewTermQuery(value)
	t.SetField(field)
	if boost > 0 {
		t.SetBoost(boost)
	}
	return t
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// snippetOf is the hit's snippet: where its documents name the query's
// words, else its text; "" for lookups by code, ID or number.
func (m *marker) snippetOf(h *search.DocumentMatch) string {
	if m == nil {
		return ""
	}
	for _, f := range []string{fDocs, fRecDocs, fBody} {
		if s := m.snippet(str(h.Fields[f])); s != "" {
			return s
		}
	}
	return ""
}

// rescoreWindow is how many candidates the full ranking sees: the best of
// a cheap first pass. Pages beyond it are not offered.
const rescoreWindow = 100

// procedureFacet marks the facets only procedures have values for.
var procedureFacet = map[string]bool{fField: true, fLevel: true, fAgency: true}

// procedureFacets adds to res the facets only procedures have values for,
// counted over the procedures among the hits of q: an unscored pass led by
// the few procedures, instead of visiting these fields on every record hit
// (on a large index most hits are records, and each facet field visited
// cost about as much as scoring them).
func (ix *Index) procedureFacets(ctx context.Context, q query.Query, res *bleve.SearchResult) error {
	if res.Total == 0 {
		return nil
	}
	pq := query.NewConjunctionQuery([]query.Query{term(fKind, KindProcedure, 0), q})
	sr := bleve.NewSearchRequestOptions(pq, 0, 0, false)
	sr.Score = "none"
	for name, f := range facetFields {
		if procedureFacet[f] {
			sr.AddFacet(name, bleve.NewFacetRequest(f, 10))
		}
	}
	pr, err := ix.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return err
	}
	if res.Facets == nil {
		res.Facets = search.FacetResults{}
	}
	for name, fr := range pr.Facets {
		res.Facets[name] = fr
	}
	return nil
}
