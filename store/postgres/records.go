package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

// Put saves r and its pages in one transaction.
func (s *DB) Put(ctx context.Context, r *store.Record) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.PutTx(ctx, tx, r) })
}

// PutTx saves r and its pages as part of the caller's transaction tx, which
// the caller commits: a queue worker stores a record and completes its job
// at once.
func (s *DB) PutTx(ctx context.Context, tx pgx.Tx, r *store.Record) error {
	store.Confine(r)
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return err
	}
	conf, err := json.Marshal(r.Confidence)
	if err != nil {
		return err
	}
	err = func() error {
		// Writers of the same file (workers on several machines) take
		// turns, so that each finds the version before it: a row lock
		// cannot wait for a row not inserted yet.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('motcua record ' || $1::text, 0))`, r.SHA256); err != nil {
			return err
		}
		t := now()
		old, err := getOne(ctx, tx, `WHERE sha256 = $1 FOR UPDATE`, r.SHA256)
		switch {
		case errors.Is(err, store.ErrNotFound):
			r.ID, r.Version, r.CreatedAt = 0, 1, t
		case err != nil:
			return err
		default:
			if err := loadPages(ctx, tx, old, true); err != nil {
				return err
			}
			snap, err := json.Marshal(old)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO record_history (record_id, version, record, replaced_at) VALUES ($1, $2, $3, $4)`,
				old.ID, old.Version, snap, t); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM pages WHERE record_id = $1`, old.ID); err != nil {
				return err
			}
			r.ID, r.Version, r.CreatedAt = old.ID, old.Version+1, old.CreatedAt
		}
		r.UpdatedAt = t
		if r.ID == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO records (sha256, source_name, source_path, media_type, size, doc_type, status,
				visibility, text_layer, text, fields, confidence, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
				r.SHA256, r.SourceName, r.SourcePath, r.MediaType, r.Size, r.DocType, r.Status, r.Visibility, r.TextLayer,
				r.Text, fields, conf, r.Version, r.CreatedAt, r.UpdatedAt).Scan(&r.ID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE records SET source_name = $1, source_path = $2, media_type = $3, size = $4,
			doc_type = $5, status = $6, visibility = $7, text_layer = $8, text = $9, fields = $10, confidence = $11, version = $12,
			updated_at = $13 WHERE id = $14`,
			r.SourceName, r.SourcePath, r.MediaType, r.Size, r.DocType, r.Status, r.Visibility, r.TextLayer, r.Text,
			fields, conf, r.Version, r.UpdatedAt, r.ID); err != nil {
			return err
		}
		if len(r.Pages) > 0 {
			var b pgx.Batch
			for _, p := range r.Pages {
				words, err := json.Marshal(p.Words)
				if err != nil {
					return err
				}
				b.Queue(`INSERT INTO pages (record_id, n, width, height, dpi, text, words, turn, source, source_page)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					r.ID, p.N, p.Width, p.Height, p.DPI, p.Text, words, p.Turn, p.Source, p.SourcePage)
			}
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return err
			}
		}
		if err := setOwner(ctx, tx, r); err != nil {
			return err
		}
		if err := placeTx(ctx, tx, r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM failures WHERE path = $1 OR sha256 = $2`, r.SourcePath, r.SHA256)
		return err
	}()
	if err != nil {
		return fmt.Errorf("store: unable to save record %s: %w", r.SourceName, err)
	}
	return nil
}

// setOwner keeps the owner lookup table in step with r.
func setOwner(ctx context.Context, tx pgx.Tx, r *store.Record) error {
	if _, err := tx.Exec(ctx, `DELETE FROM record_owners WHERE record_id = $1`, r.ID); err != nil {
		return err
	}
	if r.Fields.OwnerID == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO record_owners (person_id, record_id) VALUES ($1, $2)`, r.Fields.OwnerID, r.ID)
	return err
}

const recordCols = `id, sha256, source_name, source_path, media_type, size, doc_type, status, visibility, text_layer,
	text, fields, confidence, version, created_at, updated_at`

func scanRecord(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	if err := row.Scan(&r.ID, &r.SHA256, &r.SourceName, &r.SourcePath, &r.MediaType, &r.Size, &r.DocType, &r.Status,
		&r.Visibility, &r.TextLayer, &r.Text, &r.Fields, &r.Confidence, &r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, fmt.Errorf("record %d: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// getOne returns the record the clause selects (after FROM records).
func getOne(ctx context.Context, q querier, where string, arg any) (*store.Record, error) {
	rs, err := collect(ctx, q, scanRecord, `SELECT `+recordCols+` FROM records `+where, arg)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, store.ErrNotFound
	}
	return &rs[0], nil
}

func loadPages(ctx context.Context, q querier, r *store.Record, withWords bool) error {
	col := `'null'::json`
	if withWords {
		col = `words`
	}
	pages, err := collect(ctx, q, func(row pgx.CollectableRow) (store.Page, error) {
		var p store.Page
		err := row.Scan(&p.N, &p.Width, &p.Height, &p.DPI, &p.Text, &p.Turn, &p.Source, &p.SourcePage, &p.Words)
		if err != nil {
			err = fmt.Errorf("record %d page %d: %w", r.ID, p.N, err)
		}
		return p, err
	}, `SELECT n, width, height, dpi, text, turn, source, source_page, `+col+` FROM pages WHERE record_id = $1 ORDER BY n`, r.ID)
	r.Pages = pages
	return err
}

func (s *DB) get(ctx context.Context, where string, arg any) (*store.Record, error) {
	r, err := getOne(ctx, s.pool, where, arg)
	if err != nil {
		return nil, err
	}
	if r.Dossier, err = dossierOf(ctx, s.pool, r.ID); err != nil {
		return nil, err
	}
	return r, loadPages(ctx, s.pool, r, true)
}

// Get returns a record with its pages.
func (s *DB) Get(ctx context.Context, id int64) (*store.Record, error) {
	return s.get(ctx, `WHERE id = $1`, id)
}

// BySHA256 returns the record of a source file.
func (s *DB) BySHA256(ctx context.Context, sha string) (*store.Record, error) {
	return s.get(ctx, `WHERE sha256 = $1`, sha)
}

// All calls fn for every record in ID order. Records are read in batches,
// so fn may use the store.
func (s *DB) All(ctx context.Context, withWords bool, fn func(*store.Record) error) error {
	var last int64
	for {
		batch, err := collect(ctx, s.pool, scanRecord, `SELECT `+recordCols+` FROM records WHERE id > $1 ORDER BY id LIMIT 200`, last)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		in, err := s.dossiersOf(ctx, batch[0].ID, batch[len(batch)-1].ID)
		if err != nil {
			return err
		}
		for i := range batch {
			r := &batch[i]
			if err := loadPages(ctx, s.pool, r, withWords); err != nil {
				return err
			}
			r.Dossier = in[r.ID]
			if err := fn(r); err != nil {
				return err
			}
			last = r.ID
		}
	}
}

// UpdatedSince lists the records saved at or after t.
func (s *DB) UpdatedSince(ctx context.Context, t time.Time) ([]store.Record, error) {
	rs, err := collect(ctx, s.pool, scanRecord, `SELECT `+recordCols+` FROM records WHERE updated_at >= $1 ORDER BY id`, ms(t))
	if err != nil || len(rs) == 0 {
		return rs, err
	}
	in, err := s.dossiersOf(ctx, rs[0].ID, rs[len(rs)-1].ID)
	for i := range rs {
		rs[i].Dossier = in[rs[i].ID]
	}
	return rs, err
}

// History returns a record's replaced versions, oldest first.
func (s *DB) History(ctx context.Context, id int64) ([]store.Record, error) {
	return collect(ctx, s.pool, func(row pgx.CollectableRow) (store.Record, error) {
		var r store.Record
		err := row.Scan(&r)
		return r, err
	}, `SELECT record FROM record_history WHERE record_id = $1 ORDER BY version`, id)
}

// Review lists the records waiting for review, oldest first.
func (s *DB) Review(ctx context.Context, limit int) ([]store.Record, error) {
	q := `SELECT ` + recordCols + ` FROM records WHERE status = 'review' ORDER BY created_at, id`
	if limit > 0 {
		return collect(ctx, s.pool, scanRecord, q+` LIMIT $1`, limit)
	}
	return collect(ctx, s.pool, scanRecord, q)
}

// ApplyEdit saves a correction with its changes and audit events.
func (s *DB) ApplyEdit(ctx context.Context, e store.Edit) (*store.Record, error) {
	var r *store.Record
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if r, err = getOne(ctx, tx, `WHERE id = $1 FOR UPDATE`, e.RecordID); err != nil {
			return err
		}
		if r.Version != e.Version {
			return store.ErrConflict
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
			changes = append(changes, store.Change{RecordID: r.ID, At: t, User: e.User, Field: store.FieldStatus,
				Old: string(r.Status), New: string(store.StatusVerified)})
			r.Status = store.StatusVerified
		}
		if len(changes) == 0 {
			return nil
		}
		r.Fields = e.Fields
		r.DocType = e.Fields.DocType
		store.Confine(r)
		r.Version++
		r.UpdatedAt = t
		fields, err := json.Marshal(r.Fields)
		if err != nil {
			return err
		}
		conf, err := json.Marshal(r.Confidence)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE records SET doc_type = $1, status = $2, visibility = $3, fields = $4, confidence = $5,
			version = $6, updated_at = $7 WHERE id = $8`, r.DocType, r.Status, r.Visibility, fields, conf, r.Version, t, r.ID); err != nil {
			return err
		}
		if err := setOwner(ctx, tx, r); err != nil {
			return err
		}
		var names []string
		for _, c := range changes {
			if _, err := tx.Exec(ctx, `INSERT INTO record_changes (record_id, at, user_name, field, old_value, new_value)
				VALUES ($1, $2, $3, $4, $5, $6)`, c.RecordID, c.At, c.User, c.Field, c.Old, c.New); err != nil {
				return err
			}
			if c.Field != store.FieldStatus {
				names = append(names, string(c.Field))
			}
		}
		if len(names) > 0 {
			if err := logEvent(ctx, tx, store.Event{At: t, User: e.User, Action: store.ActEdit, RecordID: r.ID,
				Detail: strings.Join(names, ","), Remote: e.Remote, OK: true}); err != nil {
				return err
			}
		}
		if e.Approve {
			return logEvent(ctx, tx, store.Event{At: t, User: e.User, Action: store.ActApprove, RecordID: r.ID, Remote: e.Remote, OK: true})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to save the correction of record %d: %w", e.RecordID, err)
	}
	return r, nil
}

// Changes lists a record's corrections, oldest first.
func (s *DB) Changes(ctx context.Context, id int64) ([]store.Change, error) {
	return collect(ctx, s.pool, func(row pgx.CollectableRow) (store.Change, error) {
		var c store.Change
		err := row.Scan(&c.RecordID, &c.At, &c.User, &c.Field, &c.Old, &c.New)
		c.At = c.At.UTC()
		return c, err
	}, `SELECT record_id, at, user_name, field, old_value, new_value FROM record_changes WHERE record_id = $1 ORDER BY id`, id)
}

// Fail records a failed file.
func (s *DB) Fail(ctx context.Context, f store.Failure) error { return s.fail(ctx, s.pool, f) }

// FailTx saves a failure as part of the caller's transaction tx.
func (s *DB) FailTx(ctx context.Context, tx pgx.Tx, f store.Failure) error { return s.fail(ctx, tx, f) }

func (s *DB) fail(ctx context.Context, q querier, f store.Failure) error {
	if f.At.IsZero() {
		f.At = now()
	}
	_, err := q.Exec(ctx, `INSERT INTO failures (path, sha256, reason, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, reason = excluded.reason, at = excluded.at`,
		f.Path, f.SHA256, f.Reason, ms(f.At))
	if err != nil {
		return fmt.Errorf("store: unable to save failure of %s: %w", f.Path, err)
	}
	return nil
}

// Failures lists failed files, oldest first.
func (s *DB) Failures(ctx context.Context) ([]store.Failure, error) {
	return collect(ctx, s.pool, func(row pgx.CollectableRow) (store.Failure, error) {
		var f store.Failure
		err := row.Scan(&f.Path, &f.SHA256, &f.Reason, &f.At)
		f.At = f.At.UTC()
		return f, err
	}, `SELECT path, sha256, reason, at FROM failures ORDER BY at, path`)
}

// SourcePages maps the pages of an original stored in stack documents to
// their records.
func (s *DB) SourcePages(ctx context.Context, source string) (map[int]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT source_page, record_id FROM pages WHERE source = $1 AND source != ''`, source)
	if err != nil {
		return nil, fmt.Errorf("store: pages of %s: %w", source, err)
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var n int
		var id int64
		if err := rows.Scan(&n, &id); err != nil {
			return nil, err
		}
		out[n] = id
	}
	return out, rows.Err()
}
