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
	ActBackup      = "backup"       // a backup snapshot written (Detail: where, counts) or failed
	ActRestore     = "restore"      // the database restored from a snapshot (Detail: which)
	ActFixity      = "fixity"       // the originals' SHA-256 checked (Detail: counts); OK: none missing or corrupt
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

// Audit is the append-only log of what people did.
type Audit interface {
	// Log appends an event.
	Log(ctx context.Context, e Event) error
	// VerifyAudit checks the log's hash chain: the ID of the first event
	// that was altered, removed or inserted behind the store's back (0 when
	// whole), and how many events were checked.
	VerifyAudit(ctx context.Context) (bad int64, checked int, err error)
	// Events calls fn for the selected events, oldest first.
	Events(ctx context.Context, f AuditFilter, fn func(Event) error) error
}
