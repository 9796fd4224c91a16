package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua/store"
)

// Put saves r and its pages in one transaction.
func (s *DB) Put(ctx context.Context, r *store.Record) (err error) {
	store.Confine(r)
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return err
	}
	conf, err := json.Marshal(r.Confidence)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to save record %s: %w", r.SourceName, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store: unable to save record %s: %w", r.SourceName, err)
		}
	}()
	t := now()
	old, err := getOne(ctx, tx, `WHERE sha256 = ?`, r.SHA256)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.Version, r.CreatedAt = 1, t
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO record_history (record_id, version, record, replaced_at) VALUES (?, ?, ?, ?)`,
			old.ID, old.Version, snap, ts(t)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pages WHERE record_id = ?`, old.ID); err != nil {
			return err
		}
		r.ID, r.Version, r.CreatedAt = old.ID, old.Version+1, old.CreatedAt
	}
	r.UpdatedAt = t
	if r.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO records (sha256, source_name, source_path, media_type, size, doc_type, status,
			visibility, text_layer, text, fields, confidence, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.SHA256, r.SourceName, r.SourcePath, r.MediaType, r.Size, r.DocType, r.Status, r.Visibility, r.TextLayer,
			r.Text, fields, conf, r.Version, ts(r.CreatedAt), ts(r.UpdatedAt))
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE records SET source_name = ?, source_path = ?, media_type = ?, size = ?,
		doc_type = ?, status = ?, visibility = ?, text_layer = ?, text = ?, fields = ?, confidence = ?, version = ?,
		updated_at = ? WHERE id = ?`,
		r.SourceName, r.SourcePath, r.MediaType, r.Size, r.DocType, r.Status, r.Visibility, r.TextLayer, r.Text,
		fields, conf, r.Version, ts(r.UpdatedAt), r.ID); err != nil {
		return err
	}
	for _, p := range r.Pages {
		words, err := json.Marshal(p.Words)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pages (record_id, n, width, height, dpi, text, words, turn, source, source_page)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, p.N, p.Width, p.Height, p.DPI, p.Text, words, p.Turn, p.Source, p.SourcePage); err != nil {
			return err
		}
	}
	if err := setOwner(ctx, tx, r); err != nil {
		return err
	}
	if err := placeTx(ctx, tx, r); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM failures WHERE path = ? OR sha256 = ?`, r.SourcePath, r.SHA256); err != nil {
		return err
	}
	return tx.Commit()
}

// setOwner keeps the owner lookup table in step with r.
func setOwner(ctx context.Context, tx *sql.Tx, r *store.Record) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM record_owners WHERE record_id = ?`, r.ID); err != nil {
		return err
	}
	if r.Fields.OwnerID == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO record_owners (person_id, record_id) VALUES (?, ?)`, r.Fields.OwnerID, r.ID)
	return err
}

const recordCols = `id, sha256, source_name, source_path, media_type, size, doc_type, status, visibility, text_layer,
	text, fields, confidence, version, created_at, updated_at`

func scanRecord(rows *sql.Rows) (store.Record, error) {
	var r store.Record
	var fields, conf, created, updated string
	if err := rows.Scan(&r.ID, &r.SHA256, &r.SourceName, &r.SourcePath, &r.MediaType, &r.Size, &r.DocType, &r.Status,
		&r.Visibility, &r.TextLayer, &r.Text, &fields, &conf, &r.Version, &created, &updated); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
		return r, fmt.Errorf("record %d: fields: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(conf), &r.Confidence); err != nil {
		return r, fmt.Errorf("record %d: confidence: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = parseTS(created), parseTS(updated)
	return r, nil
}

func getOne(ctx context.Context, q querier, where string, arg any) (*store.Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+recordCols+` FROM records `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, store.ErrNotFound
	}
	r, err := scanRecord(rows)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func loadPages(ctx context.Context, q querier, r *store.Record, withWords bool) error {
	col := `'null'`
	if withWords {
		col = `words`
	}
	rows, err := q.QueryContext(ctx, `SELECT n, width, height, dpi, text, turn, source, source_page, `+col+` FROM pages WHERE record_id = ? ORDER BY n`, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.Pages = nil
	for rows.Next() {
		var p store.Page
		var words string
		if err := rows.Scan(&p.N, &p.Width, &p.Height, &p.DPI, &p.Text, &p.Turn, &p.Source, &p.SourcePage, &words); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(words), &p.Words); err != nil {
			return fmt.Errorf("record %d page %d: words: %w", r.ID, p.N, err)
		}
		r.Pages = append(r.Pages, p)
	}
	return rows.Err()
}

func (s *DB) get(ctx context.Context, where string, arg any) (*store.Record, error) {
	r, err := getOne(ctx, s.db, where, arg)
	if err != nil {
		return nil, err
	}
	if r.Dossier, err = s.DossierOf(ctx, r.ID); err != nil {
		return nil, err
	}
	return r, loadPages(ctx, s.db, r, true)
}

// SourcePages maps the pages of an original stored in stack documents to
// their records.
func (s *DB) SourcePages(ctx context.Context, source string) (map[int]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source_page, record_id FROM pages WHERE source = ? AND source != ''`, source)
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

// Get returns a record with its pages.
func (s *DB) Get(ctx context.Context, id int64) (*store.Record, error) {
	return s.get(ctx, `WHERE id = ?`, id)
}

// BySHA256 returns the record of a source file.
func (s *DB) BySHA256(ctx context.Context, sha string) (*store.Record, error) {
	return s.get(ctx, `WHERE sha256 = ?`, sha)
}

// All calls fn for every record in ID order. Records are read in batches,
// so fn may use the store.
func (s *DB) All(ctx context.Context, withWords bool, fn func(*store.Record) error) error {
	var last int64
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT `+recordCols+` FROM records WHERE id > ? ORDER BY id LIMIT 200`, last)
		if err != nil {
			return err
		}
		var batch []*store.Record
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, &r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		in, err := s.dossiersOf(ctx, batch[0].ID, batch[len(batch)-1].ID)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := loadPages(ctx, s.db, r, withWords); err != nil {
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
	rs, err := s.list(ctx, `SELECT `+recordCols+` FROM records WHERE updated_at >= ? ORDER BY id`, ts(t))
	if err != nil || len(rs) == 0 {
		return rs, err
	}
	in, err := s.dossiersOf(ctx, rs[0].ID, rs[len(rs)-1].ID)
	for i := range rs {
		rs[i].Dossier = in[rs[i].ID]
	}
	return rs, err
}

func (s *DB) list(ctx context.Context, q string, args ...any) ([]store.Record, error) {
	return collect(ctx, s.db, scanRecord, q, args...)
}

// History returns a record's replaced versions, oldest first.
func (s *DB) History(ctx context.Context, id int64) ([]store.Record, error) {
	return collect(ctx, s.db, func(rows *sql.Rows) (store.Record, error) {
		var data string
		var r store.Record
		if err := rows.Scan(&data); err != nil {
			return r, err
		}
		return r, json.Unmarshal([]byte(data), &r)
	}, `SELECT record FROM record_history WHERE record_id = ? ORDER BY version`, id)
}

// Review lists the records waiting for review, oldest first.
func (s *DB) Review(ctx context.Context, limit int) ([]store.Record, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.list(ctx, `SELECT `+recordCols+` FROM records WHERE status = 'review' ORDER BY created_at, id LIMIT ?`, limit)
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
	store.Confine(r)
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
	return collect(ctx, s.db, func(rows *sql.Rows) (store.Change, error) {
		var c store.Change
		var at string
		err := rows.Scan(&c.RecordID, &at, &c.User, &c.Field, &c.Old, &c.New)
		c.At = parseTS(at)
		return c, err
	}, `SELECT record_id, at, user, field, old, new FROM record_changes WHERE record_id = ? ORDER BY id`, id)
}

// Fail records a failed file.
func (s *DB) Fail(ctx context.Context, f store.Failure) error {
	if f.At.IsZero() {
		f.At = now()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO failures (path, sha256, reason, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, reason = excluded.reason, at = excluded.at`,
		f.Path, f.SHA256, f.Reason, ts(f.At))
	if err != nil {
		return fmt.Errorf("store: unable to save failure of %s: %w", f.Path, err)
	}
	return nil
}

// Failures lists failed files, oldest first.
func (s *DB) Failures(ctx context.Context) ([]store.Failure, error) {
	return collect(ctx, s.db, func(rows *sql.Rows) (store.Failure, error) {
		var f store.Failure
		var at string
		err := rows.Scan(&f.Path, &f.SHA256, &f.Reason, &at)
		f.At = parseTS(at)
		return f, err
	}, `SELECT path, sha256, reason, at FROM failures ORDER BY at, path`)
}
