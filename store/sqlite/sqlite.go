// Package sqlite is the embedded Store: one SQLite database file in WAL
// mode with full fsync, so a killed process leaves every transaction
// either committed or absent.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/mattn/go-sqlite3"

	"motcua/store"
)

// DB is a Store in one SQLite file.
type DB struct{ db *sql.DB }

var _ store.Store = (*DB)(nil)

// Open opens or creates the database at path and brings its schema up to
// date.
func Open(path string) (*DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	// Processes that open a new database at once (digitize creating it
	// while serve or a backup opens it) may find it locked while another
	// switches it to WAL or migrates it: they try again for a while.
	for wait, tries := 20*time.Millisecond, 0; ; tries++ {
		db, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
		}
		s := &DB{db: db}
		err = s.migrate()
		if err == nil {
			return s, nil
		}
		db.Close()
		var se sqlite3.Error
		if !errors.As(err, &se) || (se.Code != sqlite3.ErrBusy && se.Code != sqlite3.ErrLocked) || tries == 50 {
			return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
		}
		time.Sleep(wait)
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// ts formats a time with a fixed width, so that SQLite compares times as
// strings correctly.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// collect runs a query and returns its rows, each read by scan, in order.
func collect[T any](ctx context.Context, q querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

type txer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Check runs SQLite's integrity and foreign-key checks.
func (s *DB) Check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check: %s", res)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("store: foreign key check failed")
	}
	return rows.Err()
}
