package sqlite

import (
	"context"
	"fmt"
	"os"
)

// originalsQuery lists every original the database refers to. A table that
// gains a column naming an original (a page's own source file) adds a
// UNION here and nowhere else.
// A record scanned as part of a stack is keyed by its pages' sources, so
// its own sha256 names no file: its pages name the originals.
const originalsQuery = `SELECT sha256 FROM records r
	WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.record_id = r.id AND p.source != '')
	UNION SELECT source FROM pages WHERE source != ''
	ORDER BY 1`

// Originals calls fn with the SHA-256 of every original the database
// refers to, once each, in ascending order.
func (s *DB) Originals(ctx context.Context, fn func(sha string) error) error {
	rows, err := s.db.QueryContext(ctx, originalsQuery)
	if err != nil {
		return fmt.Errorf("store: unable to list originals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return fmt.Errorf("store: unable to list originals: %w", err)
		}
		if err := fn(sha); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SchemaVersion is the schema this motcua writes: the number of migrations.
func SchemaVersion() int { return len(migrations) }

// Snapshot writes a consistent copy of the whole database to path, which
// must not exist, while other connections and processes go on writing
// (VACUUM INTO reads in one transaction; in WAL mode writers do not wait
// for it). The copy is synced to disk before Snapshot returns.
func (s *DB) Snapshot(ctx context.Context, path string) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: unable to snapshot the database into %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("store: unable to snapshot the database into %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: unable to snapshot the database into %s: %w", path, err)
	}
	return nil
}
