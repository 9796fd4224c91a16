package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestFacetTop checks the kept values against sorting them all: by count,
// then by name, for sizes below, at and above the number of values.
func TestFacetTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 9, 10, 11, 500} {
		for _, size := range []int{0, 1, 10} {
			var vals []FacetValue
			for i := range n {
				vals = append(vals, FacetValue{Value: fmt.Sprintf("cơ quan %d", rng.IntN(1000)*1000+i), Count: 1 + rng.IntN(5)})
			}
			top := facetTop{size: size}
			for _, v := range vals {
				if top.wants(v.Count) {
					top.add(v)
				}
			}
			want := slices.Clone(vals)
			slices.SortFunc(want, func(a, b FacetValue) int {
				if a.Count != b.Count {
					return b.Count - a.Count
				}
				return strings.Compare(a.Value, b.Value)
			})
			want = want[:min(size, len(want))]
			if !slices.Equal(top.best, want) && !(len(top.best) == 0 && len(want) == 0) {
				t.Errorf("%d values, size %d: kept %v, want %v", n, size, top.best, want)
			}
		}
	}
}

// TestDerivedFacets: every facet a search counts is derived in the
// background for new segments.
func TestDerivedFacets(t *testing.T) {
	for _, m := range []map[string]string{facetFields, staffFacets} {
		for name, f := range m {
			if !slices.Contains(derivedFacets, f) {
				t.Errorf("facet %s (%s) is not in derivedFacets", name, f)
			}
		}
	}
}
