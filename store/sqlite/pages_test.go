package sqlite

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
)

// TestSourcePages: the pages of a stack document keep the original and
// page they were scanned in, and SourcePages finds them by original.
func TestSourcePages(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := testRecord("stack-doc")
	second := r.Pages[0]
	second.N = 2
	r.Pages = append(r.Pages, second)
	r.Pages[0].Source, r.Pages[0].SourcePage = "tiff", 2
	r.Pages[1].Source, r.Pages[1].SourcePage = "tiff", 3
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.Put(ctx, testRecord("plain")); err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, r.ID)
	if err != nil || got.Pages[1].Source != "tiff" || got.Pages[1].SourcePage != 3 {
		t.Fatalf("Get: %v, pages %+v", err, got.Pages)
	}
	m, err := db.SourcePages(ctx, "tiff")
	if want := map[int]int64{2: r.ID, 3: r.ID}; err != nil || !maps.Equal(m, want) {
		t.Errorf("SourcePages(tiff) = %v, %v; want %v", m, err, want)
	}
	if m, err := db.SourcePages(ctx, ""); err != nil || len(m) != 0 {
		t.Errorf("SourcePages(\"\") = %v, %v; a plain record's pages name no source", m, err)
	}
}
