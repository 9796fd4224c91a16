package search

import (
	"errors"
	"slices"
	"strconv"
	"strings"
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
// titles' lengths and the facets' values with their items, per segment.
// Segments never change: what is derived from one is made once, when it
// first appears (or when a facet is first counted), and kept while it
// lives, so that indexing a few records (serve following the store) costs
// a new small segment's worth, not the whole index's. It holds copies,
// not bitmaps that point into the index's files.
type derived struct {
	titleLen [][]uint8            // per segment and document
	parts    []*segDerived        // per segment
	values   *valueTable          // the facet values' numbers
	terms    *termCache[bits]     // the items of the terms read lately
	lists    *termCache[postList] // the postings lists the ranking read lately
	read     *readCache           // the short ones among them, read whole
	dense    *denseCache          // the items of common terms read lately, as dense bits
}

// denseBits is a term's items as dense bit sets, one per segment (nil for
// a segment without any): 64 items a machine word, as the counters and the
// dense scorer read them. nil when not kept.
type denseBits [][]uint64

// of is segment i's bits, nil when none are kept.
func (d denseBits) of(i int) []uint64 {
	if d == nil {
		return nil
	}
	return d[i]
}

// denseCache keeps the dense bits of the common terms that queries read:
// writing a common word's items as bits costs about as much as the rest of
// counting it, and the same common words ("giấy", "cấp", "đăng ký") come
// back in most queries. At a million items a term's bits take 125 KB: the
// cache holds denseCacheBytes of them.
type denseCache struct {
	mu    sync.Mutex
	m     map[string]denseBits
	bytes int
}

var denseCacheBytes = 32 << 20

// dense returns b, the items of key, as dense bits, kept for the next
// queries; nil when key is "" (b is not a term's items alone) or b is not
// common: fewer items than one in 64.
func (s *snapshot) dense(key string, b bits) denseBits {
	if key == "" || s.derived == nil || b.count()*64 < s.live {
		return nil
	}
	c := s.derived.dense
	c.mu.Lock()
	d, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return d
	}
	d = make(denseBits, len(b))
	size := 0
	for i, bm := range b {
		if bm.IsEmpty() {
			continue
		}
		d[i] = make([]uint64, segWords(s.segs[i]))
		bm.WriteDenseTo(d[i])
		size += 8 * len(d[i])
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]denseBits{}
	}
	// When full, terms picked at random make room: the common ones are
	// soon back.
	for k, old := range c.m {
		if c.bytes+size <= denseCacheBytes {
			break
		}
		delete(c.m, k)
		c.bytes -= old.size()
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = d
		c.bytes += size
	}
	return d
}

func (d denseBits) size() int {
	n := 0
	for _, s := range d {
		n += 8 * len(s)
	}
	return n
}

// segWords is how many machine words a segment's dense bits take.
func segWords(seg *scorch.SegmentSnapshot) int { return int(seg.Segment().Count()/64) + 1 }

// termCache keeps what the snapshot's queries read of the terms they
// search: their items (bitmaps), or their postings lists for the ranking,
// so that common words are looked up in every segment's dictionary once,
// not on every query. What it keeps points into the snapshot's files: the
// cache lives and dies with its snapshot's derived data, which only
// queries holding that snapshot open use.
type termCache[T any] struct {
	mu sync.Mutex
	m  map[string]T
}

// termCacheSize bounds the terms kept; when full, the cache starts again.
const termCacheSize = 4096

func (c *termCache[T]) get(key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *termCache[T]) put(key string, b T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= termCacheSize {
		c.m = make(map[string]T, 256)
	}
	c.m[key] = b
}

// segDerived is what is derived from one segment.
type segDerived struct {
	titleLen []uint8
	mu       sync.Mutex
	facets   map[string]*segFacet // per field, made when first counted
}

// segFacet is a segment's values of a facet field with their items, and
// for a field with one value per item (a record's issuer), each
// document's value: 1 + its number in the index's value table, 0 for none.
type segFacet struct {
	values  []segValue
	ords    []uint32 // nil when an item holds several values, or none does
	byValue bool     // the values' items are kept, to be counted value by value
}

// segValue is a facet value, by its number in the index's value table
// (its name is kept there once, not per segment), and the segment's items
// that hold it (deleted ones too: counting intersects it with live hits).
type segValue struct {
	id    uint32
	items *roaring.Bitmap
}

// derivedCache keeps the derived data of the latest snapshot and of its
// segments.
type derivedCache struct {
	mu     sync.Mutex
	is     *scorch.IndexSnapshot
	d      *derived
	segs   map[segment.Segment]*segDerived
	values valueTable
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
	d, err := ix.derived.of(s)
	if err != nil {
		is.Close()
		return nil, err
	}
	s.derived = d
	return s, nil
}

// of returns what is derived from s, deriving only its new segments'.
func (c *derivedCache) of(s *snapshot) (*derived, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.is == s.is {
		return c.d, nil
	}
	segs := make(map[segment.Segment]*segDerived, len(s.segs))
	d := &derived{values: &c.values, terms: &termCache[bits]{}, lists: &termCache[postList]{}, read: &readCache{}, dense: &denseCache{}}
	var fresh []int // the segments first seen
	for i, seg := range s.segs {
		sd := c.segs[seg.Segment()]
		if sd == nil {
			lens, err := segTitleLengths(seg.Segment())
			if err != nil {
				return nil, err
			}
			sd = &segDerived{titleLen: lens, facets: map[string]*segFacet{}}
			fresh = append(fresh, i)
		}
		segs[seg.Segment()] = sd
		d.parts = append(d.parts, sd)
		d.titleLen = append(d.titleLen, sd.titleLen)
	}
	c.is, c.d, c.segs = s.is, d, segs // segments merged away are dropped
	if len(fresh) > 0 {
		// New segments' facets are derived in the background, so that the
		// first search that counts them need not wait for all of them: a
		// million records' issuers take seconds, longer than a search may.
		// The snapshot is held open until then.
		s.is.AddRef()
		go func() {
			defer s.is.DecRef()
			for _, i := range fresh {
				for _, f := range derivedFacets {
					// An error here is the counting search's to report.
					d.parts[i].facet(s.segs[i].Segment(), f, &c.values)
				}
			}
		}()
	}
	return d, nil
}

// derivedFacets are the fields derived for every segment: the facets and
// the priors' flags.
var derivedFacets = []string{fField, fLevel, fAgency, fDocType, fStatus, fIssuer, fFlags}

// newSnapshot views is (the caller holds it open).
func newSnapshot(is *scorch.IndexSnapshot) *snapshot {
	s := &snapshot{is: is, segs: is.Segments()}
	for _, seg := range s.segs {
		s.live += seg.Count()
	}
	return s
}

// segTitleLengths is the length of every title (title_len) of a segment,
// by document number; 0 for an item without one.
func segTitleLengths(seg segment.Segment) ([]uint8, error) {
	lens := make([]uint8, seg.Count())
	err := segTerms(seg, fTitleLen, func(v string, b *roaring.Bitmap) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTitleLen {
			return
		}
		b.Iterate(func(doc uint32) bool {
			lens[doc] = uint8(n)
			return true
		})
	})
	return lens, err
}

// segTerms calls f on each term of field in seg with the segment's items
// that hold it, deleted ones included; b points into the segment's file:
// f must neither change it nor keep it.
func segTerms(seg segment.Segment, field string, f func(term string, b *roaring.Bitmap)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return err
	}
	it := dict.AutomatonIterator(everyTerm{}, nil, nil)
	for {
		e, err := it.Next()
		if err != nil || e == nil {
			return err
		}
		pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
		if err != nil {
			return err
		}
		b, err := postingsBitmap(pl)
		if err != nil {
			return err
		}
		f(e.Term, b)
	}
}

// everyTerm is the automaton that accepts every term.
type everyTerm struct{}

func (everyTerm) Start() int                         { return 0 }
func (everyTerm) IsMatch(int) bool                   { return true }
func (everyTerm) CanMatch(int) bool                  { return true }
func (everyTerm) WillAlwaysMatch(int) bool           { return true }
func (everyTerm) Accept(int, byte) int               { return 0 }
func (everyTerm) MatchAndDistance(int) (bool, uint8) { return true, 0 }

// facet is a segment's facet of field, derived when first needed.
func (sd *segDerived) facet(seg segment.Segment, field string, vt *valueTable) (*segFacet, error) {
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if f, ok := sd.facets[field]; ok {
		return f, nil
	}
	f := &segFacet{ords: make([]uint32, seg.Count())}
	err := segTerms(seg, field, func(v string, b *roaring.Bitmap) {
		if v == "" {
			return
		}
		id := vt.id(v)
		f.values = append(f.values, segValue{id, b})
		if f.ords == nil {
			return
		}
		ord := id + 1
		b.Iterate(func(doc uint32) bool {
			if f.ords[doc] != 0 {
				f.ords = nil // several values
				return false
			}
			f.ords[doc] = ord
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	// The values' items are kept only where they may be counted value by
	// value (see snapshot.facet): a record's issuer has thousands of
	// values in a segment, each hit's is read. Kept, they are copied: the
	// segment's file may be closed before them.
	if len(f.values) == 0 {
		f.ords = nil // a record's field: none
	}
	f.byValue = f.ords == nil || byValue(len(f.values), seg.Count())
	for k := range f.values {
		if f.byValue {
			f.values[k].items = f.values[k].items.Clone()
		} else {
			f.values[k].items = nil
		}
	}
	sd.facets[field] = f
	return f, nil
}

func (s *snapshot) Close() error { return s.is.Close() }

// term is the items that hold term in field.
func (s *snapshot) term(field, term string) (bits, error) {
	key := field + "\x00" + term
	if s.derived != nil {
		if b, ok := s.derived.terms.get(key); ok {
			return b, nil
		}
	}
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
		b, err := postingsBitmap(pl)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	if s.derived != nil {
		s.derived.terms.put(key, out)
	}
	return out, nil
}

// postingsBitmap is the items of a postings list as a bitmap: its own
// when it has one (not to be changed), else a new one.
func postingsBitmap(pl segment.PostingsList) (*roaring.Bitmap, error) {
	out := roaring.New()
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if n, ok := o.DocNum1Hit(); ok {
			out.Add(uint32(n))
		} else if bm := o.ActualBitmap(); bm != nil {
			out = bm
		}
		return out, nil
	}
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return out, nil
		}
		out.Add(uint32(p.Number()))
	}
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
func (s *snapshot) facet(field string, hits bits, size int) ([]FacetValue, error) {
	vt := s.derived.values
	facets := make([]*segFacet, len(s.segs))
	for i, seg := range s.segs {
		if hits[i].IsEmpty() {
			continue
		}
		f, err := s.parts[i].facet(seg.Segment(), field, vt)
		if err != nil {
			return nil, err
		}
		facets[i] = f
	}
	// Counts by value number, not by name: a record's issuer has
	// thousands of values in every segment. counts[0] counts the items
	// without a value, counts[id+1] value id's.
	counts := vt.counts()
	defer vt.putCounts(counts)
	buf := make([]uint32, 256)
	for i, f := range facets {
		if f == nil {
			continue
		}
		if f.ords == nil || f.byValue && byValue(len(f.values), hits[i].GetCardinality()) {
			for _, v := range f.values {
				counts[v.id+1] += int(hits[i].AndCardinality(v.items))
			}
			continue
		}
		ords := f.ords
		it := hits[i].ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				counts[ords[d]]++
			}
		}
	}
	top := facetTop{size: size}
	listed := 0
	for _, f := range facets {
		if f != nil {
			listed += len(f.values)
		}
	}
	if listed > len(counts)/4 {
		// The segments list more values than there are: read the
		// counters in order, not the lists in theirs.
		for id, n := range counts[1:] {
			if n > 0 {
				if top.wants(n) {
					top.add(FacetValue{Value: vt.name(uint32(id)), Count: n})
				}
				counts[id+1] = 0
			}
		}
	} else {
		for _, f := range facets {
			if f == nil {
				continue
			}
			for _, v := range f.values { // a value counted in several segments is taken once
				if n := counts[v.id+1]; n > 0 {
					if top.wants(n) {
						top.add(FacetValue{Value: vt.name(v.id), Count: n})
					}
					counts[v.id+1] = 0
				}
			}
		}
	}
	counts[0] = 0
	return top.best, nil
}

// byValue says whether a segment's facet of values is counted among hits
// value by value (each value's items against the hits) rather than hit by
// hit. Value by value costs at least a container per value, and as much
// again for the hits' containers it reads, for every value: with a
// record's two dozen types it is slower than reading each hit's type
// until a segment's hits are some 50,000.
var byValue = func(values int, hits uint64) bool { return uint64(values)*2048 < hits }

// facetTop keeps the size most frequent values, of equal counts the first
// by name, as they are read: a record's issuer can have tens of thousands
// of values among a large answer's hits, too many to sort.
type facetTop struct {
	size int
	best []FacetValue // in facetOrder
}

// wants reports whether a value counted n can be among the best.
func (t *facetTop) wants(n int) bool {
	return t.size > 0 && (len(t.best) < t.size || n >= t.best[t.size-1].Count)
}

func (t *facetTop) add(v FacetValue) {
	at, _ := slices.BinarySearchFunc(t.best, v, facetOrder)
	if at < t.size {
		t.best = slices.Insert(t.best, at, v)[:min(len(t.best)+1, t.size)]
	}
}

// facetOrder puts the more frequent value first, then the first by name.
func facetOrder(a, b FacetValue) int {
	if a.Count != b.Count {
		return b.Count - a.Count
	}
	return strings.Compare(a.Value, b.Value)
}

// valueTable numbers the facet values of an index's segments, so that
// counting them needs no map.
type valueTable struct {
	mu    sync.Mutex
	ids   map[string]uint32
	names []string
}

// valueCounts are counters of facet values kept for reuse, all zero.
var valueCounts = newKept[[]int](4)

func (t *valueTable) id(v string) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[v]; ok {
		return id
	}
	if t.ids == nil {
		t.ids = map[string]uint32{}
	}
	id := uint32(len(t.names))
	t.ids[v] = id
	t.names = append(t.names, v)
	return id
}

func (t *valueTable) name(id uint32) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.names[id]
}

// counts returns zeroed counters for every value numbered so far, and one
// more (before them) for the items without one.
func (t *valueTable) counts() []int {
	t.mu.Lock()
	n := len(t.names) + 1
	t.mu.Unlock()
	if c, ok := valueCounts.get(); ok && len(c) >= n {
		return c
	}
	return make([]int, n)
}

// putCounts takes back counters, zeroed.
func (t *valueTable) putCounts(c []int) { valueCounts.put(c) }
