package pipeline

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"
)

// Memory bombs: a tiny file may declare a huge page. Every page's size is
// known before it is decoded or rendered (an image's header, a PDF page's
// MediaBox, a PDF image's dictionary), and checked against the limits;
// pages are decoded under one budget shared by the workers, so that
// digitizing any one file stays well under 1 GiB.

const (
	// renderDPI is the resolution of a rendered vector PDF page, lowered
	// so that the page stays within renderMaxPixels, and refused below
	// renderMinDPI (too coarse to read: a poster, a drawing, a bomb).
	renderDPI       = 300
	renderMaxPixels = 25_000_000
	renderMinDPI    = 72
	// pageBudget is the memory all workers may hold at once for pages
	// being decoded and prepared; bigPage pages are followed by a
	// collection, so that the next one does not stack on their garbage.
	pageBudget = 512 << 20
	bigPage    = 64 << 20
)

const (
	reasonDecoded   = "ảnh quá lớn khi giải mã (%d × %d điểm ảnh, %d MB, giới hạn %d MB): hãy quét lại ở 200–300 dpi, 8 bit mỗi kênh màu"
	reasonPageSize  = "trang %d của PDF quá khổ (%.0f × %.0f cm): không dựng được thành ảnh đủ rõ để nhận dạng; hãy quét lại trên khổ giấy thường"
	reasonRendering = "không dựng được ảnh trang %d của PDF (%v): hãy xuất hoặc quét lại tệp PDF"
)

// bytesPerPixel is what one pixel of an image in model m takes decoded.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8 // 16-bit colour, or unknown: the most a decoder takes
}

// checkImage checks an image's declared size before it is decoded: its
// pixels against lim.MaxPixels and its decoded bytes against
// lim.MaxDecoded. It returns what decoding and preparing it costs.
func checkImage(path string, w, h int, bpp int64, lim Limits) (int64, error) {
	if err := checkPixels(path, w, h, lim); err != nil {
		return 0, err
	}
	px := int64(w) * int64(h)
	if max := lim.maxDecoded(); px*bpp > max {
		return 0, &InputError{Path: path, Reason: fmt.Sprintf(reasonDecoded, w, h, px*bpp>>20, max>>20)}
	}
	return px*bpp + px, nil // the decoded image, and its grey copy
}

func (l Limits) maxDecoded() int64 {
	if l.MaxDecoded > 0 {
		return l.MaxDecoded
	}
	return DefaultLimits.MaxDecoded
}

func checkConfig(path string, cfg image.Config, lim Limits) (int64, error) {
	return checkImage(path, cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), lim)
}

// raster is how a vector PDF page is rendered: at dpi, its long side in
// pixels (pdftoppm -scale-to, which holds whatever the page really is).
type raster struct{ dpi, long int }

var errPageSize = errors.New("page too large to render")

// renderSize says how a page of w × h points is rendered (0 × 0: not
// known, taken as A4).
func renderSize(w, h float64) (raster, error) {
	if !(w > 0 && h > 0) || math.IsInf(w*h, 0) {
		w, h = 595, 842
	}
	dpi := float64(renderDPI)
	if px := w / 72 * h / 72 * dpi * dpi; px > renderMaxPixels {
		dpi = 72 * math.Sqrt(renderMaxPixels/(w*h))
	}
	if dpi < renderMinDPI {
		return raster{}, errPageSize
	}
	return raster{dpi: int(dpi), long: int(math.Ceil(max(w, h) / 72 * math.Floor(dpi)))}, nil
}

func (r raster) cost() int64 { return 2 * int64(r.long) * int64(r.long) }

// budget is a weighted semaphore over bytes.
type budget struct {
	mu   sync.Mutex
	cond *sync.Cond
	used int64
	max  int64
}

var pageMemory = newBudget(pageBudget)

func newBudget(max int64) *budget {
	b := &budget{max: max}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes fit (a single request larger than the
// whole budget waits for it to be empty).
func (b *budget) acquire(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.max {
		b.cond.Wait()
	}
	b.used += n
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// Prepared decodes page i (from 0) and prepares it for OCR within the
// memory budget shared by all workers.
func (s *Source) Prepared(i int) (Prepared, error) {
	cost := s.pageCost(i)
	pageMemory.acquire(cost)
	img, dpi, err := s.Page(i)
	var p Prepared
	if err == nil {
		p = Prepare(img, dpi)
	}
	img = nil
	pageMemory.release(cost)
	if cost >= bigPage {
		runtime.GC()
	}
	return p, err
}

func (s *Source) pageCost(i int) int64 {
	if i >= 0 && i < len(s.costs) && s.costs[i] > 0 {
		return s.costs[i]
	}
	return bigPage
}
