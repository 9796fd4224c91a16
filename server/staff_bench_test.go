package server

import (
	"net/http"
	"testing"
	"time"

	"motcua/server/auth"
)

// BenchmarkStaffLogin: a whole login over loopback (form, argon2id check,
// session, audit) and the logout.
func BenchmarkStaffLogin(b *testing.B) {
	e := newStaffEnv(b)
	e.s.logins = &auth.Limiter{Burst: 1 << 30, Every: time.Nanosecond}
	t := b
	for b.Loop() {
		c := e.client()
		code, tok := e.login(t, c, "motcua", testPassword)
		if code != http.StatusSeeOther {
			b.Fatalf("login: %d", code)
		}
		e.do(t, c, "POST", "/staff/dang-xuat", map[string][]string{"csrf": {tok}})
	}
}

// BenchmarkStaffSearch: an authenticated, audited staff API search.
func BenchmarkStaffSearch(b *testing.B) {
	t := b
	e := newStaffEnv(b)
	c := e.client()
	e.login(t, c, "motcua", testPassword)
	for b.Loop() {
		if code, _ := e.do(t, c, "GET", "/staff/api/search?q=026223001234", nil); code != 200 {
			b.Fatalf("search: %d", code)
		}
	}
}
