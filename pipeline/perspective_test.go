package pipeline

import (
	"image"
	"math"
	"testing"
)

// photo puts page on a darker desk of w×h pixels with its corners at q
// (clockwise from the top-left), lit unevenly: the light falls off by
// fall across the picture.
func photo(page *image.Gray, q Quad, w, h int, fall float64) *image.Gray {
	pw, ph := float64(page.Rect.Dx()-1), float64(page.Rect.Dy()-1)
	// The photo's pixels taken back to the page: photo → page.
	hm, ok := HomographyFrom(q, Quad{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}})
	if !ok {
		panic("degenerate quad")
	}
	out := Warp(page, hm, w, h)
	// Outside the page Warp leaves white: paint the desk there, a
	// mid-grey with a grain.
	for y := range h {
		for x := range w {
			u, v := hm.Map(float64(x), float64(y))
			i := y*out.Stride + x
			if u < 0 || v < 0 || u > pw || v > ph {
				out.Pix[i] = uint8(90 + (x*7+y*13)%23)
			}
			light := 1 - fall*float64(x+y)/float64(w+h)
			out.Pix[i] = uint8(float64(out.Pix[i]) * light)
		}
	}
	return out
}

func TestHomography(t *testing.T) {
	from := Quad{{0, 0}, {100, 0}, {100, 140}, {0, 140}}
	to := Quad{{12, 8}, {95, 15}, {90, 130}, {5, 120}}
	h, ok := HomographyFrom(from, to)
	if !ok {
		t.Fatal("no homography")
	}
	for i := range 4 {
		x, y := h.Map(from[i][0], from[i][1])
		if math.Hypot(x-to[i][0], y-to[i][1]) > 1e-6 {
			t.Errorf("corner %d maps to (%.3f, %.3f), want %v", i, x, y, to[i])
		}
	}
	if _, ok := HomographyFrom(from, Quad{{0, 0}, {1, 1}, {2, 2}, {3, 3}}); ok {
		t.Error("a homography onto four points on a line")
	}
}

func TestFindPage(t *testing.T) {
	page := textlike(827, 1170) // A4 at 100 dpi: small and fast
	cases := []struct {
		name string
		q    Quad
		fall float64
	}{
		{"tilted towards the top", Quad{{180, 120}, {820, 140}, {900, 1130}, {110, 1110}}, 0},
		{"turned a little, light falling off", Quad{{150, 160}, {780, 110}, {860, 1010}, {190, 1080}}, 0.35},
		{"nearly square on", Quad{{100, 100}, {880, 100}, {880, 1200}, {100, 1200}}, 0.1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := photo(page, c.q, 1000, 1300, c.fall)
			got, ok := FindPage(img)
			if !ok {
				t.Fatal("no page found")
			}
			for i := range 4 {
				if d := math.Hypot(got[i][0]-c.q[i][0], got[i][1]-c.q[i][1]); d > 3 {
					t.Errorf("corner %d at (%.1f, %.1f), want %v (%.1f px off)", i, got[i][0], got[i][1], c.q[i], d)
				}
			}
			// Unwarped, the page is the right size and its text rows are
			// level again.
			flat := Unwarp(img, got, 100)
			if d := flat.Rect.Dx() - 827; d < -2 || d > 2 || flat.Rect.Dy() != 1169 {
				t.Errorf("unwarped to %v", flat.Rect)
			}
			if a := Skew(flat); math.Abs(a) > 0.2 {
				t.Errorf("unwarped page skewed %.2f°", a)
			}
		})
	}
	// A scan: paper to the edges, nothing to find.
	if q, ok := FindPage(page); ok {
		t.Errorf("a scan's page found at %v", q)
	}
	if q, ok := FindPage(Rotate(page, 3)); ok {
		t.Errorf("a crooked scan's page found at %v", q)
	}
}

func TestFlatten(t *testing.T) {
	page := textlike(827, 1170)
	dim := photo(page, Quad{{0, 0}, {826, 0}, {826, 1169}, {0, 1169}}, 827, 1170, 0.5)
	grid, gw, gh := paperGrid(dim, 16)
	if u := Unevenness(grid, gw, gh); u < 1.5 {
		t.Errorf("light falling off by half: unevenness %.2f", u)
	}
	flat := Flatten(dim, grid, gw, gh, 16)
	grid2, gw2, gh2 := paperGrid(flat, 16)
	if u := Unevenness(grid2, gw2, gh2); u > 1.05 {
		t.Errorf("flattened: unevenness %.2f", u)
	}
	// Ink stays ink, in the dark corner too.
	if v := flat.GrayAt(700, 1050).Y; v > 60 && page.GrayAt(700, 1050).Y < 60 {
		t.Errorf("ink in the dark corner became %d", v)
	}
	if g, gw, gh := paperGrid(page, 16); Unevenness(g, gw, gh) > 1.05 {
		t.Error("an evenly lit page is uneven")
	}
}

func TestDetect(t *testing.T) {
	text := textlike(827, 1170)
	grey := Smooth(Smooth(text)) // antialiased letters
	// A fax: two tones, saved as JPEG it gains a little grey.
	jpegish := Smooth(text)
	for i := range jpegish.Pix {
		if v := jpegish.Pix[i]; v > 40 && v < 230 && i%5 != 0 {
			jpegish.Pix[i] = text.Pix[i]
		}
	}
	cases := []struct {
		name string
		g    *image.Gray
		dpi  int
		want string
	}{
		{"grey scan at 300 dpi", grey, 300, "scan"},
		{"grey scan at 200 dpi", grey, 200, "scan"},
		{"grey scan at 150 dpi", grey, 150, "lowres"},
		{"1-bit fax at 200 dpi", text, 200, "bilevel"},
		{"1-bit fax at 100 dpi", text, 100, "bilevel+lowres"},
		{"fax as JPEG", jpegish, 200, "bilevel"},
		{"blank page", image.NewGray(image.Rect(0, 0, 100, 100)), 200, "scan"},
	}
	for _, c := range cases {
		if c.name == "blank page" {
			for i := range c.g.Pix {
				c.g.Pix[i] = 255
			}
		}
		if got := Detect(c.g, c.dpi).String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestDespeckle(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	set := func(x, y int) { g.Pix[y*g.Stride+x] = 0 }
	for y := 40; y < 60; y++ { // a letter's stem
		for x := 50; x < 54; x++ {
			set(x, y)
		}
	}
	set(52, 62)              // its dot below, 2 px under it
	set(150, 20)             // a speck in the margin
	set(151, 20)             // (two pixels)
	set(120, 80)             // a lone pixel
	out := Despeckle(g, 100) // at 100 dpi
	for _, c := range []struct {
		x, y int
		ink  bool
	}{{52, 50, true}, {52, 62, true}, {150, 20, false}, {151, 20, false}, {120, 80, false}} {
		if got := out.GrayAt(c.x, c.y).Y < 128; got != c.ink {
			t.Errorf("(%d, %d): ink %v, want %v", c.x, c.y, got, c.ink)
		}
	}
}

func TestRemoveRules(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := 100; y < 130; y++ { // a letter's stem, 5 px thick
		for x := 40; x < 45; x++ {
			g.Pix[y*g.Stride+x] = 0
		}
	}
	for y := range 300 { // a streak down the page, with holes
		if y%13 != 0 {
			g.Pix[y*g.Stride+150] = 0
		}
	}
	for x := 20; x < 280; x++ { // a table's border, crossing the stem
		g.Pix[115*g.Stride+x] = 0
	}
	out := RemoveRules(g, 160)
	for _, c := range []struct {
		x, y int
		ink  bool
	}{{150, 50, false}, {150, 250, false}, {200, 115, false}, {42, 105, true}, {42, 115, true}, {42, 125, true}} {
		if got := out.GrayAt(c.x, c.y).Y < 128; got != c.ink {
			t.Errorf("(%d, %d): ink %v, want %v", c.x, c.y, got, c.ink)
		}
	}
}
