package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// Events about a dossier: those of its records and those naming its code.
func TestEventsAbout(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const code = "000.42.27.H09-240515-0087"
	for _, e := range []store.Event{
		{User: "lan", Action: store.ActView, RecordID: 3},
		{User: "lan", Action: store.ActView, RecordID: 4},
		{User: "lan", Action: store.ActDossierView, Detail: "hồ sơ " + code},
		{User: "lan", Action: store.ActDossierView, Detail: "hồ sơ 000.42.27.H09-240515-0088"},
		{User: "minh", Action: store.ActDossierMove, RecordID: 5, Detail: "hồ sơ " + code + ": thành phần 1 → 2"},
	} {
		if err := db.Log(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		f    store.AuditFilter
		want []int64 // event IDs
	}{
		{store.AuditFilter{Records: []int64{3}}, []int64{1}},
		{store.AuditFilter{Mentions: code}, []int64{3, 5}},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code}, []int64{1, 2, 3, 5}},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code, User: "minh"}, []int64{5}},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code, Limit: 2}, []int64{3, 5}},
	} {
		var got []int64
		if err := db.Events(ctx, c.f, func(e store.Event) error { got = append(got, e.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v: events %v, want %v", c.f, got, c.want)
		}
	}
}

func TestApplyEdit(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	r := testRecord("cc")
	r.Status = store.StatusReview
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	f := r.Fields
	f.NumberSymbol = "13/QĐ-UBND"
	f.OwnerID = "026089004517"
	saved, err := db.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: r.Version, User: "lan", Fields: f, Approve: true})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != store.StatusVerified || saved.Version != r.Version+1 || saved.Visibility != store.Restricted ||
		saved.Confidence[store.NumberSymbol] != 1 {
		t.Errorf("saved: %+v", saved)
	}
	ch, _ := db.Changes(ctx, r.ID)
	if len(ch) != 3 || ch[0].Field != store.NumberSymbol || ch[0].Old != "12/QĐ-UBND" || ch[0].New != "13/QĐ-UBND" ||
		ch[0].User != "lan" || ch[2].Field != "status" {
		t.Errorf("changes: %+v", ch)
	}
	if rr, _ := db.Review(ctx, 0); len(rr) != 0 {
		t.Errorf("an approved record is still in review: %v", rr)
	}
	if got, _ := db.ByOwner(ctx, "026089004517"); len(got) != 1 {
		t.Errorf("owner not indexed after edit: %v", got)
	}
	// A second edit from the old version is a conflict and changes nothing.
	f.Summary = "khác"
	if _, err := db.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: r.Version, User: "minh", Fields: f}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale edit: %v", err)
	}
	var n int
	db.Events(ctx, store.AuditFilter{}, func(e store.Event) error { n++; return nil })
	if n != 2 {
		t.Errorf("audit events after one edit and approval: %d, want 2", n)
	}
}

func TestSessionsAndLockout(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.AddUser(ctx, store.User{Name: "lan", Role: store.RoleStaff, Password: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddUser(ctx, store.User{Name: "lan", Role: store.RoleStaff, Password: "h"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate user: %v", err)
	}
	t0 := time.Now()
	db.CreateSession(ctx, "t1", store.Session{User: "lan", CSRF: "c", CreatedAt: t0, SeenAt: t0, ExpiresAt: t0.Add(time.Minute)})
	if se, err := db.Session(ctx, "t1", t0); err != nil || se.User != "lan" || se.CSRF != "c" {
		t.Errorf("session: %+v %v", se, err)
	}
	if _, err := db.Session(ctx, "t1", t0.Add(2*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session still valid: %v", err)
	}
	if n, _ := db.PurgeSessions(ctx, t0.Add(2*time.Minute)); n != 1 {
		t.Errorf("purged %d sessions, want 1", n)
	}
	db.CreateSession(ctx, "t2", store.Session{User: "lan", CSRF: "c", CreatedAt: t0, SeenAt: t0, ExpiresAt: t0.Add(time.Hour)})
	if err := db.SetDisabled(ctx, "lan", true); err != nil {
		t.Fatal(err)
	}
	if n, _ := countSessions(ctx, db, t0); n != 0 {
		t.Errorf("a disabled account keeps %d sessions", n)
	}
	for i := 1; i <= 5; i++ {
		until, err := db.LoginFailed(ctx, "lan", 5, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if (i == 5) != !until.IsZero() {
			t.Errorf("failure %d: locked until %v", i, until)
		}
	}
	u, _ := db.User(ctx, "lan")
	if !u.LockedUntil.After(time.Now()) || !u.Disabled {
		t.Errorf("user after 5 failures: %+v", u)
	}
	if _, err := db.LoginFailed(ctx, "nobody", 5, time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestReuseAndStats(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	r := testRecord("dd")
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	u := &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh", Dossier: "000.00.11.H62-231027-0001"}
	if err := db.AddReuse(ctx, u, "127.0.0.1"); err != nil || u.ID == 0 {
		t.Fatalf("AddReuse: %v", err)
	}
	if err := db.AddReuse(ctx, &store.Reuse{User: "lan", RecordID: 999, Procedure: "1.001471"}, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reuse of a missing record: %v", err)
	}
	if got, _ := db.UpdatedSince(ctx, r.UpdatedAt); len(got) != 1 || got[0].ID != r.ID {
		t.Errorf("UpdatedSince its own time: %v", got)
	}
	if got, _ := db.UpdatedSince(ctx, r.UpdatedAt.Add(time.Millisecond)); len(got) != 0 {
		t.Errorf("UpdatedSince after it: %v", got)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || st.Reuses != 1 || st.ByStatus[store.StatusAuto] != 1 || len(st.ByTypeMonth) != 1 || st.ByTypeMonth[0].DocType != "Quyết định" {
		t.Errorf("stats: %+v", st)
	}
	var acts []string
	db.Events(ctx, store.AuditFilter{}, func(e store.Event) error { acts = append(acts, e.Action); return nil })
	if len(acts) != 1 || acts[0] != store.ActReuse {
		t.Errorf("audit after a reuse: %v", acts)
	}
}

// countSessions counts the sessions live at t.
func countSessions(ctx context.Context, db *DB, t time.Time) (int, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE expires_at > ?`, ts(t)).Scan(&n)
	return n, err
}

// TestReuseOnce: the same reuse twice (a button pressed twice, a form
// sent again) is refused and names the one recorded.
func TestReuseOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	r := testRecord("ee")
	if err := db.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	u := &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh", Dossier: "000.00.11.H62-231027-0001"}
	if err := db.AddReuse(ctx, u, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	again := *u
	again.ID, again.User = 0, "hoa"
	if err := db.AddReuse(ctx, &again, "127.0.0.1"); !errors.Is(err, store.ErrExists) || again.ID != u.ID {
		t.Errorf("the same reuse again: %v, id %d (first %d)", err, again.ID, u.ID)
	}
	other := *u
	other.ID, other.Dossier = 0, "000.00.11.H62-231027-0002"
	if err := db.AddReuse(ctx, &other, "127.0.0.1"); err != nil || other.ID == u.ID {
		t.Errorf("the record for another dossier: %v", err)
	}
	// Without a dossier, the same reuse within hours is the same act;
	// a day later it is a new one.
	day := time.Now().Add(-30 * time.Hour)
	for i, c := range []struct {
		at   time.Time
		dupe bool
	}{{day, false}, {day.Add(time.Minute), true}, {day.Add(11 * time.Hour), true}, {day.Add(24 * time.Hour), false}} {
		x := &store.Reuse{At: c.at, User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh"}
		if err := db.AddReuse(ctx, x, ""); errors.Is(err, store.ErrExists) != c.dupe || (!c.dupe && err != nil) {
			t.Errorf("reuse %d without a dossier: %v, want duplicate %v", i, err, c.dupe)
		}
	}
	if rs, _ := db.Reuses(ctx, r.ID); len(rs) != 4 {
		t.Errorf("%d reuses stored, want 4", len(rs))
	}
	n := 0
	db.Events(ctx, store.AuditFilter{}, func(store.Event) error { n++; return nil })
	if n != 4 {
		t.Errorf("%d audit events, want one per reuse recorded (4)", n)
	}
}
