package scanmaker

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// PNG encodes img with a pHYs chunk giving dpi (Go's encoder writes none).
func PNG(img image.Image, dpi int) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	// After the signature (8) and IHDR (4 + 4 + 13 + 4).
	at := 8 + 25
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk, 9)
	copy(chunk[4:], "pHYs")
	ppm := uint32(float64(dpi)/0.0254 + 0.5)
	binary.BigEndian.PutUint32(chunk[8:], ppm)
	binary.BigEndian.PutUint32(chunk[12:], ppm)
	chunk[16] = 1
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	return append(append(append([]byte{}, data[:at]...), chunk...), data[at:]...), nil
}

// JPEG encodes img with a JFIF header giving dpi (0: none, square pixels).
func JPEG(img image.Image, dpi, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}
	if dpi == 0 { // unknown, as a phone's photo: only the aspect ratio
		app0[11], dpi = 0, 1
	}
	binary.BigEndian.PutUint16(app0[12:], uint16(dpi))
	binary.BigEndian.PutUint16(app0[14:], uint16(dpi))
	return append(append(append([]byte{}, data[:2]...), app0...), data[2:]...), nil
}

// TIFF encodes gray pages as one multi-page TIFF, each page one
// Deflate-compressed strip with its resolution.
func TIFF(pages []*image.Gray, dpi int) ([]byte, error) {
	if len(pages) == 0 {
		return nil, errors.New("scanmaker: no pages")
	}
	le := binary.LittleEndian
	out := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	prevNext := 4 // where the offset of the next directory goes
	for _, g := range pages {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		for y := range h {
			zw.Write(g.Pix[y*g.Stride : y*g.Stride+w])
		}
		zw.Close()
		strip := len(out)
		out = append(out, z.Bytes()...)
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		res := len(out)
		out = le.AppendUint32(out, uint32(dpi))
		out = le.AppendUint32(out, 1)
		ifd := len(out)
		le.PutUint32(out[prevNext:], uint32(ifd))
		type entry struct {
			tag, typ uint16
			val      uint32
		}
		entries := []entry{
			{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 8}, {262, 3, 1},
			{273, 4, uint32(strip)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(z.Len())},
			{282, 5, uint32(res)}, {283, 5, uint32(res)}, {296, 3, 2},
		}
		out = le.AppendUint16(out, uint16(len(entries)))
		for _, e := range entries {
			out = le.AppendUint16(out, e.tag)
			out = le.AppendUint16(out, e.typ)
			out = le.AppendUint32(out, 1)
			if e.typ == 3 {
				out = le.AppendUint16(out, uint16(e.val))
				out = le.AppendUint16(out, 0)
			} else {
				out = le.AppendUint32(out, e.val)
			}
		}
		prevNext = len(out)
		out = le.AppendUint32(out, 0)
	}
	return out, nil
}

// PDF wraps JPEG page images into a scanned PDF of A4 pages, each page
// one image filling it, as a scanner's PDF export does.
func PDF(jpegs [][]byte) ([]byte, error) {
	imp := api.DefaultImportConfig()
	imp.Pos = types.Center
	imp.Scale = 1
	var readers []io.Reader
	for _, j := range jpegs {
		readers = append(readers, bytes.NewReader(j))
	}
	var buf bytes.Buffer
	if err := api.ImportImages(nil, &buf, readers, imp, nil); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
