package pipeline

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"strings"
)

// Preprocessing, chosen per page from what the page is (Detect) and
// kept step by step only where the benches measured a gain: the red
// channel as grayscale (a red seal over the signer's title turns light
// instead of black); a photo's page found on the desk and its perspective
// undone; uneven light flattened; a bilevel or low-resolution page
// (a fax) cleaned of specks and enlarged with smoothing; other pages
// scaled down to about 200 dpi (never up); deskewing.

// TargetDPI is the resolution pages are scaled down to.
const TargetDPI = 200

// LowDPI is the resolution under which a page counts as low-resolution,
// and FaxDPI the one bilevel pages are enlarged to: Tesseract reads
// thin, jagged strokes better when they are larger and smoothed than at
// the fax's own size.
const (
	LowDPI = 180
	FaxDPI = 300
)

// Prepared is a page ready for Tesseract.
type Prepared struct {
	Gray  *image.Gray
	DPI   int
	Skew  float64 // degrees the page was rotated by to straighten it
	Scale float64 // prepared pixels per source pixel (0 for a photo's page taken out of its perspective)
	Kind  PageKind
}

// PageKind is what a page is, as far as preparing it goes.
type PageKind struct {
	Bilevel bool    // two tones only: a fax, a 1-bit scan
	LowRes  bool    // under LowDPI
	Photo   bool    // a page on a background, its corners found
	Uneven  float64 // the paper's brightest part over its darkest
}

func (k PageKind) String() string {
	var s []string
	if k.Bilevel {
		s = append(s, "bilevel")
	}
	if k.LowRes {
		s = append(s, "lowres")
	}
	if k.Photo {
		s = append(s, "photo")
	}
	if k.Uneven >= unevenLight {
		s = append(s, "uneven")
	}
	if len(s) == 0 {
		return "scan"
	}
	return strings.Join(s, "+")
}

// unevenLight is the unevenness from which the light is flattened: a
// phone photo's page (about 3 with the desk around it) is, a scanner's
// vignette on yellowed paper (1.25–1.3) is not: flattening it read the
// shared bench's combo pages worse (1.36 % CER against 0.79 %).
const unevenLight = 1.6

// Steps says which preparation steps run. MOTCUA_PREP (for measuring,
// e.g. "-flatten,+unwarp") turns steps off and on. Off by default, as
// measured on the development set's tuning photos: Unwarp (0.57 % CER
// with it, 0.32 % without: the photos' perspective is mild, and
// resampling the page costs more than it gives) and Undouble.
type Steps struct {
	Unwarp    bool // undo a photo's perspective and crop the desk
	Flatten   bool // divide by the paper's brightness where light is uneven
	Despeckle bool // remove isolated specks from bilevel pages
	Enlarge   bool // enlarge bilevel pages to FaxDPI
	Smooth    bool // smooth bilevel pages' staircase edges when enlarging
	Undouble  bool // take a standard-mode fax's doubled lines for one when enlarging
	Rules     bool // erase long thin lines (streaks, table borders) from bilevel pages
}

// DefaultSteps are the steps Prepare runs.
var DefaultSteps = StepsFromEnv(os.Getenv("MOTCUA_PREP"))

// StepsFromEnv reads a MOTCUA_PREP value: steps named with a leading
// "-" are off, every other step on.
func StepsFromEnv(v string) Steps {
	s := Steps{Flatten: true, Despeckle: true, Enlarge: true, Smooth: true, Rules: true}
	for _, f := range strings.Split(v, ",") {
		on := !strings.HasPrefix(f, "-")
		switch strings.TrimLeft(f, "+-") {
		case "unwarp":
			s.Unwarp = on
		case "flatten":
			s.Flatten = on
		case "despeckle":
			s.Despeckle = on
		case "enlarge":
			s.Enlarge = on
		case "smooth":
			s.Smooth = on
		case "undouble":
			s.Undouble = on
		case "rules":
			s.Rules = on
		}
	}
	return s
}

// Prepare turns a decoded page into a straight grayscale image ready for
// Tesseract.
func Prepare(img image.Image, dpi int) Prepared { return PrepareWith(img, dpi, DefaultSteps) }

// PrepareWith prepares a page with the given steps.
func PrepareWith(img image.Image, dpi int, st Steps) Prepared {
	g := RedGray(img)
	kind := Detect(g, dpi)
	scale := 1.0
	if st.Unwarp {
		find := func() (Quad, bool) { return FindPage(g) }
		switch img.(type) {
		case *image.Gray, *image.Paletted:
		default:
			find = func() (Quad, bool) { return FindPageColour(img) }
		}
		if q, ok := find(); ok {
			kind.Photo = true
			g = Unwarp(g, q, TargetDPI)
			dpi, scale = TargetDPI, 0
		}
	}
	if st.Flatten {
		grid, gw, gh := paperGrid(g, max(8, paperCell*dpi/TargetDPI))
		kind.Uneven = Unevenness(grid, gw, gh)
		if kind.Uneven >= unevenLight {
			g = Flatten(g, grid, gw, gh, max(8, paperCell*dpi/TargetDPI))
		}
	}
	switch {
	case kind.Bilevel && st.Enlarge:
		// Grey low-resolution pages are read as they are: enlarged to
		// 300 dpi, the shared bench's 150 dpi pages read worse (0.18 %
		// CER against 0.07 %) and took twice as long.
		w, h := g.Rect.Dx(), g.Rect.Dy()
		ydpi := dpi
		if st.Undouble && doubledRows(g) {
			g, ydpi = undouble(g), dpi/2
		}
		if st.Rules {
			g = RemoveRules(g, min(dpi, ydpi)*4/5) // 2 cm: taller than three lines of text
		}
		if st.Despeckle {
			g = Despeckle(g, min(dpi, ydpi))
		}
		if st.Smooth {
			g = Smooth(g)
		}
		f := float64(FaxDPI) / float64(dpi)
		if f > 1.1 || ydpi != dpi {
			g = Resize(g, int(math.Round(float64(w)*f)), int(math.Round(float64(h)*f)))
			scale *= f
			dpi = FaxDPI
		}
	case dpi > TargetDPI*11/10:
		f := float64(TargetDPI) / float64(dpi)
		g = Resize(g, int(math.Round(float64(g.Rect.Dx())*f)), int(math.Round(float64(g.Rect.Dy())*f)))
		scale *= f
		dpi = TargetDPI
	}
	angle := Skew(g)
	if math.Abs(angle) >= 0.1 {
		g = Rotate(g, angle)
	} else {
		angle = 0
	}
	return Prepared{Gray: g, DPI: dpi, Skew: angle, Scale: scale, Kind: kind}
}

// RedGray returns the red channel of img as a grayscale image with origin
// (0, 0).
func RedGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch src := img.(type) {
	case *image.Gray:
		for y := range h {
			copy(out.Pix[y*out.Stride:y*out.Stride+w], src.Pix[(y)*src.Stride:(y)*src.Stride+w])
		}
		if b.Min != (image.Point{}) {
			for y := range h {
				for x := range w {
					out.Pix[y*out.Stride+x] = src.GrayAt(b.Min.X+x, b.Min.Y+y).Y
				}
			}
		}
	case *image.YCbCr:
		for y := range h {
			for x := range w {
				yi := src.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := src.COffset(b.Min.X+x, b.Min.Y+y)
				// R = Y + 1.402 (Cr − 128), in 16.16 fixed point.
				r := (int32(src.Y[yi])<<16 + 91881*(int32(src.Cr[ci])-128) + 1<<15) >> 16
				out.Pix[y*out.Stride+x] = uint8(min(max(r, 0), 255))
			}
		}
	case *image.RGBA:
		for y := range h {
			row := src.Pix[(y)*src.Stride:]
			for x := range w {
				out.Pix[y*out.Stride+x] = row[4*x]
			}
		}
	case *image.Paletted: // a 1-bit fax or a palette PNG
		var red [256]uint8
		for i, c := range src.Palette {
			r, _, _, a := c.RGBA()
			red[i] = uint8((r*a/0xffff + 0xffff - a) >> 8) // over white
		}
		for y := range h {
			row := src.Pix[y*src.Stride : y*src.Stride+w]
			o := out.Pix[y*out.Stride : y*out.Stride+w]
			for x, v := range row {
				o[x] = red[v]
			}
		}
	case *image.NRGBA:
		for y := range h {
			row := src.Pix[(y)*src.Stride:]
			for x := range w {
				r, a := uint32(row[4*x]), uint32(row[4*x+3])
				out.Pix[y*out.Stride+x] = uint8((r*a + 255*(255-a)) / 255) // over white
			}
		}
	default:
		for y := range h {
			for x := range w {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				r, a := uint32(c.R), uint32(c.A)
				out.Pix[y*out.Stride+x] = uint8((r*a + 255*(255-a)) / 255)
			}
		}
	}
	return out
}

// Resize scales g to w×h with a triangle (bilinear) filter widened to
// the scale factor when shrinking, like ImageMagick's -filter Triangle.
// Each output row is the weighted sum of a few source rows, resampled
// across: fixed-point arithmetic, one row of memory.
func Resize(g *image.Gray, w, h int) *image.Gray {
	sw, sh := g.Rect.Dx(), g.Rect.Dy()
	if w <= 0 || h <= 0 || (w == sw && h == sh) {
		return g
	}
	// Vertical weights sum to 1<<8, horizontal to 1<<12: every sum fits
	// in an int32.
	fixed := func(sp []span, one int32) ([]int, []int32, int) {
		taps := 0
		for _, s := range sp {
			taps = max(taps, len(s.w))
		}
		firsts := make([]int, len(sp))
		ws := make([]int32, len(sp)*taps)
		for i, s := range sp {
			firsts[i] = s.first
			sum := int32(0)
			for k, v := range s.w {
				ws[i*taps+k] = int32(v*float32(one) + 0.5)
				sum += ws[i*taps+k]
			}
			ws[i*taps] += one - sum // the weights add up to exactly one
		}
		return firsts, ws, taps
	}
	xf, xw, xt := fixed(weights(sw, w), 1<<12)
	yf, yw, yt := fixed(weights(sh, h), 1<<8)
	out := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]int32, sw+xt) // padded: taps past the edge weigh 0
	for y := range h {
		clear(acc)
		for k, wt := range yw[y*yt : (y+1)*yt] {
			if wt == 0 {
				continue
			}
			src := g.Pix[(yf[y]+k)*g.Stride : (yf[y]+k)*g.Stride+sw]
			for x, v := range src {
				acc[x] += wt * int32(v)
			}
		}
		o := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range o {
			a := acc[xf[x] : xf[x]+xt]
			ws := xw[x*xt : (x+1)*xt]
			var v int32
			for k, wt := range ws {
				v += wt * a[k]
			}
			o[x] = uint8(min(max((v+1<<19)>>20, 0), 255))
		}
	}
	return out
}

type span struct {
	first int
	w     []float32
}

func weights(src, dst int) []span {
	scale := float64(dst) / float64(src)
	support := 1.0
	if scale < 1 {
		support = 1 / scale
	}
	out := make([]span, dst)
	for i := range out {
		c := (float64(i)+0.5)/scale - 0.5
		lo := max(int(math.Floor(c-support)), 0)
		hi := min(int(math.Ceil(c+support)), src-1)
		var ws []float32
		var sum float64
		for j := lo; j <= hi; j++ {
			v := 1 - math.Abs(float64(j)-c)/support
			if v < 0 {
				v = 0
			}
			ws = append(ws, float32(v))
			sum += v
		}
		if sum == 0 {
			ws, lo = []float32{1}, min(max(int(math.Round(c)), 0), src-1)
			sum = 1
		}
		for k := range ws {
			ws[k] /= float32(sum)
		}
		out[i] = span{first: lo, w: ws}
	}
	return out
}

// Skew estimates the page's rotation in degrees (positive: text lines
// fall to the right, i.e. counter-clockwise correction needed is
// negative), from the projection profile of dark pixels on a reduced copy:
// the angle at which rows are most sharply separated wins.
func Skew(g *image.Gray) float64 {
	// Every second pixel of every second row: about 100 dpi for a 200 dpi
	// page, plenty to see text lines.
	const step = 2
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var hist256 [256]int
	for y := 0; y < h; y += step {
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x += step {
			hist256[row[x]]++
		}
	}
	t := otsuHist(hist256)
	type pt struct{ x, y float64 }
	var dark []pt
	for y := 0; y < h; y += step {
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x += step {
			if row[x] < t {
				dark = append(dark, pt{float64(x / step), float64(y / step)})
			}
		}
	}
	sw, sh := w/step+1, h/step+1
	if len(dark) < 100 || len(dark) > sw*sh/2 {
		return 0
	}
	hist := make([]float64, 2*(sw+sh))
	score := func(deg float64) float64 {
		clear(hist)
		tan := math.Tan(deg * math.Pi / 180)
		off := float64(sw + sh/2)
		for _, p := range dark {
			r := p.y - p.x*tan + off
			i := int(r)
			if i >= 0 && i+1 < len(hist) {
				f := r - float64(i)
				hist[i] += 1 - f
				hist[i+1] += f
			}
		}
		var s float64
		for i := 1; i < len(hist); i++ {
			d := hist[i] - hist[i-1]
			s += d * d
		}
		return s
	}
	best, bestS := 0.0, score(0)
	for a := -5.0; a <= 5.0; a += 0.25 {
		if s := score(a); s > bestS {
			best, bestS = a, s
		}
	}
	c := best
	for a := c - 0.2; a <= c+0.2; a += 0.05 {
		if s := score(a); s > bestS {
			best, bestS = a, s
		}
	}
	return best
}

// otsuHist returns the threshold separating ink from paper.
func otsuHist(hist [256]int) uint8 {
	total := 0
	for _, n := range hist {
		total += n
	}
	var sum float64
	for i, n := range hist {
		sum += float64(i * n)
	}
	var sumB, wB float64
	best, bestVar := 128, -1.0
	for t := range 256 {
		wB += float64(hist[t])
		if wB == 0 {
			continue
		}
		wF := float64(total) - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/wB, (sum-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t, v
		}
	}
	return uint8(best)
}

// Rotate turns g so that a line skewed by deg degrees (as Skew measures)
// becomes horizontal, keeping the size; uncovered corners are white.
// Bilinear interpolation in 16.16 fixed point, stepping along each row.
func Rotate(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	rad := deg * math.Pi / 180
	sin, cos := math.Sin(rad), math.Cos(rad)
	cx, cy := float64(w)/2, float64(h)/2
	const one = 1 << 16
	dx, dy := int64(cos*one), int64(sin*one)
	for y := range h {
		fy := float64(y) - cy
		o := out.Pix[y*out.Stride:]
		// Source of (0, y): rotate back by deg; each step in x adds (cos, sin).
		sx := int64((cx - fy*sin - cx*cos) * one)
		sy := int64((cy + fy*cos - cx*sin) * one)
		for x := range w {
			ix, iy := int(sx>>16), int(sy>>16)
			if sx < 0 || sy < 0 || ix+1 >= w || iy+1 >= h {
				o[x] = 255
			} else {
				fx1, fy1 := sx&(one-1), sy&(one-1)
				p := g.Pix[iy*g.Stride+ix:]
				q := g.Pix[(iy+1)*g.Stride+ix:]
				top := int64(p[0])*one + (int64(p[1])-int64(p[0]))*fx1
				bot := int64(q[0])*one + (int64(q[1])-int64(q[0]))*fx1
				o[x] = uint8((top*one + (bot-top)*fy1 + one*one/2) >> 32)
			}
			sx += dx
			sy += dy
		}
	}
	return out
}

// PGM encodes g as a binary PGM, which Leptonica reads without
// decompression.
func PGM(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	head := fmt.Sprintf("P5\n%d %d\n255\n", w, h)
	out := make([]byte, len(head)+w*h)
	copy(out, head)
	p := out[len(head):]
	for y := range h {
		copy(p[y*w:(y+1)*w], g.Pix[y*g.Stride:y*g.Stride+w])
	}
	return out
}
