package search

import (
	"cmp"
	"math"
	mbits "math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A large answer is scored a tier at a time, the tiers in order of the
// most their items can score, until the best hundred (and the items that
// join the answer by scoring well) are certain: the items of the tiers not
// yet scored score at most the next tier's bound. An item's score is
// mostly its name's: the rarity of the query's words its name holds, times
// the share of the words it holds, over the root of its length. So the
// tiers are the items by how many of the words their names hold and by
// their names' length. First come the items of a field the query names
// and, when they are few, the items holding every word (then the items
// holding most of the words are scored only as far as they can join the
// answer, see rank); last, the items whose names hold none of the words.
// A common-word search over a million records then scores the short
// names that hold every word, not every record that mentions them.

// lengthFrom is the least title length of each length group.
var lengthFrom = [...]uint8{0, 3, 5, 7, 9, 11, 13, 16, 20, 25, 33, 50}

// lengthGroup is the group of a title of n words, by n.
var lengthGroup = func() (t [256]uint8) {
	for n := range t {
		g, found := slices.BinarySearch(lengthFrom[:], uint8(n))
		if !found {
			g--
		}
		t[n] = uint8(g)
	}
	return t
}()

// tier is a group of hits and the most any of them scores.
type tier struct {
	bound float32
	names int // how many of the words the names hold; -1 for the first
	group int // title length group; for names 0, the part of none
}

// The parts of the items whose names hold none of the words: they score
// by their texts alone. Those that hold every word and none of the words
// as typed all score the same (tie): only the first of them in index
// order can rank.
const (
	allTyped  = iota // holding every word, some as typed
	someTyped        // some of the words, some as typed
	tie              // every word, none as typed
	someWords        // some of the words, none as typed
)

// tiers yields a large answer's hits a tier at a time.
type tiers struct {
	s      *snapshot
	order  []tier
	first  bits     // the hits scored first
	none   [4]bits  // the other hits whose names hold none of the words, by part, once divided
	rest   bits     // the hits not in first
	all    bits     // the hits holding every word
	exact  []bits   // the items holding each word as typed
	tieAt  *cand    // the first tie item not yielded, once the first were (seg -1: none left)
	tied   *cand    // a tie item yielded, whose score every tie item has
	ties   bool     // the tie items not yielded are wanted
	holds  [][]bits // holds[m][g]: those whose names hold exactly m of the words, in length group g, once read
	counts []*counter
	docs   [len(lengthFrom)][]uint32 // held's, reused
	at     int
	peeked bits
}

// tiers divides hits into tiers, first those of first (may be nil) and of
// the fields the query names.
func (s *snapshot) tiers(q *queryScoring, hits, first, all bits) *tiers {
	t := &tiers{s: s}
	rest := hits
	if first != nil || len(q.fields) > 0 {
		t.first = s.none()
		if first != nil {
			t.first = and(first, hits)
		}
		for _, b := range q.fields {
			t.first = or(t.first, and(b, hits))
		}
		rest = andNot(hits, t.first)
		t.order = append(t.order, tier{bound: float32(math.Inf(1)), names: -1})
	}
	// Per segment, how many of the words each item's name holds, among
	// the rest: the items holding exactly m are read when their tiers
	// come.
	n := len(q.title)
	t.holds = make([][]bits, n+1)
	t.counts = make([]*counter, len(s.segs))
	t.rest, t.all, t.exact = rest, all, q.exact
	for i := range s.segs {
		if n == 0 || rest[i].IsEmpty() {
			continue
		}
		sets := make([]*roaring.Bitmap, n)
		for k := range q.title {
			sets[k] = q.title[k][i]
		}
		dense := make([][]uint64, n)
		for k := range sets {
			dense[k] = q.titleDense[k].of(i)
		}
		c := newCounter(sets)
		c.addAll(sets, dense)
		c.within(rest[i])
		t.counts[i] = c
	}
	// The bound of the items whose names hold m of the words: the m
	// heaviest words in a name as short as the group's shortest.
	wts := slices.Clone(q.textWt)
	slices.SortFunc(wts, func(a, b float32) int { return cmp.Compare(b, a) })
	const c = wBody * textNorm
	text := q.maxText * c
	var named []tier
	var heaviest float32
	for m := 1; m <= n; m++ {
		heaviest += wts[m-1]
		for g, from := range lengthFrom {
			l := max(1, from)
			named = append(named, tier{bound: text + heaviest*wTitle*invSqrt[l]*float32(m)*q.share, names: m, group: g})
		}
	}
	var words float32 // every word's weight
	for _, w := range wts {
		words += w
	}
	least := wts[len(wts)-1]
	named = append(named,
		tier{bound: text, group: allTyped},
		tier{bound: text - least*c, group: someTyped},
		tier{bound: words * c, group: tie},
		tier{bound: (words - least) * c, group: someWords})
	slices.SortStableFunc(named, func(a, b tier) int { return cmp.Compare(b.bound, a.bound) })
	t.order = append(t.order, named...)
	for k := range t.order {
		// Scores are sums of float32s: a margin for their rounding.
		t.order[k].bound *= 1 + 1e-4
	}
	return t
}

// divideNone divides the rest's items whose names hold none of the words
// into their parts, when first needed: their tiers come last, and most
// searches are answered before.
func (t *tiers) divideNone() {
	if t.none[0] != nil {
		return
	}
	none := make(bits, len(t.rest))
	for i, c := range t.counts {
		none[i] = t.rest[i]
		if c != nil {
			none[i] = roaring.AndNot(t.rest[i], c.atLeast(1))
		}
	}
	typed := t.s.none()
	for _, b := range t.exact {
		typed = or(typed, b)
	}
	holdsAll := and(none, t.all)
	t.none[allTyped] = and(holdsAll, typed)
	t.none[tie] = andNot(holdsAll, typed)
	some := andNot(none, t.all)
	t.none[someTyped] = and(some, typed)
	t.none[someWords] = andNot(some, typed)
}

// items is the hits of t.order[k].
func (t *tiers) items(k int) bits {
	tr := t.order[k]
	switch {
	case tr.names < 0:
		return t.first
	case tr.names == 0 && tr.group == tie && t.tieAt == nil:
		t.divideNone()
		return t.firstTies()
	case tr.names == 0:
		t.divideNone()
		return t.none[tr.group]
	}
	return t.held(tr.names)[tr.group]
}

// held is the rest's hits whose names hold exactly m of the words, by
// their names' length group (nil for a group without any), read in one
// pass over them.
func (t *tiers) held(m int) []bits {
	if t.holds[m] != nil {
		return t.holds[m]
	}
	byGroup := make([]bits, len(lengthFrom))
	for i, c := range t.counts {
		if c == nil {
			continue
		}
		docs := &t.docs
		for g := range docs {
			docs[g] = docs[g][:0]
		}
		lens := t.s.titleLen[i]
		for _, w := range c.masked { // within rest: tiers' counters are limited to it
			w := int(w)
			for x := c.exactlyAt(m, w); x != 0; x &= x - 1 {
				d := w*64 + mbits.TrailingZeros64(x)
				g := lengthGroup[lens[d]]
				docs[g] = append(docs[g], uint32(d))
			}
		}
		for g, ds := range docs {
			if len(ds) == 0 {
				continue
			}
			if byGroup[g] == nil {
				byGroup[g] = t.s.none()
			}
			byGroup[g][i] = roaring.BitmapOf(ds...)
		}
	}
	t.holds[m] = byGroup
	return byGroup
}

// firstTies is the first rescoreWindow tie items in index order, and
// marks where the rest begin.
func (t *tiers) firstTies() bits {
	out, left := t.s.none(), rescoreWindow
	for i, b := range t.none[tie] {
		it := b.Iterator()
		for it.HasNext() {
			d := it.Next()
			if left == 0 {
				t.tieAt = &cand{seg: i, doc: d}
				return out
			}
			out[i].Add(d)
			if t.tied == nil {
				t.tied = &cand{seg: i, doc: d}
			}
			left--
		}
	}
	t.tieAt = &cand{seg: -1} // none left
	return out
}

// release gives back the counters; t must not be used after.
func (t *tiers) release() {
	for _, c := range t.counts {
		if c != nil {
			c.release()
		}
	}
}

// next is the next tier's hits, skipping empty tiers; ok is false when
// every tier has been yielded.
func (t *tiers) next() (b bits, ok bool) {
	if t.ties && t.tieAt != nil && t.tieAt.seg >= 0 {
		// The rest of the tie items, after the first.
		b = t.s.none()
		for i := t.tieAt.seg; i < len(b); i++ {
			b[i] = t.none[tie][i]
		}
		b[t.tieAt.seg] = t.none[tie][t.tieAt.seg].Clone()
		b[t.tieAt.seg].RemoveRange(0, uint64(t.tieAt.doc))
		t.tieAt.seg = -1
		return b, true
	}
	if t.peeked != nil {
		b, t.peeked = t.peeked, nil
		t.at++
		return b, true
	}
	for ; t.at < len(t.order); t.at++ {
		if b := t.items(t.at); b != nil && b.count() > 0 {
			t.at++
			return b, true
		}
	}
	return nil, false
}

// tieRest is the first of the tie items not yielded, with their score,
// or nil.
func (t *tiers) tieRest(sc *scores) *cand {
	if t.tieAt == nil || t.tieAt.seg < 0 {
		return nil
	}
	c := *t.tieAt
	c.score = sc.of(t.tied.seg, t.tied.doc)
	return &c
}

// bound is the most an item not yet yielded scores (but the tie items not
// yielded, see tieRest), -1 when none is left, and how many items the next
// tier holds.
func (t *tiers) bound() (float32, uint64) {
	if t.peeked != nil {
		return t.order[t.at].bound, t.peeked.count()
	}
	for ; t.at < len(t.order); t.at++ {
		if b := t.items(t.at); b != nil && b.count() > 0 {
			t.peeked = b
			return t.order[t.at].bound, b.count()
		}
	}
	return -1, 0
}
