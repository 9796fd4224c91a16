package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

// logEvent appends e inside tx. The table lock makes reading the last hash
// and inserting one step for every writer, so the chain never forks and
// IDs follow it; readers are not blocked.
func logEvent(ctx context.Context, tx pgx.Tx, e store.Event) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = ms(e.At)
	err := func() error {
		if _, err := tx.Exec(ctx, `LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var prev string
		err := tx.QueryRow(ctx, `SELECT hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit (at, user_name, action, record_id, detail, remote, ok, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.At, e.User, e.Action, e.RecordID, e.Detail, e.Remote, e.OK, store.ChainHash(prev, e))
		return err
	}()
	if err != nil {
		return fmt.Errorf("store: unable to write the audit log (%s by %s): %w", e.Action, e.User, err)
	}
	return nil
}

// Log appends an event to the audit log.
func (s *DB) Log(ctx context.Context, e store.Event) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return logEvent(ctx, tx, e) })
}

const eventCols = `id, at, user_name, action, record_id, detail, remote, ok`

func scanEvent(row pgx.CollectableRow, more ...any) (store.Event, error) {
	var e store.Event
	err := row.Scan(append([]any{&e.ID, &e.At, &e.User, &e.Action, &e.RecordID, &e.Detail, &e.Remote, &e.OK}, more...)...)
	e.At = e.At.UTC()
	return e, err
}

// VerifyAudit recomputes the audit log's hash chain and returns the ID of
// the first event that does not match (0: the log is whole) and how many
// events were checked.
func (s *DB) VerifyAudit(ctx context.Context) (bad int64, n int, err error) {
	rows, err := s.pool.Query(ctx, `SELECT `+eventCols+`, hash FROM audit ORDER BY id`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		var hash string
		e, err := scanEvent(rows, &hash)
		if err != nil {
			return 0, n, err
		}
		n++
		if store.ChainHash(prev, e) != hash {
			return e.ID, n, nil
		}
		prev = hash
	}
	return 0, n, rows.Err()
}

// Events calls fn for the selected events, oldest first unless
// f.NewestFirst.
func (s *DB) Events(ctx context.Context, f store.AuditFilter, fn func(store.Event) error) error {
	var where []string
	var p params
	if !f.Since.IsZero() {
		where = append(where, `at >= `+p.add(ms(f.Since)))
	}
	if !f.Until.IsZero() {
		where = append(where, `at < `+p.add(ms(f.Until)))
	}
	if f.User != "" {
		where = append(where, `user_name = `+p.add(f.User))
	}
	if f.Action != "" {
		where = append(where, `action = `+p.add(f.Action))
	}
	var about []string
	if len(f.Records) > 0 {
		about = append(about, `record_id = ANY(`+p.add(f.Records)+`)`)
	}
	if f.Mentions != "" {
		about = append(about, `strpos(detail, `+p.add(f.Mentions)+`) > 0`)
	}
	if len(about) > 0 {
		where = append(where, `(`+strings.Join(about, ` OR `)+`)`)
	}
	if f.Before > 0 {
		where = append(where, `id < `+p.add(f.Before))
	}
	q := `SELECT ` + eventCols + ` FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	switch {
	case f.NewestFirst && f.Limit > 0:
		q += ` ORDER BY id DESC LIMIT ` + p.add(f.Limit)
	case f.NewestFirst:
		q += ` ORDER BY id DESC`
	case f.Limit > 0:
		q = `SELECT * FROM (` + q + ` ORDER BY id DESC LIMIT ` + p.add(f.Limit) + `) newest ORDER BY id`
	default:
		q += ` ORDER BY id`
	}
	rows, err := s.pool.Query(ctx, q, p...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
