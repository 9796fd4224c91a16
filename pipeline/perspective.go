package pipeline

import (
	"image"
	"math"

	"motcua/internal/geom"
)

// A phone photo of a page shows the page as a quadrilateral on a desk.
// FindPage finds its four corners; Homography and Warp map it back to a
// flat rectangle. Pure Go: a grey copy reduced to about 500 pixels
// across is enough to see the page's edges, which are then fitted as
// straight lines with sub-pixel crossings.

// Quad and Homography are geom's (shared with the scan maker's photos).
type (
	Quad       = geom.Quad
	Homography = geom.Homography
)

// HomographyFrom is geom.HomographyFrom.
var HomographyFrom = geom.HomographyFrom

// Warp makes a w×h image whose pixel (x, y) is g's pixel at h.Map(x, y),
// bilinearly interpolated; outside g it is white. The numerators and the
// denominator are linear along a row, so each pixel costs a few adds and
// one division.
func Warp(g *image.Gray, h Homography, w, ht int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, ht))
	sw, sh := g.Rect.Dx(), g.Rect.Dy()
	for y := range ht {
		fy := float64(y)
		nx, ny, d := h[1]*fy+h[2], h[4]*fy+h[5], h[7]*fy+h[8]
		o := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range o {
			u, v := nx/d, ny/d
			nx, ny, d = nx+h[0], ny+h[3], d+h[6]
			if u < 0 || v < 0 || u >= float64(sw-1) || v >= float64(sh-1) {
				o[x] = 255
				continue
			}
			iu, iv := int(u), int(v)
			fu, fv := u-float64(iu), v-float64(iv)
			p := g.Pix[iv*g.Stride+iu:]
			q := g.Pix[(iv+1)*g.Stride+iu:]
			top := float64(p[0]) + (float64(p[1])-float64(p[0]))*fu
			bot := float64(q[0]) + (float64(q[1])-float64(q[0]))*fu
			o[x] = uint8(top + (bot-top)*fv + 0.5)
		}
	}
	return out
}

// Reduce shrinks g by an integer factor f, averaging f×f blocks.
func Reduce(g *image.Gray, f int) *image.Gray {
	w, h := g.Rect.Dx()/f, g.Rect.Dy()/f
	out := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]int, w)
	for y := range h {
		clear(acc)
		for j := range f {
			row := g.Pix[(y*f+j)*g.Stride:]
			for x := range w {
				s := 0
				for _, v := range row[x*f : x*f+f] {
					s += int(v)
				}
				acc[x] += s
			}
		}
		for x := range w {
			out.Pix[y*out.Stride+x] = uint8(acc[x] / (f * f))
		}
	}
	return out
}

// FindPage looks for a bright page on a darker background. It returns
// the page's corners in g's pixels and true when there is such a page
// with background showing around it; false for a scan (paper to the
// edges) or when the page's outline is not a plausible quadrilateral.
func FindPage(g *image.Gray) (Quad, bool) {
	f := max(1, max(g.Rect.Dx(), g.Rect.Dy())/600)
	return findPage(Reduce(g, f), f, g.Rect.Dx(), g.Rect.Dy())
}

// FindPageColour is FindPage on a colour photo, seen through its
// weakest channel: paper is white in all three, a wooden desk has little
// blue, so a page's shadowed corner stays brighter than the desk.
func FindPageColour(img image.Image) (Quad, bool) {
	b := img.Bounds()
	f := max(1, max(b.Dx(), b.Dy())/600)
	s := image.NewGray(image.Rect(0, 0, b.Dx()/f, b.Dy()/f))
	for y := range s.Rect.Dy() {
		for x := range s.Rect.Dx() {
			sum := 0
			for _, d := range [4][2]int{{0, 0}, {f / 2, 0}, {0, f / 2}, {f / 2, f / 2}} {
				r, g, bl, _ := img.At(b.Min.X+x*f+d[0], b.Min.Y+y*f+d[1]).RGBA()
				sum += int(min(r, g, bl) >> 8)
			}
			s.Pix[y*s.Stride+x] = uint8(sum / 4)
		}
	}
	return findPage(s, f, b.Dx(), b.Dy())
}

// findPage finds the page in s, a copy of a gw×gh image reduced f times.
func findPage(s *image.Gray, f, gw, gh int) (Quad, bool) {
	w, h := s.Rect.Dx(), s.Rect.Dy()
	if w < 50 || h < 50 {
		return Quad{}, false
	}
	var hist [256]int
	for _, v := range s.Pix {
		hist[v]++
	}
	t := otsuHist(hist)
	// The background: what is darker than the threshold and reachable
	// from the image's edge; text is enclosed by paper and stays page.
	bg := make([]bool, w*h)
	stack := make([]int, 0, 2*(w+h))
	push := func(i int) {
		if !bg[i] && s.Pix[i] < t {
			bg[i] = true
			stack = append(stack, i)
		}
	}
	for x := range w {
		push(x)
		push((h-1)*w + x)
	}
	for y := range h {
		push(y * w)
		push(y*w + w - 1)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		if x > 0 {
			push(i - 1)
		}
		if x < w-1 {
			push(i + 1)
		}
		if y > 0 {
			push(i - w)
		}
		if y < h-1 {
			push(i + w)
		}
	}
	// Edges: each side's outermost page pixel along rows or columns,
	// with the crossing of the threshold interpolated between the
	// background pixel and the page pixel.
	level := float64(t) - 0.5
	cross := func(a, b uint8) float64 { // where the ramp a→b crosses level, from a
		if a == b {
			return 0.5
		}
		return math.Min(1, math.Max(0, (level-float64(a))/(float64(b)-float64(a))))
	}
	var left, right, top, bottom [][2]float64 // points (along, across)
	pageArea := 0
	for y := range h {
		first, last := -1, -1
		for x := range w {
			if !bg[y*w+x] {
				if first < 0 {
					first = x
				}
				last = x
				pageArea++
			}
		}
		if first > 0 {
			left = append(left, [2]float64{float64(y), float64(first-1) + cross(s.Pix[y*w+first-1], s.Pix[y*w+first])})
		}
		if last >= 0 && last < w-1 {
			right = append(right, [2]float64{float64(y), float64(last+1) - cross(s.Pix[y*w+last+1], s.Pix[y*w+last])})
		}
	}
	for x := range w {
		first, last := -1, -1
		for y := range h {
			if !bg[y*w+x] {
				if first < 0 {
					first = y
				}
				last = y
			}
		}
		if first > 0 {
			top = append(top, [2]float64{float64(x), float64(first-1) + cross(s.Pix[(first-1)*w+x], s.Pix[first*w+x])})
		}
		if last >= 0 && last < h-1 {
			bottom = append(bottom, [2]float64{float64(x), float64(last+1) - cross(s.Pix[(last+1)*w+x], s.Pix[last*w+x])})
		}
	}
	if pageArea < w*h*3/10 || pageArea > w*h*97/100 {
		return Quad{}, false
	}
	var lines [4]line2
	for i, pts := range [][][2]float64{top, right, bottom, left} {
		l, ok := fitSide(pts)
		if !ok {
			return Quad{}, false
		}
		lines[i] = l
	}
	// Sides: top and bottom are y = a x + b, left and right x = a y + b.
	var q Quad
	for i := range 4 {
		hor, ver := lines[0], lines[3] // top-left
		switch i {
		case 1:
			hor, ver = lines[0], lines[1]
		case 2:
			hor, ver = lines[2], lines[1]
		case 3:
			hor, ver = lines[2], lines[3]
		}
		// y = ha x + hb, x = va y + vb.
		den := 1 - hor.a*ver.a
		if math.Abs(den) < 1e-6 {
			return Quad{}, false
		}
		y := (hor.a*ver.b + hor.b) / den
		x := ver.a*y + ver.b
		// From the reduced image's pixel centres to g's.
		q[i] = [2]float64{(x+0.5)*float64(f) - 0.5, (y+0.5)*float64(f) - 0.5}
	}
	if !plausibleQuad(q, gw, gh) {
		return Quad{}, false
	}
	return q, true
}

// line2 is across = a·along + b.
type line2 struct{ a, b float64 }

// fitSide fits a line to a side's edge points, twice: the second time
// without the points far from the first fit (the page's corners, where
// the neighbouring side bends away, a finger, a shadow).
func fitSide(pts [][2]float64) (line2, bool) {
	if len(pts) < 10 {
		return line2{}, false
	}
	// The side's middle: corners are where the other sides take over.
	m := len(pts) / 10
	pts = pts[m : len(pts)-m]
	l, ok := leastSquares(pts)
	for range 2 {
		if !ok {
			return l, false
		}
		var res []float64
		for _, p := range pts {
			res = append(res, math.Abs(p[1]-(l.a*p[0]+l.b)))
		}
		lim := max(1.0, 2*medianF(res))
		var keep [][2]float64
		for i, p := range pts {
			if res[i] <= lim {
				keep = append(keep, p)
			}
		}
		if len(keep) < 10 {
			return l, false
		}
		pts = keep
		l, ok = leastSquares(pts)
	}
	return l, ok
}

func leastSquares(pts [][2]float64) (line2, bool) {
	var sx, sy, sxx, sxy float64
	n := float64(len(pts))
	for _, p := range pts {
		sx += p[0]
		sy += p[1]
		sxx += p[0] * p[0]
		sxy += p[0] * p[1]
	}
	den := n*sxx - sx*sx
	if math.Abs(den) < 1e-9 {
		return line2{}, false
	}
	a := (n*sxy - sx*sy) / den
	return line2{a, (sy - a*sx) / n}, true
}

func medianF(v []float64) float64 {
	c := append([]float64(nil), v...)
	for i := 1; i < len(c); i++ { // insertion sort: a few hundred values
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c[len(c)/2]
}

// plausibleQuad: convex, corners inside (or just outside) the image,
// sides not too slanted (a photo taken roughly from above).
func plausibleQuad(q Quad, w, h int) bool {
	for i := range 4 {
		a, b, c := q[i], q[(i+1)%4], q[(i+2)%4]
		if (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) <= 0 {
			return false // not clockwise-convex (y down)
		}
		if a[0] < -0.05*float64(w) || a[0] > 1.05*float64(w) || a[1] < -0.05*float64(h) || a[1] > 1.05*float64(h) {
			return false
		}
	}
	for i := range 4 {
		a, b := q[i], q[(i+1)%4]
		dx, dy := b[0]-a[0], b[1]-a[1]
		if i%2 == 0 && math.Abs(dy) > 0.35*math.Abs(dx) || i%2 == 1 && math.Abs(dx) > 0.35*math.Abs(dy) {
			return false
		}
	}
	return true
}

// Unwarp maps the page inside q to an upright rectangle at dpi, taking
// the page for A4 when its proportions are near enough (perspective
// makes them uncertain), else keeping them, with the longer side 11.69
// inches. It returns the flat page.
func Unwarp(g *image.Gray, q Quad, dpi int) *image.Gray {
	dist := func(a, b [2]float64) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
	wd := max(dist(q[0], q[1]), dist(q[3], q[2]))
	ht := max(dist(q[0], q[3]), dist(q[1], q[2]))
	ratio := ht / wd
	long := 11.69 * float64(dpi)
	var ow, oh float64
	// Seen at a slant, a page looks shorter than it is: anything from
	// 1.15 to 1.7 is taken for A4.
	switch {
	case ratio > 1.15 && ratio < 1.7:
		ow, oh = long/math.Sqrt2, long
	case 1/ratio > 1.15 && 1/ratio < 1.7:
		ow, oh = long, long/math.Sqrt2
	case ratio >= 1:
		ow, oh = long/ratio, long
	default:
		ow, oh = long, long*ratio
	}
	w, h := int(math.Round(ow)), int(math.Round(oh))
	rect := Quad{{0, 0}, {float64(w - 1), 0}, {float64(w - 1), float64(h - 1)}, {0, float64(h - 1)}}
	hm, ok := HomographyFrom(rect, q)
	if !ok {
		return g
	}
	return Warp(g, hm, w, h)
}
