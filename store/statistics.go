package store

import "context"

// Stats are the reform's public measures: no personal data.
type Stats struct {
	// ByTypeMonth counts records by document type and month digitized
	// (YYYY-MM).
	ByTypeMonth []TypeMonth    `json:"by_type_month"`
	ByStatus    map[Status]int `json:"by_status"`
	Records     int            `json:"records"`
	Reuses      int            `json:"reuses"`
	ReusesMonth map[string]int `json:"reuses_by_month"`
}

// TypeMonth is one cell of Stats.ByTypeMonth.
type TypeMonth struct {
	DocType string `json:"doc_type"`
	Month   string `json:"month"`
	Count   int    `json:"count"`
}

// Statistics computes the public measures.
type Statistics interface {
	Stats(ctx context.Context) (*Stats, error)
}
