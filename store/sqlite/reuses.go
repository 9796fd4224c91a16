package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"motcua/store"
)

// ByOwner lists a person's records, newest first.
func (s *DB) ByOwner(ctx context.Context, personID string) ([]store.Record, error) {
	cols := "r." + strings.Join(strings.Fields(strings.ReplaceAll(recordCols, ",", " ")), ", r.")
	return s.list(ctx, `SELECT `+cols+` FROM records r JOIN record_owners o ON o.record_id = r.id
		WHERE o.person_id = ? ORDER BY r.created_at DESC, r.id DESC`, personID)
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
	// One statement checks and inserts, so that two presses at once
	// cannot both pass the check.
	same := `record_id = ? AND procedure = ? AND document = ? AND dossier = ? AND (dossier <> '' OR at > ?)`
	since := ts(u.At.Add(-store.ReuseWindow))
	res, err := tx.ExecContext(ctx, `INSERT INTO reuses (at, user, record_id, procedure, document, dossier)
		SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM reuses WHERE `+same+`)`,
		ts(u.At), u.User, u.RecordID, u.Procedure, u.Document, u.Dossier, u.RecordID, u.Procedure, u.Document, u.Dossier, since)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		var at string
		if err := tx.QueryRowContext(ctx, `SELECT id, at FROM reuses WHERE `+same+` ORDER BY id DESC LIMIT 1`,
			u.RecordID, u.Procedure, u.Document, u.Dossier, since).Scan(&u.ID, &at); err != nil {
			return err
		}
		u.At = parseTS(at)
		return fmt.Errorf("%w: reuse %d", store.ErrExists, u.ID)
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
	return collect(ctx, s.db, scanReuse, `SELECT `+reuseCols+` FROM reuses WHERE record_id = ? ORDER BY id`, recordID)
}

const reuseCols = `id, at, user, record_id, procedure, document, dossier`

func scanReuse(rows *sql.Rows) (store.Reuse, error) {
	var u store.Reuse
	var at string
	err := rows.Scan(&u.ID, &at, &u.User, &u.RecordID, &u.Procedure, &u.Document, &u.Dossier)
	u.At = parseTS(at)
	return u, err
}
