package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"motcua/store"
)

func testRecord(sha string) *store.Record {
	return &store.Record{
		SHA256: sha, SourceName: "quyết định (1).png", SourcePath: "/scans/quyết định (1).png", MediaType: "image/png",
		Size: 123, DocType: "Quyết định", Status: store.StatusAuto, Visibility: store.Public,
		Text: "QUYẾT ĐỊNH", Fields: store.Fields{DocType: "Quyết định", NumberSymbol: "12/QĐ-UBND", MoneyVND: []int64{3000000}},
		Confidence: store.Confidence{store.DocType: 0.97},
		Pages: []store.Page{{N: 1, Width: 100, Height: 200, DPI: 200, Text: "QUYẾT ĐỊNH",
			Words: []store.Word{{Text: "QUYẾT", Box: [4]int{1, 2, 3, 4}, Conf: 0.9, Line: 1}}}},
	}
}

func TestPutGetReplace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, store.Failure{Path: "/scans/quyết định (1).png", Reason: "hỏng"}); err != nil {
		t.Fatal(err)
	}
	r := testRecord("aa")
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.Version != 1 {
		t.Fatalf("after Put: id %d version %d", r.ID, r.Version)
	}
	if ff, _ := db.Failures(ctx); len(ff) != 0 {
		t.Errorf("a stored record should clear its failure: %v", ff)
	}
	got, err := db.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fields.NumberSymbol != "12/QĐ-UBND" || got.Confidence[store.DocType] != 0.97 || len(got.Pages) != 1 ||
		got.Pages[0].Words[0].Text != "QUYẾT" || got.Fields.MoneyVND[0] != 3000000 || got.CreatedAt.IsZero() {
		t.Errorf("round trip: %+v", got)
	}

	// The same file again (--force) keeps the ID and the history.
	r2 := testRecord("aa")
	r2.Fields.NumberSymbol = "13/QĐ-UBND"
	r2.Pages = nil
	if err := db.Put(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if r2.ID != r.ID || r2.Version != 2 {
		t.Errorf("replace: id %d version %d, want %d 2", r2.ID, r2.Version, r.ID)
	}
	hist, err := db.History(ctx, r.ID)
	if err != nil || len(hist) != 1 || hist[0].Fields.NumberSymbol != "12/QĐ-UBND" || len(hist[0].Pages) != 1 {
		t.Errorf("history: %v %+v", err, hist)
	}
	if err := db.Put(ctx, testRecord("bb")); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
	var shas []string
	if err := db.All(ctx, false, func(r *store.Record) error {
		shas = append(shas, r.SHA256)
		if len(r.Pages) > 0 && r.Pages[0].Words != nil {
			t.Errorf("All without words returned words")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(shas) != 2 || shas[0] != "aa" || shas[1] != "bb" {
		t.Errorf("All: %v", shas)
	}
	if _, err := db.Get(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing record: %v", err)
	}
	if got, err := db.BySHA256(ctx, "bb"); err != nil || got.Version != 1 {
		t.Errorf("BySHA256: %v %+v", err, got)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.db.Exec(`PRAGMA user_version = 99`)
	db.Close()
	if _, err := Open(path); err == nil {
		t.Error("opening a database from a newer motcua should fail")
	}
}
