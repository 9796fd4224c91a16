package geom

import (
	"math"
	"testing"
)

func TestHomographyFrom(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to Quad
		ok       bool
	}{
		{"identity", Quad{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, Quad{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, true},
		{"photo", Quad{{0, 0}, {2479, 0}, {2479, 3507}, {0, 3507}}, Quad{{212, 160}, {2301, 241}, {2390, 3333}, {95, 3402}}, true},
		{"three on a line", Quad{{0, 0}, {1, 1}, {2, 2}, {3, 3}}, Quad{{0, 0}, {1, 0}, {1, 1}, {0, 1}}, false},
	} {
		h, ok := HomographyFrom(tc.from, tc.to)
		if ok != tc.ok {
			t.Fatalf("%s: ok = %v, want %v", tc.name, ok, tc.ok)
		}
		if !ok {
			continue
		}
		for i := range 4 {
			x, y := h.Map(tc.from[i][0], tc.from[i][1])
			if math.Abs(x-tc.to[i][0]) > 1e-6 || math.Abs(y-tc.to[i][1]) > 1e-6 {
				t.Errorf("%s: corner %d maps to (%.3f, %.3f), want %v", tc.name, i, x, y, tc.to[i])
			}
		}
	}
}
