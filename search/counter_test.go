package search

import (
	mbits "math/bits"
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// TestCounter checks the bit-plane counts against counting item by item,
// on sets of every density, runs included.
func TestCounter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 5, 8, 17} {
		sets := make([]*roaring.Bitmap, n)
		want := map[uint32]int{}
		for k := range sets {
			b := roaring.New()
			density := []int{1, 50, 500, 5000}[rng.IntN(4)]
			for range density {
				b.Add(uint32(rng.IntN(200000)))
			}
			if rng.IntN(3) == 0 {
				from := uint64(rng.IntN(150000))
				b.AddRange(from, from+uint64(rng.IntN(20000)))
				b.RunOptimize()
			}
			b.Iterate(func(d uint32) bool { want[d]++; return true })
			sets[k] = b
		}
		c := newCounter(sets)
		for _, b := range sets {
			c.add(b)
		}
		for k := 1; k <= n; k++ {
			least, exact := c.atLeast(k), roaring.New()
			for w := range c.dense {
				for x := c.exactlyAt(k, w); x != 0; x &= x - 1 {
					exact.Add(uint32(w*64 + mbits.TrailingZeros64(x)))
				}
			}
			var wantLeast, wantExact uint64
			for d, m := range want {
				if (m >= k) != least.Contains(d) || (m == k) != exact.Contains(d) {
					t.Fatalf("%d sets, k=%d: item %d counted %d: at least %v, exactly %v", n, k, d, m, least.Contains(d), exact.Contains(d))
				}
				if m >= k {
					wantLeast++
				}
				if m == k {
					wantExact++
				}
			}
			if least.GetCardinality() != wantLeast || exact.GetCardinality() != wantExact {
				t.Errorf("%d sets, k=%d: %d at least (want %d), %d exactly (want %d)", n, k, least.GetCardinality(), wantLeast, exact.GetCardinality(), wantExact)
			}
			if got := atLeastOf(sets, make([][]uint64, n), k); !got.Equals(least) {
				t.Errorf("%d sets, k=%d: atLeastOf differs from the counter", n, k)
			}
			// Some sets read from dense bits as a segment keeps them:
			// as wide as the segment, wider than the counter.
			dense := make([][]uint64, n)
			for j, b := range sets {
				if j%2 == 0 {
					dense[j] = make([]uint64, 210000/64+1)
					b.WriteDenseTo(dense[j])
				}
			}
			if got := atLeastOf(sets, dense, k); !got.Equals(least) {
				t.Errorf("%d sets, k=%d: atLeastOf from dense bits differs from the counter", n, k)
			}
		}
	}
}
