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

// logEvent appends e; x must be a transaction (the chain needs the last
// hash and the insert to be one step).
func logEvent(ctx context.Context, x txer, e store.Event) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	var prev string
	err := x.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: unable to write the audit log (%s by %s): %w", e.Action, e.User, err)
	}
	_, err = x.ExecContext(ctx, `INSERT INTO audit (at, user, action, record_id, detail, remote, ok, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ts(e.At), e.User, e.Action, e.RecordID, e.Detail, e.Remote, e.OK, store.ChainHash(prev, e))
	if err != nil {
		return fmt.Errorf("store: unable to write the audit log (%s by %s): %w", e.Action, e.User, err)
	}
	return nil
}

// Log appends an event to the audit log.
func (s *DB) Log(ctx context.Context, e store.Event) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := logEvent(ctx, tx, e); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// VerifyAudit recomputes the audit log's hash chain and returns the ID of
// the first event that does not match (0: the log is whole) and how many
// events were checked.
func (s *DB) VerifyAudit(ctx context.Context) (bad int64, n int, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, user, action, record_id, detail, remote, ok, hash FROM audit ORDER BY id`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		var e store.Event
		var at, hash string
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.RecordID, &e.Detail, &e.Remote, &e.OK, &hash); err != nil {
			return 0, n, err
		}
		e.At = parseTS(at)
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
	var args []any
	if !f.Since.IsZero() {
		where, args = append(where, `at >= ?`), append(args, ts(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, `at < ?`), append(args, ts(f.Until))
	}
	if f.User != "" {
		where, args = append(where, `user = ?`), append(args, f.User)
	}
	if f.Action != "" {
		where, args = append(where, `action = ?`), append(args, f.Action)
	}
	var about []string
	if len(f.Records) > 0 {
		about = append(about, `record_id IN (`+strings.TrimSuffix(strings.Repeat(`?, `, len(f.Records)), `, `)+`)`)
		for _, id := range f.Records {
			args = append(args, id)
		}
	}
	if f.Mentions != "" {
		about, args = append(about, `instr(detail, ?) > 0`), append(args, f.Mentions)
	}
	if len(about) > 0 {
		where = append(where, `(`+strings.Join(about, ` OR `)+`)`)
	}
	if f.Before > 0 {
		where, args = append(where, `id < ?`), append(args, f.Before)
	}
	q := `SELECT id, at, user, action, record_id, detail, remote, ok FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	switch {
	case f.NewestFirst && f.Limit > 0:
		q += ` ORDER BY id DESC LIMIT ?`
		args = append(args, f.Limit)
	case f.NewestFirst:
		q += ` ORDER BY id DESC`
	case f.Limit > 0:
		q = `SELECT * FROM (` + q + ` ORDER BY id DESC LIMIT ?) ORDER BY id`
		args = append(args, f.Limit)
	default:
		q += ` ORDER BY id`
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e store.Event
		var at string
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.RecordID, &e.Detail, &e.Remote, &e.OK); err != nil {
			return err
		}
		e.At = parseTS(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
