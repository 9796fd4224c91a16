package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/server/auth"
	"motcua/store"
)

// loginFrom signs in from the client at addr, as a browser would: the
// form first, then the post.
func (e *staffEnv) loginFrom(t *testing.T, h http.Handler, addr, name, pw string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/staff/dang-nhap", nil)
	req.RemoteAddr = addr + ":40000"
	h.ServeHTTP(rec, req)
	m := csrfField.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no login form: %d", rec.Code)
	}
	form := url.Values{"csrf": {m[1]}, "ten": {name}, "mat_khau": {pw}}
	post := httptest.NewRequest(http.MethodPost, "/staff/dang-nhap", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.RemoteAddr = req.RemoteAddr
	for _, c := range rec.Result().Cookies() {
		post.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, post)
	return rec.Code, rec.Body.String()
}

func (e *staffEnv) loginEvents(t *testing.T) []store.Event {
	var evs []store.Event
	e.db.Events(context.Background(), store.AuditFilter{Action: store.ActLogin}, func(ev store.Event) error {
		evs = append(evs, ev)
		return nil
	})
	return evs
}

var notice = regexp.MustCompile(`<p class="notice"[^>]*>([^<]*)<`)

// TestLoginAuditFlood: a name too long is refused before anything is
// logged, and a burst refused by the rate limit is one audit event per
// client and window, whatever its size.
func TestLoginAuditFlood(t *testing.T) {
	e := newStaffEnv(t)
	h := e.s.routes()
	huge := strings.Repeat("quantri", 60<<10/7)
	for range 200 {
		if code, _ := e.loginFrom(t, h, "10.0.0.1", huge, "x"); code != http.StatusBadRequest {
			t.Fatalf("a 60 KB name: %d, want 400", code)
		}
	}
	for range 40 {
		e.loginFrom(t, h, "10.0.0.2", "motcua", "sai mật khẩu")
	}
	limited, size := 0, 0
	for _, ev := range e.loginEvents(t) {
		size += len(ev.User) + len(ev.Detail)
		if strings.Contains(ev.Detail, "rate limited") {
			limited++
		}
	}
	if limited != 1 || size > 2000 {
		t.Errorf("audit after a flood: %d rate-limit events (want 1), %d bytes", limited, size)
	}
}

// TestLoginLockoutPerClient: failures lock an account for the client
// that made them only; other clients are slowed above a ceiling but not
// locked out; an unknown account answers the same as a real one.
func TestLoginLockoutPerClient(t *testing.T) {
	e := newStaffEnv(t)
	h := e.s.routes()
	var lockedMsg string
	for i := 1; i <= 5; i++ {
		code, b := e.loginFrom(t, h, "10.0.1.1", "quantri", "sai mật khẩu")
		if i == 5 {
			if code != http.StatusTooManyRequests {
				t.Errorf("5th failure: %d, want 429", code)
			}
			lockedMsg = notice.FindString(b)
		}
	}
	if code, _ := e.loginFrom(t, h, "10.0.1.1", "quantri", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password from the locked client: %d, want 429", code)
	}
	if code, _ := e.loginFrom(t, h, "10.0.1.2", "quantri", testPassword); code != http.StatusSeeOther {
		t.Errorf("right password from another client: %d, want 303 (no lockout as a weapon)", code)
	}
	for i := 1; i <= 5; i++ {
		code, b := e.loginFrom(t, h, "10.0.1.3", "khong-co-ai", "sai mật khẩu")
		if i == 5 && (code != http.StatusTooManyRequests || notice.FindString(b) != lockedMsg) {
			t.Errorf("5th failure on an unknown account: %d %q, want 429 %q", code, notice.FindString(b), lockedMsg)
		}
	}
	// Guesses from many clients pass the account's ceiling: the account
	// is slowed, not locked.
	e.s.auth.(*auth.Passwords).Slow = 10 * time.Millisecond
	for i := range 25 {
		e.loginFrom(t, h, "10.0.2."+strconv.Itoa(i), "luutru", "sai mật khẩu")
	}
	if code, _ := e.loginFrom(t, h, "10.0.3.1", "luutru", testPassword); code != http.StatusSeeOther {
		t.Errorf("right password after guesses from 25 clients: %d, want 303", code)
	}
}
