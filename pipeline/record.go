package pipeline

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"golang.org/x/text/unicode/norm"

	"motcua/pipeline/extract"
	"motcua/store"
)

// publicKinds are published by nature.
var publicKinds = []string{"Công văn", "Thông báo", "Nghị quyết", "Chỉ thị", "Kế hoạch", "Thông cáo", "Hướng dẫn"}

// visibilityOf decides who may see a record unless the user said.
func visibilityOf(f store.Fields, forced store.Visibility) store.Visibility {
	if forced != "" {
		return forced
	}
	if len(f.PersonIDs) > 0 {
		return store.Restricted
	}
	if slices.Contains(publicKinds, f.DocType) {
		return store.Public
	}
	if f.DocType == "Quyết định" && strings.Contains(strings.ToLower(f.Summary), "công bố") {
		return store.Public
	}
	return store.Restricted
}

func buildRecord(f *file, opt Options) *store.Record {
	r := newRecord(f.pages, opt)
	r.SHA256 = f.sha
	r.SourceName = norm.NFC.String(filepath.Base(f.path))
	r.SourcePath = f.path
	r.MediaType = MediaType(f.src.Kind)
	r.Size = int64(len(f.src.Data))
	r.TextLayer = f.src.TextLayer != nil
	return r
}

// newRecord reads a document's fields from its pages and decides its
// status and visibility; the caller says where it came from.
func newRecord(pages []store.Page, opt Options) *store.Record {
	var text []string
	for _, p := range pages {
		text = append(text, p.Text)
	}
	fields, conf := extract.Extract(pages)
	// The owner is the first person the document names: the one it is
	// about, before parents, witnesses or officials. An archivist can
	// correct it.
	if len(fields.PersonIDs) > 0 {
		fields.OwnerID, conf[store.OwnerID] = fields.PersonIDs[0], conf[store.PersonIDs]
	}
	status := store.StatusAuto
	for _, k := range store.KeyFields {
		if conf[k] < store.Confident {
			status = store.StatusReview
		}
	}
	return &store.Record{
		DocType:    fields.DocType,
		Status:     status,
		Visibility: visibilityOf(fields, opt.Visibility),
		Text:       strings.Join(text, "\n\f\n"),
		Fields:     fields,
		Confidence: conf,
		Pages:      pages,
	}
}

// Opener reads a stored original by its SHA-256.
type Opener func(sha string) ([]byte, error)

// BlobOpener reads originals from b.
func BlobOpener(b store.Blobs) Opener {
	return func(sha string) ([]byte, error) {
		rc, err := b.Open(sha)
		if err != nil {
			return nil, fmt.Errorf("original %s: %w", sha, err)
		}
		defer rc.Close()
		return readAllLimit(rc, store.MaxOriginalSize)
	}
}

// PageSource says where page i (from 0) of r was scanned: the SHA-256 of
// the original and the page there (from 0). A record digitized from one
// file is its own original; a stack document's pages name theirs.
func PageSource(r *store.Record, i int) (string, int) {
	if i < len(r.Pages) && r.Pages[i].Source != "" {
		return r.Pages[i].Source, r.Pages[i].SourcePage - 1
	}
	return r.SHA256, i
}

// sources opens the originals of a record's pages, each once.
type sources struct {
	r    *store.Record
	open Opener
	m    map[string]*Source
}

func (s *sources) get(sha string) (*Source, error) {
	if src, ok := s.m[sha]; ok {
		return src, nil
	}
	data, err := s.open(sha)
	if err != nil {
		return nil, err
	}
	name := "" // a stack's original: known by its content
	if sha == s.r.SHA256 {
		name = s.r.SourceName
	}
	src, err := OpenSource(name, data, DefaultLimits)
	if err != nil {
		return nil, err
	}
	if s.m == nil {
		s.m = map[string]*Source{}
	}
	s.m[sha] = src
	return src, nil
}

// page prepares page i (from 0) of the record as the OCR saw it.
func (s *sources) page(i int) (Prepared, error) {
	sha, n := PageSource(s.r, i)
	src, err := s.get(sha)
	if err != nil {
		return Prepared{}, err
	}
	turn := 0
	if i < len(s.r.Pages) {
		turn = s.r.Pages[i].Turn
	}
	return preparedPage(src, n, turn)
}

// RecordPage prepares page i (from 0) of a stored record from its
// original, as the OCR saw it.
func RecordPage(r *store.Record, open Opener, i int) (Prepared, error) {
	return (&sources{r: r, open: open}).page(i)
}

// stacked says whether r is a stack document whose pages are not exactly
// one whole original, returning that original's SHA-256 when they are.
func stacked(r *store.Record, open Opener) (whole string, err error) {
	if len(r.Pages) == 0 || r.Pages[0].Source == "" {
		return r.SHA256, nil
	}
	sha := r.Pages[0].Source
	for i, p := range r.Pages {
		if p.Source != sha || p.SourcePage != i+1 {
			return "", nil
		}
	}
	data, err := open(sha)
	if err != nil {
		return "", err
	}
	src, err := OpenSource("", data, DefaultLimits)
	if err != nil {
		return "", err
	}
	if src.Pages != len(r.Pages) {
		return "", nil
	}
	return sha, nil
}

// RecordOriginal returns what a record was digitized from, to download:
// its original file; for a stack document that is part of a file or spans
// several, a PDF of its pages' images, taken from the originals as they
// are where they are PNG or JPEG (so that a download shows no page of
// another document).
func RecordOriginal(r *store.Record, open Opener) (data []byte, mediaType, name string, err error) {
	whole, err := stacked(r, open)
	if err != nil {
		return nil, "", "", err
	}
	if whole != "" {
		data, err := open(whole)
		return data, r.MediaType, r.SourceName, err
	}
	srcs := sources{r: r, open: open}
	var imgs []io.Reader
	for i := range r.Pages {
		sha, n := PageSource(r, i)
		src, err := srcs.get(sha)
		if err != nil {
			return nil, "", "", err
		}
		b, err := pageImageFile(src, n)
		if err != nil {
			return nil, "", "", err
		}
		imgs = append(imgs, bytes.NewReader(b))
	}
	var buf bytes.Buffer
	imp := pdfcpu.DefaultImportConfig()
	if err := api.ImportImages(nil, &buf, imgs, imp, nil); err != nil {
		return nil, "", "", fmt.Errorf("record %d: PDF of its pages: %w", r.ID, err)
	}
	base := strings.TrimSuffix(filepath.Base(r.SourcePath), filepath.Ext(r.SourcePath))
	return buf.Bytes(), "application/pdf", fmt.Sprintf("%s-%d.pdf", norm.NFC.String(base), r.ID), nil
}

// pageImageFile is page n (from 0) of src as an image file: the file
// itself or the PDF's embedded image when PNG or JPEG, else encoded as PNG.
func pageImageFile(src *Source, n int) ([]byte, error) {
	switch {
	case src.Kind == KindPNG || src.Kind == KindJPEG:
		return src.Data, nil
	case src.pdf != nil && n < len(src.pdf.images) && src.pdf.images[n] != nil:
		if k := sniff(src.pdf.images[n]); k == KindPNG || k == KindJPEG {
			return src.pdf.images[n], nil
		}
	}
	img, _, err := src.Page(n)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
