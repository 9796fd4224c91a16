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

// Latencies are the times from enqueue to stored of the jobs done since
// since, shortest first.
func Latencies(ctx context.Context, pool *pgxpool.Pool, since time.Time) ([]time.Duration, error) {
	rows, err := pool.Query(ctx, `SELECT extract(epoch FROM finalized_at - created_at) FROM river_job
		WHERE kind = $1 AND state = 'completed' AND finalized_at >= $2`, Kind, since)
	if err != nil {
		return nil, fmt.Errorf("queue: unable to read latencies: %w", err)
	}
	defer rows.Close()
	var d []time.Duration
	for rows.Next() {
		var s float64
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		d = append(d, time.Duration(s*float64(time.Second)))
	}
	slices.Sort(d)
	return d, rows.Err()
}
