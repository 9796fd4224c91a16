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
	p := Passwords{Accounts: db, LockAfter: 3, LockFor: time.Minute}

	if u, err := p.Authenticate(ctx, "lan", "đúng mật khẩu"); err != nil || u.Name != "lan" {
		t.Fatalf("good login: %v", err)
	}
	for _, name := range []string{"ai-đó", "tat"} {
		if _, err := p.Authenticate(ctx, name, "đúng mật khẩu"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: %v, want bad credentials", name, err)
		}
	}
	for i := 1; i <= 3; i++ {
		_, err := p.Authenticate(ctx, "lan", "sai")
		var le *LockedError
		if locked := errors.As(err, &le); locked != (i == 3) {
			t.Errorf("failure %d: %v", i, err)
		}
	}
	// Locked: even the right password is refused until the lock ends.
	var le *LockedError
	if _, err := p.Authenticate(ctx, "lan", "đúng mật khẩu"); !errors.As(err, &le) {
		t.Errorf("right password while locked: %v", err)
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
}
