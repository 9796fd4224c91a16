package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/store"
	"motcua/store/postgres"
	"motcua/store/storetest"
)

// TestFollowPostgres: an index following a PostgreSQL store shows a record
// another handle saves within a second or two through NOTIFY alone (the
// poll is an hour), and, with its listener's connection killed, the poll
// catches a record saved while nobody listened.
func TestFollowPostgres(t *testing.T) {
	url := storetest.Postgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	follower, writer := open(), open()

	for _, tc := range []struct {
		name string
		poll time.Duration
		cut  bool // kill the listener's connection before saving
	}{
		{"notify", time.Hour, false},
		{"poll", 300 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := Create(filepath.Join(t.TempDir(), "index.bleve"))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			fctx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { ix.Follow(fctx, follower, follower, tc.poll); close(done) }()
			defer func() { stop(); <-done }()
			time.Sleep(300 * time.Millisecond) // caught up, listening
			if tc.cut {
				// (the first subtest's listener may still be closing)
				if n := killListeners(t, url); n < 1 {
					t.Fatal("no listening connection to kill")
				}
			}

			word := "theodoi" + tc.name
			r := &store.Record{SHA256: store.SHA256([]byte(word)), SourceName: word + ".png", DocType: "Công văn",
				Status: store.StatusAuto, Visibility: store.Public, Text: "CÔNG VĂN " + word,
				Fields: store.Fields{DocType: "Công văn", Summary: word}}
			start := time.Now()
			if err := writer.Put(ctx, r); err != nil {
				t.Fatal(err)
			}
			for !found(t, ix, word, RecordID(r.ID)) {
				if time.Since(start) > 3*time.Second {
					t.Fatalf("record %d not in the follower's index after %v", r.ID, time.Since(start))
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("%s: indexed %v after the commit", tc.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

func found(t *testing.T, ix *Index, q, id string) bool {
	res, err := ix.Search(context.Background(), Request{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(codes(res), id)
}

// killListeners ends the connections listening on the test schema's
// channel, as a network cut or a database restart would.
func killListeners(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1`,
		fmt.Sprintf(`LISTEN "motcua_%s"`, schema)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
