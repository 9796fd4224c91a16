package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	ledong "github.com/ledongthuc/pdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/image/tiff"
	"golang.org/x/text/unicode/norm"
)

func init() { api.DisableConfigDir() }

// pdfSource holds what a PDF's pages are made of: for a scan, the one
// image each page shows (taken as it is); otherwise nil and the page is
// rasterized.
type pdfSource struct {
	images  [][]byte  // per page: the embedded image file, or nil
	widths  []float64 // page widths in points, for the image's dpi
	rasters []raster  // per page without its image: how it is rendered
}

const reasonRaster = "trang PDF không phải một ảnh quét và máy chưa có pdftoppm để dựng ảnh: hãy cài poppler-utils (apt-get install poppler-utils)"

func (s *Source) openPDF(lim Limits) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &InputError{Path: s.Path, Reason: reasonPDF, Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.Cmd = model.EXTRACTIMAGES
	ctx, err := api.ReadValidateAndOptimize(bytes.NewReader(s.Data), conf)
	if err != nil {
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "password") || strings.Contains(msg, "encrypt") {
			return &InputError{Path: s.Path, Reason: reasonEncrypted, Err: err}
		}
		return &InputError{Path: s.Path, Reason: reasonPDF, Err: err}
	}
	s.Pages = ctx.PageCount
	if text, ok := pdfText(s.Data, s.Pages); ok {
		s.TextLayer = text
		return nil
	}
	dims, err := ctx.PageDims()
	if err != nil {
		return &InputError{Path: s.Path, Reason: reasonPDF, Err: err}
	}
	p := &pdfSource{images: make([][]byte, s.Pages), widths: make([]float64, s.Pages), rasters: make([]raster, s.Pages)}
	s.costs = make([]int64, s.Pages)
	for n := 1; n <= s.Pages; n++ {
		var w, h float64
		if n-1 < len(dims) {
			w, h = dims[n-1].Width, dims[n-1].Height
			p.widths[n-1] = min(w, h)
		}
		// The images' dictionaries first: their declared size is checked
		// before any of them is decoded.
		stubs, err := pdfcpu.ExtractPageImages(ctx, n, true)
		if err != nil {
			return &InputError{Path: s.Path, Reason: reasonPDF, Err: err}
		}
		var imgs []model.Image
		for _, im := range stubs {
			if !im.Thumb {
				imgs = append(imgs, im)
			}
		}
		if len(imgs) != 1 {
			// Rendered when needed, at a resolution its size allows.
			r, err := renderSize(w, h)
			if err != nil {
				return &InputError{Path: s.Path, Reason: fmt.Sprintf(reasonPageSize, n, w/72*2.54, h/72*2.54)}
			}
			p.rasters[n-1], s.costs[n-1] = r, r.cost()
			continue
		}
		im := imgs[0]
		if _, err := checkImage(s.Path, im.Width, im.Height, int64(max(im.Comp, 1)*max(im.Bpc, 8)/8), lim); err != nil {
			return err
		}
		mm, err := pdfcpu.ExtractPageImages(ctx, n, false)
		if err != nil {
			return &InputError{Path: s.Path, Reason: reasonPDF, Err: err}
		}
		im, ok := mm[im.ObjNr]
		if !ok || im.Reader == nil {
			return &InputError{Path: s.Path, Reason: reasonPDF, Err: fmt.Errorf("page %d: image obj#%d not extracted", n, im.ObjNr)}
		}
		data, err := io.ReadAll(im)
		if err != nil {
			return &InputError{Path: s.Path, Reason: reasonPDF, Err: err}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return &InputError{Path: s.Path, Reason: reasonCorrupt, Err: err}
		}
		if s.costs[n-1], err = checkConfig(s.Path, cfg, lim); err != nil {
			return err
		}
		p.images[n-1] = data
	}
	s.pdf = p
	return nil
}

// pdfText returns the PDF's own text per page when it has a text layer
// worth the name (on average 40 letters or digits a page). Poppler's
// pdftotext reads every font encoding; without it a pure-Go reader is
// tried, and text that decodes to garbage (a font it cannot map) counts
// as no text layer, so the pages are recognised instead.
func pdfText(data []byte, pages int) ([]string, bool) {
	out, err := pdftotext(data)
	if err != nil {
		out = pdfTextGo(data)
	}
	if len(out) > pages {
		out = out[:pages]
	}
	letters, bad := 0, 0
	for i, t := range out {
		t = vietFix.Replace(norm.NFC.String(t))
		out[i] = t
		for _, c := range t {
			switch {
			case unicode.IsLetter(c) || unicode.IsDigit(c):
				letters++
			case c == unicode.ReplacementChar || unicode.IsControl(c) && c != '\n' && c != '\t' && c != '\r' && c != '\f':
				bad++
			}
		}
	}
	if len(out) == 0 || letters < 40*len(out) || bad*50 > letters {
		return nil, false
	}
	for len(out) < pages {
		out = append(out, "")
	}
	return out, true
}

func pdftotext(data []byte) ([]string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-q", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	b, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(b), "\f"), "\f"), nil
}

func pdfTextGo(data []byte) (out []string) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			out = append(out, "")
			continue
		}
		t, err := p.GetPlainText(nil)
		if err != nil {
			return nil
		}
		out = append(out, t)
	}
	return out
}

func (s *Source) pdfPage(i int) (image.Image, float64, error) {
	if s.pdf == nil || i < 0 || i >= len(s.pdf.images) {
		return nil, 0, fmt.Errorf("pdf: no page image %d", i+1)
	}
	data := s.pdf.images[i]
	if data == nil {
		r := s.pdf.rasters[i]
		img, err := rasterize(s.Data, i+1, r)
		return img, float64(r.dpi), err
	}
	var img image.Image
	var err error
	switch sniff(data) {
	case KindPNG:
		img, err = png.Decode(bytes.NewReader(data))
	case KindJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	case KindTIFF:
		img, err = tiff.Decode(bytes.NewReader(data))
	default:
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, 0, err
	}
	dpi := 0.0
	if w := s.pdf.widths[i]; w > 0 {
		b := img.Bounds()
		dpi = float64(min(b.Dx(), b.Dy())) / (w / 72)
	}
	return img, dpi, nil
}

// rasterize renders one PDF page with poppler's pdftoppm, its long side
// r.long pixels whatever the page's real size. A failure to render is an
// error, never a blank page: pdftoppm writes a 1×1 image, and says
// nothing, for a page too large for it.
func rasterize(pdf []byte, page int, r raster) (image.Image, error) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, &InputError{Reason: reasonRaster, Err: err}
	}
	dir, err := os.MkdirTemp("", "motcua-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := strconv.Itoa(page)
	out, err := exec.CommandContext(ctx, bin, "-scale-to", strconv.Itoa(r.long), "-gray", "-png", "-f", p, "-l", p, "-singlefile",
		in, filepath.Join(dir, "out")).CombinedOutput()
	if err != nil {
		return nil, &InputError{Reason: fmt.Sprintf(reasonRendering, page, strings.TrimSpace(string(out))), Err: err}
	}
	f, err := os.Open(filepath.Join(dir, "out.png"))
	if err != nil {
		return nil, &InputError{Reason: fmt.Sprintf(reasonRendering, page, "pdftoppm không ghi ra ảnh"), Err: err}
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	switch {
	case err != nil:
		return nil, &InputError{Reason: fmt.Sprintf(reasonRendering, page, err), Err: err}
	case max(cfg.Width, cfg.Height) != r.long || min(cfg.Width, cfg.Height) < 2:
		return nil, &InputError{Reason: fmt.Sprintf(reasonRendering, page, fmt.Sprintf("ảnh %d × %d, cần cạnh dài %d điểm ảnh", cfg.Width, cfg.Height, r.long))}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, err := png.Decode(f)
	if err != nil {
		return nil, &InputError{Reason: fmt.Sprintf(reasonRendering, page, err), Err: err}
	}
	return img, nil
}
