package auth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/sqlite"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	if h2, _ := Hash("mật khẩu đủ dài"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"mật khẩu đủ dài", true}, {"mat khau du dai", false}, {"", false}} {
		if ok, err := Verify(h, c.pw); ok != c.want || err != nil {
			t.Errorf("Verify(%q) = %v, %v", c.pw, ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA"} {
		if _, err := Verify(bad, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a bad hash", bad)
		}
	}
	if CheckPassword("ngắn") == nil || CheckPassword("đủ mười ký tự") != nil {
		t.Error("CheckPassword")
	}
}

// TestPasswordsLockout: failures lock a name for the client that made
// them, whether the account exists or not; past the ceiling the name is
// slowed for everyone, never locked.
func TestPasswordsLockout(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	h, _ := Hash("đúng mật khẩu")
	db.AddUser(ctx, store.User{Name: "lan", Role: store.RoleStaff, Password: h})
	db.AddUser(ctx, store.User{Name: "tat", Role: store.RoleStaff, Password: h, Disabled: true})
	now := time.Now()
	p := &Passwords{Accounts: db, LockAfter: 3, LockFor: time.Minute, Ceiling: 8, Slow: 40 * time.Millisecond, Now: func() time.Time { return now }}

	if u, err := p.Authenticate(ctx, "lan", "đúng mật khẩu", "a"); err != nil || u.Name != "lan" {
		t.Fatalf("good login: %v", err)
	}
	for _, name := range []string{"ai-đó", "tat"} {
		if _, err := p.Authenticate(ctx, name, "đúng mật khẩu", "z"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: %v, want bad credentials", name, err)
		}
	}
	for _, name := range []string{"lan", "ai-đó"} { // an unknown name answers the same
		for i := 1; i <= 3; i++ {
			_, err := p.Authenticate(ctx, name, "sai", "a")
			var le *LockedError
			if locked := errors.As(err, &le); locked != (i == 3) {
				t.Errorf("%s, failure %d: %v", name, i, err)
			}
		}
	}
	// Locked for that client only: even the right password is refused
	// from it, and accepted from another.
	var le *LockedError
	if _, err := p.Authenticate(ctx, "lan", "đúng mật khẩu", "a"); !errors.As(err, &le) {
		t.Errorf("right password from the locked client: %v", err)
	}
	if _, err := p.Authenticate(ctx, "lan", "đúng mật khẩu", "b"); err != nil {
		t.Errorf("right password from another client: %v", err)
	}
	now = now.Add(time.Minute)
	if _, err := p.Authenticate(ctx, "lan", "đúng mật khẩu", "a"); err != nil {
		t.Errorf("right password after the lock: %v", err)
	}
	// Failures from many clients pass the ceiling: checks are spaced Slow
	// apart, and the right password still gets in.
	for i := range 8 {
		p.Authenticate(ctx, "lan", "sai", string(rune('c'+i)))
	}
	start := time.Now()
	for i := range 3 {
		if _, err := p.Authenticate(ctx, "lan", "sai", string(rune('m'+i))); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("a slowed guess: %v", err)
		}
	}
	if _, err := p.Authenticate(ctx, "lan", "đúng mật khẩu", "x"); err != nil {
		t.Errorf("right password past the ceiling: %v", err)
	}
	if d := time.Since(start); d < 3*p.Slow {
		t.Errorf("4 checks past the ceiling took %s, want at least %s", d, 3*p.Slow)
	}
}

func TestLimiter(t *testing.T) {
	l := &Limiter{Burst: 3, Every: time.Second}
	t0 := time.Now()
	for i := range 3 {
		if !l.Allow("a", t0) {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow("a", t0) {
		t.Error("4th attempt at once allowed")
	}
	if !l.Allow("b", t0) {
		t.Error("another client refused")
	}
	if !l.Allow("a", t0.Add(1100*time.Millisecond)) {
		t.Error("not refilled after a second")
	}
	// A burst of refusals is reported once per window.
	reported := 0
	for i := range 100 {
		at := t0.Add(1100*time.Millisecond + time.Duration(i)*time.Millisecond)
		if !l.Allow("a", at) && l.Report("a", at) {
			reported++
		}
	}
	if reported != 1 {
		t.Errorf("%d refusals reported in one window, want 1", reported)
	}
	if at := t0.Add(RefusalWindow + 2*time.Second); l.Allow("a", at) && l.Allow("a", at) && l.Allow("a", at) && l.Allow("a", at) || !l.Report("a", at) {
		t.Error("a refusal in the next window is not reported")
	}
}
