package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"motcua/search"
	"motcua/server/auth"
	"motcua/store"
	"motcua/store/postgres"
	"motcua/store/storetest"
)

// TestSessionsShared: two servers behind a load balancer, each with its
// own handle on one PostgreSQL database and its own index, share staff
// sessions: signed in on one, the browser is signed in on the other, its
// CSRF token holds there, and signing out on the second ends the session
// on the first.
func TestSessionsShared(t *testing.T) {
	dbURL := storetest.Postgres(t)
	ctx := context.Background()
	var servers []*httptest.Server
	for i := range 2 {
		db, err := postgres.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			hash, _ := auth.Hash(testPassword)
			if err := db.AddUser(ctx, store.User{Name: "motcua", Role: store.RoleStaff, Password: hash}); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		ix, err := search.Create(filepath.Join(dir, "index.bleve"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		public := filepath.Join(dir, "public")
		os.MkdirAll(public, 0o755)
		os.WriteFile(filepath.Join(public, "index.html"), []byte("<!doctype html><title>x</title>"), 0o644)
		ts := httptest.NewServer(newSrv(Config{Public: public, Index: ix, Store: db}).routes())
		t.Cleanup(ts.Close)
		servers = append(servers, ts)
	}
	a, b := &staffEnv{ts: servers[0]}, &staffEnv{ts: servers[1]}
	c := a.client() // one browser; its cookies go to both (same host)
	code, tok := a.login(t, c, "motcua", testPassword)
	if code != http.StatusSeeOther {
		t.Fatalf("login on the first server: %d", code)
	}
	if code, _ := b.do(t, c, "GET", "/staff/", nil); code != http.StatusOK {
		t.Fatalf("the second server refused the first one's session: %d", code)
	}
	if code, _ := b.do(t, c, "POST", "/staff/dang-xuat", url.Values{"csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("sign out on the second server with the first one's CSRF token: %d", code)
	}
	if code, _ := a.do(t, c, "GET", "/staff/", nil); code != http.StatusUnauthorized {
		t.Errorf("after signing out on the second server, the first one answered %d, want 401", code)
	}
}
