package pipeline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"strings"

	"golang.org/x/image/tiff"

	"motcua/store"
)

// InputError is a file that cannot be digitized; Reason tells a person
// what is wrong and what to do, in Vietnamese.
type InputError struct {
	Path   string
	Reason string
	Err    error // the underlying cause, if any
}

func (e *InputError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Path, e.Reason, e.Err)
	}
	return e.Path + ": " + e.Reason
}

func (e *InputError) Unwrap() error { return e.Err }

// Reasons shown to people.
const (
	reasonEmpty     = "tệp rỗng (0 byte): hãy quét hoặc chép lại tệp"
	reasonFormat    = "không phải ảnh PNG, JPEG, TIFF hay tệp PDF: hãy quét lại thành một trong các định dạng đó"
	reasonExtension = "phần mở rộng %s không khớp nội dung (tệp là %s): đổi tên tệp thành %s rồi số hóa lại"
	reasonCorrupt   = "tệp ảnh bị hỏng hoặc bị cắt cụt, không giải mã được: hãy quét hoặc chép lại tệp"
	reasonTooBig    = "ảnh quá lớn (%d × %d điểm ảnh, vượt giới hạn %d megapixel): hãy quét lại ở 200–300 dpi"
	reasonEncrypted = "PDF được mã hóa bằng mật khẩu: hãy gỡ mật khẩu rồi số hóa lại"
	reasonPDF       = "PDF hỏng, không đọc được: hãy xuất hoặc quét lại tệp PDF"
	reasonNoPages   = "tệp không có trang nào: hãy quét lại"
	reasonRead      = "không đọc được tệp: hãy kiểm tra quyền đọc và đường dẫn"
	reasonFileSize  = "tệp quá lớn (%d MB, giới hạn %d MB): hãy tách thành nhiều tệp"
)

// Kinds of source file, by content.
const (
	KindPNG  = "png"
	KindJPEG = "jpeg"
	KindTIFF = "tiff"
	KindPDF  = "pdf"
)

// MediaType of a kind.
func MediaType(kind string) string {
	switch kind {
	case KindPDF:
		return "application/pdf"
	case "":
		return "application/octet-stream"
	}
	return "image/" + kind
}

// sniff names a file's kind from its first bytes.
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return KindPNG
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return KindJPEG
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return KindTIFF
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return KindPDF
	}
	return ""
}

// kindExt is the usual extension of each kind.
var kindExt = map[string]string{KindPNG: ".png", KindJPEG: ".jpg", KindTIFF: ".tif", KindPDF: ".pdf"}

// extKind is the kind a file's extension promises, or "" for others.
func extKind(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return KindPNG
	case ".jpg", ".jpeg", ".jpe":
		return KindJPEG
	case ".tif", ".tiff":
		return KindTIFF
	case ".pdf":
		return KindPDF
	}
	return ""
}

// Source is one input file, checked and ready to give its pages.
type Source struct {
	Path      string
	Kind      string
	Data      []byte
	Pages     int
	TextLayer []string // per page, when a PDF has its own text layer
	Warning   string   // e.g. an extension that does not match the content

	tiffIFDs []int64    // TIFF: offset of each page's directory
	pdf      *pdfSource // PDF: page images
	costs    []int64    // per page: the memory decoding and preparing it takes
}

// Limits protect the pipeline from hostile or absurd input.
type Limits struct {
	MaxPixels  int   // per page image; checked before decoding
	MaxBytes   int64 // per file
	MaxDecoded int64 // per page image decoded (pixels × bytes a pixel); checked before decoding; 0 = default
}

// DefaultLimits allow an A3 page at 600 dpi, in colour with an alpha
// channel.
var DefaultLimits = Limits{MaxPixels: 100_000_000, MaxBytes: store.MaxOriginalSize, MaxDecoded: 320 << 20}

// OpenSource checks data and counts its pages without decoding images.
func OpenSource(path string, data []byte, lim Limits) (*Source, error) {
	if len(data) == 0 {
		return nil, &InputError{Path: path, Reason: reasonEmpty}
	}
	kind := sniff(data)
	if kind == "" {
		return nil, &InputError{Path: path, Reason: reasonFormat}
	}
	s := &Source{Path: path, Kind: kind, Data: data, Pages: 1}
	switch ek := extKind(path); {
	case ek != "" && ek != kind:
		// A scanner or a person mislabelled the file: refuse it, so that
		// the name kept with the record does not lie about the original.
		return nil, &InputError{Path: path, Reason: fmt.Sprintf(reasonExtension, filepath.Ext(path), strings.ToUpper(kind), kindExt[kind])}
	case ek == "":
		s.Warning = fmt.Sprintf("tệp không có phần mở rộng quen thuộc (%q): đã xử lý theo nội dung (%s)", filepath.Ext(path), strings.ToUpper(kind))
	}
	var err error
	switch kind {
	case KindPNG, KindJPEG:
		var cfg image.Config
		if kind == KindPNG {
			cfg, err = png.DecodeConfig(bytes.NewReader(data))
		} else {
			cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
		}
		if err != nil {
			return nil, &InputError{Path: path, Reason: reasonCorrupt, Err: err}
		}
		cost, err := checkConfig(path, cfg, lim)
		if err != nil {
			return nil, err
		}
		s.costs = []int64{cost}
	case KindTIFF:
		if s.tiffIFDs, err = tiffPages(data); err != nil {
			return nil, &InputError{Path: path, Reason: reasonCorrupt, Err: err}
		}
		s.Pages = len(s.tiffIFDs)
		s.costs = make([]int64, s.Pages)
		for i := range s.tiffIFDs {
			w, h, _, err := tiffInfo(data, s.tiffIFDs[i])
			if err != nil {
				return nil, &InputError{Path: path, Reason: reasonCorrupt, Err: err}
			}
			if err := checkPixels(path, w, h, lim); err != nil {
				return nil, err
			}
			cfg, err := tiff.DecodeConfig(s.tiffView(i))
			if err != nil {
				return nil, &InputError{Path: path, Reason: reasonCorrupt, Err: err}
			}
			if s.costs[i], err = checkConfig(path, cfg, lim); err != nil {
				return nil, err
			}
		}
	case KindPDF:
		if err := s.openPDF(lim); err != nil {
			return nil, err
		}
	}
	if s.Pages == 0 {
		return nil, &InputError{Path: path, Reason: reasonNoPages}
	}
	return s, nil
}

func checkPixels(path string, w, h int, lim Limits) error {
	if w <= 0 || h <= 0 {
		return &InputError{Path: path, Reason: reasonCorrupt, Err: fmt.Errorf("image size %d×%d", w, h)}
	}
	if lim.MaxPixels > 0 && int64(w)*int64(h) > int64(lim.MaxPixels) {
		return &InputError{Path: path, Reason: fmt.Sprintf(reasonTooBig, w, h, lim.MaxPixels/1_000_000)}
	}
	return nil
}

// Page decodes page i (from 0) and returns it with its resolution in dpi
// (declared by the file, or estimated from an A4 page when missing).
func (s *Source) Page(i int) (image.Image, int, error) {
	var img image.Image
	var dpi float64
	var err error
	switch s.Kind {
	case KindPNG:
		img, err = png.Decode(bytes.NewReader(s.Data))
		dpi = pngDPI(s.Data)
	case KindJPEG:
		img, err = jpeg.Decode(bytes.NewReader(s.Data))
		dpi = jpegDPI(s.Data)
	case KindTIFF:
		img, dpi, err = s.tiffPage(i)
	case KindPDF:
		img, dpi, err = s.pdfPage(i)
	}
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			if ie.Path == "" {
				ie.Path = s.Path
			}
			return nil, 0, err
		}
		return nil, 0, &InputError{Path: s.Path, Reason: reasonCorrupt, Err: err}
	}
	b := img.Bounds()
	return img, plausibleDPI(dpi, b.Dx(), b.Dy()), nil
}

// plausibleDPI keeps a declared resolution when it gives a page between
// 3 and 17 inches wide (a receipt to A3), else estimates it from A4.
func plausibleDPI(dpi float64, w, h int) int {
	short := float64(min(w, h))
	if dpi > 0 {
		if in := short / dpi; in >= 2.5 && in <= 17 {
			return int(math.Round(dpi))
		}
	}
	return max(70, int(math.Round(short/8.27)))
}

// pngDPI reads the pHYs chunk; 0 when absent.
func pngDPI(data []byte) float64 {
	p := 8
	for p+8 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if n < 0 || p+8+n > len(data) {
			return 0
		}
		if typ == "pHYs" && n >= 9 {
			c := data[p+8:]
			if c[8] == 1 { // metres
				return float64(binary.BigEndian.Uint32(c)) * 0.0254
			}
			return 0
		}
		if typ == "IDAT" || typ == "IEND" {
			return 0
		}
		p += 12 + n
	}
	return 0
}

// jpegDPI reads the JFIF header's density; 0 when absent.
func jpegDPI(data []byte) float64 {
	p := 2
	for p+4 <= len(data) && data[p] == 0xff {
		marker := data[p+1]
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if marker == 0xda || n < 2 || p+2+n > len(data) {
			return 0
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xe0 && len(seg) >= 12 && string(seg[:5]) == "JFIF\x00" {
			x := float64(binary.BigEndian.Uint16(seg[8:]))
			switch seg[7] {
			case 1:
				return x
			case 2:
				return x * 2.54
			}
			return 0
		}
		p += 2 + n
	}
	return 0
}

// errTooLarge: a file is over the size limit.
var errTooLarge = errors.New("too large")

// readAllLimit reads r up to max bytes.
func readAllLimit(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errTooLarge
	}
	return data, nil
}

// preparedPage decodes page i (from 0) of src and prepares it as the OCR
// saw it, turned upright by turn degrees: word boxes of the stored page
// fall on this image.
func preparedPage(src *Source, i, turn int) (Prepared, error) {
	p, err := src.Prepared(i)
	if err != nil {
		return Prepared{}, err
	}
	if turn != 0 {
		p.Gray = Turn(p.Gray, turn)
	}
	return p, nil
}
