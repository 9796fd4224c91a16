package sqlite

import (
	"context"
	"fmt"
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
	// 4: where each page of a stack document was scanned (digitize --stack).
	`ALTER TABLE pages ADD COLUMN source TEXT NOT NULL DEFAULT '';
	ALTER TABLE pages ADD COLUMN source_page INTEGER NOT NULL DEFAULT 0;
	CREATE INDEX pages_source ON pages(source, source_page) WHERE source != '';`,
	// 5: papers of a dossier are about a person (store.Confine): those
	// stored public before the rule are restricted, and re-indexed.
	`UPDATE records SET visibility = 'restricted', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	WHERE visibility <> 'restricted' AND id IN (SELECT record_id FROM dossier_records);`,
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
		tx, err := conn.BeginTx(ctx, nil) // immediate: one process migrates at a time
		if err != nil {
			return err
		}
		// Another process opening the same new database may have run
		// this migration since the version was read.
		var now int
		if err := tx.QueryRow(`PRAGMA user_version`).Scan(&now); err != nil {
			tx.Rollback()
			return err
		}
		if now > i {
			tx.Rollback()
			continue
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
