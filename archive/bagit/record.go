package bagit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua/pipeline"
	"motcua/store"
)

// Options are an export's settings.
type Options struct {
	Organization string    // Source-Organization
	Now          time.Time // Bagging-Date; zero: now
	Group        string    // Bag-Group-Identifier when there are several bags
	// Progress, if set, is called after each bag with how many are done.
	Progress func(done, total int)
}

// Name is the bag of a record's version: its folder name and its
// External-Identifier.
func Name(r *store.Record) string {
	return fmt.Sprintf("motcua-ban-ghi-%d-v%d", r.ID, r.Version)
}

// Export writes into out one bag per record of ids, each holding the
// record's original (data/goc/), its JSON (data/ban-ghi-ID.json) and its
// searchable PDF (data/ban-ghi-ID.pdf), and returns the bags' folders.
// The bags are made in a hidden folder of out and moved into place only
// when all are complete: a failure leaves none of them. No bag already in
// out is replaced.
func Export(ctx context.Context, st store.Records, blobs store.Blobs, ids []int64, out string, opt Options) ([]string, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("bagit: %w", err)
	}
	stage, err := os.MkdirTemp(out, ".motcua-bagit-")
	if err != nil {
		return nil, fmt.Errorf("bagit: %w", err)
	}
	defer os.RemoveAll(stage)
	var names []string
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := st.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("bagit: record %d: %w", id, err)
		}
		name := Name(r)
		if _, err := os.Lstat(filepath.Join(out, name)); err == nil {
			return nil, &ExistsError{filepath.Join(out, name)}
		}
		open := pipeline.BlobOpener(blobs)
		original, _, origName, err := pipeline.RecordOriginal(r, open)
		if err != nil {
			return nil, fmt.Errorf("bagit: record %d: %w", id, err)
		}
		files, err := recordFiles(r, original, origName, open)
		if err != nil {
			return nil, fmt.Errorf("bagit: record %d: %w", id, err)
		}
		info := Info{SourceOrganization: opt.Organization, ExternalIdentifier: name, BaggingDate: opt.Now,
			ExternalDescription: describe(r), GroupIdentifier: opt.Group, Count: i + 1, Total: len(ids)}
		if err := Write(filepath.Join(stage, name), info, files); err != nil {
			return nil, err
		}
		names = append(names, name)
		if opt.Progress != nil {
			opt.Progress(i+1, len(ids))
		}
	}
	var dirs []string
	for _, name := range names {
		dst := filepath.Join(out, name)
		if err := os.Rename(filepath.Join(stage, name), dst); err != nil {
			return dirs, fmt.Errorf("bagit: %w", err)
		}
		dirs = append(dirs, dst)
	}
	return dirs, syncDir(out)
}

// recordFiles are a record's payload: the original, the record as JSON
// (fields, confidences, pages with their words) and the searchable PDF (a
// PDF with its own text layer is its own searchable PDF). original is what
// the record was digitized from, named name: the file, or for a document
// scanned as part of a stack a PDF of its own pages.
func recordFiles(r *store.Record, original []byte, name string, open pipeline.Opener) ([]File, error) {
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	pdf := File{Path: fmt.Sprintf("ban-ghi-%d.pdf", r.ID), Write: func(dst string) error {
		if r.TextLayer {
			return os.WriteFile(dst, original, 0o644)
		}
		_, err := pipeline.RecordPDF(dst, r, open)
		return err
	}}
	return []File{
		Bytes("goc/"+fileName(name), original),
		Bytes(fmt.Sprintf("ban-ghi-%d.json", r.ID), js.Bytes()),
		pdf,
	}, nil
}

// fileName is a source file's name made safe as one path element.
func fileName(s string) string {
	s = strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%' {
			return '_'
		}
		return c
	}, filepath.Base(strings.ReplaceAll(s, "\\", "/")))
	if s == "" || s == "." || s == ".." || s == "_" {
		return "ban-goc"
	}
	return s
}

// describe is a record in one line for External-Description.
func describe(r *store.Record) string {
	what := strings.TrimSpace(r.Fields.DocType + " " + r.Fields.NumberSymbol)
	if what == "" {
		what = "văn bản"
	}
	return fmt.Sprintf("Bản ghi %d (phiên bản %d): %s; tệp gốc %s; trạng thái %s", r.ID, r.Version, what, fileName(r.SourceName), r.Status.Name())
}
