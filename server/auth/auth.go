package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"motcua/store"
)

// Authenticator returns the account whose credentials these are.
type Authenticator interface {
	Authenticate(ctx context.Context, name, password string) (*store.User, error)
}

// ErrBadCredentials is a wrong name, a wrong password or a disabled
// account: the three are not told apart to the person logging in.
var ErrBadCredentials = errors.New("auth: wrong name or password")

// LockedError says an account is locked after too many failures.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("auth: account locked until %s", e.Until.Format(time.RFC3339))
}

// Passwords checks passwords against the store's accounts and locks an
// account for LockFor after LockAfter failures in a row.
type Passwords struct {
	Accounts  store.Accounts
	LockAfter int
	LockFor   time.Duration
}

var (
	dummyOnce sync.Once
	dummy     string
)

// burn spends the time a real check would, so that a response's timing
// does not tell whether an account exists.
func burn(pw string) {
	dummyOnce.Do(func() { dummy, _ = Hash("motcua-timing-equaliser") })
	Verify(dummy, pw)
}

// Authenticate checks name and password.
func (p Passwords) Authenticate(ctx context.Context, name, password string) (*store.User, error) {
	u, err := p.Accounts.User(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		burn(password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.LockedUntil.After(time.Now()) {
		return nil, &LockedError{Until: u.LockedUntil}
	}
	ok, err := Verify(u.Password, password)
	if err != nil {
		return nil, fmt.Errorf("auth: account %s: %w", name, err)
	}
	if !ok || u.Disabled {
		until, err := p.Accounts.LoginFailed(ctx, name, p.LockAfter, p.LockFor)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			return nil, &LockedError{Until: until}
		}
		return nil, ErrBadCredentials
	}
	if u.Failed > 0 || !u.LockedUntil.IsZero() {
		if err := p.Accounts.LoginOK(ctx, name); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Limiter allows each key (a client address) at most Burst attempts,
// refilled at one per Every.
type Limiter struct {
	Burst int
	Every time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// Allow takes one attempt for key and reports whether it is allowed.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 10000 { // forget full buckets rather than grow without bound
			for k, v := range l.buckets {
				if l.refill(v, now) >= float64(l.Burst) {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: float64(l.Burst), at: now}
		l.buckets[key] = b
	}
	if l.refill(b, now) < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *Limiter) refill(b *bucket, now time.Time) float64 {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.Burst), b.tokens+float64(d)/float64(l.Every))
		b.at = now
	}
	return b.tokens
}
