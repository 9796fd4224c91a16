package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/store"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A database made by the first schema keeps its records, pages and
// history through the migration, and gains owners from its person IDs.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "motcua.db")
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(migrations[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA user_version = 1;
		INSERT INTO records VALUES (7, 'ab', 'a.png', '/s/a.png', 'image/png', 1, 'Trích lục khai sinh', 'review', 'restricted', 0,
			'TRÍCH LỤC', '{"doc_type":"Trích lục khai sinh","person_ids":["026089004517","001190000001"]}', '{"doc_type":0.9}', 1,
			'2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z');
		INSERT INTO pages VALUES (7, 1, 10, 20, 200, 'TRÍCH LỤC', '[]');
		INSERT INTO record_history (record_id, version, record, replaced_at) VALUES (7, 0, '{}', '2024-01-01T00:00:00Z');`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	r, err := db.Get(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pages) != 1 || r.Fields.OwnerID != "026089004517" {
		t.Errorf("after migration: pages %d owner %q", len(r.Pages), r.Fields.OwnerID)
	}
	if h, _ := db.History(ctx, 7); len(h) != 1 {
		t.Errorf("history lost in migration: %d", len(h))
	}
	if got, _ := db.ByOwner(ctx, "026089004517"); len(got) != 1 || got[0].ID != 7 {
		t.Errorf("ByOwner after migration: %v", got)
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Log(ctx, store.Event{User: "lan", Action: store.ActView, RecordID: 3, OK: true}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET user = 'x'`, `DELETE FROM audit`} {
		if _, err := db.db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want an append-only error, got %v", q, err)
		}
	}
	var got []store.Event
	db.Log(ctx, store.Event{User: "minh", Action: store.ActLogin})
	err := db.Events(ctx, store.AuditFilter{User: "lan"}, func(e store.Event) error { got = append(got, e); return nil })
	if err != nil || len(got) != 1 || got[0].RecordID != 3 || !got[0].OK || got[0].At.IsZero() {
		t.Errorf("events of lan: %+v %v", got, err)
	}
	db.Log(ctx, store.Event{User: "lan", Action: store.ActOriginal, RecordID: 3, OK: true})
	if bad, n, err := db.VerifyAudit(ctx); bad != 0 || n != 3 || err != nil {
		t.Errorf("VerifyAudit of a whole log: bad %d, %d checked, %v", bad, n, err)
	}
	// Someone with the file drops the trigger and edits an event: the chain
	// shows where.
	if _, err := db.db.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET user = 'ai-khac' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if bad, _, _ := db.VerifyAudit(ctx); bad != 2 {
		t.Errorf("VerifyAudit after an edit: bad %d, want 2", bad)
	}
	got = nil
	db.Events(ctx, store.AuditFilter{Since: time.Now().Add(time.Hour)}, func(e store.Event) error { got = append(got, e); return nil })
	if len(got) != 0 {
		t.Errorf("events since an hour from now: %v", got)
	}
}
