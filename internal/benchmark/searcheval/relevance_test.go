package searcheval

import (
	"fmt"
	"slices"
	"testing"
)

// TestSplit: the halves are disjoint, cover the set, hold every kind, and
// are the same for the same seed.
func TestSplit(t *testing.T) {
	var js []Judgement
	for i := range 31 {
		js = append(js, Judgement{Kind: []string{"ma", "giay-to", "linh-vuc"}[i%3], Query: fmt.Sprint("q", i), Line: i + 2})
	}
	tune, test := Split(js, SplitSeed)
	if len(tune)+len(test) != len(js) || len(tune) < 15 || len(test) < 15 {
		t.Fatalf("halves of %d and %d for %d queries", len(tune), len(test), len(js))
	}
	seen := map[int]bool{}
	kinds := map[string][2]int{}
	for h, half := range [][]Judgement{tune, test} {
		for _, j := range half {
			if seen[j.Line] {
				t.Errorf("line %d in both halves", j.Line)
			}
			seen[j.Line] = true
			k := kinds[j.Kind]
			k[h]++
			kinds[j.Kind] = k
		}
	}
	for kind, n := range kinds {
		if n[0] == 0 || n[1] == 0 {
			t.Errorf("kind %s: %d in the tuning half, %d in the test half", kind, n[0], n[1])
		}
	}
	tune2, test2 := Split(js, SplitSeed)
	eq := func(a, b Judgement) bool { return a.Line == b.Line }
	if !slices.EqualFunc(tune, tune2, eq) || !slices.EqualFunc(test, test2, eq) {
		t.Error("the same seed split the set differently")
	}
	if other, _ := Split(js, SplitSeed+1); slices.EqualFunc(tune, other, eq) {
		t.Error("another seed gave the same halves")
	}
}
