// Package sqlite is the embedded Store: one SQLite database file in WAL
// mode with full fsync, so a killed process leaves every transaction
// either committed or absent.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"motcua/store"
)

// migrations run in order; the database's user_version counts those done.
// Append only: never edit an entry that has shipped.
var migrations = []string{
	`CREATE TABLE records (
		id          INTEGER PRIMARY KEY,
		sha256      TEXT NOT NULL UNIQUE,
		source_name TEXT NOT NULL,
		source_path TEXT NOT NULL,
		media_type  TEXT NOT NULL,
		size        INTEGER NOT NULL,
		doc_type    TEXT NOT NULL,
		status      TEXT NOT NULL CHECK (status IN ('auto', 'review')),
		visibility  TEXT NOT NULL CHECK (visibility IN ('restricted', 'public')),
		text_layer  INTEGER NOT NULL,
		text        TEXT NOT NULL,
		fields      TEXT NOT NULL,
		confidence  TEXT NOT NULL,
		version     INTEGER NOT NULL,
		created_at  TEXT NOT NULL,
		updated_at  TEXT NOT NULL
	);
	CREATE TABLE pages (
		record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
		n         INTEGER NOT NULL,
		width     INTEGER NOT NULL,
		height    INTEGER NOT NULL,
		dpi       INTEGER NOT NULL,
		text      TEXT NOT NULL,
		words     TEXT NOT NULL,
		PRIMARY KEY (record_id, n)
	);
	CREATE TABLE record_history (
		id          INTEGER PRIMARY KEY,
		record_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
		version     INTEGER NOT NULL,
		record      TEXT NOT NULL,
		replaced_at TEXT NOT NULL
	);
	CREATE INDEX record_history_record ON record_history(record_id);
	CREATE TABLE failures (
		path   TEXT PRIMARY KEY,
		sha256 TEXT NOT NULL,
		reason TEXT NOT NULL,
		at     TEXT NOT NULL
	);`,
	// 2: the staff area. Records gain the verified status (SQLite cannot
	// alter a CHECK: the table is rebuilt, foreign keys off), pages the
	// turn applied before OCR; accounts, sessions, corrections, reuses and
	// the append-only audit log.
	`CREATE TABLE records_new (
		id          INTEGER PRIMARY KEY,
		sha256      TEXT NOT NULL UNIQUE,
		source_name TEXT NOT NULL,
		source_path TEXT NOT NULL,
		media_type  TEXT NOT NULL,
		size        INTEGER NOT NULL,
		doc_type    TEXT NOT NULL,
		status      TEXT NOT NULL CHECK (status IN ('auto', 'review', 'verified')),
		visibility  TEXT NOT NULL CHECK (visibility IN ('restricted', 'public')),
		text_layer  INTEGER NOT NULL,
		text        TEXT NOT NULL,
		fields      TEXT NOT NULL,
		confidence  TEXT NOT NULL,
		version     INTEGER NOT NULL,
		created_at  TEXT NOT NULL,
		updated_at  TEXT NOT NULL
	);
	INSERT INTO records_new SELECT * FROM records;
	DROP TABLE records;
	ALTER TABLE records_new RENAME TO records;
	CREATE INDEX records_status ON records(status, created_at);
	ALTER TABLE pages ADD COLUMN turn INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE record_owners (
		person_id TEXT NOT NULL,
		record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
		PRIMARY KEY (person_id, record_id)
	);
	UPDATE records SET fields = json_set(fields, '$.owner_id', json_extract(fields, '$.person_ids[0]'))
		WHERE json_extract(fields, '$.person_ids[0]') IS NOT NULL;
	INSERT INTO record_owners (person_id, record_id)
		SELECT json_extract(fields, '$.person_ids[0]'), id FROM records
		WHERE json_extract(fields, '$.person_ids[0]') IS NOT NULL;
	CREATE TABLE users (
		name         TEXT PRIMARY KEY,
		role         TEXT NOT NULL CHECK (role IN ('admin', 'archivist', 'staff')),
		password     TEXT NOT NULL,
		disabled     INTEGER NOT NULL DEFAULT 0,
		failed       INTEGER NOT NULL DEFAULT 0,
		locked_until TEXT NOT NULL DEFAULT '',
		created_at   TEXT NOT NULL
	);
	CREATE TABLE sessions (
		token_hash TEXT PRIMARY KEY,
		user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
		csrf       TEXT NOT NULL,
		created_at TEXT NOT NULL,
		seen_at    TEXT NOT NULL,
		expires_at TEXT NOT NULL
	);
	CREATE INDEX sessions_expires ON sessions(expires_at);
	CREATE TABLE record_changes (
		id        INTEGER PRIMARY KEY,
		record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
		at        TEXT NOT NULL,
		user      TEXT NOT NULL,
		field     TEXT NOT NULL,
		old       TEXT NOT NULL,
		new       TEXT NOT NULL
	);
	CREATE INDEX record_changes_record ON record_changes(record_id);
	CREATE TABLE reuses (
		id        INTEGER PRIMARY KEY,
		at        TEXT NOT NULL,
		user      TEXT NOT NULL,
		record_id INTEGER NOT NULL REFERENCES records(id),
		procedure TEXT NOT NULL,
		document  TEXT NOT NULL,
		dossier   TEXT NOT NULL
	);
	CREATE INDEX reuses_record ON reuses(record_id);
	CREATE TABLE audit (
		id        INTEGER PRIMARY KEY AUTOINCREMENT,
		at        TEXT NOT NULL,
		user      TEXT NOT NULL,
		action    TEXT NOT NULL,
		record_id INTEGER NOT NULL,
		detail    TEXT NOT NULL,
		remote    TEXT NOT NULL,
		ok        INTEGER NOT NULL,
		hash      TEXT NOT NULL -- SHA-256 of the previous event's hash and this event: a chain
	);
	CREATE INDEX audit_at ON audit(at);
	CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
	CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
	// 3: dossiers.
	dossierMigration,
}

// DB is a Store in one SQLite file.
type DB struct{ db *sql.DB }

var _ store.Store = (*DB)(nil)

// Open opens or creates the database at path and brings its schema up to
// date.
func Open(path string) (*DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	s := &DB{db: db}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	return s, nil
}

// migrate runs the migrations not yet done, each in its own transaction,
// on one connection with foreign keys off (as SQLite's table-rebuild
// procedure requires) and checked before each commit.
func (s *DB) migrate() error {
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var v int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("the database is at schema %d, newer than this motcua (%d)", v, len(migrations))
	}
	if v == len(migrations) {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	for i := v; i < len(migrations); i++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		rows, err := tx.Query(`PRAGMA foreign_key_check`)
		if err != nil {
			tx.Rollback()
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			tx.Rollback()
			return fmt.Errorf("migration %d: foreign key check failed", i+1)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// ts formats a time with a fixed width, so that SQLite compares times as
// strings correctly.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Put saves r and its pages in one transaction.
func (s *DB) Put(ctx context.Context, r *store.Record) (err error) {
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO pages (record_id, n, width, height, dpi, text, words, turn) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, p.N, p.Width, p.Height, p.DPI, p.Text, words, p.Turn); err != nil {
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

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
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

func scanRecord(rows *sql.Rows) (*store.Record, error) {
	var r store.Record
	var fields, conf, created, updated string
	if err := rows.Scan(&r.ID, &r.SHA256, &r.SourceName, &r.SourcePath, &r.MediaType, &r.Size, &r.DocType, &r.Status,
		&r.Visibility, &r.TextLayer, &r.Text, &fields, &conf, &r.Version, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
		return nil, fmt.Errorf("record %d: fields: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(conf), &r.Confidence); err != nil {
		return nil, fmt.Errorf("record %d: confidence: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = parseTS(created), parseTS(updated)
	return &r, nil
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
	return scanRecord(rows)
}

func loadPages(ctx context.Context, q querier, r *store.Record, withWords bool) error {
	col := `'null'`
	if withWords {
		col = `words`
	}
	rows, err := q.QueryContext(ctx, `SELECT n, width, height, dpi, text, turn, `+col+` FROM pages WHERE record_id = ? ORDER BY n`, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.Pages = nil
	for rows.Next() {
		var p store.Page
		var words string
		if err := rows.Scan(&p.N, &p.Width, &p.Height, &p.DPI, &p.Text, &p.Turn, &words); err != nil {
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
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			if err := loadPages(ctx, s.db, r, withWords); err != nil {
				return err
			}
			if r.Dossier, err = s.DossierOf(ctx, r.ID); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
			last = r.ID
		}
	}
}

// History returns a record's replaced versions, oldest first.
func (s *DB) History(ctx context.Context, id int64) ([]store.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT record FROM record_history WHERE record_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r store.Record
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
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
	rows, err := s.db.QueryContext(ctx, `SELECT path, sha256, reason, at FROM failures ORDER BY at, path`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Failure
	for rows.Next() {
		var f store.Failure
		var at string
		if err := rows.Scan(&f.Path, &f.SHA256, &f.Reason, &at); err != nil {
			return nil, err
		}
		f.At = parseTS(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Check runs SQLite's integrity and foreign-key checks.
func (s *DB) Check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check: %s", res)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("store: foreign key check failed")
	}
	return rows.Err()
}
