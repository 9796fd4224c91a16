package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

// AddUser creates an account.
func (s *DB) AddUser(ctx context.Context, u store.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO users (name, role, password, disabled, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.Name, u.Role, u.Password, u.Disabled, ms(u.CreatedAt))
	if isCode(err, uniqueViolation) {
		return fmt.Errorf("store: user %s: %w", u.Name, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: unable to add user %s: %w", u.Name, err)
	}
	return nil
}

const userCols = `name, role, password, disabled, failed, locked_until, created_at`

func scanUser(row pgx.CollectableRow) (store.User, error) {
	var u store.User
	var locked *time.Time
	if err := row.Scan(&u.Name, &u.Role, &u.Password, &u.Disabled, &u.Failed, &locked, &u.CreatedAt); err != nil {
		return u, err
	}
	if locked != nil {
		u.LockedUntil = locked.UTC()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// User returns an account.
func (s *DB) User(ctx context.Context, name string) (*store.User, error) {
	us, err := collect(ctx, s.pool, scanUser, `SELECT `+userCols+` FROM users WHERE name = $1`, name)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("store: user %s: %w", name, store.ErrNotFound)
	}
	return &us[0], nil
}

// Users lists the accounts by name.
func (s *DB) Users(ctx context.Context) ([]store.User, error) {
	return collect(ctx, s.pool, scanUser, `SELECT `+userCols+` FROM users ORDER BY name`)
}

// updateUser changes an account and, when endSessions, ends its sessions,
// in one transaction.
func (s *DB) updateUser(ctx context.Context, name string, endSessions bool, set string, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET `+set+` WHERE name = $1`, append([]any{name}, args...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		if endSessions {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, name)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: unable to update user %s: %w", name, err)
	}
	return nil
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions.
func (s *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return s.updateUser(ctx, name, disabled, `disabled = $2`, disabled)
}

// SetPassword replaces an account's password hash, clears its lock and
// ends its sessions.
func (s *DB) SetPassword(ctx context.Context, name, hash string) error {
	return s.updateUser(ctx, name, true, `password = $2, failed = 0, locked_until = NULL`, hash)
}

// LoginFailed counts a failed login and locks the account after lockAfter
// failures in a row.
func (s *DB) LoginFailed(ctx context.Context, name string, lockAfter int, lockFor time.Duration) (time.Time, error) {
	var until time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var failed int
		err := tx.QueryRow(ctx, `UPDATE users SET failed = failed + 1 WHERE name = $1 RETURNING failed`, name).Scan(&failed)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil || failed < lockAfter {
			return err
		}
		until = now().Add(lockFor)
		_, err = tx.Exec(ctx, `UPDATE users SET failed = 0, locked_until = $2 WHERE name = $1`, name, until)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: unable to count a failed login of %s: %w", name, err)
	}
	return until, nil
}

// LoginOK clears the failure count.
func (s *DB) LoginOK(ctx context.Context, name string) error {
	_, err := s.pool.Exec(ctx, `UPDATE users SET failed = 0, locked_until = NULL WHERE name = $1`, name)
	return err
}

// CreateSession stores a new session.
func (s *DB) CreateSession(ctx context.Context, tokenHash string, se store.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_name, csrf, created_at, seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, tokenHash, se.User, se.CSRF, ms(se.CreatedAt), ms(se.SeenAt), ms(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: unable to save session of %s: %w", se.User, err)
	}
	return nil
}

// Session returns a session that has not expired at now.
func (s *DB) Session(ctx context.Context, tokenHash string, at time.Time) (*store.Session, error) {
	var se store.Session
	err := s.pool.QueryRow(ctx, `SELECT user_name, csrf, created_at, seen_at, expires_at FROM sessions
		WHERE token_hash = $1 AND expires_at > $2`, tokenHash, ms(at)).Scan(&se.User, &se.CSRF, &se.CreatedAt, &se.SeenAt, &se.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	se.CreatedAt, se.SeenAt, se.ExpiresAt = se.CreatedAt.UTC(), se.SeenAt.UTC(), se.ExpiresAt.UTC()
	return &se, nil
}

// TouchSession moves a session's idle expiry.
func (s *DB) TouchSession(ctx context.Context, tokenHash string, seen, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET seen_at = $1, expires_at = $2 WHERE token_hash = $3`, ms(seen), ms(expires), tokenHash)
	return err
}

// DeleteSession ends a session.
func (s *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// PurgeSessions deletes expired sessions.
func (s *DB) PurgeSessions(ctx context.Context, at time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, ms(at))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
