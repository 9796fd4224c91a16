package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"motcua/store"
)

// Stats counts records by type, month (UTC) and status, and reuses.
func (s *DB) Stats(ctx context.Context) (*store.Stats, error) {
	st := &store.Stats{ByStatus: map[store.Status]int{}, ReusesMonth: map[string]int{}}
	var err error
	st.ByTypeMonth, err = collect(ctx, s.pool, func(row pgx.CollectableRow) (c store.TypeMonth, err error) {
		err = row.Scan(&c.DocType, &c.Month, &c.Count)
		return c, err
	}, `SELECT doc_type, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) FROM records GROUP BY 1, 2 ORDER BY 2, 1`)
	if err != nil {
		return nil, err
	}
	for _, c := range st.ByTypeMonth {
		st.Records += c.Count
	}
	type count struct {
		k string
		n int
	}
	scan := func(row pgx.CollectableRow) (c count, err error) {
		err = row.Scan(&c.k, &c.n)
		return c, err
	}
	byStatus, err := collect(ctx, s.pool, scan, `SELECT status, count(*) FROM records GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	for _, c := range byStatus {
		st.ByStatus[store.Status(c.k)] = c.n
	}
	byMonth, err := collect(ctx, s.pool, scan, `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) FROM reuses GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	for _, c := range byMonth {
		st.ReusesMonth[c.k] = c.n
		st.Reuses += c.n
	}
	return st, nil
}
