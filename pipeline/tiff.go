package pipeline

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"

	"golang.org/x/image/tiff"
)

// golang.org/x/image/tiff decodes the first page only; a multi-page TIFF is
// read by walking its directory chain and decoding each page through a
// view of the file whose header points at that page's directory.

const maxTIFFPages = 5000

func tiffOrder(data []byte) (binary.ByteOrder, error) {
	if len(data) < 8 {
		return nil, errors.New("tiff: short header")
	}
	switch string(data[:2]) {
	case "II":
		return binary.LittleEndian, nil
	case "MM":
		return binary.BigEndian, nil
	}
	return nil, errors.New("tiff: bad byte order")
}

// tiffPages returns the offset of every page's directory.
func tiffPages(data []byte) ([]int64, error) {
	bo, err := tiffOrder(data)
	if err != nil {
		return nil, err
	}
	var out []int64
	seen := map[uint32]bool{}
	off := bo.Uint32(data[4:])
	for off != 0 {
		if seen[off] || len(out) >= maxTIFFPages {
			return nil, errors.New("tiff: directory loop or too many pages")
		}
		seen[off] = true
		if int64(off)+2 > int64(len(data)) {
			return nil, fmt.Errorf("tiff: directory at %d beyond the end of the file", off)
		}
		n := int64(bo.Uint16(data[off:]))
		end := int64(off) + 2 + 12*n
		if end+4 > int64(len(data)) {
			return nil, errors.New("tiff: truncated directory")
		}
		out = append(out, int64(off))
		off = bo.Uint32(data[end:])
	}
	return out, nil
}

// tiffInfo reads a page's size and resolution (dpi, 0 if absent).
func tiffInfo(data []byte, ifd int64) (w, h int, dpi float64, err error) {
	bo, err := tiffOrder(data)
	if err != nil {
		return 0, 0, 0, err
	}
	n := int(bo.Uint16(data[ifd:]))
	unit := 2
	var xres float64
	for i := range n {
		e := data[ifd+2+int64(12*i):]
		tag, typ, val := bo.Uint16(e), bo.Uint16(e[2:]), e[8:12]
		short := func() int {
			if typ == 3 {
				return int(bo.Uint16(val))
			}
			return int(bo.Uint32(val))
		}
		switch tag {
		case 256:
			w = short()
		case 257:
			h = short()
		case 296:
			unit = short()
		case 282:
			p := int64(bo.Uint32(val))
			if typ == 5 && p+8 <= int64(len(data)) {
				num, den := bo.Uint32(data[p:]), bo.Uint32(data[p+4:])
				if den != 0 {
					xres = float64(num) / float64(den)
				}
			}
		}
	}
	switch unit {
	case 2:
		dpi = xres
	case 3:
		dpi = xres * 2.54
	}
	return w, h, dpi, nil
}

func (s *Source) tiffPage(i int) (image.Image, float64, error) {
	if i < 0 || i >= len(s.tiffIFDs) {
		return nil, 0, fmt.Errorf("tiff: no page %d", i+1)
	}
	_, _, dpi, err := tiffInfo(s.Data, s.tiffIFDs[i])
	if err != nil {
		return nil, 0, err
	}
	img, err := tiff.Decode(s.tiffView(i))
	return img, dpi, err
}

// tiffView reads the file as if page i were its first.
func (s *Source) tiffView(i int) *tiffView {
	v := &tiffView{data: s.Data}
	copy(v.head[:], s.Data[:8])
	bo, _ := tiffOrder(s.Data)
	bo.PutUint32(v.head[4:], uint32(s.tiffIFDs[i]))
	return v
}

// tiffView reads data with its first 8 bytes replaced by head.
type tiffView struct {
	data []byte
	head [8]byte
	off  int64
}

func (v *tiffView) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(v.data)) {
		return 0, io.EOF
	}
	n := copy(p, v.data[off:])
	for i := range n {
		if o := off + int64(i); o < 8 {
			p[i] = v.head[o]
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (v *tiffView) Read(p []byte) (int, error) {
	n, err := v.ReadAt(p, v.off)
	v.off += int64(n)
	return n, err
}
