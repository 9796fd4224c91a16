package search

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"golang.org/x/text/unicode/norm"
)

// The first pass of a word search works on the index's postings as
// bitmaps: which items hold each word, which pass the filters, which hold
// enough of the words, how many of them have each facet value, and which
// hundred of them go on to the full ranking. Bitmap operations cost the
// same however common the words are; bleve's searchers visit every item
// that holds a word, and on a large index a query of common words visits
// most of it.

// snapshot is a point-in-time view of the index. Bitmaps taken from it
// point into the index's files: they must not be used after Close, nor
// changed.
type snapshot struct {
	is   *scorch.IndexSnapshot
	segs []*scorch.SegmentSnapshot
	live uint64 // items in all
	*derived
}

// derived is what the first pass reads of a snapshot on every query: the
// titles' lengths and the facets' values with their items. It is made
// once per snapshot (the index changes seldom) and holds copies, not
// bitmaps that point into the index's files.
type derived struct {
	titleLen [][]uint8                   // per segment and document
	facets   map[string][]facetValueBits // per field
}

type facetValueBits struct {
	value string
	items bits
}

// derivedCache keeps the derived data of the latest snapshot.
type derivedCache struct {
	mu sync.Mutex
	is *scorch.IndexSnapshot
	d  *derived
}

func (ix *Index) snapshot() (*snapshot, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, errors.New("search: the index is not a scorch index; rebuild it with motcua index --rebuild")
	}
	s := newSnapshot(is)
	c := &ix.derived
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.is != is {
		d, err := s.derive()
		if err != nil {
			is.Close()
			return nil, err
		}
		c.is, c.d = is, d
	}
	s.derived = c.d
	return s, nil
}

// newSnapshot views is (the caller holds it open).
func newSnapshot(is *scorch.IndexSnapshot) *snapshot {
	s := &snapshot{is: is, segs: is.Segments()}
	for _, seg := range s.segs {
		s.live += seg.Count()
	}
	return s
}

func (s *snapshot) derive() (*derived, error) {
	lens, err := s.titleLengths()
	if err != nil {
		return nil, err
	}
	d := &derived{titleLen: lens, facets: map[string][]facetValueBits{}}
	for _, f := range []string{fField, fLevel, fAgency, fDocType, fStatus, fIssuer} {
		terms, err := s.values(f)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			if t == "" {
				continue
			}
			b, err := s.term(f, t)
			if err != nil {
				return nil, err
			}
			for i := range b {
				b[i] = b[i].Clone()
			}
			d.facets[f] = append(d.facets[f], facetValueBits{t, b})
		}
	}
	return d, nil
}

// titleLengths is the length of every item's title (title_len), per
// segment and document number; 0 for an item without one.
func (s *snapshot) titleLengths() ([][]uint8, error) {
	lens := make([][]uint8, len(s.segs))
	for i, seg := range s.segs {
		lens[i] = make([]uint8, seg.Segment().Count())
	}
	values, err := s.values(fTitleLen)
	if err != nil {
		return nil, err
	}
	for _, v := range values {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTitleLen {
			continue
		}
		b, err := s.term(fTitleLen, v)
		if err != nil {
			return nil, err
		}
		for i := range b {
			b[i].Iterate(func(doc uint32) bool {
				lens[i][doc] = uint8(n)
				return true
			})
		}
	}
	return lens, nil
}

func (s *snapshot) Close() error { return s.is.Close() }

// bits is a set of items: one bitmap of local document numbers per segment.
type bits []*roaring.Bitmap

// term is the items that hold term in field.
func (s *snapshot) term(field, term string) (bits, error) {
	out := make(bits, len(s.segs))
	for i, seg := range s.segs {
		out[i] = roaring.New()
		d, err := seg.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		pl, err := d.PostingsList([]byte(term), seg.Deleted(), nil)
		if err != nil {
			return nil, err
		}
		it := pl.Iterator(false, false, false, nil)
		if o, ok := it.(segment.OptimizablePostingsIterator); ok {
			if n, ok := o.DocNum1Hit(); ok {
				out[i].Add(uint32(n))
			} else if bm := o.ActualBitmap(); bm != nil {
				out[i] = bm
			}
			continue
		}
		for {
			p, err := it.Next()
			if err != nil {
				return nil, err
			}
			if p == nil {
				break
			}
			out[i].Add(uint32(p.Number()))
		}
	}
	return out, nil
}

// terms is the items that hold any of terms in field.
func (s *snapshot) terms(field string, terms []string) (bits, error) {
	out := s.none()
	for _, t := range terms {
		b, err := s.term(field, t)
		if err != nil {
			return nil, err
		}
		out = or(out, b)
	}
	return out, nil
}

// fuzzy is the items that hold, in field, a term one edit away from t.
func (s *snapshot) fuzzy(field, t string) (bits, error) {
	dict, err := s.is.FieldDictFuzzy(field, t, 1, "")
	if err != nil {
		return nil, err
	}
	var terms []string
	if err := walkDict(dict, func(e *index.DictEntry) { terms = append(terms, e.Term) }); err != nil {
		return nil, err
	}
	return s.terms(field, terms)
}

func (s *snapshot) none() bits {
	out := make(bits, len(s.segs))
	for i := range out {
		out[i] = roaring.New()
	}
	return out
}

func (b bits) count() uint64 {
	var n uint64
	for _, bm := range b {
		n += bm.GetCardinality()
	}
	return n
}

func and(a, b bits) bits {
	out := make(bits, len(a))
	for i := range a {
		out[i] = roaring.And(a[i], b[i])
	}
	return out
}

func or(a, b bits) bits {
	out := make(bits, len(a))
	for i := range a {
		out[i] = roaring.Or(a[i], b[i])
	}
	return out
}

// atLeast is the items in at least k of sets (k ≥ 1).
func atLeast(s *snapshot, sets []bits, k int) bits {
	if k > len(sets) {
		return s.none()
	}
	// level[j]: the items seen in at least j+1 of the sets so far.
	level := make([]bits, k)
	for j := range level {
		level[j] = s.none()
	}
	for _, set := range sets {
		for j := k - 1; j >= 1; j-- {
			level[j] = or(level[j], and(level[j-1], set))
		}
		level[0] = or(level[0], set)
	}
	return level[k-1]
}

// filter is the items req may see: public ones only, unless it is a staff
// search, and those that pass its filters.
func (s *snapshot) filter(req Request) (bits, error) {
	var out bits
	add := func(field, value string) error {
		b, err := s.term(field, value)
		if err != nil {
			return err
		}
		if out == nil {
			out = b
		} else {
			out = and(out, b)
		}
		return nil
	}
	if !req.Restricted {
		if err := add(fVisibility, VisibilityPublic); err != nil {
			return nil, err
		}
	}
	filters := [][2]string{{fField, req.Field}, {fLevel, req.Level}, {fAgency, req.Agency}, {fDocType, req.DocType}, {fKind, req.Kind}}
	if req.Restricted {
		filters = append(filters, [2]string{fStatus, req.Status}, [2]string{fIssuer, req.Issuer}, [2]string{fPersonIDs, req.PersonID})
	}
	for _, f := range filters {
		if v := strings.TrimSpace(norm.NFC.String(f[1])); v != "" {
			if err := add(f[0], v); err != nil {
				return nil, err
			}
		}
	}
	if req.Restricted && (req.DateFrom != "" || req.DateTo != "") {
		to := req.DateTo
		if to == "" {
			to = "9999-12-31"
		}
		all, err := s.values(fIssueDate)
		if err != nil {
			return nil, err
		}
		var dates []string
		for _, d := range all {
			if d >= req.DateFrom && d <= to {
				dates = append(dates, d)
			}
		}
		b, err := s.terms(fIssueDate, dates)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = b
		} else {
			out = and(out, b)
		}
	}
	if out == nil { // a staff search without filters: every item
		out = make(bits, len(s.segs))
		for i, seg := range s.segs {
			out[i] = roaring.New()
			out[i].AddRange(0, seg.Segment().Count())
			if d := seg.Deleted(); d != nil {
				out[i].AndNot(d)
			}
		}
	}
	return out, nil
}

// values is the terms field holds, in order.
func (s *snapshot) values(field string) ([]string, error) {
	dict, err := s.is.FieldDict(field)
	if err != nil {
		return nil, err
	}
	var terms []string
	err = walkDict(dict, func(e *index.DictEntry) { terms = append(terms, e.Term) })
	return terms, err
}

// walkDict calls f on each of dict's entries, then closes it.
func walkDict(dict index.FieldDict, f func(*index.DictEntry)) error {
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil || e == nil {
			return err
		}
		f(e)
	}
}

// facet counts the values of field among hits: the size most frequent,
// most frequent first.
func (s *snapshot) facet(field string, hits bits, size int) []FacetValue {
	var vals []FacetValue
	for _, fv := range s.facets[field] {
		var n uint64
		for i := range fv.items {
			n += hits[i].AndCardinality(fv.items[i])
		}
		if n > 0 {
			vals = append(vals, FacetValue{Value: fv.value, Count: int(n)})
		}
	}
	slices.SortStableFunc(vals, func(a, b FacetValue) int { return b.Count - a.Count })
	return vals[:min(size, len(vals))]
}

// The first pass's weights besides the words': the norm of a word in the
// texts (an item's texts run to hundreds of words) and a named field.
const (
	textNorm   = 0.05
	namedField = 1e4
)

// invSqrt[n] is 1/√n, a title's norm by its length.
var invSqrt = func() (t [maxTitleLen + 1]float32) {
	for n := 1; n <= maxTitleLen; n++ {
		t[n] = float32(1 / math.Sqrt(float64(n)))
	}
	return t
}()

// scores are the first pass's per-item sums, per segment and document:
// reused across queries, since on a large index they are most of what a
// query allocates.
type scores struct {
	field, text, title [][]float32
	words              [][]uint8
}

var scorePool sync.Pool

// getScores returns zeroed scores for segs.
func getScores(segs []*scorch.SegmentSnapshot) *scores {
	sc, _ := scorePool.Get().(*scores)
	if sc == nil {
		sc = &scores{}
	}
	sc.field, sc.text, sc.title = fit(sc.field, segs), fit(sc.text, segs), fit(sc.title, segs)
	sc.words = fit(sc.words, segs)
	return sc
}

// fit returns a zeroed slice per segment, reusing b's.
func fit[T float32 | uint8](b [][]T, segs []*scorch.SegmentSnapshot) [][]T {
	for len(b) < len(segs) {
		b = append(b, nil)
	}
	b = b[:len(segs)]
	for i, seg := range segs {
		n := int(seg.Segment().Count())
		if cap(b[i]) < n {
			b[i] = make([]T, n)
		} else {
			b[i] = b[i][:n]
			clear(b[i])
		}
	}
	return b
}

// retrieval is the first pass's outcome: the items that hold enough of the
// words, and the best of them for the full ranking.
type retrieval struct {
	hits       bits
	total      uint64
	atLeast    int  // meaningful words an item holds
	loose      bool // fewer than strictMin
	candidates []string
	from       *scorch.IndexSnapshot // the snapshot they come from, for its identity only
	derived    *derived              // derived from it
	idf2       []float64             // per candidate: Σ idf² of the words its texts hold
	weight     float64               // Σ (wBody·idf)² of the words
	facets     map[string][]FacetValue
}

// retrieve finds the items that hold every word; failing a full ranking
// window of them, the items that hold strictMin of the words; failing any,
// half the words. The candidates are the best rescoreWindow of them by the
// words they hold, weighed by rarity, in the name above all, and by the
// field the query names.
func (s *snapshot) retrieve(p *parsedQuery, filter bits) (*retrieval, error) {
	var ids, words []bits
	var idTerms, wordTerms []string
	var df []uint64 // per word in p.required order
	for _, t := range p.required {
		b, err := s.term(fAll, t)
		if err != nil {
			return nil, err
		}
		if c := p.alts[t]; c != "" {
			alt, err := s.term(fAll, c)
			if err != nil {
				return nil, err
			}
			b = or(b, alt)
		}
		if p.fuzzy(t) {
			// A rare word also matches the words one edit away in the
			// names and documents; the full texts' vocabulary (OCR
			// included) is too large and too noisy to expand over.
			for _, f := range []string{fTitle, fDocs} {
				fz, err := s.fuzzy(f, t)
				if err != nil {
					return nil, err
				}
				b = or(b, fz)
			}
		}
		// A word weighs its rarity in the whole index, as in bleve's
		// clauses, whatever the request's filters.
		df = append(df, b.count())
		b = and(b, filter)
		if hasDigit(t) {
			ids, idTerms = append(ids, b), append(idTerms, t)
		} else {
			words, wordTerms = append(words, b), append(wordTerms, t)
		}
	}
	match := func(k int) bits {
		out := filter
		for _, b := range ids {
			out = and(out, b)
		}
		k -= len(ids)
		if len(words) > 0 {
			out = and(out, atLeast(s, words, max(1, min(k, len(words)))))
		}
		return out
	}
	r := &retrieval{atLeast: len(p.required), from: s.is, derived: s.derived}
	r.hits = match(r.atLeast)
	r.total = r.hits.count()
	if r.total < rescoreWindow && p.strictMin() < r.atLeast {
		r.atLeast = p.strictMin()
		r.hits = match(r.atLeast)
		r.total = r.hits.count()
	}
	if r.total == 0 && len(p.required) > 1 {
		r.loose, r.atLeast = true, p.looseMin()
		r.hits = match(r.atLeast)
		r.total = r.hits.count()
	}
	if r.total == 0 {
		return r, nil
	}

	// The hits' scores, like bleve's first pass with the words' norms
	// (1/√length) taken from the title's length group: a word weighs its
	// rarity squared; in the name it weighs wTitle, scaled by the share of
	// the query's words the name holds; anywhere in the texts a little
	// (long texts have small norms); a named field's procedures weigh most.
	sc := getScores(s.segs)
	defer scorePool.Put(sc)
	field, inText, inTitle, titleWords := sc.field, sc.text, sc.title, sc.words
	each := func(b bits, f func(seg int, doc uint32)) {
		buf := make([]uint32, 256)
		for i := range b {
			it := b[i].ManyIterator()
			for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
				for _, d := range buf[:n] {
					f(i, d)
				}
			}
		}
	}
	all, allTerms := append(ids, words...), append(idTerms, wordTerms...)
	freq := map[string]uint64{}
	for k, t := range p.required {
		freq[t] = df[k]
	}
	for k, b := range all {
		idf := 1 + math.Log(float64(s.live)/float64(freq[allTerms[k]]+1))
		w := float32(idf * idf)
		r.weight += wBody * idf * wBody * idf
		each(and(b, r.hits), func(i int, d uint32) { inText[i][d] += w })
		title, err := s.term(fTitle, allTerms[k])
		if err != nil {
			return nil, err
		}
		each(and(title, r.hits), func(i int, d uint32) {
			titleWords[i][d]++
			inTitle[i][d] += w * wTitle * invSqrt[s.titleLen[i][d]]
		})
	}
	// The words as typed with diacritics, in the texts: half a word's
	// weight.
	for _, e := range p.exact {
		b, err := s.term(fBodyExact, e)
		if err != nil {
			return nil, err
		}
		idf := 1 + math.Log(float64(s.live)/float64(b.count()+1))
		r.weight += wBody / 2 * idf * wBody / 2 * idf
		w := float32(idf * idf / 2)
		each(and(b, r.hits), func(i int, d uint32) { inText[i][d] += w })
	}
	for _, f := range p.fields {
		// A named field's procedures must all reach the full ranking.
		b, err := s.term(fField, f)
		if err != nil {
			return nil, err
		}
		each(and(b, r.hits), func(i int, d uint32) { field[i][d] = namedField })
	}
	share := 1 / float32(len(all))
	score := func(i int, d uint32) float32 {
		return field[i][d] + inText[i][d]*wBody*textNorm + inTitle[i][d]*float32(titleWords[i][d])*share
	}

	// The best rescoreWindow hits; of equal scores, the first indexed.
	// (Hits come in index order.)
	type cand struct {
		score float32
		seg   int
		doc   uint32
	}
	// worse: a has the lower score, or the same and was indexed later.
	worse := func(a, b cand) bool {
		if a.score != b.score {
			return a.score < b.score
		}
		return a.seg > b.seg || a.seg == b.seg && a.doc > b.doc
	}
	var best []cand
	worst := 0 // index in best of the worst
	for i, hb := range r.hits {
		it := hb.ManyIterator()
		buf := make([]uint32, 256)
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				c := cand{score(i, d), i, d}
				if len(best) < rescoreWindow {
					best = append(best, c)
					if worse(c, best[worst]) {
						worst = len(best) - 1
					}
					continue
				}
				if !worse(best[worst], c) {
					continue
				}
				best[worst] = c
				for j := range best {
					if worse(best[j], best[worst]) {
						worst = j
					}
				}
			}
		}
	}
	slices.SortFunc(best, func(a, b cand) int {
		switch {
		case a.score != b.score:
			return cmp.Compare(b.score, a.score)
		case a.seg != b.seg:
			return a.seg - b.seg
		}
		return cmp.Compare(a.doc, b.doc)
	})
	for _, c := range best {
		id, err := s.segs[c.seg].DocID(uint64(c.doc))
		if err != nil {
			return nil, err
		}
		r.candidates = append(r.candidates, string(id))
		r.idf2 = append(r.idf2, float64(inText[c.seg][c.doc]))
	}
	return r, nil
}
