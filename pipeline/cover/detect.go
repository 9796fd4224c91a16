package cover

import (
	"errors"
	"image"
	"image/color"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Detect looks at a page shrunk to about 55 and 75 dpi: averaging
// blocks of pixels washes out scanner noise and dust, a cover's QR
// modules (1.6 mm) stay 3.5 to 4.7 pixels wide, and a page without a QR
// code is rejected in a few milliseconds.
var detectDPI = [...]float64{55, 75}

// Detect looks for a cover sheet's QR code on a scanned page. It returns
// false and no error when the page holds none, or only a foreign QR
// code, and an error when it holds a motcua cover it cannot read (another
// version or a damaged payload), which the caller must not pass over.
func Detect(img image.Image) (Sheet, bool, error) {
	text, ok, err := readQR(img)
	if !ok || err != nil {
		return Sheet{}, false, err
	}
	s, err := Parse(text)
	if errors.Is(err, ErrNotCover) {
		return Sheet{}, false, nil
	}
	if err != nil {
		return Sheet{}, false, err
	}
	return s, true, nil
}

// readQR returns the text of the first QR code it reads on a page.
func readQR(img image.Image) (string, bool, error) {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	dpi := float64(short) / (210 / 25.4) // as if the page were A4
	// The page is read once, into a base image of 150–300 dpi, and the
	// images looked at are made from that.
	k0 := max(1, int(dpi/150))
	base, dpi := shrink(img, k0), dpi/float64(k0)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	last := 0
	for _, target := range detectDPI {
		k := max(1, int(math.Round(dpi/target)))
		if k == last || short/k0/k < 100 {
			continue
		}
		last = k
		g := shrink(base, k)
		src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, g.Rect.Dy(), 0, 0, g.Rect.Dx(), g.Rect.Dy(), false)
		if err != nil {
			return "", false, err
		}
		// The global threshold is the fastest and suits a printed page;
		// the local one copes with uneven light.
		for _, bin := range []gozxing.Binarizer{gozxing.NewGlobalHistgramBinarizer(src), gozxing.NewHybridBinarizer(src)} {
			bmp, err := gozxing.NewBinaryBitmap(bin)
			if err != nil {
				return "", false, err
			}
			res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
			if err == nil {
				return res.GetText(), true, nil
			} // else no QR code found, or none readable
		}
	}
	return "", false, nil
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
	sum := make([]uint32, w)
	kk := uint32(k * k)
	for y := range h {
		clear(sum)
		for j := range k {
			r := luma(b.Min.Y + y*k + j)[:w*k]
			for x := range sum {
				var s uint32
				for _, v := range r[x*k : x*k+k] {
					s += uint32(v)
				}
				sum[x] += s
			}
		}
		for x, s := range sum {
			out.Pix[y*out.Stride+x] = uint8(s / kk)
		}
	}
	return out
}
