package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"motcua/store"
)

// Authenticator returns the account whose credentials these are; client
// is the address the attempt comes from.
type Authenticator interface {
	Authenticate(ctx context.Context, name, password, client string) (*store.User, error)
}

// ErrBadCredentials is a wrong name, a wrong password or a disabled
// account: the three are not told apart to the person logging in.
var ErrBadCredentials = errors.New("auth: wrong name or password")

// ErrBusy: an account under attack is checked at a slower pace, and this
// attempt would have waited too long for its turn.
var ErrBusy = errors.New("auth: too many attempts on this account; try again in a moment")

// LockedError says a name is locked for a client after too many failures.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("auth: account locked until %s", e.Until.Format(time.RFC3339))
}

// Passwords checks passwords against the store's accounts. Failures are
// counted per name and client: after LockAfter in a row, that client may
// not try that name for LockFor, whether the account exists or not, so
// the answer says nothing about which names exist. Other clients are not
// locked out: past Ceiling failures on one name from all clients within
// LockFor, its checks are spaced Slow apart (a guessing attack slows, the
// real user still gets in). Use it by pointer: it keeps the counts.
type Passwords struct {
	Accounts  store.Accounts
	LockAfter int
	LockFor   time.Duration
	Ceiling   int           // default 4 × LockAfter
	Slow      time.Duration // default 1 s
	Now       func() time.Time

	mu    sync.Mutex
	pairs map[[2]string]*strikes // by name and client
	names map[string]*strikes    // by name, all clients together
}

// strikes are failures in a row (pairs) or in a window (names).
type strikes struct {
	n     int
	since time.Time // the first failure counted
	until time.Time // pairs: locked until
	next  time.Time // names: when the next check may run (real time)
}

// maxKeys bounds the counts kept; the oldest are forgotten first.
const maxKeys = 20000

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

func (p *Passwords) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Authenticate checks name and password from client.
func (p *Passwords) Authenticate(ctx context.Context, name, password, client string) (*store.User, error) {
	now := p.now()
	if err := p.admit(ctx, name, client, now); err != nil {
		return nil, err
	}
	u, err := p.Accounts.User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		burn(password)
		return nil, p.failed(name, client, now)
	case err != nil:
		return nil, err
	}
	ok, err := Verify(u.Password, password)
	if err != nil {
		return nil, fmt.Errorf("auth: account %s: %w", name, err)
	}
	if !ok || u.Disabled {
		return nil, p.failed(name, client, now)
	}
	p.mu.Lock()
	delete(p.pairs, [2]string{name, client})
	p.mu.Unlock()
	if u.Failed > 0 || !u.LockedUntil.IsZero() { // counts and locks of earlier versions
		if err := p.Accounts.LoginOK(ctx, name); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// admit refuses a locked (name, client) and waits for a slowed name's
// turn.
func (p *Passwords) admit(ctx context.Context, name, client string, now time.Time) error {
	p.mu.Lock()
	if s := p.pairs[[2]string{name, client}]; s != nil && now.Before(s.until) {
		p.mu.Unlock()
		return &LockedError{Until: s.until}
	}
	var wait time.Duration
	if s := p.names[name]; s != nil && now.Sub(s.since) < p.LockFor && s.n >= p.ceiling() {
		slow := p.Slow
		if slow <= 0 {
			slow = time.Second
		}
		clock, turn := time.Now(), s.next // real time: the wait is real
		if turn.Before(clock) {
			turn = clock
		}
		if wait = turn.Sub(clock); wait > 10*slow {
			p.mu.Unlock()
			return ErrBusy
		}
		s.next = turn.Add(slow)
	}
	p.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (p *Passwords) ceiling() int {
	if p.Ceiling > 0 {
		return p.Ceiling
	}
	return 4 * p.LockAfter
}

// failed counts a failure and says what to answer: a lock after
// LockAfter in a row from this client, else bad credentials.
func (p *Passwords) failed(name, client string, now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pairs == nil {
		p.pairs, p.names = map[[2]string]*strikes{}, map[string]*strikes{}
	}
	p.forget(now)
	ns := p.names[name]
	if ns == nil || now.Sub(ns.since) >= p.LockFor {
		ns = &strikes{since: now}
		p.names[name] = ns
	}
	ns.n++
	key := [2]string{name, client}
	ps := p.pairs[key]
	if ps == nil || now.Sub(ps.since) >= p.LockFor {
		ps = &strikes{since: now}
		p.pairs[key] = ps
	}
	ps.n++
	if p.LockAfter > 0 && ps.n >= p.LockAfter {
		ps.n, ps.since, ps.until = 0, now, now.Add(p.LockFor)
		return &LockedError{Until: ps.until}
	}
	return ErrBadCredentials
}

// forget drops counts older than LockFor when there are too many.
func (p *Passwords) forget(now time.Time) {
	if len(p.pairs) < maxKeys && len(p.names) < maxKeys {
		return
	}
	for k, s := range p.pairs {
		if now.Sub(s.since) >= p.LockFor && !now.Before(s.until) {
			delete(p.pairs, k)
		}
	}
	for k, s := range p.names {
		if now.Sub(s.since) >= p.LockFor {
			delete(p.names, k)
		}
	}
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
	tokens   float64
	at       time.Time
	reported time.Time // when a refusal was last reported
}

// RefusalWindow: refused attempts from one client are reported once per
// window.
const RefusalWindow = time.Minute

// Report says whether a refusal of key at now is the first of its window,
// the one to log: a burst of refusals is one event, whatever its size.
func (l *Limiter) Report(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok || now.Sub(b.reported) < RefusalWindow {
		return false
	}
	b.reported = now
	return true
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
