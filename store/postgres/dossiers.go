package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

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
	d.CreatedAt, d.UpdatedAt = ms(d.CreatedAt), t
	_, err := s.pool.Exec(ctx, `INSERT INTO dossiers (code, procedure, owner_id, owner_name, channel, received, due,
		finished, status, supplements, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (code) DO UPDATE SET procedure = excluded.procedure, owner_id = excluded.owner_id,
		owner_name = excluded.owner_name, channel = excluded.channel, received = excluded.received, due = excluded.due,
		finished = excluded.finished, status = excluded.status, supplements = excluded.supplements,
		updated_at = excluded.updated_at`,
		d.Code, d.Procedure, d.OwnerID, d.OwnerName, d.Channel, d.Received, d.Due, d.Finished, d.Status,
		d.Supplements, d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to save dossier %s: %w", d.Code, err)
	}
	return nil
}

const dossierCols = `code, procedure, owner_id, owner_name, channel, received, due, finished, status, supplements,
	created_at, updated_at`

func scanDossier(row pgx.CollectableRow) (store.Dossier, error) {
	var d store.Dossier
	err := row.Scan(&d.Code, &d.Procedure, &d.OwnerID, &d.OwnerName, &d.Channel, &d.Received, &d.Due, &d.Finished,
		&d.Status, &d.Supplements, &d.CreatedAt, &d.UpdatedAt)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}

// Dossier returns a dossier with its records.
func (s *DB) Dossier(ctx context.Context, code string) (*store.Dossier, error) {
	ds, err := s.dossiers(ctx, `WHERE code = $1`, code)
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
	var p params
	if f.Procedure != "" {
		where = append(where, "procedure = "+p.add(f.Procedure))
	}
	if f.OwnerID != "" {
		where = append(where, "owner_id = "+p.add(f.OwnerID))
	}
	if f.Month != "" {
		where = append(where, "left(received, 7) = "+p.add(f.Month))
	}
	if f.Code != "" {
		where = append(where, "starts_with(code, "+p.add(f.Code)+")")
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY received DESC, code DESC"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return s.dossiers(ctx, q, p...)
}

// dossiers lists the dossiers the clause selects (after FROM dossiers)
// with their records and reuses, a query each, in one snapshot.
func (s *DB) dossiers(ctx context.Context, where string, args ...any) (ds []store.Dossier, err error) {
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if ds, err = collect(ctx, tx, scanDossier, `SELECT `+dossierCols+` FROM dossiers `+where, args...); err != nil || len(ds) == 0 {
			return err
		}
		at := make(map[string]int, len(ds))
		for i, d := range ds {
			at[d.Code] = i
		}
		in := `(SELECT code FROM dossiers ` + where + `)`
		type attached struct {
			code string
			a    store.Attachment
		}
		recs, err := collect(ctx, tx, func(row pgx.CollectableRow) (x attached, err error) {
			err = row.Scan(&x.code, &x.a.RecordID, &x.a.Component, &x.a.Result, &x.a.DocType)
			return x, err
		}, `SELECT dr.dossier, dr.record_id, dr.component, dr.result, r.doc_type
			FROM dossier_records dr JOIN records r ON r.id = dr.record_id
			WHERE dr.dossier IN `+in+` ORDER BY dr.record_id`, args...)
		if err != nil {
			return fmt.Errorf("the dossiers' records: %w", err)
		}
		for _, x := range recs {
			d := &ds[at[x.code]]
			d.Records = append(d.Records, x.a)
		}
		reuses, err := collect(ctx, tx, scanReuse, `SELECT `+reuseCols+` FROM reuses WHERE dossier IN `+in+` ORDER BY id`, args...)
		if err != nil {
			return fmt.Errorf("the dossiers' reuses: %w", err)
		}
		for _, u := range reuses {
			d := &ds[at[u.Dossier]]
			d.Reuses = append(d.Reuses, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to list dossiers: %w", err)
	}
	return ds, nil
}

// attachTx attaches a record to a dossier inside tx. A record already in
// the same dossier keeps its place; in another dossier it is a conflict.
// The dossier's row is locked, so that results are numbered one at a time.
func attachTx(ctx context.Context, tx pgx.Tx, code string, a *store.Attachment) error {
	var cur string
	err := tx.QueryRow(ctx, `SELECT dossier FROM dossier_records WHERE record_id = $1`, a.RecordID).Scan(&cur)
	switch {
	case err == nil && cur == code:
		return nil
	case err == nil:
		return fmt.Errorf("record %d already belongs to dossier %s: %w", a.RecordID, cur, store.ErrTaken)
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	var found string
	err = tx.QueryRow(ctx, `SELECT code FROM dossiers WHERE code = $1 FOR UPDATE`, code).Scan(&found)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("dossier %s: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if a.Result < 0 {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(result), 0) + 1 FROM dossier_records WHERE dossier = $1`,
			code).Scan(&a.Result); err != nil {
			return err
		}
	}
	if a.Result > 0 {
		a.Component = 0
	}
	t := now()
	if _, err := tx.Exec(ctx, `INSERT INTO dossier_records (record_id, dossier, component, result, at) VALUES ($1, $2, $3, $4, $5)`,
		a.RecordID, code, a.Component, a.Result, t); err != nil {
		return err
	}
	// A paper of a citizen's dossier is about a person (store.Confine):
	// restricted from now on, and re-indexed as such.
	_, err = tx.Exec(ctx, `UPDATE records SET visibility = 'restricted', updated_at = $1 WHERE id = $2 AND visibility <> 'restricted'`,
		t, a.RecordID)
	return err
}

// Attach attaches a stored record to a dossier.
func (s *DB) Attach(ctx context.Context, code string, a *store.Attachment) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := getOne(ctx, tx, `WHERE id = $1`, a.RecordID); err != nil {
			return err
		}
		return attachTx(ctx, tx, code, a)
	})
	if err != nil {
		return fmt.Errorf("store: unable to attach record %d to dossier %s: %w", a.RecordID, code, err)
	}
	return nil
}

// MoveRecord moves a record to another component of its dossier, audited.
func (s *DB) MoveRecord(ctx context.Context, code string, recordID int64, component int, user, remote string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var from, result int
		err := tx.QueryRow(ctx, `SELECT component, result FROM dossier_records WHERE record_id = $1 AND dossier = $2 FOR UPDATE`,
			recordID, code).Scan(&from, &result)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("record %d is not in dossier %s: %w", recordID, code, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if result > 0 {
			return fmt.Errorf("record %d is the dossier's result %d, not a submitted document: %w", recordID, result, store.ErrTaken)
		}
		t := now()
		if _, err := tx.Exec(ctx, `UPDATE dossier_records SET component = $1 WHERE record_id = $2`, component, recordID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE dossiers SET updated_at = $1 WHERE code = $2`, t, code); err != nil {
			return err
		}
		return logEvent(ctx, tx, store.Event{At: t, User: user, Action: store.ActDossierMove, RecordID: recordID,
			Detail: fmt.Sprintf("hồ sơ %s: thành phần %d → %d", code, from, component), Remote: remote, OK: true})
	})
	if err != nil {
		return fmt.Errorf("store: unable to move record %d in dossier %s: %w", recordID, code, err)
	}
	return nil
}

// DossierOf returns the code of the dossier a record belongs to.
func (s *DB) DossierOf(ctx context.Context, recordID int64) (string, error) {
	return dossierOf(ctx, s.pool, recordID)
}

func dossierOf(ctx context.Context, q querier, recordID int64) (string, error) {
	var code string
	err := q.QueryRow(ctx, `SELECT dossier FROM dossier_records WHERE record_id = $1`, recordID).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return code, err
}

// placeTx attaches a record being put to the dossier it names, in the
// record's transaction; a record already in a dossier stays where it is.
func placeTx(ctx context.Context, tx pgx.Tx, r *store.Record) error {
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
	ps, err := collect(ctx, s.pool, func(row pgx.CollectableRow) (p pair, err error) {
		err = row.Scan(&p.id, &p.code)
		return p, err
	}, `SELECT record_id, dossier FROM dossier_records WHERE record_id BETWEEN $1 AND $2`, first, last)
	m := make(map[int64]string, len(ps))
	for _, p := range ps {
		m[p.id] = p.code
	}
	return m, err
}
