package cover

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"

	"motcua/internal/scanmaker"
)

var sample = Sheet{"000.42.27.H09-240515-0087", "1.001193", "001234567890", "Nguyễn Thị Ngọc Hương"}

// letter is a plain one-page document, as scanmaker lays it out.
const letter = `Hb UBND XÃ TÂN PHÚ || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hb CÔNG AN XÃ || Độc lập - Tự do - Hạnh phúc
-
Cb GIẤY XÁC NHẬN
C Về việc cư trú của công dân
-
L Công an xã Tân Phú xác nhận ông Trần Văn Hùng, sinh năm 1978,
L số định danh cá nhân 079078001234, thường trú tại ấp Phú Hòa,
L xã Tân Phú, huyện Đức Hòa, tỉnh Long An, từ năm 2005 đến nay.
L Giấy xác nhận có giá trị trong thời hạn sáu tháng kể từ ngày ký.
-
R Tân Phú, ngày 15 tháng 5 năm 2024
Rb TRƯỞNG CÔNG AN XÃ
-
-
R Nguyễn Đức Thắng`

// rasterize renders page 1 of a PDF in grey at dpi with poppler's pdftoppm.
func rasterize(t testing.TB, pdf string, dpi int) *image.Gray {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (apt-get install poppler-utils)")
	}
	out := filepath.Join(t.TempDir(), "page")
	if b, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-png", "-singlefile", pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
	data, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

// coverPage prints s to a PDF and rasterizes it at dpi.
func coverPage(t testing.TB, s Sheet, dpi int) *image.Gray {
	t.Helper()
	pdf := filepath.Join(t.TempDir(), "cover.pdf")
	if err := WritePDF(pdf, s); err != nil {
		t.Fatal(err)
	}
	return rasterize(t, pdf, dpi)
}

// textPage renders the letter with scanmaker and rasterizes it at dpi.
func textPage(t testing.TB, dpi int) *image.Gray {
	t.Helper()
	pages, err := scanmaker.Render(letter)
	if err != nil {
		t.Fatal(err)
	}
	j, err := scanmaker.JPEG(pages[0], scanmaker.DPI, 90)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := scanmaker.PDF([][]byte{j})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return rasterize(t, path, dpi)
}

// speckle scatters dust: 2×2 dots, black on the paper and white on the
// ink, over a fraction of the page.
func speckle(img image.Image, frac float64, seed uint64) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(b)
	draw.Draw(g, b, img, b.Min, draw.Src)
	rng := rand.New(rand.NewPCG(seed, 3))
	for range int(frac * float64(b.Dx()*b.Dy()) / 4) {
		x, y := b.Min.X+rng.IntN(b.Dx()-1), b.Min.Y+rng.IntN(b.Dy()-1)
		v := uint8(0)
		if g.GrayAt(x, y).Y < 128 {
			v = 255
		}
		for _, p := range []image.Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
			g.Pix[g.PixOffset(x+p.X, y+p.Y)] = v
		}
	}
	return g
}

// viaJPEG compresses img as a scanner's JPEG export does.
func viaJPEG(t testing.TB, img image.Image, quality int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPrintRoundTrip(t *testing.T) {
	for _, dpi := range []int{200, 300} {
		page := coverPage(t, sample, dpi)
		if w := page.Rect.Dx(); w < dpi*2090/254 || w > dpi*2110/254 { // 210 mm
			t.Fatalf("%d dpi: page is %d px wide, want A4", dpi, w)
		}
		tests := []struct {
			name string
			scan scanmaker.Scan
			dust float64
			jpeg int
		}{
			{"clean", scanmaker.Scan{}, 0, 0},
			{"-3° noisy", scanmaker.Scan{Angle: -3, Noise: 20, Blur: true, Seed: 1}, 0.005, 0},
			{"+3° noisy", scanmaker.Scan{Angle: 3, Noise: 20, Blur: true, Seed: 2}, 0.005, 0},
			{"+3° yellowed JPEG", scanmaker.Scan{Angle: 3, Noise: 12, Paper: true, Seed: 3}, 0.002, 60},
			{"-3° dusty", scanmaker.Scan{Angle: -3, Noise: 30, Seed: 4}, 0.02, 0},
		}
		for _, tt := range tests {
			t.Run(strconv.Itoa(dpi)+"dpi/"+tt.name, func(t *testing.T) {
				var img image.Image = page
				if tt.scan != (scanmaker.Scan{}) {
					img = scanmaker.Degrade(page, tt.scan)
				}
				if tt.dust > 0 {
					img = speckle(img, tt.dust, tt.scan.Seed)
				}
				if tt.jpeg > 0 {
					img = viaJPEG(t, img, tt.jpeg)
				}
				got, ok, err := Detect(img)
				if err != nil || !ok {
					t.Fatalf("Detect = %v, %v", ok, err)
				}
				if got != sample {
					t.Fatalf("Detect = %+v, want %+v", got, sample)
				}
			})
		}
	}
}

func TestDetectNoCover(t *testing.T) {
	text := textPage(t, 300)
	blank := image.NewGray(image.Rect(0, 0, 2480, 3508))
	draw.Draw(blank, blank.Rect, image.White, image.Point{}, draw.Src)
	url := "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=000.42.27.H09-240515-0087"
	foreign := withQR(t, text, url, 40)
	if got, ok, _ := readQR(foreign); !ok || got != url {
		t.Fatalf("the foreign QR code reads %q, %v; want the URL", got, ok)
	}
	tests := []struct {
		name string
		img  image.Image
	}{
		{"blank", blank},
		{"letter", text},
		{"letter scanned", scanmaker.Degrade(text, scanmaker.Scan{Angle: 2, Noise: 15, Blur: true, Stamp: true, Seed: 5})},
		{"letter with a URL QR code", foreign},
		{"letter with a near-miss QR code", withQR(t, text, "motcua-hoso/1\nma=x\ntt=y\nid=z\nten=", 60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok, err := Detect(tt.img)
			if ok || err != nil {
				t.Fatalf("Detect = %+v, %v, %v; want false, nil", s, ok, err)
			}
		})
	}
}

// A cover of an unknown version is a cover: Detect must not pass it over
// as an ordinary page.
func TestDetectUnreadableCover(t *testing.T) {
	payload := "MOTCUA-HOSO/2\nma=000.42.27.H09-240515-0087"
	_, ok, err := Detect(withQR(t, textPage(t, 200), payload, 60))
	var pe *PayloadError
	if ok || !errors.As(err, &pe) {
		t.Fatalf("Detect = %v, %v; want false, a *PayloadError", ok, err)
	}
}

// withQR returns a copy of page with a QR code of text in its lower
// right corner, mm wide.
func withQR(t testing.TB, page *image.Gray, text string, mm int) *image.Gray {
	t.Helper()
	qr, err := encoder.Encoder_encode(text, decoder.ErrorCorrectionLevel_M, map[gozxing.EncodeHintType]interface{}{})
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewGray(page.Rect)
	copy(out.Pix, page.Pix)
	m := qr.GetMatrix()
	n := m.GetWidth()
	dpi := page.Rect.Dx() * 254 / 2100
	mod := max(2, dpi*mm*10/254/n)
	x0, y0 := page.Rect.Dx()-dpi-n*mod, page.Rect.Dy()-dpi-n*mod
	for y := range n {
		for x := range n {
			if m.Get(x, y) == 1 {
				draw.Draw(out, image.Rect(x0+x*mod, y0+y*mod, x0+(x+1)*mod, y0+(y+1)*mod), image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return out
}

func TestWritePDF(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "phieu.pdf")
	if err := WritePDF(path, sample); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	bad := filepath.Join(dir, "bad.pdf")
	if err := WritePDF(bad, Sheet{Code: "000.42.27.H09-240515-0087", OwnerID: "001234567890"}); err == nil {
		t.Fatal("WritePDF without a procedure code succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only phieu.pdf", len(entries))
	}
}

func BenchmarkDetect(b *testing.B) {
	pages := []struct {
		name string
		img  image.Image
	}{
		{"cover300", scanmaker.Degrade(coverPage(b, sample, 300), scanmaker.Scan{Angle: 3, Noise: 15, Blur: true, Seed: 1})},
		{"text300", scanmaker.Degrade(textPage(b, 300), scanmaker.Scan{Angle: 1, Noise: 15, Blur: true, Seed: 1})},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				_, ok, err := Detect(p.img)
				if err != nil || ok != (p.name == "cover300") {
					b.Fatalf("Detect = %v, %v", ok, err)
				}
			}
		})
	}
}
