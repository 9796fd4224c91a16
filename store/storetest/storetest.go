// Package storetest is the conformance suite every store.Store adapter
// passes: each adapter's tests call Run with a function that opens a new,
// empty store. What the suite checks is what the rest of motcua relies on;
// what only one database does (its files, its triggers) is tested beside
// that adapter.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/store"
)

// Run runs the suite; open returns a new, empty store that the test's
// cleanup closes and removes.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PutGetReplace", testPutGetReplace},
		{"PutConcurrent", testPutConcurrent},
		{"All", testAll},
		{"UpdatedSinceReview", testUpdatedSinceReview},
		{"Failures", testFailures},
		{"ApplyEdit", testApplyEdit},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Lockout", testLockout},
		{"Reuses", testReuses},
		{"Stats", testStats},
		{"AuditChain", testAuditChain},
		{"AuditConcurrent", testAuditConcurrent},
		{"Events", testEvents},
		{"Dossiers", testDossiers},
		{"DossierList", testDossierList},
		{"Originals", testOriginals},
		{"SourcePages", testSourcePages},
		{"ReuseOnce", testReuseOnce},
		{"Confine", testConfine},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			c.fn(t, s)
			if err := s.Check(context.Background()); err != nil {
				t.Errorf("Check after the test: %v", err)
			}
		})
	}
}

// Record is a record as the pipeline makes it, with one page and one word.
func Record(sha string) *store.Record {
	return &store.Record{
		SHA256: sha, SourceName: "quyết định (1).png", SourcePath: "/scans/" + sha + "/quyết định (1).png", MediaType: "image/png",
		Size: 123, DocType: "Quyết định", Status: store.StatusAuto, Visibility: store.Public,
		Text: "QUYẾT ĐỊNH", Fields: store.Fields{DocType: "Quyết định", NumberSymbol: "12/QĐ-UBND", MoneyVND: []int64{3000000}},
		Confidence: store.Confidence{store.DocType: 0.97},
		Pages: []store.Page{{N: 1, Width: 100, Height: 200, DPI: 200, Text: "QUYẾT ĐỊNH", Turn: 90,
			Words: []store.Word{{Text: "QUYẾT", Box: [4]int{1, 2, 3, 4}, Conf: 0.9, Line: 1}}}},
	}
}

var ctx = context.Background()

func put(t *testing.T, s store.Store, r *store.Record) *store.Record {
	t.Helper()
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func logEvent(t *testing.T, s store.Store, e store.Event) {
	t.Helper()
	if err := s.Log(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// events lists the IDs of the events f selects.
func events(t *testing.T, s store.Store, f store.AuditFilter) []store.Event {
	t.Helper()
	var out []store.Event
	if err := s.Events(ctx, f, func(e store.Event) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	var out []int64
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func eventID(e store.Event) int64   { return e.ID }
func recordID(r store.Record) int64 { return r.ID }

// ms is t as the store keeps it.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func testPutGetReplace(t *testing.T, s store.Store) {
	if err := s.Fail(ctx, store.Failure{Path: "/scans/aa/quyết định (1).png", Reason: "hỏng"}); err != nil {
		t.Fatal(err)
	}
	r := put(t, s, Record("aa"))
	if r.ID == 0 || r.Version != 1 || r.CreatedAt.IsZero() || !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Fatalf("after Put: id %d version %d created %v updated %v", r.ID, r.Version, r.CreatedAt, r.UpdatedAt)
	}
	if ff, err := s.Failures(ctx); err != nil || len(ff) != 0 {
		t.Errorf("a stored record should clear its failure: %v %v", ff, err)
	}
	got, err := s.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != "aa" || got.SourceName != "quyết định (1).png" || got.MediaType != "image/png" || got.Size != 123 ||
		got.Status != store.StatusAuto || got.Visibility != store.Public || got.Text != "QUYẾT ĐỊNH" ||
		got.Fields.NumberSymbol != "12/QĐ-UBND" || got.Confidence[store.DocType] != 0.97 || got.Fields.MoneyVND[0] != 3000000 ||
		!got.CreatedAt.Equal(r.CreatedAt) || got.Version != 1 || got.Dossier != "" {
		t.Errorf("round trip: %+v", got)
	}
	if len(got.Pages) != 1 || got.Pages[0].N != 1 || got.Pages[0].Width != 100 || got.Pages[0].Height != 200 ||
		got.Pages[0].DPI != 200 || got.Pages[0].Text != "QUYẾT ĐỊNH" || got.Pages[0].Turn != 90 ||
		!slices.Equal(got.Pages[0].Words, r.Pages[0].Words) {
		t.Errorf("pages round trip: %+v", got.Pages)
	}

	// The same file again (--force) keeps the ID, the creation time and
	// the replaced version in the history.
	r2 := Record("aa")
	r2.Fields.NumberSymbol = "13/QĐ-UBND"
	r2.Pages = nil
	put(t, s, r2)
	if r2.ID != r.ID || r2.Version != 2 || !r2.CreatedAt.Equal(r.CreatedAt) {
		t.Errorf("replace: id %d version %d created %v, want %d 2 %v", r2.ID, r2.Version, r2.CreatedAt, r.ID, r.CreatedAt)
	}
	hist, err := s.History(ctx, r.ID)
	if err != nil || len(hist) != 1 || hist[0].Version != 1 || hist[0].Fields.NumberSymbol != "12/QĐ-UBND" || len(hist[0].Pages) != 1 {
		t.Errorf("history: %v %+v", err, hist)
	}
	if got, err := s.BySHA256(ctx, "aa"); err != nil || got.Version != 2 || len(got.Pages) != 0 || got.Fields.NumberSymbol != "13/QĐ-UBND" {
		t.Errorf("BySHA256 after replace: %v %+v", err, got)
	}
	if h, err := s.History(ctx, 999); err != nil || len(h) != 0 {
		t.Errorf("history of a missing record: %v %v", h, err)
	}
	for _, c := range []struct {
		name string
		get  func() (*store.Record, error)
	}{
		{"Get", func() (*store.Record, error) { return s.Get(ctx, 999) }},
		{"BySHA256", func() (*store.Record, error) { return s.BySHA256(ctx, "ff") }},
	} {
		if _, err := c.get(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of a missing record: %v, want ErrNotFound", c.name, err)
		}
	}
}

// testPutConcurrent: writers storing the same file at once (workers
// on several machines) each make one version; results attached at once
// get distinct numbers.
func testPutConcurrent(t *testing.T, s store.Store) {
	const code = "000.42.27.H09-240515-0087"
	if err := s.PutDossier(ctx, &store.Dossier{Code: code, Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15"}); err != nil {
		t.Fatal(err)
	}
	const writers = 4
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	versions := make([]int, writers)
	results := make([]int, writers)
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r := Record("aa")
			errs <- s.Put(ctx, r)
			versions[w] = r.Version
		}()
		go func() {
			defer wg.Done()
			k := Record(fmt.Sprintf("k%d", w))
			k.Dossier, k.Place = code, &store.Attachment{Result: -1}
			errs <- s.Put(ctx, k)
			if k.Place != nil {
				results[w] = k.Place.Result
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(versions)
	slices.Sort(results)
	if fmt.Sprint(versions) != "[1 2 3 4]" || fmt.Sprint(results) != "[1 2 3 4]" {
		t.Errorf("concurrent puts: versions %v, results %v; want [1 2 3 4] each", versions, results)
	}
	r, err := s.BySHA256(ctx, "aa")
	if err != nil || r.Version != writers {
		t.Fatalf("after concurrent puts: %v %+v", err, r)
	}
	if h, err := s.History(ctx, r.ID); err != nil || len(h) != writers-1 {
		t.Errorf("history after concurrent puts: %d versions, %v", len(h), err)
	}
}

func testAll(t *testing.T, s store.Store) {
	for _, sha := range []string{"cc", "aa", "bb"} {
		put(t, s, Record(sha))
	}
	for _, withWords := range []bool{false, true} {
		var shas []string
		err := s.All(ctx, withWords, func(r *store.Record) error {
			shas = append(shas, r.SHA256)
			if len(r.Pages) != 1 || r.Pages[0].Text != "QUYẾT ĐỊNH" {
				t.Errorf("All: pages %+v", r.Pages)
			} else if (r.Pages[0].Words != nil) != withWords {
				t.Errorf("All(withWords %t): words %v", withWords, r.Pages[0].Words)
			}
			// fn may use the store.
			_, err := s.Get(ctx, r.ID)
			return err
		})
		if err != nil || fmt.Sprint(shas) != "[cc aa bb]" {
			t.Errorf("All(%t): %v %v, want ID order [cc aa bb]", withWords, shas, err)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.All(ctx, false, func(*store.Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("All stopped early: %v after %d records", err, n)
	}
}

func testUpdatedSinceReview(t *testing.T, s store.Store) {
	a := Record("aa")
	a.Status = store.StatusReview
	put(t, s, a)
	time.Sleep(2 * time.Millisecond)
	b := put(t, s, Record("bb"))
	time.Sleep(2 * time.Millisecond)
	c := Record("cc")
	c.Status = store.StatusReview
	put(t, s, c)
	for _, tc := range []struct {
		since time.Time
		want  []int64
	}{
		{a.UpdatedAt, []int64{a.ID, b.ID, c.ID}},
		{b.UpdatedAt, []int64{b.ID, c.ID}},
		{c.UpdatedAt.Add(time.Millisecond), nil},
	} {
		got, err := s.UpdatedSince(ctx, tc.since)
		if err != nil || fmt.Sprint(ids(got, recordID)) != fmt.Sprint(tc.want) {
			t.Errorf("UpdatedSince(%v): %v %v, want %v", tc.since, ids(got, recordID), err, tc.want)
		}
		for _, r := range got {
			if r.Pages != nil {
				t.Errorf("UpdatedSince returned pages")
			}
		}
	}
	for _, tc := range []struct {
		limit int
		want  []int64
	}{{0, []int64{a.ID, c.ID}}, {1, []int64{a.ID}}, {5, []int64{a.ID, c.ID}}} {
		got, err := s.Review(ctx, tc.limit)
		if err != nil || fmt.Sprint(ids(got, recordID)) != fmt.Sprint(tc.want) {
			t.Errorf("Review(%d): %v %v, want %v", tc.limit, ids(got, recordID), err, tc.want)
		}
	}
}

func testFailures(t *testing.T, s store.Store) {
	t0 := ms(time.Now().Add(-time.Hour))
	for _, f := range []store.Failure{
		{Path: "/scans/b.png", SHA256: "bb", Reason: "ảnh hỏng", At: t0.Add(time.Second)},
		{Path: "/scans/a.png", SHA256: "aa", Reason: "quá lớn", At: t0},
		{Path: "/scans/b.png", SHA256: "bb", Reason: "không đọc được", At: t0.Add(2 * time.Second)}, // replaces the first
		{Path: "/scans/c.png", Reason: "trống"},                                                     // At: now
	} {
		if err := s.Fail(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	ff, err := s.Failures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range ff {
		got = append(got, f.Path+" "+f.SHA256+" "+f.Reason)
	}
	if want := "[/scans/a.png aa quá lớn /scans/b.png bb không đọc được /scans/c.png  trống]"; fmt.Sprint(got) != want {
		t.Errorf("failures %v, want %s", got, want)
	}
	if len(ff) == 3 && (!ff[0].At.Equal(t0) || ff[2].At.Before(t0.Add(time.Hour-time.Minute))) {
		t.Errorf("failure times %v %v", ff[0].At, ff[2].At)
	}
	// A record of the same file, under another path, clears its failure.
	r := Record("bb")
	r.SourcePath = "/elsewhere/b.png"
	put(t, s, r)
	if ff, _ := s.Failures(ctx); len(ff) != 2 {
		t.Errorf("after storing bb: %d failures, want 2", len(ff))
	}
}

func testApplyEdit(t *testing.T, s store.Store) {
	r := Record("cc")
	r.Status = store.StatusReview
	put(t, s, r)
	f := r.Fields
	f.NumberSymbol = "13/QĐ-UBND"
	f.OwnerID = "026089004517"
	saved, err := s.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: r.Version, User: "lan", Remote: "127.0.0.1", Fields: f, Approve: true})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != store.StatusVerified || saved.Version != r.Version+1 || saved.Visibility != store.Restricted ||
		saved.Confidence[store.NumberSymbol] != 1 || saved.Fields.OwnerID != "026089004517" {
		t.Errorf("saved: %+v", saved)
	}
	if got, _ := s.Get(ctx, r.ID); got.Version != saved.Version || got.Status != store.StatusVerified || got.Fields.NumberSymbol != "13/QĐ-UBND" {
		t.Errorf("stored after edit: %+v", got)
	}
	ch, err := s.Changes(ctx, r.ID)
	if err != nil || len(ch) != 3 || ch[0].Field != store.NumberSymbol || ch[0].Old != "12/QĐ-UBND" || ch[0].New != "13/QĐ-UBND" ||
		ch[0].User != "lan" || ch[0].At.IsZero() || ch[1].Field != store.OwnerID || ch[2].Field != store.FieldStatus ||
		ch[2].Old != "review" || ch[2].New != "verified" {
		t.Errorf("changes: %+v %v", ch, err)
	}
	if rr, _ := s.Review(ctx, 0); len(rr) != 0 {
		t.Errorf("an approved record is still in review: %v", rr)
	}
	if got, _ := s.ByOwner(ctx, "026089004517"); len(got) != 1 || got[0].ID != r.ID {
		t.Errorf("owner not indexed after edit: %v", got)
	}
	// A second edit from the old version is a conflict and changes nothing.
	f.Summary = "khác"
	if _, err := s.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: r.Version, User: "minh", Fields: f}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale edit: %v, want ErrConflict", err)
	}
	// An edit that changes nothing writes nothing.
	if same, err := s.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: saved.Version, User: "minh", Fields: saved.Fields}); err != nil || same.Version != saved.Version {
		t.Errorf("empty edit: %v %+v", err, same)
	}
	if _, err := s.ApplyEdit(ctx, store.Edit{RecordID: 999, Version: 1, User: "minh", Fields: f}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("edit of a missing record: %v, want ErrNotFound", err)
	}
	ev := events(t, s, store.AuditFilter{})
	if len(ev) != 2 || ev[0].Action != store.ActEdit || ev[0].Detail != "number_symbol,owner_id" || ev[0].RecordID != r.ID ||
		ev[0].Remote != "127.0.0.1" || ev[1].Action != store.ActApprove {
		t.Errorf("audit after one edit and approval: %+v", ev)
	}
	// Clearing the owner removes the record from the person's list.
	f2 := saved.Fields
	f2.OwnerID = ""
	if _, err := s.ApplyEdit(ctx, store.Edit{RecordID: r.ID, Version: saved.Version, User: "lan", Fields: f2}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ByOwner(ctx, "026089004517"); len(got) != 0 {
		t.Errorf("owner kept after it was cleared: %v", got)
	}
}

func testUsers(t *testing.T, s store.Store) {
	for _, u := range []store.User{
		{Name: "minh", Role: store.RoleArchivist, Password: "h1"},
		{Name: "lan", Role: store.RoleStaff, Password: "h2"},
		{Name: "an", Role: store.RoleAdmin, Password: "h3", Disabled: true},
	} {
		if err := s.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddUser(ctx, store.User{Name: "lan", Role: store.RoleStaff, Password: "h"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate user: %v, want ErrExists", err)
	}
	us, err := s.Users(ctx)
	var names []string
	for _, u := range us {
		names = append(names, u.Name+" "+string(u.Role))
	}
	if err != nil || fmt.Sprint(names) != "[an admin lan staff minh archivist]" {
		t.Errorf("users by name: %v %v", names, err)
	}
	u, err := s.User(ctx, "an")
	if err != nil || u.Role != store.RoleAdmin || u.Password != "h3" || !u.Disabled || u.CreatedAt.IsZero() || !u.LockedUntil.IsZero() {
		t.Errorf("user an: %+v %v", u, err)
	}
	if err := s.SetDisabled(ctx, "an", false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, "an", "h4"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, "an"); u.Disabled || u.Password != "h4" {
		t.Errorf("after enable and passwd: %+v", u)
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"User", func() error { _, err := s.User(ctx, "nobody"); return err }()},
		{"SetDisabled", s.SetDisabled(ctx, "nobody", true)},
		{"SetPassword", s.SetPassword(ctx, "nobody", "h")},
		{"LoginFailed", func() error { _, err := s.LoginFailed(ctx, "nobody", 5, time.Minute); return err }()},
	} {
		if !errors.Is(c.err, store.ErrNotFound) {
			t.Errorf("%s of an unknown user: %v, want ErrNotFound", c.name, c.err)
		}
	}
}

func testSessions(t *testing.T, s store.Store) {
	for _, n := range []string{"lan", "minh"} {
		if err := s.AddUser(ctx, store.User{Name: n, Role: store.RoleStaff, Password: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now()
	session := func(user string, d time.Duration) store.Session {
		return store.Session{User: user, CSRF: "c-" + user, CreatedAt: t0, SeenAt: t0, ExpiresAt: t0.Add(d)}
	}
	for tok, se := range map[string]store.Session{"t1": session("lan", time.Minute), "t2": session("lan", time.Hour),
		"t3": session("minh", time.Hour), "t4": session("minh", time.Second)} {
		if err := s.CreateSession(ctx, tok, se); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, "t5", session("nobody", time.Hour)); err == nil {
		t.Error("a session of an unknown user was stored")
	}
	se, err := s.Session(ctx, "t1", t0)
	if err != nil || se.User != "lan" || se.CSRF != "c-lan" || !se.CreatedAt.Equal(ms(t0)) || !se.ExpiresAt.Equal(ms(t0.Add(time.Minute))) {
		t.Errorf("session t1: %+v %v", se, err)
	}
	later := t0.Add(2 * time.Minute)
	if _, err := s.Session(ctx, "t1", later); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: %v, want ErrNotFound", err)
	}
	if err := s.TouchSession(ctx, "t1", later, later.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if se, err := s.Session(ctx, "t1", later); err != nil || !se.SeenAt.Equal(ms(later)) {
		t.Errorf("touched session: %+v %v", se, err)
	}
	if n, err := s.PurgeSessions(ctx, t0.Add(time.Minute)); n != 1 || err != nil {
		t.Errorf("purged %d sessions (%v), want 1 (t4)", n, err)
	}
	if err := s.DeleteSession(ctx, "t3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "t3", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
	// Disabling an account or changing its password ends its sessions.
	if err := s.SetDisabled(ctx, "lan", true); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"t1", "t2"} {
		if _, err := s.Session(ctx, tok, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s of a disabled account: %v", tok, err)
		}
	}
	if err := s.CreateSession(ctx, "t6", session("minh", time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, "minh", "h2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "t6", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after a password change: %v", err)
	}
}

func testLockout(t *testing.T, s store.Store) {
	if err := s.AddUser(ctx, store.User{Name: "lan", Role: store.RoleStaff, Password: "h"}); err != nil {
		t.Fatal(err)
	}
	fail := func(i int, wantLock bool) {
		t.Helper()
		until, err := s.LoginFailed(ctx, "lan", 3, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !until.IsZero() != wantLock || wantLock && (until.Before(time.Now().Add(50*time.Second)) || until.After(time.Now().Add(time.Minute))) {
			t.Errorf("failure %d: locked until %v", i, until)
		}
	}
	fail(1, false)
	fail(2, false)
	if err := s.LoginOK(ctx, "lan"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, "lan"); u.Failed != 0 {
		t.Errorf("failures after a good login: %d", u.Failed)
	}
	for i := 1; i <= 3; i++ {
		fail(i, i == 3)
	}
	u, _ := s.User(ctx, "lan")
	if !u.LockedUntil.After(time.Now()) || u.Failed != 0 {
		t.Errorf("user after 3 failures: %+v", u)
	}
	if err := s.SetPassword(ctx, "lan", "h2"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, "lan"); !u.LockedUntil.IsZero() {
		t.Errorf("a new password should clear the lock: %+v", u)
	}
}

func testReuses(t *testing.T, s store.Store) {
	const owner = "026089004517"
	var rs []*store.Record
	for _, sha := range []string{"aa", "bb", "cc"} {
		r := Record(sha)
		if sha != "bb" {
			r.Fields.OwnerID, r.Fields.PersonIDs = owner, []string{owner}
		}
		rs = append(rs, put(t, s, r))
	}
	got, err := s.ByOwner(ctx, owner)
	if err != nil || fmt.Sprint(ids(got, recordID)) != fmt.Sprint([]int64{rs[2].ID, rs[0].ID}) {
		t.Errorf("ByOwner: %v %v, want newest first [%d %d]", ids(got, recordID), err, rs[2].ID, rs[0].ID)
	}
	if got, _ := s.ByOwner(ctx, "001090099999"); len(got) != 0 {
		t.Errorf("ByOwner of another person: %v", got)
	}
	u := &store.Reuse{User: "lan", RecordID: rs[0].ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh", Dossier: "000.00.11.H62-231027-0001"}
	if err := s.AddReuse(ctx, u, "127.0.0.1"); err != nil || u.ID == 0 || u.At.IsZero() {
		t.Fatalf("AddReuse: %v %+v", err, u)
	}
	u2 := &store.Reuse{User: "minh", RecordID: rs[0].ID, Procedure: "1.000656", Document: "Giấy khai sinh"}
	if err := s.AddReuse(ctx, u2, "cli"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddReuse(ctx, &store.Reuse{User: "lan", RecordID: 999, Procedure: "1.001471"}, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reuse of a missing record: %v, want ErrNotFound", err)
	}
	list, err := s.Reuses(ctx, rs[0].ID)
	if err != nil || len(list) != 2 || list[0].ID != u.ID || list[0].Document != "Bản sao giấy khai sinh" || list[0].Dossier != u.Dossier ||
		list[0].User != "lan" || !list[0].At.Equal(ms(u.At)) || list[1].Procedure != "1.000656" {
		t.Errorf("reuses: %+v %v", list, err)
	}
	ev := events(t, s, store.AuditFilter{})
	if len(ev) != 2 || ev[0].Action != store.ActReuse || ev[0].RecordID != rs[0].ID || ev[0].Remote != "127.0.0.1" ||
		ev[0].Detail != "thủ tục 1.001471, hồ sơ 000.00.11.H62-231027-0001" || ev[1].Detail != "thủ tục 1.000656" {
		t.Errorf("audit after two reuses: %+v", ev)
	}
}

func testStats(t *testing.T, s store.Store) {
	if st, err := s.Stats(ctx); err != nil || st.Records != 0 || st.Reuses != 0 || st.ByStatus == nil || st.ReusesMonth == nil {
		t.Errorf("stats of an empty store: %+v %v", st, err)
	}
	var first int64
	for i, c := range []struct {
		docType string
		status  store.Status
	}{{"Quyết định", store.StatusAuto}, {"Giấy khai sinh", store.StatusReview}, {"Quyết định", store.StatusReview}} {
		r := Record(fmt.Sprintf("%02x", i))
		r.DocType, r.Status = c.docType, c.status
		put(t, s, r)
		if first == 0 {
			first = r.ID
		}
	}
	if err := s.AddReuse(ctx, &store.Reuse{User: "lan", RecordID: first, Procedure: "1.001471"}, ""); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().UTC().Format("2006-01")
	want := []store.TypeMonth{{DocType: "Giấy khai sinh", Month: month, Count: 1}, {DocType: "Quyết định", Month: month, Count: 2}}
	if st.Records != 3 || st.Reuses != 1 || st.ByStatus[store.StatusAuto] != 1 || st.ByStatus[store.StatusReview] != 2 ||
		!slices.Equal(st.ByTypeMonth, want) || st.ReusesMonth[month] != 1 {
		t.Errorf("stats: %+v", st)
	}
}

func testAuditChain(t *testing.T, s store.Store) {
	if bad, n, err := s.VerifyAudit(ctx); bad != 0 || n != 0 || err != nil {
		t.Errorf("VerifyAudit of an empty log: bad %d, %d checked, %v", bad, n, err)
	}
	at := time.Date(2024, 5, 15, 8, 30, 0, 123456789, time.FixedZone("ICT", 7*3600))
	logEvent(t, s, store.Event{At: at, User: "lan", Action: store.ActView, RecordID: 3, Detail: "xem", Remote: "10.0.0.1", OK: true})
	logEvent(t, s, store.Event{User: "minh", Action: store.ActLogin, Detail: "bad credentials"})
	logEvent(t, s, store.Event{User: "lan", Action: store.ActOriginal, RecordID: 3, OK: true})
	ev := events(t, s, store.AuditFilter{})
	if len(ev) != 3 || ev[0] != (store.Event{ID: ev[0].ID, At: ms(at), User: "lan", Action: store.ActView, RecordID: 3, Detail: "xem", Remote: "10.0.0.1", OK: true}) ||
		ev[1].OK || ev[1].At.IsZero() || !(ev[0].ID < ev[1].ID && ev[1].ID < ev[2].ID) {
		t.Errorf("events: %+v", ev)
	}
	if bad, n, err := s.VerifyAudit(ctx); bad != 0 || n != 3 || err != nil {
		t.Errorf("VerifyAudit of a whole log: bad %d, %d checked, %v", bad, n, err)
	}
}

// testAuditConcurrent: events logged at once by many writers form one
// chain.
func testAuditConcurrent(t *testing.T, s store.Store) {
	const writers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- s.Log(ctx, store.Event{User: fmt.Sprintf("u%d", w), Action: store.ActSearch, Detail: fmt.Sprint(i), OK: true})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if bad, n, err := s.VerifyAudit(ctx); bad != 0 || n != writers*each || err != nil {
		t.Errorf("VerifyAudit after concurrent writers: bad %d, %d checked, %v", bad, n, err)
	}
}

func testEvents(t *testing.T, s store.Store) {
	const code = "000.42.27.H09-240515-0087"
	t0 := time.Date(2024, 5, 15, 8, 0, 0, 0, time.UTC)
	for i, e := range []store.Event{
		{User: "lan", Action: store.ActView, RecordID: 3},
		{User: "lan", Action: store.ActView, RecordID: 4},
		{User: "lan", Action: store.ActDossierView, Detail: "hồ sơ " + code},
		{User: "lan", Action: store.ActDossierView, Detail: "hồ sơ 000.42.27.H09-240515-0088"},
		{User: "minh", Action: store.ActDossierMove, RecordID: 5, Detail: "hồ sơ " + code + ": thành phần 1 → 2"},
		{User: "minh", Action: store.ActSearch, Detail: "Nguyễn Văn An"},
	} {
		e.At = t0.Add(time.Duration(i) * time.Hour)
		logEvent(t, s, e)
	}
	all := ids(events(t, s, store.AuditFilter{}), eventID)
	if len(all) != 6 {
		t.Fatalf("%d events, want 6", len(all))
	}
	id := func(n ...int) []int64 { // the n-th events, from 1
		var out []int64
		for _, i := range n {
			out = append(out, all[i-1])
		}
		return out
	}
	for _, c := range []struct {
		f    store.AuditFilter
		want []int64
	}{
		{store.AuditFilter{Records: []int64{3}}, id(1)},
		{store.AuditFilter{Mentions: code}, id(3, 5)},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code}, id(1, 2, 3, 5)},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code, User: "minh"}, id(5)},
		{store.AuditFilter{Records: []int64{3, 4}, Mentions: code, Limit: 2}, id(3, 5)},
		{store.AuditFilter{Mentions: "Văn An"}, id(6)},
		{store.AuditFilter{User: "minh"}, id(5, 6)},
		{store.AuditFilter{Action: store.ActView}, id(1, 2)},
		{store.AuditFilter{Since: t0.Add(4 * time.Hour)}, id(5, 6)},
		{store.AuditFilter{Until: t0.Add(time.Hour)}, id(1)},
		{store.AuditFilter{Since: t0.Add(time.Hour), Until: t0.Add(3 * time.Hour)}, id(2, 3)},
		{store.AuditFilter{Since: time.Now().Add(time.Hour)}, nil},
		{store.AuditFilter{Limit: 2}, id(5, 6)},
		{store.AuditFilter{NewestFirst: true}, id(6, 5, 4, 3, 2, 1)},
		{store.AuditFilter{NewestFirst: true, Limit: 2}, id(6, 5)},
		{store.AuditFilter{NewestFirst: true, Limit: 2, Before: all[4]}, id(4, 3)},
		{store.AuditFilter{NewestFirst: true, User: "lan", Before: all[1]}, id(1)},
	} {
		if got := ids(events(t, s, c.f), eventID); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v: events %v, want %v", c.f, got, c.want)
		}
	}
	stop := errors.New("stop")
	if err := s.Events(ctx, store.AuditFilter{}, func(store.Event) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Events stopped early: %v", err)
	}
}

func testDossiers(t *testing.T, s store.Store) {
	const code = "000.42.27.H09-240515-0087"
	d := &store.Dossier{Code: code, Procedure: "1.001193", OwnerID: "001090012345", OwnerName: "Nguyễn Văn An",
		Received: "2024-05-15", Due: "2024-05-20"}
	if err := s.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	if d.Status != store.DossierReceived || d.Channel != store.Direct || d.CreatedAt.IsZero() {
		t.Errorf("defaults: status %q channel %q created %v", d.Status, d.Channel, d.CreatedAt)
	}

	// A record put with a place is attached in the same transaction.
	r := Record("d1")
	r.Dossier, r.Place = code, &store.Attachment{Component: 2}
	put(t, s, r)
	// A rerun (--force) keeps the place.
	r2 := Record("d1")
	r2.Dossier, r2.Place = code, &store.Attachment{Component: 1}
	put(t, s, r2)
	// Two results are numbered in order.
	var results []int
	for _, sha := range []string{"k1", "k2"} {
		k := Record(sha)
		k.Dossier, k.Place = code, &store.Attachment{Result: -1}
		put(t, s, k)
		results = append(results, k.Place.Result)
	}
	if fmt.Sprint(results) != "[1 2]" {
		t.Errorf("results numbered %v, want [1 2]", results)
	}
	// A stored record attached afterwards.
	loose := put(t, s, Record("d2"))
	if err := s.Attach(ctx, code, &store.Attachment{RecordID: loose.ID, Component: 3}); err != nil {
		t.Fatal(err)
	}
	// Following the store (the index does) gives each record's dossier.
	changed, err := s.UpdatedSince(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changed {
		if c.Dossier != code {
			t.Errorf("UpdatedSince: record %d (%s) in dossier %q, want %s", c.ID, c.SHA256, c.Dossier, code)
		}
	}

	got, err := s.Dossier(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if got.OwnerName != "Nguyễn Văn An" || got.Due != "2024-05-20" || got.Status != store.DossierReceived || len(got.Records) != 4 ||
		got.Records[0] != (store.Attachment{RecordID: r.ID, Component: 2, DocType: "Quyết định"}) || got.Records[2].Result != 2 ||
		got.Records[3].Component != 3 || !got.CreatedAt.Equal(ms(d.CreatedAt)) {
		t.Errorf("dossier: %+v", got)
	}
	for _, id := range []int64{r.ID, loose.ID} {
		if rec, _ := s.Get(ctx, id); rec.Dossier != code {
			t.Errorf("record %d's dossier %q, want %q", id, rec.Dossier, code)
		}
		if c, err := s.DossierOf(ctx, id); c != code || err != nil {
			t.Errorf("DossierOf(%d): %q %v", id, c, err)
		}
	}
	if c, err := s.DossierOf(ctx, 999); c != "" || err != nil {
		t.Errorf("DossierOf a record in none: %q %v", c, err)
	}
	s.All(ctx, false, func(rec *store.Record) error {
		if rec.Dossier != code {
			t.Errorf("All: record %d's dossier %q", rec.ID, rec.Dossier)
		}
		return nil
	})

	// The header changes; the creation time and records stay.
	d.Status, d.Finished, d.Supplements = store.DossierFinished, "2024-05-19", 1
	if err := s.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Dossier(ctx, code); got.Status != store.DossierFinished || got.Finished != "2024-05-19" || got.Supplements != 1 ||
		len(got.Records) != 4 || got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("dossier after its header changed: %+v", got)
	}

	// A record belongs to at most one dossier.
	other := &store.Dossier{Code: "000.42.27.H09-240515-0088", Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15"}
	if err := s.PutDossier(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(ctx, other.Code, &store.Attachment{RecordID: r.ID, Component: 1}); !errors.Is(err, store.ErrTaken) {
		t.Errorf("attach to a second dossier: %v, want ErrTaken", err)
	}
	if err := s.Attach(ctx, code, &store.Attachment{RecordID: r.ID, Component: 1}); err != nil {
		t.Errorf("attach again to its own dossier: %v", err)
	}
	r3 := Record("d1")
	r3.Dossier, r3.Place = other.Code, &store.Attachment{Component: 1}
	if err := s.Put(ctx, r3); !errors.Is(err, store.ErrTaken) {
		t.Errorf("put into a second dossier: %v, want ErrTaken", err)
	}
	if rec, _ := s.Get(ctx, r.ID); rec.Version != 2 {
		t.Errorf("a refused put must change nothing: version %d, want 2", rec.Version)
	}
	for _, c := range []struct {
		name string
		code string
		id   int64
	}{{"a missing dossier", "000.42.27.H09-240515-0099", put(t, s, Record("d3")).ID}, {"a missing record", other.Code, 999}} {
		if err := s.Attach(ctx, c.code, &store.Attachment{RecordID: c.id}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("attach to %s: %v, want ErrNotFound", c.name, err)
		}
	}

	// Moving is audited; a result cannot be moved, nor a record elsewhere.
	if err := s.MoveRecord(ctx, code, r.ID, 0, "lan", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Dossier(ctx, code); got.Records[0].Component != 0 {
		t.Errorf("moved record: %+v", got.Records[0])
	}
	if err := s.MoveRecord(ctx, code, got.Records[2].RecordID, 1, "lan", "127.0.0.1"); !errors.Is(err, store.ErrTaken) {
		t.Errorf("moving a result: %v, want ErrTaken", err)
	}
	if err := s.MoveRecord(ctx, other.Code, r.ID, 1, "lan", "127.0.0.1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("moving a record of another dossier: %v, want ErrNotFound", err)
	}
	moves := events(t, s, store.AuditFilter{Action: store.ActDossierMove})
	if len(moves) != 1 || moves[0].RecordID != r.ID || moves[0].User != "lan" || moves[0].Detail != "hồ sơ "+code+": thành phần 2 → 0" {
		t.Errorf("move events: %+v", moves)
	}
	if bad, _, err := s.VerifyAudit(ctx); err != nil || bad != 0 {
		t.Errorf("audit chain: bad %d, %v", bad, err)
	}
	if _, err := s.Dossier(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing dossier: %v", err)
	}
	// A reuse for the dossier is listed with it.
	if err := s.AddReuse(ctx, &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001193", Document: "Tờ khai", Dossier: other.Code}, "cli"); err != nil {
		t.Fatal(err)
	}
	if d, err := s.Dossier(ctx, other.Code); err != nil || len(d.Reuses) != 1 || d.Reuses[0].Document != "Tờ khai" || len(d.Records) != 0 {
		t.Errorf("dossier reuses: %+v, %v", d, err)
	}
}

func testDossierList(t *testing.T, s store.Store) {
	for _, d := range []store.Dossier{
		{Code: "000.42.27.H09-240515-0087", Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15", Channel: store.Online},
		{Code: "000.42.27.H09-240515-0088", Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15", Channel: store.Postal},
		{Code: "000.42.27.H09-240601-0001", Procedure: "1.000656", OwnerID: "026089002345", Received: "2024-06-01"},
	} {
		if err := s.PutDossier(ctx, &d); err != nil {
			t.Fatal(err)
		}
	}
	r := put(t, s, Record("aa"))
	if err := s.Attach(ctx, "000.42.27.H09-240515-0088", &store.Attachment{RecordID: r.ID, Result: -1}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    store.DossierFilter
		want string // the codes' last four digits
	}{
		{store.DossierFilter{}, "[0001 0088 0087]"},
		{store.DossierFilter{OwnerID: "001090012345"}, "[0088 0087]"},
		{store.DossierFilter{OwnerID: "001090099999"}, "[]"},
		{store.DossierFilter{Month: "2024-05"}, "[0088 0087]"},
		{store.DossierFilter{Month: "2024-07"}, "[]"},
		{store.DossierFilter{Code: "000.42.27.H09-240515"}, "[0088 0087]"},
		{store.DossierFilter{Code: "000.42.27.H09-240515-0087"}, "[0087]"},
		{store.DossierFilter{Procedure: "1.001193", Limit: 1}, "[0088]"},
		{store.DossierFilter{Procedure: "1.000656"}, "[0001]"},
	} {
		ds, err := s.ListDossiers(ctx, tc.f)
		var got []string
		for _, d := range ds {
			got = append(got, d.Code[len(d.Code)-4:])
			if d.Code == "000.42.27.H09-240515-0088" && (len(d.Records) != 1 || d.Records[0].Result != 1 || d.Channel != store.Postal) {
				t.Errorf("listed dossier: %+v", d)
			}
		}
		if err != nil || fmt.Sprint(got) != tc.want && !(got == nil && tc.want == "[]") {
			t.Errorf("ListDossiers(%+v): %v, %v; want %s", tc.f, got, err, tc.want)
		}
	}
}

func testOriginals(t *testing.T, s store.Store) {
	for _, sha := range []string{"cc", "aa", "bb", "aa"} { // "aa" twice: a --force redo
		put(t, s, Record(sha))
	}
	var got []string
	if err := s.Originals(ctx, func(sha string) error { got = append(got, sha); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[aa bb cc]" {
		t.Errorf("originals %v, want [aa bb cc]", got)
	}
	stop := errors.New("stop")
	if err := s.Originals(ctx, func(string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Originals stopped early: %v", err)
	}
}

// A stack document's pages keep the original and page they were scanned
// in; SourcePages finds them by original, and Originals lists the pages'
// sources rather than the document's key.
func testSourcePages(t *testing.T, s store.Store) {
	r := Record("stack-doc")
	second := r.Pages[0]
	second.N = 2
	r.Pages = append(r.Pages, second)
	r.Pages[0].Source, r.Pages[0].SourcePage = "tiff", 2
	r.Pages[1].Source, r.Pages[1].SourcePage = "tiff", 3
	put(t, s, r)
	put(t, s, Record("plain"))
	got, err := s.Get(ctx, r.ID)
	if err != nil || got.Pages[1].Source != "tiff" || got.Pages[1].SourcePage != 3 {
		t.Fatalf("Get: %v, pages %+v", err, got.Pages)
	}
	m, err := s.SourcePages(ctx, "tiff")
	if want := map[int]int64{2: r.ID, 3: r.ID}; err != nil || !maps.Equal(m, want) {
		t.Errorf("SourcePages(tiff) = %v, %v; want %v", m, err, want)
	}
	if m, err := s.SourcePages(ctx, ""); err != nil || len(m) != 0 {
		t.Errorf("SourcePages(\"\") = %v, %v; a plain record's pages name no source", m, err)
	}
	var orig []string
	if err := s.Originals(ctx, func(sha string) error { orig = append(orig, sha); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(orig) != "[plain tiff]" {
		t.Errorf("Originals = %v, want [plain tiff]", orig)
	}
}

// The same reuse twice (a button pressed twice, a form sent again) is
// refused and names the one recorded; for another dossier, or outside any
// dossier after ReuseWindow, it is a new reuse.
func testReuseOnce(t *testing.T, s store.Store) {
	r := Record("ee")
	put(t, s, r)
	u := &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh", Dossier: "000.00.11.H62-231027-0001"}
	if err := s.AddReuse(ctx, u, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	again := *u
	again.ID, again.User = 0, "hoa"
	if err := s.AddReuse(ctx, &again, "127.0.0.1"); !errors.Is(err, store.ErrExists) || again.ID != u.ID {
		t.Errorf("the same reuse again: %v, id %d (first %d)", err, again.ID, u.ID)
	}
	other := *u
	other.ID, other.Dossier = 0, "000.00.11.H62-231027-0002"
	if err := s.AddReuse(ctx, &other, "127.0.0.1"); err != nil || other.ID == u.ID {
		t.Errorf("the record for another dossier: %v", err)
	}
	day := time.Now().Add(-30 * time.Hour)
	for i, c := range []struct {
		at   time.Time
		dupe bool
	}{{day, false}, {day.Add(time.Minute), true}, {day.Add(11 * time.Hour), true}, {day.Add(24 * time.Hour), false}} {
		x := &store.Reuse{At: c.at, User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Bản sao giấy khai sinh"}
		if err := s.AddReuse(ctx, x, ""); errors.Is(err, store.ErrExists) != c.dupe || (!c.dupe && err != nil) {
			t.Errorf("reuse %d without a dossier: %v, want duplicate %v", i, err, c.dupe)
		}
	}
	if rs, _ := s.Reuses(ctx, r.ID); len(rs) != 4 {
		t.Errorf("%d reuses stored, want 4", len(rs))
	}
	// Pressed at once from several places: one is recorded.
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := &store.Reuse{User: "lan", RecordID: r.ID, Procedure: "1.001471", Document: "Tờ khai", Dossier: "000.00.11.H62-231027-0003"}
			if err := s.AddReuse(ctx, x, ""); err == nil {
				ok.Add(1)
			} else if !errors.Is(err, store.ErrExists) {
				t.Errorf("concurrent reuse: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Errorf("%d of 4 concurrent identical reuses recorded, want 1", ok.Load())
	}
}

// A record about a person is never public: one with an owner, or a paper
// of a dossier, whether filed with it or attached later.
func testConfine(t *testing.T, s store.Store) {
	const code = "000.42.27.H09-240515-0087"
	d := &store.Dossier{Code: code, Procedure: "1.001193", OwnerID: "001090012345", OwnerName: "Nguyễn Văn An",
		Received: "2024-05-15", Due: "2024-05-20"}
	if err := s.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	// A paper of a dossier is about a person: never public, whether filed
	// with the dossier or attached later.
	notice := Record("notice")
	notice.Dossier, notice.Place = code, &store.Attachment{Result: -1}
	put(t, s, notice)
	late := put(t, s, Record("notice-late"))
	if late.Visibility != store.Public {
		t.Fatalf("a decision with no owner and no dossier should stay public here: %s", late.Visibility)
	}
	before := time.Now()
	if err := s.Attach(ctx, code, &store.Attachment{RecordID: late.ID, Component: 4}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{notice.ID, late.ID} {
		if got, err := s.Get(ctx, id); err != nil || got.Visibility != store.Restricted {
			t.Errorf("record %d of dossier %s: visibility %v (%v), want restricted", id, code, got.Visibility, err)
		}
	}
	if changed, _ := s.UpdatedSince(ctx, before.Add(-time.Millisecond)); !slices.ContainsFunc(changed, func(c store.Record) bool { return c.ID == late.ID }) {
		t.Error("a record restricted by its attachment is not among the changed records the index follows")
	}
	owned := Record("owned")
	owned.Fields.OwnerID = "026223001234"
	if put(t, s, owned); owned.Visibility != store.Restricted {
		t.Errorf("a record with an owner saved as %s, want restricted", owned.Visibility)
	}
}
