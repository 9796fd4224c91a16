package search

import (
	"cmp"
	"slices"
	"sync"

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
func atLeast(s *snapshot, sets []bits, k int) bits {
	if k > len(sets) {
		return s.none()
	}
	out := make(bits, len(s.segs))
	for i := range out {
		seg := make([]*roaring.Bitmap, len(sets))
		for j, set := range sets {
			seg[j] = set[i]
		}
		out[i] = atLeastOf(seg, k)
	}
	return out
}

// atLeastOf is the items in at least k of one segment's bitmaps: all of
// them, the rarest first; any of them; or, between, level by level.
func atLeastOf(sets []*roaring.Bitmap, k int) *roaring.Bitmap {
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
	if len(sets) > 3 {
		return atLeastCounted(sets, k)
	}
	// level[j]: the items seen in at least j+1 of the sets so far; the
	// levels are this function's own, changed in place.
	level := make([]*roaring.Bitmap, k)
	for j := range level {
		level[j] = roaring.New()
	}
	for _, set := range sets {
		for j := k - 1; j >= 1; j-- {
			if !level[j-1].IsEmpty() {
				level[j].Or(roaring.And(level[j-1], set))
			}
		}
		level[0].Or(set)
	}
	return level[k-1]
}

// counts are per-document counters, reused across queries; they are all
// zero when put back.
var counts sync.Pool

// atLeastCounted is atLeastOf by counting each item's sets: one pass over
// each set, where the levels would make k passes over each.
func atLeastCounted(sets []*roaring.Bitmap, k int) *roaring.Bitmap {
	union := roaring.FastOr(sets...)
	if union.IsEmpty() {
		return union
	}
	n := int(union.Maximum()) + 1
	c, _ := counts.Get().(*[]uint8)
	if c == nil {
		c = new([]uint8)
	}
	if len(*c) < n {
		*c = make([]uint8, n)
	}
	cnt := *c
	buf := make([]uint32, 256)
	for _, set := range sets {
		it := set.ManyIterator()
		for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
			for _, d := range buf[:m] {
				cnt[d]++
			}
		}
	}
	var keep []uint32
	it := union.ManyIterator()
	for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
		for _, d := range buf[:m] {
			if int(cnt[d]) >= k {
				keep = append(keep, d)
			}
			cnt[d] = 0
		}
	}
	counts.Put(c)
	out := roaring.New()
	out.AddMany(keep)
	return out
}
