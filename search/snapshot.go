package search

import (
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

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
