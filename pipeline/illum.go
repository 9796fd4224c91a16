package pipeline

import (
	"image"
	"math"
)

// Uneven light (a phone's lamp, a shadow, a vignette) makes paper grey in
// one corner and white in another, and a global threshold then loses
// text in the dark part. The paper's brightness is estimated on a coarse
// grid (a bright percentile of each cell: paper between letters) and each
// pixel divided by it.

// paperCell is the side of the grid's cells, in pixels of a 200 dpi page
// (about 4 mm: a cell never lies wholly inside a letter).
const paperCell = 32

// paperGrid estimates the paper's brightness per cell of cell×cell
// pixels: the 90th percentile, then the brightest of each cell's 3×3
// neighbourhood (a cell inside a bold title borrows paper from around
// it), then smoothed.
func paperGrid(g *image.Gray, cell int) (grid []float64, gw, gh int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	gw, gh = (w+cell-1)/cell, (h+cell-1)/cell
	raw := make([]float64, gw*gh)
	var hist [256]int32
	for cy := range gh {
		for cx := range gw {
			clear(hist[:])
			n := 0
			for y := cy * cell; y < min((cy+1)*cell, h); y += 2 {
				row := g.Pix[y*g.Stride:]
				for x := cx * cell; x < min((cx+1)*cell, w); x += 2 {
					hist[row[x]]++
					n++
				}
			}
			k, acc := 255, int32(0)
			for ; k > 0; k-- {
				acc += hist[k]
				if int(acc)*10 >= n {
					break
				}
			}
			raw[cy*gw+cx] = float64(k)
		}
	}
	at := func(a []float64, x, y int) float64 {
		return a[min(max(y, 0), gh-1)*gw+min(max(x, 0), gw-1)]
	}
	mx := make([]float64, len(raw))
	for cy := range gh {
		for cx := range gw {
			m := 0.0
			for j := -1; j <= 1; j++ {
				for i := -1; i <= 1; i++ {
					m = math.Max(m, at(raw, cx+i, cy+j))
				}
			}
			mx[cy*gw+cx] = m
		}
	}
	grid = make([]float64, len(raw))
	for cy := range gh {
		for cx := range gw {
			s := 0.0
			for j := -1; j <= 1; j++ {
				for i := -1; i <= 1; i++ {
					s += at(mx, cx+i, cy+j)
				}
			}
			grid[cy*gw+cx] = math.Max(s/9, 1)
		}
	}
	return grid, gw, gh
}

// Unevenness is how much the paper's brightness varies over the page:
// the brightest cell over the darkest, among cells not at the edge.
func Unevenness(grid []float64, gw, gh int) float64 {
	lo, hi := math.Inf(1), 0.0
	for cy := 1; cy < gh-1; cy++ {
		for cx := 1; cx < gw-1; cx++ {
			v := grid[cy*gw+cx]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi == 0 {
		return 1
	}
	return hi / lo
}

// Flatten divides g by the paper's brightness, interpolated bilinearly
// between cell centres, so that paper is white (250) everywhere.
func Flatten(g *image.Gray, grid []float64, gw, gh, cell int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	gain := make([]float64, w)
	for y := range h {
		fy := (float64(y)+0.5)/float64(cell) - 0.5
		y0 := min(max(int(math.Floor(fy)), 0), gh-1)
		y1 := min(y0+1, gh-1)
		ty := math.Min(math.Max(fy-float64(y0), 0), 1)
		for x := range w {
			fx := (float64(x)+0.5)/float64(cell) - 0.5
			x0 := min(max(int(math.Floor(fx)), 0), gw-1)
			x1 := min(x0+1, gw-1)
			tx := math.Min(math.Max(fx-float64(x0), 0), 1)
			top := grid[y0*gw+x0]*(1-tx) + grid[y0*gw+x1]*tx
			bot := grid[y1*gw+x0]*(1-tx) + grid[y1*gw+x1]*tx
			gain[x] = 250 / (top*(1-ty) + bot*ty)
		}
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		o := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range src {
			o[x] = uint8(math.Min(255, float64(v)*gain[x]+0.5))
		}
	}
	return out
}
