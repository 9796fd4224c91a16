// Package geom holds the plane geometry that both the page preparation
// (undoing a phone photo's perspective) and the scan maker (making one)
// need: a quadrilateral's corners and the projective map between two.
package geom

import "math"

// Quad is a page's corners in image pixels: top-left, top-right,
// bottom-right, bottom-left.
type Quad [4][2]float64

// Homography maps points by a 3×3 projective matrix (the last entry 1).
type Homography [9]float64

// Map applies h to (x, y).
func (h Homography) Map(x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// HomographyFrom returns the homography taking each from[i] to to[i], and
// false when the points are degenerate (three on a line).
func HomographyFrom(from, to Quad) (Homography, bool) {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	// Gaussian elimination with partial pivoting.
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return Homography{}, false
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var h Homography
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h, true
}
