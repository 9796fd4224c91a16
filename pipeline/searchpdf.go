package pipeline

/*
#cgo LDFLAGS: -ltesseract -lleptonica
#include <stdlib.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"motcua/store"
)

// RecordPDF writes out (a path ending in .pdf) as a searchable PDF of a
// record from its originals, whose pages are recognised again, turned as
// they were; it returns the number of pages. A record with its own text
// layer is searchable as it is and needs none.
func RecordPDF(out string, r *store.Record, open Opener) (int, error) {
	srcs := sources{r: r, open: open}
	n := len(r.Pages)
	if n == 0 { // no pages stored: as many as its original has
		src, err := srcs.get(r.SHA256)
		if err != nil {
			return 0, err
		}
		n = src.Pages
	}
	var pages []Prepared
	for i := range n {
		p, err := srcs.page(i)
		if err != nil {
			return 0, err
		}
		pages = append(pages, p)
	}
	return len(pages), SearchablePDF(out, pages, Lang, r.SourceName)
}

// SearchablePDF writes out (a path ending in .pdf) with each prepared page
// as an image under an invisible text layer, through Tesseract's own PDF
// renderer (gosseract has no API for it). It recognises the pages again.
func SearchablePDF(out string, pages []Prepared, lang, title string) error {
	if !strings.HasSuffix(out, ".pdf") {
		return errors.New("searchable PDF: the output name must end in .pdf")
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".motcua-pdf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	api := C.TessBaseAPICreate()
	defer C.TessBaseAPIDelete(api)
	clang := C.CString(lang)
	defer C.free(unsafe.Pointer(clang))
	if C.TessBaseAPIInit3(api, nil, clang) != 0 {
		return fmt.Errorf("tesseract: cannot load the %q model", lang)
	}
	defer C.TessBaseAPIEnd(api)
	setVar := func(k, v string) {
		ck, cv := C.CString(k), C.CString(v)
		C.TessBaseAPISetVariable(api, ck, cv)
		C.free(unsafe.Pointer(ck))
		C.free(unsafe.Pointer(cv))
	}
	setVar("tessedit_pageseg_mode", "3")

	// The renderer writes outputbase + ".pdf": render into the temp folder
	// and rename, so that out appears whole or not at all.
	base := C.CString(filepath.Join(tmp, "out"))
	defer C.free(unsafe.Pointer(base))
	r := C.TessPDFRendererCreate(base, C.TessBaseAPIGetDatapath(api), C.int(0))
	if r == nil {
		return errors.New("tesseract: cannot create the PDF renderer")
	}
	defer C.TessDeleteResultRenderer(r)
	ctitle := C.CString(title)
	defer C.free(unsafe.Pointer(ctitle))
	if C.TessResultRendererBeginDocument(r, ctitle) == 0 {
		return errors.New("tesseract: cannot begin the PDF")
	}
	for i, p := range pages {
		// The renderer embeds the page from the file it is named after.
		name := filepath.Join(tmp, fmt.Sprintf("page%04d.pgm", i+1))
		data := PGM(p.Gray)
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return err
		}
		pix := C.pixReadMem((*C.l_uint8)(unsafe.Pointer(&data[0])), C.size_t(len(data)))
		if pix == nil {
			return fmt.Errorf("leptonica: cannot read page %d", i+1)
		}
		C.pixSetResolution(pix, C.l_int32(p.DPI), C.l_int32(p.DPI))
		setVar("user_defined_dpi", strconv.Itoa(p.DPI))
		cname := C.CString(name)
		ok := C.TessBaseAPIProcessPage(api, pix, C.int(i), cname, nil, 0, r)
		C.free(unsafe.Pointer(cname))
		C.pixDestroy(&pix)
		if ok == 0 {
			return fmt.Errorf("tesseract: page %d failed", i+1)
		}
	}
	if C.TessResultRendererEndDocument(r) == 0 {
		return errors.New("tesseract: cannot finish the PDF")
	}
	return os.Rename(filepath.Join(tmp, "out.pdf"), out)
}
