// Package scanmaker renders documents written in a small markup as A4
// page images at 200 dpi, degrades them like an office scanner, and
// encodes them as PNG, JPEG, multi-page TIFF or a scanned PDF, each with
// its resolution stamped. It makes the demo scans and test inputs; the
// default font is Liberation Serif 2 (Debian's fonts-liberation2), which
// has the Vietnamese letters that Liberation 1 lacks.
//
// Markup, one row a line:
//
//	L text            left-aligned at the margin (body)
//	C text            centred
//	R text            centred in the right half (signature column)
//	H left || right   a header row: both cells centred in their column
//	-                 half a line of space
//	===               next page
//
// A kind letter followed by "b" (Cb, Rb, Hb) sets the row in bold.
package scanmaker

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Page geometry: A4 at 200 dpi.
const (
	DPI     = 200
	Width   = 1654
	Height  = 2339
	marginL = 236 // 30 mm
	marginR = 157 // 20 mm
	marginT = 157
	sizePt  = 13.0
)

// Typeface names a family's font files (Italic and BoldItalic may be
// empty: the upright ones stand in).
type Typeface struct{ Name, Dir, Regular, Bold, Italic, BoldItalic string }

// Typefaces with Vietnamese letters from Debian packages. Liberation
// Serif 2 has Times New Roman's metrics, which Decree 30 prescribes.
var (
	LiberationSerif = Typeface{"Liberation Serif", liberation, "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"} // fonts-liberation2
	LiberationSans  = Typeface{"Liberation Sans", liberation, "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"}      // fonts-liberation2
	DejaVuSerif     = Typeface{"DejaVu Serif", dejavu, "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"}                                 // fonts-dejavu-core
	DejaVuSans      = Typeface{"DejaVu Sans", dejavu, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"}                                    // fonts-dejavu-core
)

const (
	liberation = "/usr/share/fonts/truetype/liberation2"
	dejavu     = "/usr/share/fonts/truetype/dejavu"
)

var (
	fontsMu sync.Mutex
	fonts   = map[string]*opentype.Font{}
)

func loadFont(dir, name string) (*opentype.Font, error) {
	fontsMu.Lock()
	defer fontsMu.Unlock()
	path := dir + "/" + name
	if f := fonts[path]; f != nil {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scanmaker: %w (install the font: apt-get install fonts-liberation2 fonts-dejavu-core)", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, err
	}
	fonts[path] = f
	return f, nil
}

func face(f *opentype.Font, pt float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: DPI, Hinting: font.HintingNone})
}

// Render lays out a document's pages in Liberation Serif.
func Render(src string) ([]*image.Gray, error) { return RenderWith(src, LiberationSerif) }

// RenderWith lays out a document's pages in the typeface tf.
func RenderWith(src string, tf Typeface) ([]*image.Gray, error) {
	regular, err := loadFont(tf.Dir, tf.Regular)
	if err != nil {
		return nil, err
	}
	bold, err := loadFont(tf.Dir, tf.Bold)
	if err != nil {
		return nil, err
	}
	reg, err := face(regular, sizePt)
	if err != nil {
		return nil, err
	}
	bf, err := face(bold, sizePt)
	if err != nil {
		return nil, err
	}
	lineH := 47 // 13 pt at 200 dpi, leading 1.3
	var pages []*image.Gray
	var page *image.Gray
	y := 0
	newPage := func() {
		page = image.NewGray(image.Rect(0, 0, Width, Height))
		draw.Draw(page, page.Rect, image.White, image.Point{}, draw.Src)
		pages = append(pages, page)
		y = marginT + lineH
	}
	newPage()
	text := func(f font.Face, s string, x int) {
		d := font.Drawer{Dst: page, Src: image.Black, Face: f, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	width := func(f font.Face, s string) int { return font.MeasureString(f, s).Round() }
	centre := func(f font.Face, s string, cx int) { text(f, s, cx-width(f, s)/2) }
	for _, row := range strings.Split(norm.NFC.String(src), "\n") {
		row = strings.TrimRight(row, " ")
		if row == "" || strings.HasPrefix(row, "#") {
			continue
		}
		if row == "===" {
			newPage()
			continue
		}
		if row == "-" {
			y += lineH / 2
			continue
		}
		kind, s, _ := strings.Cut(row, " ")
		f := reg
		if strings.HasSuffix(kind, "b") {
			f, kind = bf, strings.TrimSuffix(kind, "b")
		}
		switch kind {
		case "L":
			text(f, s, marginL)
		case "C":
			centre(f, s, (marginL+Width-marginR)/2)
		case "R":
			centre(f, s, (Width-marginR+(marginL+Width-marginR)/2)/2)
		case "H":
			l, r, _ := strings.Cut(s, "||")
			centre(f, strings.TrimSpace(l), marginL+240)
			centre(f, strings.TrimSpace(r), Width-marginR-375)
		default:
			return nil, fmt.Errorf("scanmaker: unknown row kind %q in %q", kind, row)
		}
		y += lineH
		if y > Height-marginT {
			return nil, fmt.Errorf("scanmaker: page overflows at %q", row)
		}
	}
	return pages, nil
}

// Scan describes how a page was "scanned".
type Scan struct {
	Angle float64 // degrees, positive turns the page clockwise
	Blur  bool    // a slightly soft lens
	Noise float64 // standard deviation of sensor noise, in grey levels
	Paper bool    // yellowed paper: the result is in colour
	Stamp bool    // a red seal over the signature's column
	Seed  uint64
}

// Degrade turns a clean page into a scan.
func Degrade(g *image.Gray, s Scan) image.Image {
	var img draw.Image = image.NewRGBA(g.Rect)
	draw.Draw(img, img.Bounds(), g, image.Point{}, draw.Src)
	if s.Stamp {
		stamp(img.(*image.RGBA))
	}
	if s.Angle != 0 {
		img = rotate(img.(*image.RGBA), s.Angle)
	}
	rgba := img.(*image.RGBA)
	if s.Blur {
		blur(rgba)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 7))
	paper := [3]float64{1, 1, 1}
	if s.Paper {
		paper = [3]float64{0.95, 0.91, 0.82}
	}
	p := rgba.Pix
	for i := 0; i < len(p); i += 4 {
		n := rng.NormFloat64() * s.Noise
		for c := range 3 {
			v := (float64(p[i+c])*0.86+20)*paper[c] + n
			p[i+c] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	if !s.Paper && !s.Stamp {
		out := image.NewGray(rgba.Rect)
		for i := range out.Pix {
			out.Pix[i] = p[4*i]
		}
		return out
	}
	return rgba
}

// stamp draws a red seal: two rings and a star, over the right column
// near the bottom of the text, where a signature block usually is.
func stamp(img *image.RGBA) {
	b := img.Bounds()
	// The seal sits over the signature column, found as the last inked
	// row in the right half.
	cx, cy := b.Dx()*62/100, b.Dy()*3/4
	for y := b.Dy() - marginT; y > marginT; y-- {
		inked := false
		for x := b.Dx() / 2; x < b.Dx()-marginR; x++ {
			if img.Pix[y*img.Stride+4*x] < 100 {
				inked = true
				break
			}
		}
		if inked {
			cy = y - 110
			break
		}
	}
	red := color.RGBA{200, 30, 40, 255}
	for y := cy - 170; y <= cy+170; y++ {
		for x := cx - 170; x <= cx+170; x++ {
			d := math.Hypot(float64(x-cx), float64(y-cy))
			in := (d > 150 && d < 162) || (d > 118 && d < 123)
			// A five-pointed star in the middle.
			if d < 45 {
				a := math.Atan2(float64(y-cy), float64(x-cx))
				r := 45 * (0.55 + 0.45*math.Abs(math.Cos(2.5*a)))
				in = d < r
			}
			if in && image.Pt(x, y).In(b) {
				o := img.PixOffset(x, y)
				for c, v := range []uint8{red.R, red.G, red.B} {
					// 80 % opaque ink multiplies what is printed.
					img.Pix[o+c] = uint8(float64(img.Pix[o+c]) * (0.2 + 0.8*float64(v)/255))
				}
			}
		}
	}
}

// rotate turns img by deg degrees about its centre, white outside.
func rotate(img *image.RGBA, deg float64) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, image.White, image.Point{}, draw.Src)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := range b.Dy() {
		for x := range b.Dx() {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := cx+dx*cos+dy*sin, cy-dx*sin+dy*cos
			ix, iy := int(sx), int(sy)
			if ix < 0 || iy < 0 || ix+1 >= b.Dx() || iy+1 >= b.Dy() {
				continue
			}
			fx, fy := sx-float64(ix), sy-float64(iy)
			o := out.PixOffset(x, y)
			for c := range 3 {
				at := func(x, y int) float64 { return float64(img.Pix[img.PixOffset(x, y)+c]) }
				top := at(ix, iy)*(1-fx) + at(ix+1, iy)*fx
				bot := at(ix, iy+1)*(1-fx) + at(ix+1, iy+1)*fx
				out.Pix[o+c] = uint8(top*(1-fy) + bot*fy + 0.5)
			}
		}
	}
	return out
}

// blur applies a 3×3 tent filter.
func blur(img *image.RGBA) {
	src := append([]uint8(nil), img.Pix...)
	b := img.Bounds()
	k := [3]int{1, 2, 1}
	for y := 1; y < b.Dy()-1; y++ {
		for x := 1; x < b.Dx()-1; x++ {
			for c := range 3 {
				s := 0
				for j := -1; j <= 1; j++ {
					for i := -1; i <= 1; i++ {
						s += k[i+1] * k[j+1] * int(src[(y+j)*img.Stride+4*(x+i)+c])
					}
				}
				img.Pix[y*img.Stride+4*x+c] = uint8(s / 16)
			}
		}
	}
}
