package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua/store"
)

// AddUser creates an account.
func (s *DB) AddUser(ctx context.Context, u store.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO users (name, role, password, disabled, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Name, u.Role, u.Password, u.Disabled, ts(u.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("store: user %s: %w", u.Name, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: unable to add user %s: %w", u.Name, err)
	}
	return nil
}

const userCols = `name, role, password, disabled, failed, locked_until, created_at`

func scanUser(sc interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var locked, created string
	if err := sc.Scan(&u.Name, &u.Role, &u.Password, &u.Disabled, &u.Failed, &locked, &created); err != nil {
		return u, err
	}
	if locked != "" {
		u.LockedUntil = parseTS(locked)
	}
	u.CreatedAt = parseTS(created)
	return u, nil
}

// User returns an account.
func (s *DB) User(ctx context.Context, name string) (*store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Users lists the accounts by name.
func (s *DB) Users(ctx context.Context) ([]store.User, error) {
	return collect(ctx, s.db, func(rows *sql.Rows) (store.User, error) { return scanUser(rows) },
		`SELECT `+userCols+` FROM users ORDER BY name`)
}

func (s *DB) updateUser(ctx context.Context, name, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET `+set+` WHERE name = ?`, append(args, name)...)
	if err != nil {
		return fmt.Errorf("store: unable to update user %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %s: %w", name, store.ErrNotFound)
	}
	return nil
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions.
func (s *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	if err := s.updateUser(ctx, name, `disabled = ?`, disabled); err != nil {
		return err
	}
	if disabled {
		_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, name)
		return err
	}
	return nil
}

// SetPassword replaces an account's password hash, clears its lock and
// ends its sessions.
func (s *DB) SetPassword(ctx context.Context, name, hash string) error {
	if err := s.updateUser(ctx, name, `password = ?, failed = 0, locked_until = ''`, hash); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, name)
	return err
}

// LoginFailed counts a failed login and locks the account after lockAfter
// failures in a row.
func (s *DB) LoginFailed(ctx context.Context, name string, lockAfter int, lockFor time.Duration) (time.Time, error) {
	var failed int
	err := s.db.QueryRowContext(ctx, `UPDATE users SET failed = failed + 1 WHERE name = ? RETURNING failed`, name).Scan(&failed)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, store.ErrNotFound
	}
	if err != nil {
		return time.Time{}, err
	}
	if failed < lockAfter {
		return time.Time{}, nil
	}
	until := now().Add(lockFor)
	_, err = s.db.ExecContext(ctx, `UPDATE users SET failed = 0, locked_until = ? WHERE name = ?`, ts(until), name)
	return until, err
}

// LoginOK clears the failure count.
func (s *DB) LoginOK(ctx context.Context, name string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failed = 0, locked_until = '' WHERE name = ?`, name)
	return err
}

// CreateSession stores a new session.
func (s *DB) CreateSession(ctx context.Context, tokenHash string, se store.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user, csrf, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		tokenHash, se.User, se.CSRF, ts(se.CreatedAt), ts(se.SeenAt), ts(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: unable to save session of %s: %w", se.User, err)
	}
	return nil
}

// Session returns a session that has not expired at now.
func (s *DB) Session(ctx context.Context, tokenHash string, at time.Time) (*store.Session, error) {
	var se store.Session
	var created, seen, expires string
	err := s.db.QueryRowContext(ctx, `SELECT user, csrf, created_at, seen_at, expires_at FROM sessions
		WHERE token_hash = ? AND expires_at > ?`, tokenHash, ts(at)).Scan(&se.User, &se.CSRF, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	se.CreatedAt, se.SeenAt, se.ExpiresAt = parseTS(created), parseTS(seen), parseTS(expires)
	return &se, nil
}

// TouchSession moves a session's idle expiry.
func (s *DB) TouchSession(ctx context.Context, tokenHash string, seen, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET seen_at = ?, expires_at = ? WHERE token_hash = ?`, ts(seen), ts(expires), tokenHash)
	return err
}

// DeleteSession ends a session.
func (s *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// PurgeSessions deletes expired sessions.
func (s *DB) PurgeSessions(ctx context.Context, at time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ts(at))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
