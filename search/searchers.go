package search

import (
	"context"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// candidatePhrase is a phrase query checked only on the ranking's
// candidates. bleve's phrase searcher, advanced to an item without the
// phrase, scans forward through every later item holding all its words
// (decoding their term locations) to the next one with the phrase: on a
// large index that costs more than the rest of the ranking. This one
// looks at the candidates alone and scores exactly like bleve's (the sum of
// its words' term scores, the same weight in the query norm).
type candidatePhrase struct {
	terms []string
	field string
	boost float64
	ids   *candidates
}

func newCandidatePhrase(terms []string, field string, boost float64, ids *candidates) *candidatePhrase {
	return &candidatePhrase{terms: terms, field: field, boost: boost, ids: ids}
}

func (q *candidatePhrase) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if len(q.terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	sorted, err := q.ids.internal(r)
	if err != nil {
		return nil, err
	}
	if is, ok := r.(*scorch.IndexSnapshot); ok && is == q.ids.from && ownReads && !options.Explain && options.Score != "none" {
		return q.readAtCandidates(is, sorted, options)
	}
	options.IncludeTermVectors = true
	s := &candidatePhraseSearcher{terms: q.terms, field: q.field}
	for _, c := range sorted {
		s.candidates = append(s.candidates, c.iid)
	}
	for _, t := range q.terms {
		ts, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, options)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.words = append(s.words, ts)
	}
	s.cur = make([]*search.DocumentMatch, len(s.words))
	s.done = make([]bool, len(s.words))
	return s, nil
}

// readAtCandidates is the phrase's searcher that reads its words' postings
// only at the candidates, in the segments that hold them: scored as
// candidatePhraseSearcher scores (each word's term score, each word's
// weight in the query norm).
func (q *candidatePhrase) readAtCandidates(is *scorch.IndexSnapshot, sorted []candidate, options search.SearcherOptions) (search.Searcher, error) {
	total, err := is.DocCount()
	if err != nil {
		return nil, err
	}
	type word struct {
		idf float64
		tf  []float64  // by candidate: √freq·norm, 0 where it is not
		pos [][]uint32 // by candidate: the word's positions
	}
	words := map[string]*word{}
	var weight float64
	for _, t := range q.terms {
		w := words[t]
		if w == nil {
			lists, df, err := postings(is, q.ids.derived, q.field, t)
			if err != nil {
				return nil, err
			}
			w = &word{idf: 1.0 + math.Log(float64(total)/float64(df+1)), tf: make([]float64, len(sorted)), pos: make([][]uint32, len(sorted))}
			words[t] = w
			err = atCandidates(q.ids.derived, q.field+"\x00"+t, lists, sorted, true, func(k int, tfn float64, pos []uint32) {
				w.tf[k], w.pos[k] = tfn, pos
			})
			if err != nil {
				return nil, err
			}
		}
		weight += (q.boost * w.idf) * (q.boost * w.idf)
	}
	fs := newFixedSearcher(1, weight, options)
	for k, c := range sorted {
		if !phraseAt(q.terms, func(t string) []uint32 { return words[t].pos[k] }) {
			continue
		}
		var raw float64
		for _, t := range q.terms {
			w := words[t]
			raw += w.tf[k] * w.idf * q.boost * w.idf
		}
		fs.add(c.iid, raw)
	}
	return fs, nil
}

// phraseAt says whether terms stand one after the other somewhere, given
// each term's positions.
func phraseAt(terms []string, pos func(string) []uint32) bool {
	for _, start := range pos(terms[0]) {
		at, ok := start, true
		for _, t := range terms[1:] {
			if !slices.Contains(pos(t), at+1) {
				ok = false
				break
			}
			at++
		}
		if ok {
			return true
		}
	}
	return false
}

// candidates are the ranking's candidates. The clauses of one ranking
// share them: their internal IDs are looked up once for the reader it runs
// on.
type candidates struct {
	ids  []string
	locs []docLoc // per ID: where the first pass found it (seg -1: not found there)
	// The first pass's snapshot and what was derived from it: the title
	// lengths, when the ranking runs on the same snapshot.
	from    *scorch.IndexSnapshot
	derived *derived

	mu     sync.Mutex
	r      index.IndexReader
	sorted []candidate
}

// candidate is a candidate's internal ID and its index in ids; on a
// scorch snapshot also its segment, its number there and its title's
// length.
type candidate struct {
	iid      index.IndexInternalID
	at       int
	seg      int
	local    uint32
	titleLen int
}

// internal returns the candidates in the index present in r, in internal
// ID order.
func (c *candidates) internal(r index.IndexReader) ([]candidate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.r == r {
		return c.sorted, nil
	}
	// On the first pass's snapshot, a candidate it found is numbered
	// from its place; looking an ID up reads every segment's IDs.
	var bases []uint64
	if is, ok := r.(*scorch.IndexSnapshot); ok && is == c.from && len(c.locs) == len(c.ids) {
		var base uint64
		for _, seg := range is.Segments() {
			bases = append(bases, base)
			base += seg.Segment().Count()
		}
	}
	var out []candidate
	for at, id := range c.ids {
		if bases != nil && c.locs[at].seg >= 0 {
			l := c.locs[at]
			out = append(out, candidate{iid: index.NewIndexInternalID(nil, bases[l.seg]+uint64(l.doc)), at: at})
			continue
		}
		iid, err := r.InternalID(id)
		if err != nil {
			return nil, err
		}
		if iid != nil {
			out = append(out, candidate{iid: iid, at: at})
		}
	}
	slices.SortFunc(out, func(a, b candidate) int { return a.iid.Compare(b.iid) })
	if is, ok := r.(*scorch.IndexSnapshot); ok {
		var lens [][]uint8
		if is == c.from && c.derived != nil {
			lens = c.derived.titleLen
		}
		if err := locate(is, out, lens); err != nil {
			return nil, err
		}
	}
	c.r, c.sorted = r, out
	return out, nil
}

// locate fills in the candidates' segments, numbers and title lengths
// (lens, per segment and number; read from is when nil).
func locate(is *scorch.IndexSnapshot, cands []candidate, lens [][]uint8) error {
	s := newSnapshot(is)
	var base uint64
	seg := 0
	bases := make([]uint64, len(s.segs))
	for i, sg := range s.segs {
		bases[i] = base
		base += sg.Segment().Count()
	}
	for i := range cands {
		n := cands[i].iid.Value()
		for seg+1 < len(bases) && bases[seg+1] <= n {
			seg++
		}
		cands[i].seg, cands[i].local = seg, uint32(n-bases[seg])
	}
	if lens == nil {
		// Only the candidates' segments are read.
		lens = make([][]uint8, len(s.segs))
		for _, c := range cands {
			if lens[c.seg] == nil {
				l, err := segTitleLengths(s.segs[c.seg].Segment())
				if err != nil {
					return err
				}
				lens[c.seg] = l
			}
		}
	}
	for i, c := range cands {
		cands[i].titleLen = int(lens[c.seg][c.local])
	}
	return nil
}

// titleTerm is a word in the name, for the ranking: it scores exactly like
// bleve's term query on the title field (which holds each word once: a
// frequency of 1, a norm of 1/√(the name's words)), but finds which
// candidates hold the word in the postings' bitmap instead of advancing the
// postings to each of them, which on a large index walks most of them.
type titleTerm struct {
	term  string
	boost float64
	cands *candidates
}

func (q *titleTerm) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || options.IncludeTermVectors || options.Explain {
		// bleve's own term searchers, on both fields.
		var ss [2]search.Searcher
		for i, f := range []string{fTitle, fRecTitle} {
			s, err := searcher.NewTermSearcher(ctx, r, q.term, f, q.boost, options)
			if err != nil {
				return nil, err
			}
			ss[i] = s
		}
		return &titleUnion{ss: ss}, nil
	}
	sorted, err := q.cands.internal(r)
	if err != nil {
		return nil, err
	}
	// Procedures' names are in title, records' in rec_title: each word
	// weighs its rarity in its own field, as bleve's term query on it would.
	s := newSnapshot(is)
	if is == q.cands.from {
		s.derived = q.cands.derived // its postings read lately
	}
	b, err := s.term(fTitle, q.term)
	if err != nil {
		return nil, err
	}
	rb, err := s.term(fRecTitle, q.term)
	if err != nil {
		return nil, err
	}
	total, err := is.DocCount()
	if err != nil {
		return nil, err
	}
	idf := 1.0 + math.Log(float64(total)/float64(b.count()+1.0))
	recIDF := 1.0 + math.Log(float64(total)/float64(rb.count()+1.0))
	fs := newFixedSearcher(q.boost*idf, (q.boost*idf)*(q.boost*idf), options)
	for _, c := range sorted {
		if c.titleLen == 0 {
			continue
		}
		// bleve's tf-idf: tf·norm·idf, the norm stored as a float32.
		norm := float64(float32(1.0 / math.Sqrt(float64(c.titleLen))))
		switch {
		case b[c.seg].Contains(c.local):
			fs.add(c.iid, 1.0*norm*idf)
		case rb[c.seg].Contains(c.local):
			// The query weight is title's (boost·idf): the record's
			// own idf is carried in its score.
			fs.add(c.iid, 1.0*norm*recIDF*recIDF/idf)
		}
	}
	return fs, nil
}

var _ query.Query = (*titleTerm)(nil)

// titleUnion is bleve's term searchers on title and rec_title as one:
// no item holds both fields, so an item's score is its field's. Only
// title's weight counts in the query norm, as in titleTerm.
type titleUnion struct {
	ss  [2]search.Searcher
	cur [2]*search.DocumentMatch
	on  [2]bool // cur[i] is read
}

func (u *titleUnion) Weight() float64 { return u.ss[0].Weight() }

func (u *titleUnion) SetQueryNorm(n float64) {
	for _, s := range u.ss {
		s.SetQueryNorm(n)
	}
}

func (u *titleUnion) next(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for i, s := range u.ss {
		if u.on[i] && (id == nil || u.cur[i] == nil || u.cur[i].IndexInternalID.Compare(id) >= 0) {
			continue
		}
		var dm *search.DocumentMatch
		var err error
		if id == nil {
			dm, err = s.Next(ctx)
		} else {
			dm, err = s.Advance(ctx, id)
		}
		if err != nil {
			return nil, err
		}
		u.cur[i], u.on[i] = dm, true
	}
	k := -1
	for i, dm := range u.cur {
		if dm != nil && (k < 0 || dm.IndexInternalID.Compare(u.cur[k].IndexInternalID) < 0) {
			k = i
		}
	}
	if k < 0 {
		return nil, nil
	}
	dm := u.cur[k]
	u.cur[k], u.on[k] = nil, false
	return dm, nil
}

func (u *titleUnion) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return u.next(ctx, nil)
}

func (u *titleUnion) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return u.next(ctx, id)
}

func (u *titleUnion) Count() uint64 { return u.ss[0].Count() + u.ss[1].Count() }

func (u *titleUnion) Min() int { return 0 }

func (u *titleUnion) Size() int { return u.ss[0].Size() + u.ss[1].Size() }

func (u *titleUnion) DocumentMatchPoolSize() int {
	return u.ss[0].DocumentMatchPoolSize() + u.ss[1].DocumentMatchPoolSize()
}

func (u *titleUnion) Close() error {
	err := u.ss[0].Close()
	if e := u.ss[1].Close(); err == nil {
		err = e
	}
	return err
}

// textMatch is the ranking's first clause: the candidates, each scored for
// the query's words its texts hold as the first pass found them, like
// bleve's term scores in _all with a frequency of one and a typical text's
// norm. Matching the words in _all again would advance those words'
// postings, the longest in the index, to every candidate: on a large index
// that cost more than the rest of the ranking.
type textMatch struct {
	cands  *candidates
	idf2   []float64 // per candidate: Σ idf² of the words it holds
	weight float64   // Σ (wBody·idf)² of the words: their weight in the query norm
}

func (q *textMatch) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	sorted, err := q.cands.internal(r)
	if err != nil {
		return nil, err
	}
	fs := newFixedSearcher(wBody*textNorm, q.weight, options)
	for _, c := range sorted {
		fs.add(c.iid, q.idf2[c.at])
	}
	return fs, nil
}

var _ query.Query = (*textMatch)(nil)

// fixedSearcher yields items whose scores are known beforehand, the way
// bleve's term scorer makes them: an item's own score (tf·norm·idf) times
// the query weight (a unit, boost·idf, times the query norm).
type fixedSearcher struct {
	hits   []index.IndexInternalID // in order
	raw    []float64               // each hit's own score
	unit   float64
	weight float64 // in the query norm
	mult   float64 // unit × query norm
	score  bool
	next   int
}

func newFixedSearcher(unit, weight float64, options search.SearcherOptions) *fixedSearcher {
	return &fixedSearcher{unit: unit, weight: weight, mult: unit, score: options.Score != "none"}
}

// add appends a hit; hits are added in internal ID order.
func (s *fixedSearcher) add(id index.IndexInternalID, raw float64) {
	s.hits, s.raw = append(s.hits, id), append(s.raw, raw)
}

func (s *fixedSearcher) Weight() float64 { return s.weight }

func (s *fixedSearcher) SetQueryNorm(qnorm float64) { s.mult = s.unit * qnorm }

func (s *fixedSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.next >= len(s.hits) {
		return nil, nil
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalIDFrom(dm.IndexInternalID, s.hits[s.next])
	if s.score {
		score := s.raw[s.next]
		if s.mult != 1.0 {
			score *= s.mult
		}
		dm.Score = score
	}
	s.next++
	return dm, nil
}

func (s *fixedSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for s.next < len(s.hits) && s.hits[s.next].Compare(id) < 0 {
		s.next++
	}
	return s.Next(ctx)
}

func (s *fixedSearcher) Count() uint64 { return uint64(len(s.hits)) }

func (s *fixedSearcher) Min() int { return 0 }

func (s *fixedSearcher) Size() int { return 64 * (len(s.hits) + 1) }

func (s *fixedSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *fixedSearcher) Close() error { return nil }

type candidatePhraseSearcher struct {
	terms      []string
	field      string
	candidates []index.IndexInternalID // sorted
	next       int                     // the first candidate not yet looked at
	words      []search.Searcher       // a term searcher per word of the phrase
	cur        []*search.DocumentMatch // each word's current match, nil if none held
	done       []bool                  // the word has no more matches
}

func (s *candidatePhraseSearcher) Weight() float64 {
	var w float64
	for _, ts := range s.words {
		w += ts.Weight()
	}
	return w
}

func (s *candidatePhraseSearcher) SetQueryNorm(qnorm float64) {
	for _, ts := range s.words {
		ts.SetQueryNorm(qnorm)
	}
}

func (s *candidatePhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for s.next < len(s.candidates) {
		c := s.candidates[s.next]
		s.next++
		dm, err := s.match(ctx, c)
		if err != nil || dm != nil {
			return dm, err
		}
	}
	return nil, nil
}

func (s *candidatePhraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for s.next < len(s.candidates) && s.candidates[s.next].Compare(id) < 0 {
		s.next++
	}
	return s.Next(ctx)
}

// match returns the phrase's match on candidate c, or nil.
func (s *candidatePhraseSearcher) match(ctx *search.SearchContext, c index.IndexInternalID) (*search.DocumentMatch, error) {
	all := true
	for i, ts := range s.words {
		if s.done[i] {
			all = false
			break
		}
		if s.cur[i] != nil && s.cur[i].IndexInternalID.Compare(c) < 0 {
			ctx.DocumentMatchPool.Put(s.cur[i])
			s.cur[i] = nil
		}
		if s.cur[i] == nil {
			dm, err := ts.Advance(ctx, c)
			if err != nil {
				return nil, err
			}
			if dm == nil {
				s.done[i] = true
				all = false
				break
			}
			s.cur[i] = dm
		}
		if !s.cur[i].IndexInternalID.Equals(c) {
			all = false
			break
		}
	}
	if !all {
		return nil, nil
	}
	// Every word is in the item: is the phrase?
	pos := map[string][]search.Location{}
	for i, t := range s.terms {
		if _, ok := pos[t]; ok {
			continue
		}
		for _, ftl := range s.cur[i].FieldTermLocations {
			if ftl.Field == s.field && ftl.Term == t {
				pos[t] = append(pos[t], ftl.Location)
			}
		}
	}
	var ftls []search.FieldTermLocation
	for _, start := range pos[s.terms[0]] {
		path := []search.Location{start}
		for _, t := range s.terms[1:] {
			var found *search.Location
			for k := range pos[t] {
				if pos[t][k].Pos == path[len(path)-1].Pos+1 {
					found = &pos[t][k]
					break
				}
			}
			if found == nil {
				path = nil
				break
			}
			path = append(path, *found)
		}
		for i, l := range path {
			ftls = append(ftls, search.FieldTermLocation{Field: s.field, Term: s.terms[i], Location: l})
		}
	}
	if len(ftls) == 0 {
		return nil, nil
	}
	// Scored like bleve's phrase: the sum of its words' term scores.
	rv := s.cur[0]
	s.cur[0] = nil
	for i := 1; i < len(s.cur); i++ {
		rv.Score += s.cur[i].Score
		ctx.DocumentMatchPool.Put(s.cur[i])
		s.cur[i] = nil
	}
	rv.FieldTermLocations = ftls
	rv.Locations = nil
	return rv, nil
}

func (s *candidatePhraseSearcher) Count() uint64 { return uint64(len(s.candidates)) }

func (s *candidatePhraseSearcher) Min() int { return 0 }

func (s *candidatePhraseSearcher) Size() int { return 64 * (len(s.words) + len(s.candidates) + 1) }

func (s *candidatePhraseSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, ts := range s.words {
		n += ts.DocumentMatchPoolSize()
	}
	return n
}

func (s *candidatePhraseSearcher) Close() error {
	var err error
	for _, ts := range s.words {
		if e := ts.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// unscored is a query that selects items without weighing them: its
// searcher is built unscored (terms skip their frequencies and norms, so
// advancing over a long postings list is cheap) and scores 0 with no weight
// in the query norm. As a member of a conjunction it restricts the hits like
// a filter but, unlike bleve's boolean filter (which checks every hit of
// the scored query after scoring it), it leads the conjunction when it is
// the rarest member: a query filtered to one lĩnh vực scores only that
// field's items.
type unscored struct{ q query.Query }

func (u unscored) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	s, err := u.q.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	return unscoredSearcher{s}, nil
}

type unscoredSearcher struct{ search.Searcher }

func (unscoredSearcher) Weight() float64 { return 0 }

func (unscoredSearcher) SetQueryNorm(float64) {}

func (u unscoredSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := u.Searcher.Next(ctx)
	if dm != nil {
		dm.Score, dm.Expl = 0, nil
	}
	return dm, err
}

func (u unscoredSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := u.Searcher.Advance(ctx, id)
	if dm != nil {
		dm.Score, dm.Expl = 0, nil
	}
	return dm, err
}

// priorQuery scores q's hits by score, which reads fields of each hit: on
// the first pass's snapshot from what was derived of its segments (reading
// a hit's doc values decompresses a chunk of them), elsewhere from the doc
// values, as bleve's custom score query does.
type priorQuery struct {
	q      query.Query
	score  searcher.CustomScoreFunc
	fields []string
	cands  *candidates
}

func (q *priorQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	var known map[uint64]map[string]any
	if ownReads {
		var err error
		if known, err = q.cands.fieldValues(r, q.fields); err != nil {
			return nil, err
		}
	}
	if known == nil {
		return query.NewCustomScoreQueryWithScorer(q.q, q.score, q.fields, nil).Searcher(ctx, r, m, options)
	}
	inner, err := q.q.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	score := func(ctx context.Context, d *search.DocumentMatch) (float64, error) {
		d.Fields = known[d.IndexInternalID.Value()]
		return q.score(ctx, d)
	}
	return searcher.NewCustomScoreSearcher(ctx, inner, score, nil, nil, nil, options.Explain), nil
}

var _ query.Query = (*priorQuery)(nil)

// ownReads: the priors and term queries of the ranking read the
// candidates' values themselves where they can (off only to compare with
// bleve's own in tests).
var ownReads = true

// fieldValues is the values of fields of each candidate by its internal
// number, as its doc values would give them (a string, or []any for
// several); nil unless r is the first pass's snapshot.
func (c *candidates) fieldValues(r index.IndexReader, fields []string) (map[uint64]map[string]any, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || is != c.from || c.derived == nil {
		return nil, nil
	}
	sorted, err := c.internal(r)
	if err != nil {
		return nil, err
	}
	segs := is.Segments()
	out := make(map[uint64]map[string]any, len(sorted))
	for _, cd := range sorted {
		vals := map[string]any{}
		for _, f := range fields {
			if f == fTitleLen {
				if cd.titleLen > 0 {
					vals[f] = strconv.Itoa(cd.titleLen)
				}
				continue
			}
			sf, err := c.derived.parts[cd.seg].facet(segs[cd.seg].Segment(), f, c.derived.values)
			if err != nil {
				return nil, err
			}
			var held []any
			if sf.ords != nil {
				if o := sf.ords[cd.local]; o > 0 {
					held = append(held, c.derived.values.name(o-1))
				}
			} else {
				for _, v := range sf.values {
					if v.items.Contains(cd.local) {
						held = append(held, c.derived.values.name(v.id))
					}
				}
			}
			switch len(held) {
			case 0:
			case 1:
				vals[f] = held[0]
			default:
				vals[f] = held
			}
		}
		out[cd.iid.Value()] = vals
	}
	return out, nil
}

// candidateTerm is a term query for the ranking: it scores exactly like
// bleve's (tf-idf: √freq · norm · idf, the word's rarity in the whole
// index), but reads the postings only in the segments that hold
// candidates, and only at the candidates. bleve's opens the postings in
// every segment, and most of the ranking's terms are in fields that only
// the catalogue's segments have.
type candidateTerm struct {
	term, field string
	boost       float64
	cands       *candidates
}

func candTerm(cands *candidates, field, term string, boost float64) *candidateTerm {
	return &candidateTerm{term: term, field: field, boost: boost, cands: cands}
}

func (q *candidateTerm) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	boost := q.boost
	if boost <= 0 {
		boost = 1
	}
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || is != q.cands.from || !ownReads || options.IncludeTermVectors || options.Explain || options.Score == "none" {
		return searcher.NewTermSearcher(ctx, r, q.term, q.field, boost, options)
	}
	sorted, err := q.cands.internal(r)
	if err != nil {
		return nil, err
	}
	lists, df, err := postings(is, q.cands.derived, q.field, q.term)
	if err != nil {
		return nil, err
	}
	total, err := is.DocCount()
	if err != nil {
		return nil, err
	}
	idf := 1.0 + math.Log(float64(total)/float64(df+1))
	fs := newFixedSearcher(boost*idf, (boost*idf)*(boost*idf), options)
	err = atCandidates(q.cands.derived, q.field+"\x00"+q.term, lists, sorted, false, func(k int, tfn float64, _ []uint32) {
		fs.add(sorted[k].iid, tfn*idf)
	})
	return fs, err
}

// postList is a term's postings lists in a field, per segment of a
// snapshot (nil where it has none), and how many live items hold it.
type postList struct {
	lists []segment.PostingsList
	df    uint64
}

// postings is term's postings in field in is; d is what is derived from
// is, or nil: the lists are kept there, and must not be changed.
func postings(is *scorch.IndexSnapshot, d *derived, field, term string) ([]segment.PostingsList, uint64, error) {
	key := field + "\x00" + term
	if d != nil {
		if pl, ok := d.lists.get(key); ok {
			return pl.lists, pl.df, nil
		}
	}
	segs := is.Segments()
	lists := make([]segment.PostingsList, len(segs))
	var df uint64
	for i, seg := range segs {
		dict, err := seg.Segment().Dictionary(field)
		if err != nil {
			return nil, 0, err
		}
		pl, err := dict.PostingsList([]byte(term), seg.Deleted(), nil)
		if err != nil {
			return nil, 0, err
		}
		if n := pl.Count(); n > 0 {
			lists[i], df = pl, df+n
		}
	}
	if d != nil {
		d.lists.put(key, postList{lists, df})
	}
	return lists, df, nil
}

// atCandidates calls f on each of the candidates (sorted[k]) that lists
// (key's postings, see postings) hold, with its posting's √frequency·norm,
// and its positions if locs. A short list (the catalogue's fields: a few
// thousand items) is read whole once and kept with d: reading a posting
// means reading every one before it in its chunk, and a long query reads
// a hundred such lists. f may keep pos, and must not change it.
func atCandidates(d *derived, key string, lists []segment.PostingsList, sorted []candidate, locs bool, f func(k int, tfn float64, pos []uint32)) error {
	var whole []*readList
	if d != nil {
		var err error
		if whole, err = d.read.of(key, lists, locs); err != nil {
			return err
		}
	}
	var it segment.PostingsIterator
	var p segment.Posting // the iterator's last, which it has passed
	var err error
	at, done := -1, -1         // the segment read, and one read to its end
	for k, c := range sorted { // in segment order, and by number in each
		if lists[c.seg] == nil || c.seg == done {
			continue
		}
		if whole != nil && whole[c.seg] != nil {
			if j, ok := slices.BinarySearch(whole[c.seg].docs, c.local); ok {
				w := whole[c.seg]
				f(k, w.tfn[j], w.positions(j))
			}
			continue
		}
		if c.seg != at {
			it, p, at = lists[c.seg].Iterator(true, true, locs, nil), nil, c.seg
		}
		if p == nil || p.Number() < uint64(c.local) {
			if p, err = it.Advance(uint64(c.local)); err != nil {
				return err
			}
			if p == nil {
				done = c.seg // no more in this segment
				continue
			}
		}
		if p.Number() == uint64(c.local) {
			var pos []uint32
			for _, l := range p.Locations() {
				pos = append(pos, uint32(l.Pos()))
			}
			f(k, math.Sqrt(float64(p.Frequency()))*p.Norm(), pos)
		}
	}
	return nil
}

// readList is a short postings list read whole: its items, each one's
// √frequency·norm, and their positions when read with locations (item j's
// are pos[at[j]:at[j+1]]).
type readList struct {
	docs []uint32
	tfn  []float64
	at   []uint32
	pos  []uint32
}

func (r *readList) positions(j int) []uint32 {
	if r.at == nil {
		return nil
	}
	return r.pos[r.at[j]:r.at[j+1]:r.at[j+1]]
}

func (r *readList) size() int { return 4*cap(r.docs) + 8*cap(r.tfn) + 4*cap(r.at) + 4*cap(r.pos) + 64 }

// readWhole is the longest list read whole: the catalogue's lists are
// shorter, records' common words far longer.
var readWhole uint64 = 8192

// readCache keeps the short lists read whole, readCacheBytes at most;
// when full, it starts again.
type readCache struct {
	mu    sync.Mutex
	m     map[string][]*readList
	bytes int
}

var readCacheBytes = 16 << 20

// of returns key's lists read whole where they are short (nil where long
// or none), reading them the first time.
func (c *readCache) of(key string, lists []segment.PostingsList, locs bool) ([]*readList, error) {
	if locs {
		key += "\x00locs"
	}
	c.mu.Lock()
	whole, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return whole, nil
	}
	whole = make([]*readList, len(lists))
	size := 0
	for i, pl := range lists {
		if pl == nil || pl.Count() > readWhole {
			continue
		}
		r := &readList{}
		if locs {
			r.at = []uint32{0}
		}
		it := pl.Iterator(true, true, locs, nil)
		for {
			p, err := it.Next()
			if err != nil {
				return nil, err
			}
			if p == nil {
				break
			}
			r.docs = append(r.docs, uint32(p.Number()))
			r.tfn = append(r.tfn, math.Sqrt(float64(p.Frequency()))*p.Norm())
			if locs {
				for _, l := range p.Locations() {
					r.pos = append(r.pos, uint32(l.Pos()))
				}
				r.at = append(r.at, uint32(len(r.pos)))
			}
		}
		whole[i] = r
		size += r.size()
	}
	if size == 0 {
		return nil, nil // every list is long: read at the candidates
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+size > readCacheBytes {
		c.m, c.bytes = map[string][]*readList{}, 0
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = whole
		c.bytes += size
	}
	return whole, nil
}

var _ query.Query = (*candidateTerm)(nil)
