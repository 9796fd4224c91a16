package sqlite

import (
	"context"

	"motcua/store"
)

// Stats counts records by type, month and status, and reuses.
func (s *DB) Stats(ctx context.Context) (*store.Stats, error) {
	st := &store.Stats{ByStatus: map[store.Status]int{}, ReusesMonth: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT doc_type, substr(created_at, 1, 7), count(*) FROM records GROUP BY 1, 2 ORDER BY 2, 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c store.TypeMonth
		if err := rows.Scan(&c.DocType, &c.Month, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		st.ByTypeMonth = append(st.ByTypeMonth, c)
		st.Records += c.Count
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	count := func(q string, into func(k string, n int)) error {
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			into(k, n)
		}
		return rows.Err()
	}
	if err := count(`SELECT status, count(*) FROM records GROUP BY 1`, func(k string, n int) { st.ByStatus[store.Status(k)] = n }); err != nil {
		return nil, err
	}
	if err := count(`SELECT substr(at, 1, 7), count(*) FROM reuses GROUP BY 1`, func(k string, n int) {
		st.ReusesMonth[k] = n
		st.Reuses += n
	}); err != nil {
		return nil, err
	}
	return st, nil
}
