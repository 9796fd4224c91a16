package store

import (
	"context"
	"time"
)

// Audit actions.
const (
	ActLogin       = "login"        // a login attempt; OK says whether it succeeded
	ActLogout      = "logout"       //
	ActSearch      = "search"       // a staff search (Detail: the query and filters)
	ActView        = "view"         // a record page
	ActImage       = "image"        // a page image
	ActOriginal    = "download"     // the original file
	ActPDF         = "download_pdf" // the searchable PDF
	ActEdit        = "edit"         // fields corrected
	ActApprove     = "approve"      // review → verified
	ActReuse       = "reuse"        // a record reused for a dossier
	ActReuseLookup = "reuse_lookup" // a citizen's records listed for a procedure
	ActUser        = "user"         // an account added, disabled, re-enabled
	ActExport      = "export"       // every record exported (command line)
)

// Event is one line of the audit log, which is append-only.
type Event struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Action   string    `json:"action"`
	RecordID int64     `json:"record_id,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	Remote   string    `json:"remote,omitempty"` // client address, "cli" for the command line
	OK       bool      `json:"ok"`
}

// AuditFilter selects events; zero values select all.
type AuditFilter struct {
	Since  time.Time
	User   string
	Action string
	Limit  int // newest Limit events; 0: all
}

// Change is one field of a record changed by a person.
type Change struct {
	RecordID int64     `json:"record_id"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Field    Field     `json:"field"` // a Field, or "status"
	Old      string    `json:"old"`
	New      string    `json:"new"`
}

// Edit is a correction of a record's fields by an archivist.
type Edit struct {
	RecordID int64
	Version  int // the version the archivist saw: a newer one is a conflict
	User     string
	Remote   string
	Fields   Fields
	Approve  bool // and mark the record verified
}

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

// Audit is the append-only log, the record corrections and reuses.
type Audit interface {
	// Log appends an event.
	Log(ctx context.Context, e Event) error
	// VerifyAudit checks the log's hash chain: the ID of the first event
	// that was altered, removed or inserted behind the store's back (0 when
	// whole), and how many events were checked.
	VerifyAudit(ctx context.Context) (bad int64, checked int, err error)
	// Events calls fn for the selected events, oldest first.
	Events(ctx context.Context, f AuditFilter, fn func(Event) error) error
	// Review lists records in status review, oldest first, without pages.
	Review(ctx context.Context, limit int) ([]Record, error)
	// ApplyEdit saves an archivist's correction, its changes and its audit
	// event in one transaction and returns the record as saved.
	ApplyEdit(ctx context.Context, e Edit) (*Record, error)
	// Changes lists a record's corrections, oldest first.
	Changes(ctx context.Context, id int64) ([]Change, error)
	// ByOwner lists the records whose owner is the person, newest first,
	// without pages.
	ByOwner(ctx context.Context, personID string) ([]Record, error)
	// AddReuse records a reuse with its audit event, in one transaction.
	AddReuse(ctx context.Context, r *Reuse, remote string) error
	// Reuses lists a record's reuses, oldest first.
	Reuses(ctx context.Context, recordID int64) ([]Reuse, error)
	Stats(ctx context.Context) (*Stats, error)
}
