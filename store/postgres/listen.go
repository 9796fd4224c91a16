package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Listen calls fn with the id of every record changed (saved, corrected,
// assigned to a dossier or moved in it, its dossier updated, deleted) by
// any process on the database, as each transaction commits, until ctx
// ends or the connection is lost; it returns why it stopped. Changes made
// while nobody listens are not replayed: a follower also polls
// (UpdatedSince).
func (s *DB) Listen(ctx context.Context, fn func(id int64)) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("store: unable to listen for changes: %w", err)
	}
	// The connection carries a LISTEN: it leaves the pool and is closed.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("store: unable to listen for changes: %w", err)
	}
	channel := "motcua_" + schema
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize()); err != nil {
		return fmt.Errorf("store: unable to listen on %s: %w", channel, err)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("store: listening on %s: %w", channel, err)
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			fn(id)
		}
	}
}
