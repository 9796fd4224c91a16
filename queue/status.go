package queue

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Status counts the OCR jobs by what they wait for.
type Status struct {
	Waiting  int `json:"waiting"`  // not yet taken
	Running  int `json:"running"`  // in a worker's hands (or a dead worker's, until rescued)
	Retrying int `json:"retrying"` // failed an attempt, to be taken again
	Failed   int `json:"failed"`   // failed after the last attempt, or unreadable: a stored failure
	Done     int `json:"done"`     // stored
	// PerMinute is the jobs done per minute over the last Window.
	PerMinute float64       `json:"per_minute"`
	Window    time.Duration `json:"-"`
	WindowMin float64       `json:"window_minutes"`
}

// Stat reads the counts from River's job table (completed jobs are kept
// for a day by River's cleaner, so Done is the last day's).
func Stat(ctx context.Context, pool *pgxpool.Pool) (Status, error) {
	s := Status{Window: latencyWindow, WindowMin: latencyWindow.Minutes()}
	var recent int
	err := pool.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE state IN ('available', 'pending') OR (state = 'scheduled' AND attempt = 0)),
		count(*) FILTER (WHERE state = 'running'),
		count(*) FILTER (WHERE state = 'retryable' OR (state = 'scheduled' AND attempt > 0)),
		count(*) FILTER (WHERE state IN ('discarded', 'cancelled')),
		count(*) FILTER (WHERE state = 'completed'),
		count(*) FILTER (WHERE state = 'completed' AND finalized_at > now() - make_interval(secs => $2))
		FROM river_job WHERE kind = $1`, Kind, latencyWindow.Seconds()).
		Scan(&s.Waiting, &s.Running, &s.Retrying, &s.Failed, &s.Done, &recent)
	if err != nil {
		return s, fmt.Errorf("queue: unable to count jobs: %w", err)
	}
	s.PerMinute = float64(recent) / latencyWindow.Minutes()
	return s, nil
}

// Latencies are, for the jobs done since since, the times from enqueue to
// stored and those of the last attempt alone (taken to stored), each
// shortest first.
func Latencies(ctx context.Context, pool *pgxpool.Pool, since time.Time) (total, run []time.Duration, err error) {
	rows, err := pool.Query(ctx, `SELECT extract(epoch FROM finalized_at - created_at), extract(epoch FROM finalized_at - attempted_at)
		FROM river_job WHERE kind = $1 AND state = 'completed' AND finalized_at >= $2`, Kind, since)
	if err != nil {
		return nil, nil, fmt.Errorf("queue: unable to read latencies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, r float64
		if err := rows.Scan(&t, &r); err != nil {
			return nil, nil, err
		}
		total = append(total, time.Duration(t*float64(time.Second)))
		run = append(run, time.Duration(r*float64(time.Second)))
	}
	slices.Sort(total)
	slices.Sort(run)
	return total, run, rows.Err()
}
