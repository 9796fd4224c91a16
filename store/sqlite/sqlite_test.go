package sqlite

import (
	"context"
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

// TestReopen: what is committed is there when the file is opened again.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := testRecord("aa")
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.Log(ctx, store.Event{User: "lan", Action: store.ActView, RecordID: r.ID, OK: true}); err != nil {
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
	if got, err := db.BySHA256(ctx, "aa"); err != nil || got.ID != r.ID || len(got.Pages) != 1 {
		t.Errorf("after reopening: %v %+v", err, got)
	}
	if bad, n, err := db.VerifyAudit(ctx); bad != 0 || n != 1 || err != nil {
		t.Errorf("audit after reopening: bad %d, %d checked, %v", bad, n, err)
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

// TestOpenConcurrently: processes that open the same new database at once
// (digitize creating it while a backup or serve opens it) each migrate it
// or find it migrated; none fails on a table another has just created.
func TestOpenConcurrently(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "motcua.db")
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				db, err := Open(path)
				if err == nil {
					err = db.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}
