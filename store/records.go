package store

import (
	"context"
	"time"
)

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

// Records keeps the digitized records, their corrections by archivists
// and the files that failed.
type Records interface {
	// Put saves r with its pages in one transaction. A record with the same
	// SHA-256 is replaced: the previous version goes to the history and r
	// keeps its ID with Version+1. Any failure stored for r.SourcePath is
	// cleared. Put sets r.ID, r.Version and the timestamps.
	Put(ctx context.Context, r *Record) error
	// Get returns a record with its pages.
	Get(ctx context.Context, id int64) (*Record, error)
	// BySHA256 returns the record of a source file, with its pages.
	BySHA256(ctx context.Context, sha string) (*Record, error)
	// All calls fn for every record in ID order, without pages' words
	// when withWords is false. Stop early by returning an error.
	All(ctx context.Context, withWords bool, fn func(*Record) error) error
	// UpdatedSince lists the records saved at or after t, without pages,
	// each with the code of its dossier.
	UpdatedSince(ctx context.Context, t time.Time) ([]Record, error)
	// History returns a record's replaced versions, oldest first.
	History(ctx context.Context, id int64) ([]Record, error)
	// Fail records that a file failed, replacing an earlier failure of it.
	Fail(ctx context.Context, f Failure) error
	// Failures lists the files that failed, oldest first.
	Failures(ctx context.Context) ([]Failure, error)
	// Review lists records in status review, oldest first, without pages.
	Review(ctx context.Context, limit int) ([]Record, error)
	// ApplyEdit saves an archivist's correction, its changes and its audit
	// event in one transaction and returns the record as saved.
	ApplyEdit(ctx context.Context, e Edit) (*Record, error)
	// Changes lists a record's corrections, oldest first.
	Changes(ctx context.Context, id int64) ([]Change, error)
}

// Confine applies the rule that a record about a person is never public:
// one with an owner, a personal ID number in it, or a place in a dossier
// is restricted whatever its kind. Both adapters apply it when a record is
// saved, corrected or attached to a dossier.
func Confine(r *Record) {
	if r.Fields.OwnerID != "" || len(r.Fields.PersonIDs) > 0 || r.Dossier != "" {
		r.Visibility = Restricted
	}
}
