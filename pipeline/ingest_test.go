package pipeline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"os"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"motcua/internal/scanmaker"
)

func TestMain(m *testing.M) {
	// Tesseract's OpenMP reads the limit at load time: re-execute the test
	// binary with it set, as motcua does.
	if err := ReexecForOMP(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func grayPage(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := h / 4; y < h/4+10; y++ {
		for x := w / 8; x < w*7/8; x++ {
			g.Pix[y*g.Stride+x] = 0
		}
	}
	return g
}

func mustPNG(t *testing.T, img image.Image, dpi int) []byte {
	t.Helper()
	b, err := scanmaker.PNG(img, dpi)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngHeader is a PNG whose IHDR claims w×h pixels and that has no image
// data: a decompression bomb must be refused from the header alone.
func pngHeader(w, h uint32) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 4+4+13+4)
	binary.BigEndian.PutUint32(ihdr, 13)
	copy(ihdr[4:], "IHDR")
	binary.BigEndian.PutUint32(ihdr[8:], w)
	binary.BigEndian.PutUint32(ihdr[12:], h)
	ihdr[16], ihdr[17] = 8, 0 // 8-bit gray
	binary.BigEndian.PutUint32(ihdr[21:], crc32.ChecksumIEEE(ihdr[4:21]))
	return append(out, ihdr...)
}

func encryptedPDF(t *testing.T) []byte {
	t.Helper()
	j, err := scanmaker.JPEG(grayPage(200, 280), 50, 80)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := scanmaker.PDF([][]byte{j})
	if err != nil {
		t.Fatal(err)
	}
	conf := model.NewAESConfiguration("người-dùng", "chủ-sở-hữu", 256)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestOpenSourceBadInput(t *testing.T) {
	good := mustPNG(t, grayPage(827, 1170), 100)
	for _, c := range []struct {
		name   string
		data   []byte
		reason string // "" = accepted
	}{
		{"rỗng.png", nil, reasonEmpty},
		{"ghi chú.png", []byte("đây là văn bản, không phải ảnh"), reasonFormat},
		{"bom.png", pngHeader(60000, 60000), "ảnh quá lớn (60000 × 60000"},
		{"cắt cụt.png", good[:len(good)/2], ""}, // the header is whole: caught when decoding
		{"bị mã hóa.pdf", encryptedPDF(t), reasonEncrypted},
		{"hỏng.pdf", []byte("%PDF-1.7\n1 0 obj\n<<"), reasonPDF},
		{"hỏng.tif", []byte("II*\x00\xff\xff\x00\x00"), reasonCorrupt},
		{"ảnh thật.pdf", good, "phần mở rộng .pdf không khớp nội dung (tệp là PNG): đổi tên tệp thành .png"},
		{"ảnh không đuôi", good, ""}, // no known extension: read by content
	} {
		src, err := OpenSource(c.name, c.data, DefaultLimits)
		var ie *InputError
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.reason != "" && (!errors.As(err, &ie) || !strings.HasPrefix(ie.Reason, c.reason)):
			t.Errorf("%s: got %v, want reason %q", c.name, err, c.reason)
		case c.reason != "" && ie.Path != c.name:
			t.Errorf("%s: error names %q", c.name, ie.Path)
		case c.reason == "" && c.name == "ảnh không đuôi" && (src.Kind != KindPNG || src.Warning == ""):
			t.Errorf("%s: kind %s warning %q", c.name, src.Kind, src.Warning)
		}
	}
	// The truncated PNG fails when its page is decoded, with the reason.
	src, err := OpenSource("cắt cụt.png", good[:len(good)/2], DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if _, _, err := src.Page(0); !errors.As(err, &ie) || ie.Reason != reasonCorrupt || ie.Path != "cắt cụt.png" {
		t.Errorf("truncated page: %v", err)
	}
	// A smaller limit refuses an ordinary page.
	if _, err := OpenSource("a.png", good, Limits{MaxPixels: 100}); !errors.As(err, &ie) {
		t.Errorf("limit: %v", err)
	}
}

func TestFormatsAndResolution(t *testing.T) {
	p1, p2 := grayPage(600, 850), grayPage(620, 877)
	tif, err := scanmaker.TIFF([]*image.Gray{p1, p2}, 75)
	if err != nil {
		t.Fatal(err)
	}
	jpg, err := scanmaker.JPEG(p1, 72, 80) // 72 dpi would make it 8 inches wide: plausible
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := scanmaker.PDF([][]byte{jpg, jpg})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		data           []byte
		kind           string
		pages, w, dpi0 int
	}{
		{"a.png", mustPNG(t, p1, 300), KindPNG, 1, 600, 73}, // 2 inches wide at 300 dpi: not plausible, A4 estimate
		{"b.png", mustPNG(t, p1, 72), KindPNG, 1, 600, 72},
		{"c.jpg", jpg, KindJPEG, 1, 600, 72},
		{"d.tif", tif, KindTIFF, 2, 600, 75},
		{"e.pdf", pdf, KindPDF, 2, 600, 73}, // an A4 page 600 pixels wide
	} {
		src, err := OpenSource(c.name, c.data, DefaultLimits)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if src.Kind != c.kind || src.Pages != c.pages {
			t.Errorf("%s: kind %s pages %d", c.name, src.Kind, src.Pages)
		}
		for i := range src.Pages {
			img, dpi, err := src.Page(i)
			if err != nil {
				t.Errorf("%s page %d: %v", c.name, i+1, err)
				continue
			}
			if i == 0 && (img.Bounds().Dx() != c.w || dpi != c.dpi0) {
				t.Errorf("%s: width %d dpi %d, want %d %d", c.name, img.Bounds().Dx(), dpi, c.w, c.dpi0)
			}
			if i == 1 && c.kind == KindTIFF && img.Bounds().Dx() != 620 {
				t.Errorf("%s page 2: width %d", c.name, img.Bounds().Dx())
			}
		}
	}
}

func TestRedGray(t *testing.T) {
	seal := color.RGBA{200, 30, 40, 255}
	rgba := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := 0; i < len(rgba.Pix); i += 4 {
		rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3] = seal.R, seal.G, seal.B, seal.A
	}
	if g := RedGray(rgba); g.Pix[5] != 200 {
		t.Errorf("red seal on RGBA: %d, want 200 (light)", g.Pix[5])
	}
	jpg, _ := scanmaker.JPEG(rgba, 100, 95)
	img, _, err := image.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	if g := RedGray(img); g.Pix[5] < 185 || g.Pix[5] > 215 {
		t.Errorf("red seal through JPEG (YCbCr): %d, want about 200", g.Pix[5])
	}
}
