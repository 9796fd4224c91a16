package search

import "github.com/RoaringBitmap/roaring/v2"

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
