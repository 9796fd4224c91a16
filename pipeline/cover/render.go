package cover

import (
	"fmt"
	"image"
	"image/draw"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"motcua/internal/atomicfile"
	"motcua/internal/scanmaker"
)

// printDPI is the resolution of the image WritePDF puts on the page.
const printDPI = 300

// typeface is a sans serif with the Vietnamese letters, legible in large
// sizes after a poor scan.
var typeface = scanmaker.DejaVuSans

var (
	fontsOnce             sync.Once
	regularFont, boldFont *opentype.Font
	fontsErr              error
)

func loadFonts() error {
	fontsOnce.Do(func() {
		load := func(name string) *opentype.Font {
			data, err := os.ReadFile(filepath.Join(typeface.Dir, name))
			if err == nil {
				var f *opentype.Font
				if f, err = opentype.Parse(data); err == nil {
					return f
				}
			}
			if fontsErr == nil {
				fontsErr = fmt.Errorf("cover: font %s: %w (apt-get install fonts-dejavu-core)", name, err)
			}
			return nil
		}
		regularFont, boldFont = load(typeface.Regular), load(typeface.Bold)
	})
	return fontsErr
}

// WritePDF writes the cover sheet for s as a one-page A4 PDF at path,
// atomically.
func WritePDF(path string, s Sheet) error {
	img, err := Render(s, printDPI)
	if err != nil {
		return err
	}
	png, err := scanmaker.PNG(img, printDPI)
	if err != nil {
		return fmt.Errorf("cover: %w", err)
	}
	// scanmaker.PDF puts each image on an A4 page, filling it.
	pdf, err := scanmaker.PDF([][]byte{png})
	if err != nil {
		return fmt.Errorf("cover: %w", err)
	}
	return atomicfile.Write(path, pdf, 0o644)
}

// Render draws the cover sheet for s as an A4 page at dpi.
func Render(s Sheet, dpi int) (*image.Gray, error) {
	if dpi < 100 || dpi > 1200 {
		return nil, fmt.Errorf("cover: resolution %d dpi is outside 100–1200", dpi)
	}
	s = s.normalized()
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := loadFonts(); err != nil {
		return nil, err
	}
	qr, err := encoder.Encoder_encode(s.Payload(), decoder.ErrorCorrectionLevel_Q, map[gozxing.EncodeHintType]interface{}{})
	if err != nil {
		return nil, fmt.Errorf("cover: QR code: %w", err)
	}
	mm := func(v float64) int { return int(math.Round(v * float64(dpi) / 25.4)) }
	page := image.NewGray(image.Rect(0, 0, mm(210), mm(297)))
	draw.Draw(page, page.Rect, image.White, image.Point{}, draw.Src)
	w := page.Rect.Dx()

	// text draws str at baseline y, centred or from x, shrinking the size
	// until it fits between the margins; it returns where it ended.
	text := func(f *opentype.Font, pt float64, str string, x, y int, centred bool) int {
		for {
			face, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: float64(dpi), Hinting: font.HintingNone})
			adv := font.MeasureString(face, str).Round()
			if x+adv <= w-mm(20) || pt <= 8 || centred && adv <= w-2*mm(20) {
				if centred {
					x = (w - adv) / 2
				}
				d := font.Drawer{Dst: page, Src: image.Black, Face: face, Dot: fixed.P(x, y)}
				d.DrawString(str)
				return x + adv
			}
			pt--
		}
	}
	text(boldFont, 30, "PHIẾU NGĂN HỒ SƠ", 0, mm(30), true)
	text(regularFont, 12, "Đặt phiếu này trước hồ sơ khi quét; phiếu không phải giấy tờ của hồ sơ.", 0, mm(40), true)

	// The QR code, about 90 mm wide, in whole pixels a module.
	m := qr.GetMatrix()
	n := m.GetWidth()
	mod := max(1, mm(90)/n)
	x0, y0 := (w-n*mod)/2, mm(52)
	for y := range n {
		for x := range n {
			if m.Get(x, y) == 1 {
				draw.Draw(page, image.Rect(x0+x*mod, y0+y*mod, x0+(x+1)*mod, y0+(y+1)*mod), image.Black, image.Point{}, draw.Src)
			}
		}
	}

	y := y0 + n*mod + mm(22)
	rows := [][2]string{
		{"Mã hồ sơ: ", s.Code},
		{"Thủ tục: ", s.Procedure},
		{"Số định danh: ", s.OwnerID},
		{"Họ và tên: ", s.OwnerName},
	}
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		x := text(regularFont, 18, r[0], mm(20), y, false)
		text(boldFont, 22, r[1], x, y, false)
		y += mm(16)
	}
	text(regularFont, 9, "motcua · "+Header, 0, mm(285), true)
	return page, nil
}
