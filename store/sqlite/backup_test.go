package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestOriginalsAndSnapshot: Originals lists each referenced original once,
// in order; a snapshot taken while a write is in flight holds what was
// committed before it and opens as a database of its own.
func TestOriginalsAndSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, sha := range []string{"cc", "aa", "bb", "aa"} { // "aa" twice: a --force redo
		if err := db.Put(ctx, testRecord(sha)); err != nil {
			t.Fatal(err)
		}
	}
	list := func(db *DB) []string {
		var out []string
		if err := db.Originals(ctx, func(sha string) error { out = append(out, sha); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := list(db); !slices.Equal(got, []string{"aa", "bb", "cc"}) {
		t.Errorf("Originals = %v", got)
	}
	// A stack document is keyed by its pages' sources: they are the
	// originals, not its key.
	doc := testRecord("key-of-pages")
	doc.Pages = append(doc.Pages, doc.Pages[0])
	doc.Pages[1].N = 2
	doc.Pages[0].Source, doc.Pages[0].SourcePage = "ee", 3
	doc.Pages[1].Source, doc.Pages[1].SourcePage = "ff", 1
	if err := db.Put(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if got := list(db); !slices.Equal(got, []string{"aa", "bb", "cc", "ee", "ff"}) {
		t.Errorf("with a stack document, Originals = %v, want its pages' sources and not its key", got)
	}
	if _, err := db.db.Exec(`DELETE FROM records WHERE sha256 = 'key-of-pages'`); err != nil {
		t.Fatal(err)
	}

	// A write transaction open, not committed, while the snapshot is taken.
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE records SET sha256 = 'dd' WHERE sha256 = 'cc'`); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap.db")
	if err := db.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	if err := db.Snapshot(ctx, snap); err == nil {
		t.Error("a snapshot over an existing file should fail")
	}
	s, err := Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
	if got := list(s); !slices.Equal(got, []string{"aa", "bb", "cc"}) {
		t.Errorf("the snapshot's originals = %v, want those committed before it", got)
	}
}
