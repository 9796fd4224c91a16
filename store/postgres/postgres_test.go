package postgres

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"motcua/store"
	"motcua/store/storetest"
)

var ctx = context.Background()

// openTest opens a store in a schema of its own (see storetest.Postgres),
// its sessions in Vietnam's time zone: nothing may depend on the server's.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(ctx, storetest.Postgres(t)+"&timezone=Asia%2FHo_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestConformance runs the suite every store passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}

// TestAuditIsAppendOnly: the database itself refuses to change or remove an
// audit event; an event changed behind the triggers' back is found by the
// chain and Check says the triggers are off.
func TestAuditIsAppendOnly(t *testing.T) {
	db := openTest(t)
	for _, u := range []string{"lan", "minh", "lan"} {
		if err := db.Log(ctx, store.Event{User: u, Action: store.ActView, RecordID: 3, OK: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`UPDATE audit SET user_name = 'x'`, `DELETE FROM audit WHERE id = 2`, `TRUNCATE audit`} {
		if _, err := db.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want an append-only error, got %v", q, err)
		}
	}
	if bad, n, err := db.VerifyAudit(ctx); bad != 0 || n != 3 || err != nil {
		t.Errorf("VerifyAudit of a whole log: bad %d, %d checked, %v", bad, n, err)
	}
	// Someone with the database's owner role disables a trigger and edits
	// an event: the chain shows where, Check shows the trigger is off.
	var second int64
	if err := db.pool.QueryRow(ctx, `SELECT id FROM audit ORDER BY id OFFSET 1 LIMIT 1`).Scan(&second); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `ALTER TABLE audit DISABLE TRIGGER audit_no_update;
		UPDATE audit SET user_name = 'ai-khac' WHERE id = `+strconv.FormatInt(second, 10)); err != nil {
		t.Fatal(err)
	}
	if bad, _, _ := db.VerifyAudit(ctx); bad != second {
		t.Errorf("VerifyAudit after an edit: bad %d, want %d", bad, second)
	}
	if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("Check with a trigger disabled: %v", err)
	}
}

// TestMigrations: opening again runs nothing twice, processes opening a
// new database together migrate it once, and a database from a newer
// motcua is refused.
func TestMigrations(t *testing.T) {
	url := storetest.Postgres(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(ctx, url)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, v int
	if err := db.pool.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &v); err != nil || n != len(migrations) || v != SchemaVersion() {
		t.Errorf("schema_migrations: %d rows, version %d, %v; want %d", n, v, err, len(migrations))
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (99)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, url); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("opening a database from a newer motcua: %v", err)
	}
	if err := db.Check(ctx); err == nil {
		t.Error("Check of a database at a newer schema passed")
	}
}

func TestOpenErrors(t *testing.T) {
	for _, url := range []string{"postgres://motcua@127.0.0.1:1/nowhere?connect_timeout=2", "postgres://%zz"} {
		if _, err := Open(ctx, url); err == nil || !strings.HasPrefix(err.Error(), "store:") {
			t.Errorf("Open(%q): %v", url, err)
		}
	}
}
