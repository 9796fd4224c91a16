package scanmaker

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"motcua/internal/geom"
)

// Conditions are the ways a development page is "scanned", in the
// bench's order: the shared OCR bench's (clean, rot1, rot3, blur,
// dpi200, dpi150, jpeg, paper, stamp, combo; see its make_variants.sh)
// and fax (200 dpi received in standard mode: 100 lines per inch doubled,
// 1-bit, speckle, streaks), photo (a phone's photo of the page on a desk:
// perspective, uneven light, JPEG, no resolution stamped), lowcontrast
// (faded toner), skew (2–3°) and stamptext (seal and signature over the
// signer's lines and the text above, and a hanging seal over the issuer).
var Conditions = []string{"clean", "rot1", "rot3", "blur", "dpi200", "dpi150", "jpeg", "paper", "stamp", "combo",
	"fax", "photo", "lowcontrast", "skew", "stamptext"}

// raster is a grey (n = 1) or RGB (n = 3) image as planes of bytes.
type raster struct {
	w, h, n int
	c       [3][]uint8
}

// colour makes a grey raster RGB.
func (r *raster) colour() {
	if r.n == 1 {
		r.c[1], r.c[2], r.n = append([]uint8(nil), r.c[0]...), append([]uint8(nil), r.c[0]...), 3
	}
}

func newRaster(w, h, n int, bg [3]uint8) *raster {
	r := &raster{w: w, h: h, n: n}
	for i := range n {
		r.c[i] = make([]uint8, w*h)
		if bg[i] != 0 {
			for j := range r.c[i] {
				r.c[i][j] = bg[i]
			}
		}
	}
	return r
}

func fromGray(g *image.Gray) *raster {
	r := &raster{w: g.Rect.Dx(), h: g.Rect.Dy(), n: 1}
	r.c[0] = make([]uint8, r.w*r.h)
	for y := range r.h {
		copy(r.c[0][y*r.w:(y+1)*r.w], g.Pix[y*g.Stride:])
	}
	return r
}

func (r *raster) gray() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, r.w, r.h))
	if r.n == 1 {
		copy(g.Pix, r.c[0])
		return g
	}
	for i := range g.Pix {
		g.Pix[i] = uint8((299*int(r.c[0][i]) + 587*int(r.c[1][i]) + 114*int(r.c[2][i]) + 500) / 1000)
	}
	return g
}

func (r *raster) rgba() *image.RGBA {
	r.colour()
	m := image.NewRGBA(image.Rect(0, 0, r.w, r.h))
	for i := range r.w * r.h {
		m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2], m.Pix[4*i+3] = r.c[0][i], r.c[1][i], r.c[2][i], 255
	}
	return m
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 254.5:
		return 255
	}
	return uint8(v + 0.5)
}

// sample reads plane c at (x, y) bilinearly; ok is false outside.
func (r *raster) sample(c int, x, y float64) (float64, bool) {
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	if ix < 0 || iy < 0 || ix+1 >= r.w || iy+1 >= r.h {
		return 0, false
	}
	fx, fy := x-float64(ix), y-float64(iy)
	p := r.c[c]
	o := iy*r.w + ix
	top := float64(p[o])*(1-fx) + float64(p[o+1])*fx
	bot := float64(p[o+r.w])*(1-fx) + float64(p[o+r.w+1])*fx
	return top*(1-fy) + bot*fy, true
}

// rotate turns the image by deg degrees (positive: counter-clockwise, as
// ImageMagick's negative -rotate) on a canvas grown to hold it all, bg
// outside.
func (r *raster) rotate(deg float64, bg [3]uint8) *raster {
	sin, cos := math.Sincos(deg * math.Pi / 180)
	w := int(math.Abs(float64(r.w)*cos) + math.Abs(float64(r.h)*sin) + 0.5)
	h := int(math.Abs(float64(r.w)*sin) + math.Abs(float64(r.h)*cos) + 0.5)
	out := newRaster(w, h, r.n, bg)
	cx, cy := float64(r.w)/2, float64(r.h)/2
	ox, oy := float64(w)/2, float64(h)/2
	for y := range h {
		for x := range w {
			dx, dy := float64(x)-ox, float64(y)-oy
			sx, sy := cx+dx*cos-dy*sin, cy+dx*sin+dy*cos
			for c := range r.n {
				if v, ok := r.sample(c, sx, sy); ok {
					out.c[c][y*w+x] = clamp8(v)
				}
			}
		}
	}
	return out
}

// blur is a Gaussian blur of standard deviation sigma pixels.
func (r *raster) blur(sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, r.w*r.h)
	for c := range r.n {
		p := r.c[c]
		for y := range r.h {
			for x := range r.w {
				s := 0.0
				for i, kv := range k {
					xx := min(max(x+i-rad, 0), r.w-1)
					s += kv * float64(p[y*r.w+xx])
				}
				tmp[y*r.w+x] = s
			}
		}
		for y := range r.h {
			for x := range r.w {
				s := 0.0
				for i, kv := range k {
					yy := min(max(y+i-rad, 0), r.h-1)
					s += kv * tmp[yy*r.w+x]
				}
				p[y*r.w+x] = clamp8(s)
			}
		}
	}
}

// resize scales to w×h with a triangle filter (ImageMagick's Triangle).
func (r *raster) resize(w, h int) *raster {
	out := newRaster(w, h, r.n, [3]uint8{})
	type tap struct {
		i int
		w float64
	}
	weights := func(n, m int) [][]tap {
		scale := float64(m) / float64(n)
		support := math.Max(1, 1/scale)
		ts := make([][]tap, m)
		for j := range m {
			centre := (float64(j)+0.5)/scale - 0.5
			sum := 0.0
			for i := int(math.Floor(centre - support)); i <= int(math.Ceil(centre+support)); i++ {
				wt := 1 - math.Abs(float64(i)-centre)/support
				if wt <= 0 {
					continue
				}
				ii := min(max(i, 0), n-1)
				ts[j] = append(ts[j], tap{ii, wt})
				sum += wt
			}
			for k := range ts[j] {
				ts[j][k].w /= sum
			}
		}
		return ts
	}
	wx, wy := weights(r.w, w), weights(r.h, h)
	tmp := make([]float64, w*r.h)
	for c := range r.n {
		p := r.c[c]
		for y := range r.h {
			for x := range w {
				s := 0.0
				for _, t := range wx[x] {
					s += t.w * float64(p[y*r.w+t.i])
				}
				tmp[y*w+x] = s
			}
		}
		for y := range h {
			for x := range w {
				s := 0.0
				for _, t := range wy[y] {
					s += t.w * tmp[t.i*w+x]
				}
				out.c[c][y*w+x] = clamp8(s)
			}
		}
	}
	return out
}

// noise adds Gaussian noise of standard deviation sigma, the same to
// every channel.
func (r *raster) noise(rng *rand.Rand, sigma float64) {
	for i := range r.w * r.h {
		n := rng.NormFloat64() * sigma
		for c := range r.n {
			r.c[c][i] = clamp8(float64(r.c[c][i]) + n)
		}
	}
}

// levels maps black to dark and white to light, per channel
// (ImageMagick's +level-colors).
func (r *raster) levels(dark, light [3]uint8) {
	if dark[0] != dark[1] || dark[0] != dark[2] || light[0] != light[1] || light[0] != light[2] {
		r.colour()
	}
	for c := range r.n {
		lo, hi := float64(dark[c]), float64(light[c])
		var lut [256]uint8
		for v := range lut {
			lut[v] = clamp8(lo + (hi-lo)*float64(v)/255)
		}
		for i, v := range r.c[c] {
			r.c[c][i] = lut[v]
		}
	}
}

// vignette multiplies by a radial gradient from white at the centre to
// edge at the corners.
func (r *raster) vignette(edge [3]uint8) {
	r.colour()
	cx, cy := float64(r.w)/2, float64(r.h)/2
	rad := math.Hypot(cx, cy)
	for y := range r.h {
		for x := range r.w {
			t := math.Hypot(float64(x)-cx, float64(y)-cy) / rad
			for c := range 3 {
				f := 1 - t*(1-float64(edge[c])/255)
				o := y*r.w + x
				r.c[c][o] = clamp8(float64(r.c[c][o]) * f)
			}
		}
	}
}

// mark multiplies ink of colour col and opacity a where mask is set.
func (r *raster) mark(mask *image.Alpha, col color.RGBA, a float64) {
	r.colour()
	b := inked(mask).Intersect(image.Rect(0, 0, r.w, r.h))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			m := float64(mask.Pix[mask.PixOffset(x, y)]) / 255 * a
			if m == 0 {
				continue
			}
			o := y*r.w + x
			for c, v := range [3]uint8{col.R, col.G, col.B} {
				r.c[c][o] = clamp8(float64(r.c[c][o]) * (1 - m*(1-float64(v)/255)))
			}
		}
	}
}

// inked is the bounding box of mask's set pixels.
func inked(mask *image.Alpha) image.Rectangle {
	var b image.Rectangle
	for y := mask.Rect.Min.Y; y < mask.Rect.Max.Y; y++ {
		row := mask.Pix[(y-mask.Rect.Min.Y)*mask.Stride:][:mask.Rect.Dx()]
		first := -1
		last := -1
		for x, v := range row {
			if v != 0 {
				if first < 0 {
					first = x
				}
				last = x
			}
		}
		if first >= 0 {
			b = b.Union(image.Rect(mask.Rect.Min.X+first, y, mask.Rect.Min.X+last+1, y+1))
		}
	}
	return b
}

// disc fills a disc of radius rad in mask.
func disc(mask *image.Alpha, cx, cy, rad float64) {
	for y := int(cy - rad - 1); y <= int(cy+rad+1); y++ {
		for x := int(cx - rad - 1); x <= int(cx+rad+1); x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			if d <= rad && image.Pt(x, y).In(mask.Rect) {
				mask.SetAlpha(x, y, color.Alpha{255})
			}
		}
	}
}

// seal draws a round red seal of outer radius rad (pixels) centred at
// (cx, cy): two rings, the issuing body's name across the top, a star.
func (r *raster) seal(cx, cy, rad float64, opacity float64, label string) error {
	mask := image.NewAlpha(image.Rect(0, 0, r.w, r.h))
	ring := func(r0, r1 float64) {
		for y := int(cy - r1 - 1); y <= int(cy+r1+1); y++ {
			for x := int(cx - r1 - 1); x <= int(cx+r1+1); x++ {
				d := math.Hypot(float64(x)-cx, float64(y)-cy)
				if d >= r0 && d <= r1 && image.Pt(x, y).In(mask.Rect) {
					mask.SetAlpha(x, y, color.Alpha{255})
				}
			}
		}
	}
	ring(rad-rad*0.045, rad)
	ring(rad*0.76, rad*0.78)
	for y := int(cy - rad*0.25); y <= int(cy+rad*0.25); y++ {
		for x := int(cx - rad*0.25); x <= int(cx+rad*0.25); x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			a := math.Atan2(float64(y)-cy, float64(x)-cx)
			if d < rad*0.22*(0.55+0.45*math.Abs(math.Cos(2.5*(a+math.Pi/2)))) && image.Pt(x, y).In(mask.Rect) {
				mask.SetAlpha(x, y, color.Alpha{255})
			}
		}
	}
	if label != "" {
		otf, err := loadFont(DejaVuSans.Dir, DejaVuSans.Bold)
		if err != nil {
			return err
		}
		for pt := 40.0; pt > 8; pt -= 2 {
			f, err := face(otf, pt)
			if err != nil {
				return err
			}
			// face sets 200 dpi; the label fits the inner ring's chord.
			w := font.MeasureString(f, label).Round()
			if float64(w) < rad*1.3 {
				d := font.Drawer{Dst: mask, Src: image.Opaque, Face: f, Dot: fixed.P(int(cx)-w/2, int(cy-rad*0.38))}
				d.DrawString(label)
				break
			}
		}
	}
	r.mark(mask, color.RGBA{200, 20, 30, 255}, opacity)
	return nil
}

// signature draws a blue pen stroke across the box: a few loops and a
// tail, shaped by rng.
func (r *raster) signature(rng *rand.Rand, box image.Rectangle, width float64) {
	mask := image.NewAlpha(image.Rect(0, 0, r.w, r.h))
	cx, cy := float64(box.Min.X+box.Max.X)/2, float64(box.Min.Y+box.Max.Y)/2
	w, h := float64(box.Dx()), float64(box.Dy())
	n := 4 + rng.IntN(3)
	pts := make([][2]float64, n)
	for i := range pts {
		t := float64(i)/float64(n-1) - 0.5
		pts[i] = [2]float64{cx + t*w, cy + (rng.Float64()-0.5)*h}
	}
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		// A loop between each pair of points.
		for s := 0.0; s <= 1; s += 0.002 {
			x := a[0] + (b[0]-a[0])*s + math.Sin(s*2*math.Pi)*w*0.04
			y := a[1] + (b[1]-a[1])*s - math.Sin(s*math.Pi)*h*0.5
			disc(mask, x, y, width/2)
		}
	}
	r.mark(mask, color.RGBA{20, 50, 160, 255}, 0.9)
}

// warp maps the page onto the quadrilateral q (top-left, top-right,
// bottom-right, bottom-left) of a w×h canvas painted by bg.
func (r *raster) warp(w, h int, q [4][2]float64, bg func(x, y int) [3]uint8) *raster {
	r.colour()
	out := newRaster(w, h, 3, [3]uint8{})
	src := [4][2]float64{{0, 0}, {float64(r.w - 1), 0}, {float64(r.w - 1), float64(r.h - 1)}, {0, float64(r.h - 1)}}
	m, _ := geom.HomographyFrom(q, src) // canvas → page (q is never degenerate here)
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			sx, sy := m.Map(fx, fy)
			o := y*w + x
			inside := true
			var v [3]float64
			for c := range 3 {
				var ok bool
				if v[c], ok = r.sample(c, sx, sy); !ok {
					inside = false
				}
			}
			if inside {
				for c := range 3 {
					out.c[c][o] = clamp8(v[c])
				}
			} else {
				b := bg(x, y)
				for c := range 3 {
					out.c[c][o] = b[c]
				}
			}
		}
	}
	return out
}

// Condition degrades page i of a composed document as the named
// condition does and encodes it. The image is PNG or JPEG (ext ".png",
// ".jpg"), stamped with its resolution; seed varies the random parts.
// Sizes and resolutions are for a document set at 300 dpi and scale with
// its DPI (dpi200 of a page set at 150 dpi is at 100 dpi).
func Condition(name string, doc *Composed, i int, seed uint64) (data []byte, ext string, err error) {
	page, sig, head := doc.Pages[i], doc.Sig[i], doc.Header[i]
	dpi := doc.DPI
	f := float64(dpi) / 300 // sizes below are for 300 dpi
	rng := rand.New(rand.NewPCG(seed, 0x5ca9))
	white := [3]uint8{255, 255, 255}
	if sig.Empty() {
		sig = image.Rect(page.Rect.Dx()*55/100, page.Rect.Dy()*70/100, page.Rect.Dx()*85/100, page.Rect.Dy()*80/100)
	}
	stamp := func(r *raster) error {
		// As the shared bench: the seal over the left third of the
		// signature block, a signature across its middle.
		cx, cy := float64(sig.Min.X)+40*f, float64(sig.Min.Y+sig.Max.Y)/2
		if err := r.seal(cx, cy, 205*f, 0.8, "ỦY BAN NHÂN DÂN"); err != nil {
			return err
		}
		mx, my := (sig.Min.X+sig.Max.X)/2, (sig.Min.Y+sig.Max.Y)/2
		r.signature(rng, image.Rect(mx-int(180*f), my-int(60*f), mx+int(190*f), my+int(60*f)), 5*f)
		return nil
	}
	paper := func(r *raster) {
		r.levels([3]uint8{0x26, 0x26, 0x2f}, [3]uint8{0xf1, 0xe7, 0xcf})
		r.vignette([3]uint8{0xc9, 0xc1, 0xb0})
	}
	grayPNG := func(r *raster, dpi int) ([]byte, string, error) {
		b, err := PNG(r.gray(), dpi)
		return b, ".png", err
	}
	r := fromGray(page)
	switch name {
	case "clean":
		b, err := PNG(page, dpi)
		return b, ".png", err
	case "rot1":
		return grayPNG(r.rotate(-1.2, white), dpi)
	case "rot3":
		return grayPNG(r.rotate(3, white), dpi)
	case "skew":
		a := 2 + rng.Float64()
		if rng.IntN(2) == 0 {
			a = -a
		}
		return grayPNG(r.rotate(a, white), dpi)
	case "blur":
		r.blur(2 * f)
		return grayPNG(r, dpi)
	case "dpi200", "dpi150":
		to := map[string]int{"dpi200": 200, "dpi150": 150}[name]
		return grayPNG(r.resize(r.w*to/300, r.h*to/300), to*dpi/300)
	case "jpeg":
		b, err := JPEG(page, dpi, 15)
		return b, ".jpg", err
	case "paper":
		paper(r)
		b, err := JPEG(r.rgba(), dpi, 85)
		return b, ".jpg", err
	case "stamp":
		if err := stamp(r); err != nil {
			return nil, "", err
		}
		b, err := PNG(r.rgba(), dpi)
		return b, ".png", err
	case "combo":
		if err := stamp(r); err != nil {
			return nil, "", err
		}
		paper(r)
		r = r.rotate(-1.5, [3]uint8{0xe9, 0xdf, 0xc6})
		r.blur(1 * f)
		r.noise(rng, 4)
		r = r.resize(r.w*200/300, r.h*200/300)
		b, err := JPEG(r.rgba(), 200*dpi/300, 60)
		return b, ".jpg", err
	case "stamptext":
		// The seal on the signer's title and over the text above it, the
		// signature across the name, a hanging seal over the issuer.
		cx, cy := float64(sig.Min.X+sig.Max.X)/2-60*f, float64(sig.Min.Y)+20*f
		if err := r.seal(cx, cy, 230*f, 0.9, "ỦY BAN NHÂN DÂN"); err != nil {
			return nil, "", err
		}
		if !head.Empty() {
			if err := r.seal(float64(head.Min.X)+30*f, float64(head.Min.Y+head.Max.Y)/2, 170*f, 0.85, "ỦY BAN NHÂN DÂN"); err != nil {
				return nil, "", err
			}
		}
		r.signature(rng, image.Rect(sig.Min.X, sig.Max.Y-int(220*f), sig.Max.X, sig.Max.Y), 6*f)
		b, err := PNG(r.rgba(), dpi)
		return b, ".png", err
	case "lowcontrast":
		r.levels([3]uint8{125, 125, 125}, [3]uint8{212, 212, 212})
		r.noise(rng, 3)
		return grayPNG(r, dpi)
	case "fax":
		return fax(r, dpi, rng)
	case "photo":
		return photo(r, dpi, rng)
	}
	return nil, "", fmt.Errorf("scanmaker: unknown condition %q (known: %v)", name, Conditions)
}

// fax: received in standard mode (200 × 100 dpi), thresholded to 1 bit,
// with speckle and streaks, its lines doubled to 200 dpi as fax software
// stores it.
func fax(r *raster, dpi int, rng *rand.Rand) ([]byte, string, error) {
	r = r.rotate(rng.Float64()-0.5, [3]uint8{255, 255, 255})
	lo := r.resize(r.w*200/300, r.h*100/300)
	w, h := lo.w, lo.h
	bit := make([]bool, w*h) // black
	for i, v := range lo.c[0] {
		bit[i] = float64(v)+rng.NormFloat64()*18 < 150
	}
	// Speckle: lone black dots and small clusters; white dropouts in ink.
	for range w * h / 900 {
		x, y := rng.IntN(w-1), rng.IntN(h-1)
		bit[y*w+x] = true
		if rng.IntN(4) == 0 {
			bit[y*w+x+1], bit[(y+1)*w+x] = true, true
		}
	}
	for range w * h / 400 {
		bit[rng.IntN(w*h)] = false
	}
	// Streaks: a dirty scanner line (vertical, full height), a few
	// dropped lines (white) and a smudged one (broken black).
	sx := w/5 + rng.IntN(w*3/5)
	for y := range h {
		if rng.IntN(10) > 0 {
			bit[y*w+sx] = true
		}
	}
	for range 2 + rng.IntN(2) {
		y := rng.IntN(h)
		for x := range w {
			bit[y*w+x] = false
		}
	}
	y := rng.IntN(h)
	for x := range w {
		if rng.IntN(3) == 0 {
			bit[y*w+x] = true
		}
	}
	img := image.NewPaletted(image.Rect(0, 0, w, 2*h), color.Palette{color.Black, color.White})
	for y := range 2 * h {
		for x := range w {
			if !bit[(y/2)*w+x] {
				img.Pix[y*img.Stride+x] = 1
			}
		}
	}
	b, err := PNG(img, 200*dpi/300)
	return b, ".png", err
}

// photo: the page lying on a desk, photographed from above and a little
// to the side: perspective, light falling off across the page, the desk
// around it, a soft lens, sensor noise, JPEG with no resolution stamped
// (as a phone's). The page is about 175 dpi in the photo.
func photo(r *raster, dpi int, rng *rand.Rand) ([]byte, string, error) {
	r.levels([3]uint8{30, 28, 32}, [3]uint8{246, 243, 235})
	r = r.resize(r.w*200/300, r.h*200/300)
	f := float64(dpi) / 300 // the sizes below are for a page set at 300 dpi
	w, h := int(1800*f), int(2400*f)
	j := func(s float64) float64 { return (rng.Float64() - 0.5) * 2 * s }
	// The page about 1450 px wide: its top edge further away (shorter).
	q := [4][2]float64{
		{200 + j(40) + 40, 180 + j(40)}, {1600 + j(40) - 40, 180 + j(40)},
		{1640 + j(40), 2250 + j(30)}, {160 + j(40), 2250 + j(30)},
	}
	for i := range q {
		q[i][0], q[i][1] = q[i][0]*f, q[i][1]*f
	}
	grain := rng.Float64() * 10
	desk := func(x, y int) [3]uint8 {
		s := 0.5 + 0.5*math.Sin(float64(y)/37+math.Sin(float64(x)/180+grain)*3)
		return [3]uint8{clamp8(110 + 30*s), clamp8(78 + 22*s), clamp8(50 + 15*s)}
	}
	out := r.warp(w, h, q, desk)
	// Light falling off along a random direction, and a vignette.
	a := rng.Float64() * 2 * math.Pi
	dx, dy := math.Cos(a), math.Sin(a)
	depth := 0.3 + rng.Float64()*0.15
	for y := range h {
		for x := range w {
			t := ((float64(x)/float64(w)-0.5)*dx + (float64(y)/float64(h)-0.5)*dy) + 0.5
			v := math.Hypot(float64(x)/float64(w)-0.5, float64(y)/float64(h)-0.5)
			l := (1 - depth*math.Max(0, math.Min(1, t))) * (1 - 0.25*v*v)
			o := y*w + x
			for c := range out.n {
				out.c[c][o] = clamp8(float64(out.c[c][o]) * l)
			}
		}
	}
	out.blur(0.8 * f)
	out.noise(rng, 3)
	b, err := JPEG(out.rgba(), 0, 85)
	return b, ".jpg", err
}
