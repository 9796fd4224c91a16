package store

import (
	"context"
	"time"
)

// Reuse is a stored record used in place of a paper a citizen would
// otherwise bring.
type Reuse struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	User      string    `json:"user"`
	RecordID  int64     `json:"record_id"`
	Procedure string    `json:"procedure"` // procedure code
	Document  string    `json:"document"`  // the required document it stands for
	Dossier   string    `json:"dossier,omitempty"`
}

// ReuseWindow: a reuse outside any dossier repeated within this time is
// the same act (a button pressed twice, a form sent again).
const ReuseWindow = 12 * time.Hour

// Reuses keeps what the reuse of a citizen's papers needs: the records a
// person owns and where each was used in place of a paper.
type Reuses interface {
	// ByOwner lists the records whose owner is the person, newest first,
	// without pages.
	ByOwner(ctx context.Context, personID string) ([]Record, error)
	// AddReuse records a reuse with its audit event, in one transaction.
	// The same reuse again (same record, procedure, document and dossier;
	// without a dossier, within ReuseWindow) is refused with ErrExists and
	// r is set to the one recorded.
	AddReuse(ctx context.Context, r *Reuse, remote string) error
	// Reuses lists a record's reuses, oldest first.
	Reuses(ctx context.Context, recordID int64) ([]Reuse, error)
}
