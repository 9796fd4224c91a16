package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua/store"
)

type txer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// eventHash chains an event to the one before it, so that an event edited,
// removed or inserted in the file breaks every hash after it.
func eventHash(prev string, e store.Event) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%s\x1f%t", prev, ts(e.At), e.User, e.Action, e.RecordID, e.Detail, e.Remote, e.OK)
	return hex.EncodeToString(h.Sum(nil))
}

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
		ts(e.At), e.User, e.Action, e.RecordID, e.Detail, e.Remote, e.OK, eventHash(prev, e))
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
		if eventHash(prev, e) != hash {
			return e.ID, n, nil
		}
		prev = hash
	}
	return 0, n, rows.Err()
}

// Events calls fn for the selected events, oldest first.
func (s *DB) Events(ctx context.Context, f store.AuditFilter, fn func(store.Event) error) error {
	var where []string
	var args []any
	if !f.Since.IsZero() {
		where, args = append(where, `at >= ?`), append(args, ts(f.Since))
	}
	if f.User != "" {
		where, args = append(where, `user = ?`), append(args, f.User)
	}
	if f.Action != "" {
		where, args = append(where, `action = ?`), append(args, f.Action)
	}
	q := `SELECT id, at, user, action, record_id, detail, remote, ok FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if f.Limit > 0 {
		q = `SELECT * FROM (` + q + ` ORDER BY id DESC LIMIT ?) ORDER BY id`
		args = append(args, f.Limit)
	} else {
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

func (s *DB) list(ctx context.Context, q string, args ...any) ([]store.Record, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Review lists the records waiting for review, oldest first.
func (s *DB) Review(ctx context.Context, limit int) ([]store.Record, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.list(ctx, `SELECT `+recordCols+` FROM records WHERE status = 'review' ORDER BY created_at, id LIMIT ?`, limit)
}

// UpdatedSince lists the records saved at or after t.
func (s *DB) UpdatedSince(ctx context.Context, t time.Time) ([]store.Record, error) {
	return s.list(ctx, `SELECT `+recordCols+` FROM records WHERE updated_at >= ? ORDER BY id`, ts(t))
}

// ByOwner lists a person's records, newest first.
func (s *DB) ByOwner(ctx context.Context, personID string) ([]store.Record, error) {
	cols := "r." + strings.Join(strings.Fields(strings.ReplaceAll(recordCols, ",", " ")), ", r.")
	return s.list(ctx, `SELECT `+cols+` FROM records r JOIN record_owners o ON o.record_id = r.id
		WHERE o.person_id = ? ORDER BY r.created_at DESC, r.id DESC`, personID)
}

// ApplyEdit saves a correction with its changes and audit events.
func (s *DB) ApplyEdit(ctx context.Context, e store.Edit) (_ *store.Record, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store: unable to save the correction of record %d: %w", e.RecordID, err)
		}
	}()
	r, err := getOne(ctx, tx, `WHERE id = ?`, e.RecordID)
	if err != nil {
		return nil, err
	}
	if r.Version != e.Version {
		return nil, store.ErrConflict
	}
	t := now()
	if r.Confidence == nil { // a record saved without confidences
		r.Confidence = store.Confidence{}
	}
	var changes []store.Change
	for _, k := range store.AllFields {
		old, new := r.Fields.Value(k), e.Fields.Value(k)
		if old != new {
			changes = append(changes, store.Change{RecordID: r.ID, At: t, User: e.User, Field: k, Old: old, New: new})
			r.Confidence[k] = 1
		}
	}
	if e.Approve && r.Status != store.StatusVerified {
		changes = append(changes, store.Change{RecordID: r.ID, At: t, User: e.User, Field: "status", Old: string(r.Status), New: string(store.StatusVerified)})
		r.Status = store.StatusVerified
	}
	if len(changes) == 0 {
		return r, tx.Rollback()
	}
	r.Fields = e.Fields
	r.DocType = e.Fields.DocType
	if r.Fields.OwnerID != "" || len(r.Fields.PersonIDs) > 0 {
		r.Visibility = store.Restricted // about a person: never public
	}
	r.Version++
	r.UpdatedAt = t
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return nil, err
	}
	conf, err := json.Marshal(r.Confidence)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE records SET doc_type = ?, status = ?, visibility = ?, fields = ?, confidence = ?,
		version = ?, updated_at = ? WHERE id = ?`, r.DocType, r.Status, r.Visibility, fields, conf, r.Version, ts(t), r.ID); err != nil {
		return nil, err
	}
	if err := setOwner(ctx, tx, r); err != nil {
		return nil, err
	}
	var names []string
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO record_changes (record_id, at, user, field, old, new) VALUES (?, ?, ?, ?, ?, ?)`,
			c.RecordID, ts(c.At), c.User, c.Field, c.Old, c.New); err != nil {
			return nil, err
		}
		if c.Field != "status" {
			names = append(names, string(c.Field))
		}
	}
	if len(names) > 0 {
		if err := logEvent(ctx, tx, store.Event{At: t, User: e.User, Action: store.ActEdit, RecordID: r.ID,
			Detail: strings.Join(names, ","), Remote: e.Remote, OK: true}); err != nil {
			return nil, err
		}
	}
	if e.Approve {
		if err := logEvent(ctx, tx, store.Event{At: t, User: e.User, Action: store.ActApprove, RecordID: r.ID, Remote: e.Remote, OK: true}); err != nil {
			return nil, err
		}
	}
	return r, tx.Commit()
}

// Changes lists a record's corrections, oldest first.
func (s *DB) Changes(ctx context.Context, id int64) ([]store.Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT record_id, at, user, field, old, new FROM record_changes WHERE record_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Change
	for rows.Next() {
		var c store.Change
		var at string
		if err := rows.Scan(&c.RecordID, &at, &c.User, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		c.At = parseTS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddReuse records a reuse and its audit event in one transaction.
func (s *DB) AddReuse(ctx context.Context, u *store.Reuse, remote string) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store: unable to record the reuse of record %d: %w", u.RecordID, err)
		}
	}()
	if _, err := getOne(ctx, tx, `WHERE id = ?`, u.RecordID); err != nil {
		return err
	}
	if u.At.IsZero() {
		u.At = now()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO reuses (at, user, record_id, procedure, document, dossier) VALUES (?, ?, ?, ?, ?, ?)`,
		ts(u.At), u.User, u.RecordID, u.Procedure, u.Document, u.Dossier)
	if err != nil {
		return err
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	detail := "thủ tục " + u.Procedure
	if u.Dossier != "" {
		detail += ", hồ sơ " + u.Dossier
	}
	if err := logEvent(ctx, tx, store.Event{At: u.At, User: u.User, Action: store.ActReuse, RecordID: u.RecordID,
		Detail: detail, Remote: remote, OK: true}); err != nil {
		return err
	}
	return tx.Commit()
}

// Reuses lists a record's reuses, oldest first.
func (s *DB) Reuses(ctx context.Context, recordID int64) ([]store.Reuse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, user, record_id, procedure, document, dossier FROM reuses WHERE record_id = ? ORDER BY id`, recordID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Reuse
	for rows.Next() {
		var u store.Reuse
		var at string
		if err := rows.Scan(&u.ID, &at, &u.User, &u.RecordID, &u.Procedure, &u.Document, &u.Dossier); err != nil {
			return nil, err
		}
		u.At = parseTS(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Stats counts records by type, month and status, and reuses.
func (s *DB) Stats(ctx context.Context) (*store.Stats, error) {
	st := &store.Stats{ByStatus: map[store.Status]int{}, ReusesMonth: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT doc_type, substr(created_at, 1, 7), count(*) FROM records GROUP BY 1, 2 ORDER BY 2, 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c store.TypeMonth
		if err := rows.Scan(&c.DocType, &c.Month, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		st.ByTypeMonth = append(st.ByTypeMonth, c)
		st.Records += c.Count
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	count := func(q string, into func(k string, n int)) error {
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			into(k, n)
		}
		return rows.Err()
	}
	if err := count(`SELECT status, count(*) FROM records GROUP BY 1`, func(k string, n int) { st.ByStatus[store.Status(k)] = n }); err != nil {
		return nil, err
	}
	if err := count(`SELECT substr(at, 1, 7), count(*) FROM reuses GROUP BY 1`, func(k string, n int) {
		st.ReusesMonth[k] = n
		st.Reuses += n
	}); err != nil {
		return nil, err
	}
	return st, nil
}
