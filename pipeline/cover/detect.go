package cover

import (
	"errors"
	"image"
	"image/color"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// detectSide is the size Detect first shrinks a page to, about 100 dpi:
// a cover's QR modules are 5 pixels there, and a 300 dpi page has a
// ninth of its pixels.
const detectSide = 850 // pixels across an A4 page's short side, ~100 dpi

// Detect looks for a cover sheet's QR code on a scanned page. It returns
// false and no error when the page holds none, or only a foreign QR
// code, and an error when it holds a motcua cover it cannot read (another
// version or a damaged payload), which the caller must not pass over.
func Detect(img image.Image) (Sheet, bool, error) {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	if short < 1 {
		return Sheet{}, false, nil
	}
	k := max(1, int(math.Round(float64(short)/detectSide)))
	type try struct {
		k      int  // shrink factor
		harder bool // TRY_HARDER: look for finder patterns on every row
	}
	tries := []try{{k, false}, {k, true}}
	if k > 1 {
		tries = append(tries, try{k - 1, true})
	}
	for _, t := range tries {
		g := shrink(img, t.k)
		src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, g.Rect.Dy(), 0, 0, g.Rect.Dx(), g.Rect.Dy(), false)
		if err != nil {
			return Sheet{}, false, err
		}
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
		if err != nil {
			return Sheet{}, false, err
		}
		hints := map[gozxing.DecodeHintType]interface{}{}
		if t.harder {
			hints[gozxing.DecodeHintType_TRY_HARDER] = true
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
		if err != nil {
			continue // no QR code found or none readable at this scale
		}
		s, err := Parse(res.GetText())
		if errors.Is(err, ErrNotCover) {
			return Sheet{}, false, nil
		}
		if err != nil {
			return Sheet{}, false, err
		}
		return s, true, nil
	}
	return Sheet{}, false, nil
}

// shrink returns img in grey, each k×k block averaged into one pixel.
func shrink(img image.Image, k int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	out := image.NewGray(image.Rect(0, 0, w, h))
	// luma returns one row of img's grey levels.
	row := make([]uint8, b.Dx())
	luma := func(y int) []uint8 {
		switch m := img.(type) {
		case *image.Gray:
			o := m.PixOffset(b.Min.X, y)
			return m.Pix[o : o+b.Dx()]
		case *image.YCbCr:
			o := m.YOffset(b.Min.X, y)
			return m.Y[o : o+b.Dx()]
		case *image.RGBA:
			o := m.PixOffset(b.Min.X, y)
			for x := range row {
				p := m.Pix[o+4*x:]
				row[x] = uint8((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
			}
		default:
			for x := range row {
				row[x] = color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray).Y
			}
		}
		return row
	}
	if k == 1 {
		for y := range h {
			copy(out.Pix[y*out.Stride:], luma(b.Min.Y+y))
		}
		return out
	}
	sum := make([]int, w)
	for y := range h {
		clear(sum)
		for j := range k {
			r := luma(b.Min.Y + y*k + j)
			for x := range w {
				for _, v := range r[x*k : x*k+k] {
					sum[x] += int(v)
				}
			}
		}
		for x, s := range sum {
			out.Pix[y*out.Stride+x] = uint8(s / (k * k))
		}
	}
	return out
}
