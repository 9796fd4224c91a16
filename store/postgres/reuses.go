package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

// ByOwner lists a person's records, newest first.
func (s *DB) ByOwner(ctx context.Context, personID string) ([]store.Record, error) {
	cols := "r." + strings.Join(strings.Fields(strings.ReplaceAll(recordCols, ",", " ")), ", r.")
	return collect(ctx, s.pool, scanRecord, `SELECT `+cols+` FROM records r JOIN record_owners o ON o.record_id = r.id
		WHERE o.person_id = $1 ORDER BY r.created_at DESC, r.id DESC`, personID)
}

// AddReuse records a reuse and its audit event in one transaction.
func (s *DB) AddReuse(ctx context.Context, u *store.Reuse, remote string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := getOne(ctx, tx, `WHERE id = $1`, u.RecordID); err != nil {
			return err
		}
		if u.At.IsZero() {
			u.At = now()
		}
		u.At = ms(u.At)
		// The same reuse pressed twice at once: the check and the insert
		// are serialised per record, so only one passes.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('motcua reuse ' || $1::bigint, 0))`, u.RecordID); err != nil {
			return err
		}
		var first int64
		var at time.Time
		err := tx.QueryRow(ctx, `SELECT id, at FROM reuses WHERE record_id = $1 AND procedure = $2 AND document = $3
			AND dossier = $4 AND (dossier <> '' OR at > $5) ORDER BY id DESC LIMIT 1`,
			u.RecordID, u.Procedure, u.Document, u.Dossier, u.At.Add(-store.ReuseWindow)).Scan(&first, &at)
		switch {
		case err == nil:
			u.ID, u.At = first, at
			return fmt.Errorf("%w: reuse %d", store.ErrExists, u.ID)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO reuses (at, user_name, record_id, procedure, document, dossier)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			u.At, u.User, u.RecordID, u.Procedure, u.Document, u.Dossier).Scan(&u.ID); err != nil {
			return err
		}
		detail := "thủ tục " + u.Procedure
		if u.Dossier != "" {
			detail += ", hồ sơ " + u.Dossier
		}
		return logEvent(ctx, tx, store.Event{At: u.At, User: u.User, Action: store.ActReuse, RecordID: u.RecordID,
			Detail: detail, Remote: remote, OK: true})
	})
	if err != nil {
		return fmt.Errorf("store: unable to record the reuse of record %d: %w", u.RecordID, err)
	}
	return nil
}

// Reuses lists a record's reuses, oldest first.
func (s *DB) Reuses(ctx context.Context, recordID int64) ([]store.Reuse, error) {
	return collect(ctx, s.pool, scanReuse, `SELECT `+reuseCols+` FROM reuses WHERE record_id = $1 ORDER BY id`, recordID)
}

const reuseCols = `id, at, user_name, record_id, procedure, document, dossier`

func scanReuse(row pgx.CollectableRow) (store.Reuse, error) {
	var u store.Reuse
	err := row.Scan(&u.ID, &u.At, &u.User, &u.RecordID, &u.Procedure, &u.Document, &u.Dossier)
	u.At = u.At.UTC()
	return u, err
}
