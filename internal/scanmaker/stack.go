package scanmaker

import (
	"fmt"
	"image"
	"strings"
)

// A stack is what a sheet-fed scanner delivers for one scanning session:
// the pages of several dossiers, each dossier several documents, in order,
// with a golden split to check a splitter against.

// Doc is one document of a stack: its name and its markup (a leading
// "@ …" line of demo options is ignored).
type Doc struct{ Name, Src string }

// StackSpec says what a stack holds and how it is scanned.
type StackSpec struct {
	Name     string
	Dossiers [][]Doc
	Scan     Scan // the zero Scan leaves pages clean
}

// Stack is a rendered stack with its golden split.
type Stack struct {
	Name   string
	Pages  []image.Image
	Starts []bool   // page i opens a document
	Covers []bool   // page i is a cover sheet (belongs to no document)
	Docs   []string // the name of the document page i belongs to ("" for a cover)
}

// BuildStack renders spec's documents page by page. cover, when not nil,
// is asked for a cover sheet before dossier i (from 0); it may return nil
// for none. Each degraded page gets its own noise seed.
func BuildStack(spec StackSpec, cover func(i int) image.Image) (Stack, error) {
	st := Stack{Name: spec.Name}
	add := func(img image.Image, start, isCover bool, doc string) {
		st.Pages = append(st.Pages, img)
		st.Starts = append(st.Starts, start)
		st.Covers = append(st.Covers, isCover)
		st.Docs = append(st.Docs, doc)
	}
	for i, dossier := range spec.Dossiers {
		if cover != nil {
			if img := cover(i); img != nil {
				add(img, false, true, "")
			}
		}
		for _, d := range dossier {
			pages, err := Render(stripOptions(d.Src))
			if err != nil {
				return Stack{}, fmt.Errorf("scanmaker: stack %s, %s: %w", spec.Name, d.Name, err)
			}
			for j, pg := range pages {
				var img image.Image = pg
				if spec.Scan != (Scan{}) {
					sc := spec.Scan
					sc.Seed += uint64(len(st.Pages))
					img = Degrade(pg, sc)
				}
				add(img, j == 0, false, d.Name)
			}
		}
	}
	return st, nil
}

// stripOptions drops a demo source's "@ format options" line.
func stripOptions(src string) string {
	if strings.HasPrefix(src, "@") {
		_, rest, _ := strings.Cut(src, "\n")
		return rest
	}
	return src
}
