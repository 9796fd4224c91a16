package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Channel is how a dossier reached the office.
type Channel string

const (
	Direct Channel = "direct" // trực tiếp (1)
	Online Channel = "online" // trực tuyến (2)
	Postal Channel = "postal" // bưu chính công ích (3)
)

// Name is the channel in Vietnamese.
func (c Channel) Name() string {
	switch c {
	case Direct:
		return "trực tiếp"
	case Online:
		return "trực tuyến"
	case Postal:
		return "bưu chính công ích"
	}
	return string(c)
}

// ParseChannel accepts the English names, the national numbers 1–3 and the
// Vietnamese names with or without diacritics.
func ParseChannel(s string) (Channel, error) {
	switch s {
	case "direct", "1", "trực tiếp", "truc tiep", "truc-tiep":
		return Direct, nil
	case "online", "2", "trực tuyến", "truc tuyen", "truc-tuyen":
		return Online, nil
	case "postal", "3", "bưu chính", "buu chinh", "buu-chinh", "bưu chính công ích":
		return Postal, nil
	}
	return "", fmt.Errorf("channel %q: use direct (trực tiếp), online (trực tuyến) or postal (bưu chính)", s)
}

// DossierStatus is where a dossier is in its lifecycle (domain.md §4).
type DossierStatus string

const (
	DossierReceived   DossierStatus = "received"   // được tiếp nhận
	DossierProcessing DossierStatus = "processing" // đang xử lý
	DossierSupplement DossierStatus = "supplement" // yêu cầu bổ sung
	DossierFinished   DossierStatus = "finished"   // đã xử lý xong
	DossierReturned   DossierStatus = "returned"   // đã trả kết quả
	DossierWithdrawn  DossierStatus = "withdrawn"  // rút hồ sơ
	DossierStopped    DossierStatus = "stopped"    // dừng xử lý / từ chối
)

// DossierStatuses lists the statuses in lifecycle order.
var DossierStatuses = []DossierStatus{DossierReceived, DossierProcessing, DossierSupplement,
	DossierFinished, DossierReturned, DossierWithdrawn, DossierStopped}

// Name is the status in Vietnamese.
func (s DossierStatus) Name() string {
	switch s {
	case DossierReceived:
		return "được tiếp nhận"
	case DossierProcessing:
		return "đang xử lý"
	case DossierSupplement:
		return "yêu cầu bổ sung"
	case DossierFinished:
		return "đã xử lý xong"
	case DossierReturned:
		return "đã trả kết quả"
	case DossierWithdrawn:
		return "rút hồ sơ"
	case DossierStopped:
		return "dừng xử lý"
	}
	return string(s)
}

// ParseDossierStatus accepts one of DossierStatuses.
func ParseDossierStatus(s string) (DossierStatus, error) {
	for _, v := range DossierStatuses {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("dossier status %q: use received, processing, supplement, finished, returned, withdrawn or stopped", s)
}

// Dossier is the one-stop shop's unit of work: the papers a citizen hands
// in for one procedure and the results the office issues. Dates are
// YYYY-MM-DD; empty when not known (yet).
type Dossier struct {
	Code        string        `json:"code"`      // national grammar, vi.IsDossierCode
	Procedure   string        `json:"procedure"` // procedure code in the catalogue
	OwnerID     string        `json:"owner_id"`  // 12-digit personal ID
	OwnerName   string        `json:"owner_name,omitempty"`
	Channel     Channel       `json:"channel"`
	Received    string        `json:"received"`
	Due         string        `json:"due,omitempty"` // hẹn trả
	Finished    string        `json:"finished,omitempty"`
	Status      DossierStatus `json:"status"`
	Supplements int           `json:"supplements,omitempty"` // requests to supplement
	// Records are the records that belong to the dossier: submitted
	// documents and results. Reuses are the stored records reused for it
	// (kept with the reuses, Reuse.Dossier), oldest first.
	Records   []Attachment `json:"records,omitempty"`
	Reuses    []Reuse      `json:"reuses,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Attachment says how a record belongs to a dossier: as the submitted
// document for a required document (Component, from 1 in the procedure's
// documents; 0 when it matches none: unassigned), or as its Result-th
// result (<code>-KQ<Result>).
type Attachment struct {
	RecordID  int64  `json:"record"`
	Component int    `json:"component,omitempty"`
	Result    int    `json:"result,omitempty"`
	DocType   string `json:"doc_type,omitempty"` // the record's, for lists
}

// ResultCode is the code of a dossier's n-th result (Nghị định 45/2020).
func ResultCode(dossier string, n int) string { return fmt.Sprintf("%s-KQ%d", dossier, n) }

// DossierFilter selects dossiers; zero values select all.
type DossierFilter struct {
	Procedure string
	OwnerID   string
	Month     string // YYYY-MM of the received date
	Code      string // a prefix of the code
	Limit     int
}

// ErrTaken is returned when a record already belongs to another dossier,
// or a record's place in its dossier cannot change that way.
var ErrTaken = errors.New("store: already in a dossier")

// Dossiers keeps dossiers and which records belong to them.
type Dossiers interface {
	// PutDossier creates a dossier or updates its header (not its records).
	PutDossier(ctx context.Context, d *Dossier) error
	// Dossier returns a dossier with its records and reuses.
	Dossier(ctx context.Context, code string) (*Dossier, error)
	// ListDossiers lists dossiers, newest received first, with their
	// records and reuses.
	ListDossiers(ctx context.Context, f DossierFilter) ([]Dossier, error)
	// Attach attaches a stored record; ErrTaken if it belongs to
	// another dossier. A Result < 0 is numbered as the next result.
	Attach(ctx context.Context, code string, a *Attachment) error
	// MoveRecord moves a record to another component (0: unassigned) and
	// writes the audit event, in one transaction.
	MoveRecord(ctx context.Context, code string, recordID int64, component int, user, remote string) error
	// DossierOf returns the code of the dossier a record belongs to, "" if none.
	DossierOf(ctx context.Context, recordID int64) (string, error)
}

// Audit actions on dossiers.
const (
	ActDossierView = "dossier_view" // a dossier page or its JSON
	ActDossierMove = "dossier_move" // a record moved to another component
	ActDossierEdit = "dossier_edit" // a dossier created or its header changed
)
