package pipeline

import "image"

// Detect tells what a page is from its grey image and resolution:
// bilevel (a fax or a 1-bit scan: almost no grey between ink and paper,
// where a grey scan's letters have antialiased edges) and low-resolution.
// Photos are told by FindPage finding the page on a background, and
// uneven light by the paper grid: Prepare asks them only when the step
// that needs them runs.
func Detect(g *image.Gray, dpi int) PageKind {
	var dark, mid int
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y += 2 {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 0; x < w; x += 2 {
			switch v := row[x]; {
			case v < 64:
				dark++
			case v <= 192:
				mid++
			}
		}
	}
	return PageKind{
		// A grey page's letters have about as many grey edge pixels as
		// black ones; a fax saved as JPEG gains a few around each stroke.
		Bilevel: dark > 0 && mid*8 < dark,
		LowRes:  dpi < LowDPI,
	}
}

// doubledRows says whether g's rows come in identical pairs: a fax
// received in standard mode (about 100 lines per inch) stored at twice
// that, each line twice.
func doubledRows(g *image.Gray) bool {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	same, differ := 0, 0 // within pairs; between them
	for y := 0; y+2 < h; y += 2 {
		a, b, c := g.Pix[y*g.Stride:y*g.Stride+w], g.Pix[(y+1)*g.Stride:(y+1)*g.Stride+w], g.Pix[(y+2)*g.Stride:(y+2)*g.Stride+w]
		if string(a) == string(b) {
			same++
		}
		if string(b) != string(c) {
			differ++
		}
	}
	return same > h/2*9/10 && differ > h/2/5
}

// undouble keeps one row of each pair.
func undouble(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()/2
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		copy(out.Pix[y*out.Stride:y*out.Stride+w], g.Pix[2*y*g.Stride:])
	}
	return out
}

// Despeckle removes specks from a bilevel page: groups of touching ink
// pixels (8-connected) smaller than a full stop at dpi, standing apart
// from other ink. A diacritic's dot is as small as a speck at fax
// resolution, but it sits right over or under its letter.
func Despeckle(g *image.Gray, dpi int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	// A speck is at most a 0.3 mm square (a full stop in 13 pt type is
	// about 0.35 mm across) with no other ink within about 0.6 mm.
	side := float64(dpi) * 0.3 / 25.4
	stop := max(2, int(side*side+0.5))
	near := max(3, dpi/40)
	ink := func(x, y int) bool { return g.Pix[y*g.Stride+x] < 128 }
	seen := make([]bool, w*h)
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	var comp, stack []int
	for y := range h {
		for x := range w {
			if seen[y*w+x] || !ink(x, y) {
				continue
			}
			comp, stack = comp[:0], append(stack[:0], y*w+x)
			seen[y*w+x] = true
			x0, y0, x1, y1 := x, y, x, y
			for len(stack) > 0 && len(comp) <= stop {
				i := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				comp = append(comp, i)
				cx, cy := i%w, i/w
				x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						nx, ny := cx+dx, cy+dy
						if nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[ny*w+nx] && ink(nx, ny) {
							seen[ny*w+nx] = true
							stack = append(stack, ny*w+nx)
						}
					}
				}
			}
			if len(comp) > stop || len(stack) > 0 {
				// A letter: mark the rest of it seen without keeping it.
				for len(stack) > 0 {
					i := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					cx, cy := i%w, i/w
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							nx, ny := cx+dx, cy+dy
							if nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[ny*w+nx] && ink(nx, ny) {
								seen[ny*w+nx] = true
								stack = append(stack, ny*w+nx)
							}
						}
					}
				}
				continue
			}
			if inkNear(g, x0-near, y0-near, x1+near, y1+near, x0, y0, x1, y1) {
				continue // a dot beside its letter
			}
			for _, i := range comp {
				out.Pix[(i/w)*out.Stride+i%w] = 255
			}
		}
	}
	return out
}

// inkNear says whether there is ink in the box (ax0, ay0)–(ax1, ay1)
// outside the box (x0, y0)–(x1, y1).
func inkNear(g *image.Gray, ax0, ay0, ax1, ay1, x0, y0, x1, y1 int) bool {
	ax0, ay0 = max(ax0, 0), max(ay0, 0)
	ax1, ay1 = min(ax1, g.Rect.Dx()-1), min(ay1, g.Rect.Dy()-1)
	for y := ay0; y <= ay1; y++ {
		for x := ax0; x <= ax1; x++ {
			if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
				continue
			}
			if g.Pix[y*g.Stride+x] < 128 {
				return true
			}
		}
	}
	return false
}

// Smooth applies a 3×3 tent filter: a bilevel page's stair-stepped edges
// become ramps that enlarging keeps smooth.
func Smooth(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	tmp := make([]uint16, w*h)
	for y := range h {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := range w {
			l, r := row[max(x-1, 0)], row[min(x+1, w-1)]
			tmp[y*w+x] = uint16(l) + 2*uint16(row[x]) + uint16(r)
		}
	}
	for y := range h {
		a, b, c := tmp[max(y-1, 0)*w:], tmp[y*w:], tmp[min(y+1, h-1)*w:]
		o := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range o {
			o[x] = uint8((uint32(a[x]) + 2*uint32(b[x]) + uint32(c[x]) + 8) / 16)
		}
	}
	return out
}

// RemoveRules erases long thin straight lines from a bilevel page: a
// dirty scanner line running down a fax, a table's borders. Tesseract
// reads them as "|", "_" and "—" glued to the words they cross. A rule
// is a run of ink at least minLen long along a column or a row, with
// holes of at most two pixels; a pixel of it stays where the ink is
// thick across it (a letter's stroke the line crosses).
func RemoveRules(g *image.Gray, minLen int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	ink := func(x, y int) bool {
		return x >= 0 && y >= 0 && x < w && y < h && g.Pix[y*g.Stride+x] < 128
	}
	const hole = 2
	// along: walk one line of pixels (a column or a row) and erase the
	// long runs; at(i) is the i-th pixel's coordinates.
	along := func(n int, at func(i int) (int, int), thick func(x, y int) bool) {
		start, last := -1, -1
		flush := func() {
			if start >= 0 && last-start+1 >= minLen {
				for i := start; i <= last; i++ {
					if x, y := at(i); ink(x, y) && !thick(x, y) {
						out.Pix[y*out.Stride+x] = 255
					}
				}
			}
			start = -1
		}
		for i := range n {
			x, y := at(i)
			if !ink(x, y) {
				if start >= 0 && i-last > hole {
					flush()
				}
				continue
			}
			if start < 0 {
				start = i
			}
			last = i
		}
		flush()
	}
	for x := range w {
		along(h, func(i int) (int, int) { return x, i }, func(x, y int) bool { return ink(x-2, y) && ink(x+2, y) })
	}
	for y := range h {
		along(w, func(i int) (int, int) { return i, y }, func(x, y int) bool { return ink(x, y-2) && ink(x, y+2) })
	}
	return out
}
