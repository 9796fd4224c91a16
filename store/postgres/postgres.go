// Package postgres is the Store on PostgreSQL, for offices that share one
// database: several one-stop centres, workers on many machines. Every
// change is one transaction, as in store/sqlite; the audit log's hash chain
// is the same (store.ChainHash) and the database itself refuses to update
// or delete an audit event.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"motcua/store"
)

// DB is a Store in a PostgreSQL database.
type DB struct{ pool *pgxpool.Pool }

var _ store.Store = (*DB)(nil)

// Open connects to the database at url (postgres://user@host:port/db?…;
// a search_path parameter selects the schema) and brings its schema up to
// date.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL URL: %w", err)
	}
	where := cfg.ConnConfig.Host + ":" + strconv.Itoa(int(cfg.ConnConfig.Port)) + "/" + cfg.ConnConfig.Database
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: unable to open PostgreSQL %s: %w", where, err)
	}
	s := &DB{pool: pool}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: unable to connect to PostgreSQL %s: %w", where, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: unable to open PostgreSQL %s: %w", where, err)
	}
	return s, nil
}

// Pool is the database's connection pool, for work that shares its
// transactions (the OCR job queue, package queue).
func (s *DB) Pool() *pgxpool.Pool { return s.pool }

// Close closes the connections.
func (s *DB) Close() error {
	s.pool.Close()
	return nil
}

// now is the time as the store keeps it: UTC, to the millisecond (as
// SQLite does, and as the audit chain hashes it).
func now() time.Time { return ms(time.Now()) }

func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// querier is the pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// collect runs a query and returns its rows, each read by scan, in order.
func collect[T any](ctx context.Context, q querier, scan func(pgx.CollectableRow) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}

// params numbers a query's parameters as they are added.
type params []any

func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// isCode reports whether err is the PostgreSQL error of that SQLSTATE.
func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}

const uniqueViolation = "23505"

// Check verifies that the schema is this motcua's, that the audit log's
// append-only triggers are in place and enabled, and that no constraint
// was left unchecked.
func (s *DB) Check(ctx context.Context) error {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if v != len(migrations) {
		return fmt.Errorf("store: check: the database is at schema %d, this motcua writes %d", v, len(migrations))
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit'::regclass
		AND tgname = ANY($1) AND tgenabled <> 'D'`, appendOnlyTriggers).Scan(&n); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if n != len(appendOnlyTriggers) {
		return fmt.Errorf("store: check: the audit log's append-only triggers (%v) are missing or disabled", appendOnlyTriggers)
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_constraint
		WHERE connamespace = current_schema()::regnamespace AND NOT convalidated`).Scan(&n); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("store: check: %d constraints not validated", n)
	}
	return nil
}

// Originals calls fn with the SHA-256 of every original the database
// refers to, once each, in ascending order. A table that gains a column
// naming an original adds a UNION here and nowhere else.
func (s *DB) Originals(ctx context.Context, fn func(sha string) error) error {
	// A stack document is keyed by its pages' sources: they are its
	// originals, not its own sha256.
	rows, err := s.pool.Query(ctx, `SELECT sha256 FROM records r
		WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.record_id = r.id AND p.source != '')
		UNION SELECT source FROM pages WHERE source != ''
		ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("store: unable to list originals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return fmt.Errorf("store: unable to list originals: %w", err)
		}
		if err := fn(sha); err != nil {
			return err
		}
	}
	return rows.Err()
}
