package search

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"motcua/store"
)

// Listener reports the records other processes change in a shared store,
// as they commit (store/postgres: LISTEN/NOTIFY). Listen returns when ctx
// ends or its connection is lost.
type Listener interface {
	Listen(ctx context.Context, fn func(id int64)) error
}

// Followed is a store the index follows.
type Followed interface {
	Records
	Get(ctx context.Context, id int64) (*store.Record, error)
}

// Follow keeps the index current with st until ctx ends. It catches up
// first (CatchUp), then re-indexes at once each record l reports changed
// (or removes it when it is gone), and every poll catches up whatever l
// missed: a change made while its connection was down, or every change
// when l is nil. A lost listener is reconnected, and the index caught up
// then too.
func (ix *Index) Follow(ctx context.Context, st Followed, l Listener, poll time.Duration) {
	catchUp := func() {
		s, err := ix.CatchUp(ctx, st)
		switch {
		case err != nil && ctx.Err() == nil:
			slog.Warn("follow store: catching up", "error", err)
		case s.Indexed > 0 || s.Removed > 0:
			slog.Info("indexed new or changed records from the store", "indexed", s.Indexed, "removed", s.Removed)
		}
	}
	ids := make(chan int64, 1024)
	reconnected := make(chan struct{}, 1)
	if l != nil {
		go listen(ctx, l, ids, reconnected)
	}
	catchUp()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			catchUp()
		case <-reconnected:
			catchUp()
		case id := <-ids:
			batch := map[int64]bool{id: true}
			for len(batch) < 500 {
				select {
				case id := <-ids:
					batch[id] = true
					continue
				default:
				}
				break
			}
			if err := ix.indexIDs(ctx, st, batch); err != nil && ctx.Err() == nil {
				slog.Warn("follow store: indexing changed records", "error", err)
			} else {
				slog.Debug("indexed records the store announced", "count", len(batch))
			}
		}
	}
}

// listen runs l until ctx ends, reconnecting after a pause when its
// connection is lost and saying so on reconnected.
func listen(ctx context.Context, l Listener, ids chan<- int64, reconnected chan<- struct{}) {
	pause := time.Second
	for first := true; ; first = false {
		if !first {
			select {
			case reconnected <- struct{}{}:
			default:
			}
		}
		err := l.Listen(ctx, func(id int64) {
			pause = time.Second
			select {
			case ids <- id:
			case <-ctx.Done():
			}
		})
		if ctx.Err() != nil {
			return
		}
		slog.Warn("follow store: listener lost, polling until it is back", "error", err, "retry in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// indexIDs re-indexes the records ids as the store has them now.
func (ix *Index) indexIDs(ctx context.Context, st Followed, ids map[int64]bool) error {
	var docs []Doc
	var gone []string
	for id := range ids {
		r, err := st.Get(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			gone = append(gone, RecordID(id))
		case err != nil:
			return err
		default:
			docs = append(docs, RecordDoc(r))
		}
	}
	if len(gone) > 0 {
		if err := ix.Delete(gone...); err != nil {
			return err
		}
	}
	if len(docs) > 0 {
		return ix.Put(docs...)
	}
	return nil
}
