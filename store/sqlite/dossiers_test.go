package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"motcua/store"
)

func TestDossiers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const code = "000.42.27.H09-240515-0087"
	d := &store.Dossier{Code: code, Procedure: "1.001193", OwnerID: "001090012345", OwnerName: "Nguyễn Văn An",
		Received: "2024-05-15", Due: "2024-05-20"}
	if err := db.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	if d.Status != store.DossierReceived || d.Channel != store.Direct {
		t.Errorf("defaults: status %q channel %q", d.Status, d.Channel)
	}

	// A record put with a place is attached in the same transaction.
	r := testRecord("d1")
	r.Dossier, r.Place = code, &store.Attachment{Component: 2}
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	// A rerun (--force) keeps the place.
	r2 := testRecord("d1")
	r2.Dossier, r2.Place = code, &store.Attachment{Component: 1}
	if err := db.Put(ctx, r2); err != nil {
		t.Fatal(err)
	}
	// Two results are numbered in order.
	var results []int
	for _, sha := range []string{"k1", "k2"} {
		k := testRecord(sha)
		k.Dossier, k.Place = code, &store.Attachment{Result: -1}
		if err := db.Put(ctx, k); err != nil {
			t.Fatal(err)
		}
		results = append(results, k.Place.Result)
	}
	if results[0] != 1 || results[1] != 2 {
		t.Errorf("results numbered %v, want [1 2]", results)
	}

	got, err := db.Dossier(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if got.OwnerName != "Nguyễn Văn An" || len(got.Records) != 3 || got.Records[0].Component != 2 ||
		got.Records[0].DocType != "Quyết định" || got.Records[2].Result != 2 {
		t.Errorf("dossier: %+v", got)
	}
	if rec, _ := db.Get(ctx, r.ID); rec.Dossier != code {
		t.Errorf("record's dossier %q, want %q", rec.Dossier, code)
	}

	// A record belongs to at most one dossier.
	other := &store.Dossier{Code: "000.42.27.H09-240515-0088", Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15"}
	if err := db.PutDossier(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := db.Attach(ctx, other.Code, &store.Attachment{RecordID: r.ID, Component: 1}); !errors.Is(err, store.ErrTaken) {
		t.Errorf("attach to a second dossier: %v, want ErrTaken", err)
	}
	r3 := testRecord("d1")
	r3.Dossier, r3.Place = other.Code, &store.Attachment{Component: 1}
	if err := db.Put(ctx, r3); !errors.Is(err, store.ErrTaken) {
		t.Errorf("put into a second dossier: %v, want ErrTaken", err)
	}
	if rec, _ := db.Get(ctx, r.ID); rec.Version != 2 {
		t.Errorf("a refused put must change nothing: version %d, want 2", rec.Version)
	}
	// Attaching to a dossier that does not exist is refused.
	if err := db.Attach(ctx, "000.42.27.H09-240515-0099", &store.Attachment{RecordID: r.ID}); !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrTaken) {
		t.Errorf("attach to a missing dossier: %v", err)
	}

	// Moving is audited; a result cannot be moved.
	if err := db.MoveRecord(ctx, code, r.ID, 0, "lan", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveRecord(ctx, code, got.Records[2].RecordID, 1, "lan", "127.0.0.1"); !errors.Is(err, store.ErrTaken) {
		t.Errorf("moving a result: %v, want ErrTaken", err)
	}
	var moves int
	db.Events(ctx, store.AuditFilter{Action: store.ActDossierMove}, func(store.Event) error { moves++; return nil })
	if moves != 1 {
		t.Errorf("%d move events, want 1", moves)
	}
	if bad, _, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
		t.Errorf("audit chain: bad %d, %v", bad, err)
	}

	// Lists and filters.
	for _, tc := range []struct {
		f    store.DossierFilter
		want int
	}{
		{store.DossierFilter{}, 2},
		{store.DossierFilter{OwnerID: "001090012345"}, 2},
		{store.DossierFilter{OwnerID: "001090099999"}, 0},
		{store.DossierFilter{Month: "2024-05"}, 2},
		{store.DossierFilter{Month: "2024-06"}, 0},
		{store.DossierFilter{Code: "000.42.27.H09-240515-0088"}, 1},
		{store.DossierFilter{Procedure: "1.001193", Limit: 1}, 1},
	} {
		ds, err := db.ListDossiers(ctx, tc.f)
		if err != nil || len(ds) != tc.want {
			t.Errorf("ListDossiers(%+v): %d, %v; want %d", tc.f, len(ds), err, tc.want)
		}
	}
	if _, err := db.Dossier(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing dossier: %v", err)
	}
	// A reuse for the dossier is listed with it.
	if err := db.AddReuse(ctx, &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001193", Document: "Tờ khai", Dossier: other.Code}, "cli"); err != nil {
		t.Fatal(err)
	}
	if d, err := db.Dossier(ctx, other.Code); err != nil || len(d.Reuses) != 1 || d.Reuses[0].Document != "Tờ khai" {
		t.Errorf("dossier reuses: %+v, %v", d, err)
	}
}
