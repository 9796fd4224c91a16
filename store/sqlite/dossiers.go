package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"motcua/store"
)

// dossierMigration adds dossiers and the records that belong to them.
// A record belongs to at most one dossier (record_id is the key); a result
// number is unique within its dossier.
const dossierMigration = `CREATE TABLE dossiers (
		code        TEXT PRIMARY KEY,
		procedure   TEXT NOT NULL,
		owner_id    TEXT NOT NULL,
		owner_name  TEXT NOT NULL,
		channel     TEXT NOT NULL CHECK (channel IN ('direct', 'online', 'postal')),
		received    TEXT NOT NULL,
		due         TEXT NOT NULL,
		finished    TEXT NOT NULL,
		status      TEXT NOT NULL CHECK (status IN ('received', 'processing', 'supplement', 'finished', 'returned', 'withdrawn', 'stopped')),
		supplements INTEGER NOT NULL DEFAULT 0,
		created_at  TEXT NOT NULL,
		updated_at  TEXT NOT NULL
	);
	CREATE INDEX dossiers_owner ON dossiers(owner_id);
	CREATE INDEX dossiers_received ON dossiers(received);
	CREATE TABLE dossier_records (
		record_id INTEGER PRIMARY KEY REFERENCES records(id),
		dossier   TEXT NOT NULL REFERENCES dossiers(code),
		component INTEGER NOT NULL DEFAULT 0,
		result    INTEGER NOT NULL DEFAULT 0,
		at        TEXT NOT NULL
	);
	CREATE INDEX dossier_records_dossier ON dossier_records(dossier);
	CREATE UNIQUE INDEX dossier_results ON dossier_records(dossier, result) WHERE result > 0;
	CREATE INDEX reuses_dossier ON reuses(dossier);`

var _ store.Dossiers = (*DB)(nil)

// PutDossier creates a dossier or updates its header.
func (s *DB) PutDossier(ctx context.Context, d *store.Dossier) error {
	if d.Status == "" {
		d.Status = store.DossierReceived
	}
	if d.Channel == "" {
		d.Channel = store.Direct
	}
	t := now()
	if d.CreatedAt.IsZero() {
		d.CreatedAt = t
	}
	d.UpdatedAt = t
	_, err := s.db.ExecContext(ctx, `INSERT INTO dossiers (code, procedure, owner_id, owner_name, channel, received, due,
		finished, status, supplements, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET procedure = excluded.procedure, owner_id = excluded.owner_id,
		owner_name = excluded.owner_name, channel = excluded.channel, received = excluded.received, due = excluded.due,
		finished = excluded.finished, status = excluded.status, supplements = excluded.supplements,
		updated_at = excluded.updated_at`,
		d.Code, d.Procedure, d.OwnerID, d.OwnerName, d.Channel, d.Received, d.Due, d.Finished, d.Status,
		d.Supplements, ts(d.CreatedAt), ts(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: unable to save dossier %s: %w", d.Code, err)
	}
	return nil
}

const dossierColumns = `code, procedure, owner_id, owner_name, channel, received, due, finished, status, supplements,
	created_at, updated_at`

func scanDossier(rows *sql.Rows) (store.Dossier, error) {
	var d store.Dossier
	var created, updated string
	err := rows.Scan(&d.Code, &d.Procedure, &d.OwnerID, &d.OwnerName, &d.Channel, &d.Received, &d.Due, &d.Finished,
		&d.Status, &d.Supplements, &created, &updated)
	d.CreatedAt, d.UpdatedAt = parseTS(created), parseTS(updated)
	return d, err
}

// Dossier returns a dossier with its records.
func (s *DB) Dossier(ctx context.Context, code string) (*store.Dossier, error) {
	ds, err := s.dossiers(ctx, `WHERE code = ?`, code)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("dossier %s: %w", code, store.ErrNotFound)
	}
	return &ds[0], nil
}

// ListDossiers lists dossiers, newest received first.
func (s *DB) ListDossiers(ctx context.Context, f store.DossierFilter) ([]store.Dossier, error) {
	var where []string
	var args []any
	if f.Procedure != "" {
		where, args = append(where, "procedure = ?"), append(args, f.Procedure)
	}
	if f.OwnerID != "" {
		where, args = append(where, "owner_id = ?"), append(args, f.OwnerID)
	}
	if f.Month != "" {
		where, args = append(where, "substr(received, 1, 7) = ?"), append(args, f.Month)
	}
	if f.Code != "" {
		where, args = append(where, "substr(code, 1, ?) = ?"), append(args, len(f.Code), f.Code)
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY received DESC, code DESC"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return s.dossiers(ctx, q, args...)
}

func (s *DB) dossiers(ctx context.Context, where string, args ...any) ([]store.Dossier, error) {
	ds, err := collect(ctx, s.db, scanDossier, `SELECT `+dossierColumns+` FROM dossiers `+where, args...)
	if err != nil || len(ds) == 0 {
		if err != nil {
			err = fmt.Errorf("store: unable to list dossiers: %w", err)
		}
		return ds, err
	}
	at := make(map[string]int, len(ds))
	for i, d := range ds {
		at[d.Code] = i
	}
	// The records and reuses of the listed dossiers, a query each.
	in := `(SELECT code FROM dossiers ` + where + `)`
	rows, err := s.db.QueryContext(ctx, `SELECT dr.dossier, dr.record_id, dr.component, dr.result, r.doc_type
		FROM dossier_records dr JOIN records r ON r.id = dr.record_id
		WHERE dr.dossier IN `+in+` ORDER BY dr.record_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list dossiers' records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var a store.Attachment
		if err := rows.Scan(&code, &a.RecordID, &a.Component, &a.Result, &a.DocType); err != nil {
			return nil, err
		}
		d := &ds[at[code]]
		d.Records = append(d.Records, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reuses, err := collect(ctx, s.db, scanReuse, `SELECT `+reuseCols+` FROM reuses WHERE dossier IN `+in+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list dossiers' reuses: %w", err)
	}
	for _, u := range reuses {
		d := &ds[at[u.Dossier]]
		d.Reuses = append(d.Reuses, u)
	}
	return ds, nil
}

// attachTx attaches a record to a dossier inside tx. A record already in
// the same dossier keeps its place; in another dossier it is a conflict.
func attachTx(ctx context.Context, tx *sql.Tx, code string, a *store.Attachment) error {
	var cur string
	err := tx.QueryRowContext(ctx, `SELECT dossier FROM dossier_records WHERE record_id = ?`, a.RecordID).Scan(&cur)
	switch {
	case err == nil && cur == code:
		return nil
	case err == nil:
		return fmt.Errorf("record %d already belongs to dossier %s: %w", a.RecordID, cur, store.ErrTaken)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE code = ?`, code).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("dossier %s: %w", code, store.ErrNotFound)
	}
	if a.Result < 0 {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(result), 0) + 1 FROM dossier_records WHERE dossier = ?`,
			code).Scan(&a.Result); err != nil {
			return err
		}
	}
	if a.Result > 0 {
		a.Component = 0
	}
	t := ts(now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_records (record_id, dossier, component, result, at) VALUES (?, ?, ?, ?, ?)`,
		a.RecordID, code, a.Component, a.Result, t); err != nil {
		return err
	}
	// A paper of a citizen's dossier is about a person (store.Confine):
	// restricted from now on, and re-indexed as such.
	_, err = tx.ExecContext(ctx, `UPDATE records SET visibility = 'restricted', updated_at = ? WHERE id = ? AND visibility <> 'restricted'`,
		t, a.RecordID)
	return err
}

// Attach attaches a stored record to a dossier.
func (s *DB) Attach(ctx context.Context, code string, a *store.Attachment) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store: unable to attach record %d to dossier %s: %w", a.RecordID, code, err)
		}
	}()
	if _, err := getOne(ctx, tx, `WHERE id = ?`, a.RecordID); err != nil {
		return err
	}
	if err := attachTx(ctx, tx, code, a); err != nil {
		return err
	}
	return tx.Commit()
}

// MoveRecord moves a record to another component of its dossier, audited.
func (s *DB) MoveRecord(ctx context.Context, code string, recordID int64, component int, user, remote string) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store: unable to move record %d in dossier %s: %w", recordID, code, err)
		}
	}()
	var from, result int
	err = tx.QueryRowContext(ctx, `SELECT component, result FROM dossier_records WHERE record_id = ? AND dossier = ?`,
		recordID, code).Scan(&from, &result)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("record %d is not in dossier %s: %w", recordID, code, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if result > 0 {
		return fmt.Errorf("record %d is the dossier's result %d, not a submitted document: %w", recordID, result, store.ErrTaken)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossier_records SET component = ? WHERE record_id = ?`, component, recordID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET updated_at = ? WHERE code = ?`, ts(now()), code); err != nil {
		return err
	}
	if err := logEvent(ctx, tx, store.Event{At: now(), User: user, Action: store.ActDossierMove, RecordID: recordID,
		Detail: fmt.Sprintf("hồ sơ %s: thành phần %d → %d", code, from, component), Remote: remote, OK: true}); err != nil {
		return err
	}
	return tx.Commit()
}

// DossierOf returns the code of the dossier a record belongs to.
func (s *DB) DossierOf(ctx context.Context, recordID int64) (string, error) {
	var code string
	err := s.db.QueryRowContext(ctx, `SELECT dossier FROM dossier_records WHERE record_id = ?`, recordID).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, err
}

// placeTx attaches a record being put to the dossier it names, in the
// record's transaction; a record already in a dossier stays where it is.
func placeTx(ctx context.Context, tx *sql.Tx, r *store.Record) error {
	if r.Dossier == "" || r.Place == nil {
		return nil
	}
	a := *r.Place
	a.RecordID = r.ID
	if err := attachTx(ctx, tx, r.Dossier, &a); err != nil {
		return err
	}
	r.Place = &a
	return nil
}

// dossiersOf maps the records from ID first to last that belong to a
// dossier to its code.
func (s *DB) dossiersOf(ctx context.Context, first, last int64) (map[int64]string, error) {
	type pair struct {
		id   int64
		code string
	}
	ps, err := collect(ctx, s.db, func(rows *sql.Rows) (p pair, err error) {
		err = rows.Scan(&p.id, &p.code)
		return p, err
	}, `SELECT record_id, dossier FROM dossier_records WHERE record_id BETWEEN ? AND ?`, first, last)
	m := make(map[int64]string, len(ps))
	for _, p := range ps {
		m[p.id] = p.code
	}
	return m, err
}
