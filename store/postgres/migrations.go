package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations run in order; schema_migrations holds the number of each one
// done. Append only: never edit an entry that has shipped. Text that is
// sorted is in the "C" collation, so that lists come in the same order as
// from SQLite whatever the database's locale. Times are timestamptz, kept to
// the millisecond by the adapter.
var migrations = []string{
	// 1: the schema of SQLite's first three migrations: records, pages and
	// their history, failures; accounts, sessions, corrections, reuses and
	// the append-only audit log; dossiers.
	`CREATE TABLE records (
		id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		sha256      text COLLATE "C" NOT NULL UNIQUE,
		source_name text NOT NULL,
		source_path text NOT NULL,
		media_type  text NOT NULL,
		size        bigint NOT NULL,
		doc_type    text COLLATE "C" NOT NULL,
		status      text NOT NULL CHECK (status IN ('auto', 'review', 'verified')),
		visibility  text NOT NULL CHECK (visibility IN ('restricted', 'public')),
		text_layer  boolean NOT NULL,
		text        text NOT NULL,
		fields      jsonb NOT NULL,
		confidence  jsonb NOT NULL,
		version     integer NOT NULL,
		created_at  timestamptz NOT NULL,
		updated_at  timestamptz NOT NULL
	);
	CREATE INDEX records_status ON records (status, created_at);
	CREATE INDEX records_updated ON records (updated_at);
	CREATE TABLE pages (
		record_id bigint NOT NULL REFERENCES records (id) ON DELETE CASCADE,
		n         integer NOT NULL,
		width     integer NOT NULL,
		height    integer NOT NULL,
		dpi       integer NOT NULL,
		text      text NOT NULL,
		words     json NOT NULL,
		turn      integer NOT NULL DEFAULT 0,
		PRIMARY KEY (record_id, n)
	);
	CREATE TABLE record_history (
		id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		record_id   bigint NOT NULL REFERENCES records (id) ON DELETE CASCADE,
		version     integer NOT NULL,
		record      jsonb NOT NULL,
		replaced_at timestamptz NOT NULL
	);
	CREATE INDEX record_history_record ON record_history (record_id);
	CREATE TABLE failures (
		path   text COLLATE "C" PRIMARY KEY,
		sha256 text NOT NULL,
		reason text NOT NULL,
		at     timestamptz NOT NULL
	);
	CREATE INDEX failures_sha256 ON failures (sha256);
	CREATE TABLE record_owners (
		person_id text NOT NULL,
		record_id bigint NOT NULL REFERENCES records (id) ON DELETE CASCADE,
		PRIMARY KEY (person_id, record_id)
	);
	CREATE INDEX record_owners_record ON record_owners (record_id);
	CREATE TABLE users (
		name         text COLLATE "C" PRIMARY KEY,
		role         text NOT NULL CHECK (role IN ('admin', 'archivist', 'staff')),
		password     text NOT NULL,
		disabled     boolean NOT NULL DEFAULT false,
		failed       integer NOT NULL DEFAULT 0,
		locked_until timestamptz,
		created_at   timestamptz NOT NULL
	);
	CREATE TABLE sessions (
		token_hash text PRIMARY KEY,
		user_name  text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
		csrf       text NOT NULL,
		created_at timestamptz NOT NULL,
		seen_at    timestamptz NOT NULL,
		expires_at timestamptz NOT NULL
	);
	CREATE INDEX sessions_expires ON sessions (expires_at);
	CREATE INDEX sessions_user ON sessions (user_name);
	CREATE TABLE record_changes (
		id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		record_id bigint NOT NULL REFERENCES records (id) ON DELETE CASCADE,
		at        timestamptz NOT NULL,
		user_name text NOT NULL,
		field     text NOT NULL,
		old_value text NOT NULL,
		new_value text NOT NULL
	);
	CREATE INDEX record_changes_record ON record_changes (record_id);
	CREATE TABLE reuses (
		id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at        timestamptz NOT NULL,
		user_name text NOT NULL,
		record_id bigint NOT NULL REFERENCES records (id),
		procedure text NOT NULL,
		document  text NOT NULL,
		dossier   text COLLATE "C" NOT NULL
	);
	CREATE INDEX reuses_record ON reuses (record_id);
	CREATE INDEX reuses_dossier ON reuses (dossier);
	CREATE TABLE audit (
		id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at        timestamptz NOT NULL,
		user_name text NOT NULL,
		action    text NOT NULL,
		record_id bigint NOT NULL,
		detail    text NOT NULL,
		remote    text NOT NULL,
		ok        boolean NOT NULL,
		hash      text NOT NULL -- store.ChainHash of the previous event's hash and this event
	);
	CREATE INDEX audit_at ON audit (at);
	CREATE INDEX audit_record ON audit (record_id);
	CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
		END
	$$;
	CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
		FOR EACH ROW EXECUTE FUNCTION audit_append_only();
	CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
		FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
	CREATE TABLE dossiers (
		code        text COLLATE "C" PRIMARY KEY,
		procedure   text NOT NULL,
		owner_id    text NOT NULL,
		owner_name  text NOT NULL,
		channel     text NOT NULL CHECK (channel IN ('direct', 'online', 'postal')),
		received    text COLLATE "C" NOT NULL,
		due         text NOT NULL,
		finished    text NOT NULL,
		status      text NOT NULL CHECK (status IN ('received', 'processing', 'supplement', 'finished', 'returned', 'withdrawn', 'stopped')),
		supplements integer NOT NULL DEFAULT 0,
		created_at  timestamptz NOT NULL,
		updated_at  timestamptz NOT NULL
	);
	CREATE INDEX dossiers_owner ON dossiers (owner_id);
	CREATE INDEX dossiers_received ON dossiers (received);
	CREATE TABLE dossier_records (
		record_id bigint PRIMARY KEY REFERENCES records (id),
		dossier   text COLLATE "C" NOT NULL REFERENCES dossiers (code),
		component integer NOT NULL DEFAULT 0,
		result    integer NOT NULL DEFAULT 0,
		at        timestamptz NOT NULL
	);
	CREATE INDEX dossier_records_dossier ON dossier_records (dossier);
	CREATE UNIQUE INDEX dossier_results ON dossier_records (dossier, result) WHERE result > 0;`,
	// 2: each page remembers the original file and page it was scanned
	// in (a stack document's pages come from a scanning session).
	`ALTER TABLE pages ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT '';
	ALTER TABLE pages ADD COLUMN source_page integer NOT NULL DEFAULT 0;
	CREATE INDEX pages_source ON pages (source, source_page) WHERE source != '';`,
	// 3: papers of a dossier are about a person (store.Confine): those
	// stored public before the rule are restricted, and re-indexed.
	`UPDATE records SET visibility = 'restricted', updated_at = now()
	WHERE visibility <> 'restricted' AND id IN (SELECT record_id FROM dossier_records);`,
	// 4: every change to a record or to its dossier is announced on the
	// channel Changes listens to (NOTIFY, delivered at commit), the
	// payload the record's id, so that search indexes follow at once.
	`CREATE FUNCTION motcua_notify_record() RETURNS trigger LANGUAGE plpgsql AS $$
	DECLARE
		channel text := 'motcua_' || TG_TABLE_SCHEMA;
	BEGIN
		IF TG_TABLE_NAME = 'records' THEN
			IF TG_OP = 'DELETE' THEN
				PERFORM pg_notify(channel, OLD.id::text);
			ELSE
				PERFORM pg_notify(channel, NEW.id::text);
			END IF;
		ELSIF TG_TABLE_NAME = 'dossier_records' THEN
			IF TG_OP <> 'INSERT' THEN
				PERFORM pg_notify(channel, OLD.record_id::text);
			END IF;
			IF TG_OP <> 'DELETE' THEN
				PERFORM pg_notify(channel, NEW.record_id::text);
			END IF;
		ELSIF TG_OP <> 'INSERT' THEN -- dossiers: each of its records
			PERFORM pg_notify(channel, dr.record_id::text)
				FROM dossier_records dr WHERE dr.dossier = OLD.code;
		END IF;
		RETURN NULL;
	END $$;
	CREATE TRIGGER records_notify AFTER INSERT OR UPDATE OR DELETE ON records
		FOR EACH ROW EXECUTE FUNCTION motcua_notify_record();
	CREATE TRIGGER dossier_records_notify AFTER INSERT OR UPDATE OR DELETE ON dossier_records
		FOR EACH ROW EXECUTE FUNCTION motcua_notify_record();
	CREATE TRIGGER dossiers_notify AFTER UPDATE OR DELETE ON dossiers
		FOR EACH ROW EXECUTE FUNCTION motcua_notify_record();`,
}

// appendOnlyTriggers are the triggers that refuse to change the audit log;
// Check says when one is missing or disabled.
var appendOnlyTriggers = []string{"audit_no_update", "audit_no_truncate"}

// migrate runs the migrations not yet done, in one transaction, holding a
// lock so that processes starting together do not run them twice.
func (s *DB) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.motcua schema'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("the database is at schema %d, newer than this motcua (%d)", v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, i+1); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchemaVersion is the schema this motcua writes: the number of migrations.
func SchemaVersion() int { return len(migrations) }
