package search

import (
	"cmp"
	mbits "math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// bits is a set of items: one bitmap of local document numbers per segment.
type bits []*roaring.Bitmap

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

func andNot(a, b bits) bits {
	out := make(bits, len(a))
	for i := range a {
		out[i] = roaring.AndNot(a[i], b[i])
	}
	return out
}

// all is every live item.
func (s *snapshot) all() bits {
	out := make(bits, len(s.segs))
	for i, seg := range s.segs {
		out[i] = roaring.New()
		out[i].AddRange(0, seg.Segment().Count())
		if d := seg.Deleted(); d != nil {
			out[i].AndNot(d)
		}
	}
	return out
}

// atLeast is the items in at least k of sets (k ≥ 1).
func atLeast(s *snapshot, sets []bits, dense []denseBits, k int) bits {
	if k > len(sets) {
		return s.none()
	}
	out := make(bits, len(s.segs))
	for i := range out {
		seg := make([]*roaring.Bitmap, len(sets))
		segDense := make([][]uint64, len(sets))
		for j, set := range sets {
			seg[j], segDense[j] = set[i], dense[j].of(i)
		}
		out[i] = atLeastOf(seg, segDense, k)
	}
	return out
}

// atLeastOf is the items in at least k of one segment's bitmaps: all of
// them, the rarest first; any of them; or, between, level by level, each
// bitmap read from its dense bits where they are kept (nil if not).
func atLeastOf(sets []*roaring.Bitmap, dense [][]uint64, k int) *roaring.Bitmap {
	switch {
	case k == 1:
		return roaring.FastOr(sets...)
	case k == len(sets):
		sorted := slices.Clone(sets)
		slices.SortFunc(sorted, func(a, b *roaring.Bitmap) int { return cmp.Compare(a.GetCardinality(), b.GetCardinality()) })
		out := roaring.And(sorted[0], sorted[1])
		for _, b := range sorted[2:] {
			if out.IsEmpty() {
				break
			}
			out.And(b)
		}
		return out
	}
	c := newCounter(sets)
	defer c.release()
	c.addAll(sets, dense)
	return c.atLeast(k)
}

// counter counts how many of some bitmaps hold each item of a segment, 64
// items at a time, as a binary number in bit planes: planes[p][w] holds bit
// p of the counts of items 64w to 64w+63. Adding a bitmap and reading the
// items counted k times cost a few word operations per 64 items, however
// many items the bitmaps hold.
type counter struct {
	planes [][]uint64
	dense  []uint64
	mask   []uint64 // if not empty, the only items exactly reads
	masked []int32  // the machine words mask holds items in
}

// newCounter counts up to len(sets) for the items the sets can hold.
func newCounter(sets []*roaring.Bitmap) *counter {
	var most uint32
	for _, b := range sets {
		if !b.IsEmpty() {
			most = max(most, b.Maximum())
		}
	}
	words := int(most/64) + 1
	c, ok := counters.get()
	if !ok {
		c = &counter{}
	}
	c.dense = zeroed(c.dense, words)
	np := mbits.Len(uint(len(sets)))
	for len(c.planes) < np {
		c.planes = append(c.planes, nil)
	}
	c.planes = c.planes[:np]
	for p := range c.planes {
		c.planes[p] = zeroed(c.planes[p], words)
	}
	c.mask, c.masked = c.mask[:0], c.masked[:0]
	return c
}

// counters are reused: a counter's planes span a segment, and a large
// answer's tiers count in every segment at once.
var counters = newKept[*counter](64)

// release gives c back for reuse; it must not be used after.
func (c *counter) release() { counters.put(c) }

// kept holds a few values for reuse. Unlike a sync.Pool's, they are kept
// across garbage collections: what the first pass reuses spans a segment
// or the whole index (a million items' scores), and making it anew after
// each collection was a tenth of what a search allocated.
type kept[T any] struct{ c chan T }

func newKept[T any](n int) *kept[T] { return &kept[T]{c: make(chan T, n)} }

// get returns a kept value, if any.
func (k *kept[T]) get() (v T, ok bool) {
	select {
	case v = <-k.c:
		return v, true
	default:
		return v, false
	}
}

// put keeps v for reuse, unless enough are kept.
func (k *kept[T]) put(v T) {
	select {
	case k.c <- v:
	default:
	}
}

// zeroed is b with n zero words, reusing its array when large enough.
func zeroed(b []uint64, n int) []uint64 {
	if cap(b) < n {
		return make([]uint64, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// add counts b's items once more; b must be among the counter's sets.
func (c *counter) add(b *roaring.Bitmap) {
	if b.IsEmpty() {
		return
	}
	clear(c.dense)
	b.WriteDenseTo(c.dense)
	c.addDense(c.dense)
}

// addEither adds b, from its dense bits d when they are kept (not nil).
func (c *counter) addEither(b *roaring.Bitmap, d []uint64) {
	if d == nil {
		c.add(b)
		return
	}
	c.addDense(d)
}

// addAll adds sets, each from its dense bits where they are kept (dense[j],
// nil if not). Up to 15 sets are added machine word by machine word: each
// word's counts summed in registers and written once, not set by set
// through every plane.
func (c *counter) addAll(sets []*roaring.Bitmap, dense [][]uint64) {
	if len(c.planes) > 4 {
		for j, b := range sets {
			c.addEither(b, dense[j])
		}
		return
	}
	width := len(c.dense)
	ds := make([][]uint64, 0, len(sets))
	slab, _ := denseSlabs.get()
	slab = slab[:0]
	for j, b := range sets {
		switch {
		case dense[j] != nil:
			ds = append(ds, dense[j][:width]) // a segment's bits: as wide or wider
		case !b.IsEmpty():
			if cap(slab)-len(slab) < width {
				// A new slab: the sets already written keep the old one.
				slab = make([]uint64, 0, max(width*(len(sets)-j), 2*cap(slab)))
			}
			at := len(slab)
			slab = slab[:at+width]
			d := slab[at : at+width : at+width]
			clear(d)
			b.WriteDenseTo(d)
			ds = append(ds, d)
		}
	}
	var planes [4][]uint64
	copy(planes[:], c.planes)
	for w := range width {
		var p [4]uint64
		for q := range c.planes {
			p[q] = planes[q][w]
		}
		for _, d := range ds {
			x := d[w]
			c0 := p[0] & x
			p[0] ^= x
			c1 := p[1] & c0
			p[1] ^= c0
			c2 := p[2] & c1
			p[2] ^= c1
			p[3] ^= c2
		}
		for q := range c.planes {
			planes[q][w] = p[q]
		}
	}
	denseSlabs.put(slab)
}

// addDense adds the items of the dense bits d (beyond the counter's width
// d holds none).
func (c *counter) addDense(d []uint64) {
	for w, x := range d[:min(len(d), len(c.dense))] {
		for p := 0; x != 0 && p < len(c.planes); p++ {
			carry := c.planes[p][w] & x
			c.planes[p][w] ^= x
			x = carry
		}
	}
}

// within limits the items that exactly reads to b's.
func (c *counter) within(b *roaring.Bitmap) {
	c.mask = zeroed(c.mask, max(len(c.dense), int(b.DenseSize())))
	b.WriteDenseTo(c.mask)
	c.masked = c.masked[:0]
	for w, x := range c.mask[:len(c.dense)] {
		if x != 0 {
			c.masked = append(c.masked, int32(w))
		}
	}
}

// atLeast is the items counted at least k times (1 ≤ k ≤ the sets).
func (c *counter) atLeast(k int) *roaring.Bitmap {
	out := make([]uint64, len(c.dense))
	for w := range out {
		var gt uint64
		eq := ^uint64(0)
		for p := len(c.planes) - 1; p >= 0; p-- {
			x := c.planes[p][w]
			if k>>p&1 == 1 {
				eq &= x
			} else {
				gt |= eq & x
				eq &^= x
			}
		}
		out[w] = gt | eq
	}
	return roaring.FromDense(out, false)
}

// exactlyAt is word w of the items counted exactly k times.
func (c *counter) exactlyAt(k, w int) uint64 {
	eq := ^uint64(0)
	for p, plane := range c.planes {
		if k>>p&1 == 1 {
			eq &= plane[w]
		} else {
			eq &^= plane[w]
		}
	}
	if len(c.mask) > 0 {
		eq &= c.mask[w]
	}
	return eq
}
