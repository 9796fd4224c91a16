package pipeline

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// textlike draws rows of word-like bars, as a page of text.
func textlike(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 250
	}
	for y := 150; y+30 < h-150; y += 60 {
		for x := 120; x+60 < w-120; x += 90 + (y/60*37+x)%50 {
			for yy := y; yy < y+28; yy++ {
				for xx := x; xx < x+60; xx++ {
					g.Pix[yy*g.Stride+xx] = 20
				}
			}
		}
	}
	return g
}

func TestSkewAndRotate(t *testing.T) {
	page := textlike(1654, 2339)
	if a := Skew(page); math.Abs(a) > 0.05 {
		t.Errorf("straight page: skew %.2f", a)
	}
	for _, deg := range []float64{-3, -1.2, 0.5, 1.5, 4} {
		tilted := Rotate(page, -deg)
		got := Skew(tilted)
		if math.Abs(got-deg) > 0.1 {
			t.Errorf("page tilted by %.1f°: measured %.2f°", deg, got)
		}
		// Straightening by the measured angle leaves no skew.
		if rest := Skew(Rotate(tilted, got)); math.Abs(rest) > 0.1 {
			t.Errorf("after deskewing %.1f°: %.2f° left", deg, rest)
		}
	}
	if a := Skew(image.NewGray(image.Rect(0, 0, 100, 100))); a != 0 {
		t.Errorf("blank page: %.2f", a)
	}
}

func TestPrepare(t *testing.T) {
	page := Smooth(Smooth(textlike(2480, 3508))) // A4 at 300 dpi, letters with grey edges
	p := Prepare(Rotate(page, 2), 300)
	if p.DPI != TargetDPI || p.Gray.Rect.Dx() != 1653 || p.Gray.Rect.Dy() != 2339 {
		t.Errorf("prepared %v at %d dpi", p.Gray.Rect, p.DPI)
	}
	if math.Abs(p.Skew+2) > 0.15 {
		t.Errorf("skew %.2f, want -2", p.Skew)
	}
	small := Prepare(Smooth(Smooth(textlike(1240, 1754))), 150)
	if small.DPI != 150 || small.Gray.Rect.Dx() != 1240 || small.Scale != 1 || !small.Kind.LowRes {
		t.Errorf("a grey 150 dpi page is kept as is: %v %d %s", small.Gray.Rect, small.DPI, small.Kind)
	}
	fax := Prepare(textlike(1240, 1754), 150)
	if fax.DPI != FaxDPI || fax.Gray.Rect.Dx() != 2480 || fax.Scale != 2 || !fax.Kind.Bilevel {
		t.Errorf("a 1-bit 150 dpi page is enlarged to %d dpi: %v %d %s", FaxDPI, fax.Gray.Rect, fax.DPI, fax.Kind)
	}
}

func TestResize(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range g.Pix {
		g.Pix[i] = 123
	}
	r := Resize(g, 200, 133)
	if r.Rect.Dx() != 200 || r.Rect.Dy() != 133 {
		t.Fatalf("size %v", r.Rect)
	}
	for _, v := range r.Pix {
		if v != 123 {
			t.Fatalf("a flat image stays flat: %d", v)
		}
	}
}

func TestRedGrayPaletted(t *testing.T) {
	p := image.NewPaletted(image.Rect(0, 0, 3, 1), color.Palette{color.Black, color.White, color.RGBA{200, 30, 40, 255}, color.NRGBA{0, 0, 0, 0}})
	p.Pix = []uint8{0, 1, 2}
	g := RedGray(p)
	if got := g.Pix; got[0] != 0 || got[1] != 255 || got[2] != 200 {
		t.Errorf("red channel %v", got)
	}
	p.Pix[0] = 3 // transparent: white paper
	if v := RedGray(p).Pix[0]; v != 255 {
		t.Errorf("transparent: %d", v)
	}
}
