package pipeline

import (
	"path/filepath"
	"slices"
	"strings"

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
