// Package store holds the records the pipeline makes from scans, their
// originals and the files that could not be digitized. The types here are
// shared by every part of motcua; the database behind them is an
// implementation of Store (store/sqlite is the embedded default, a
// PostgreSQL one can be added beside it).
package store

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Status says whether a record needs a person to look at it.
type Status string

const (
	StatusAuto     Status = "auto"     // every key field was read confidently
	StatusReview   Status = "review"   // a key field is missing or doubtful
	StatusVerified Status = "verified" // an archivist checked the fields
)

// Name is the status in Vietnamese.
func (s Status) Name() string {
	switch s {
	case StatusAuto:
		return "tự động"
	case StatusReview:
		return "cần duyệt"
	case StatusVerified:
		return "đã duyệt"
	}
	return string(s)
}

// Statuses lists every status, in the order a record may pass through them.
var Statuses = []Status{StatusAuto, StatusReview, StatusVerified}

// ParseStatus accepts auto, review or verified.
func ParseStatus(s string) (Status, error) {
	if v := Status(s); slices.Contains(Statuses, v) {
		return v, nil
	}
	return "", errors.New("status must be auto, review or verified")
}

// Visibility says who may see a record.
type Visibility string

const (
	Restricted Visibility = "restricted" // staff only: anything about a person
	Public     Visibility = "public"     // published by nature (decisions, official letters)
)

// ParseVisibility accepts "restricted" or "public".
func ParseVisibility(s string) (Visibility, error) {
	switch v := Visibility(s); v {
	case Restricted, Public:
		return v, nil
	}
	return "", errors.New("visibility must be restricted or public")
}

// Field names one extracted field; the names are those of the JSON export.
type Field string

const (
	DocType        Field = "doc_type"
	NumberSymbol   Field = "number_symbol"
	IssueDate      Field = "issue_date"
	IssuePlace     Field = "issue_place"
	Issuer         Field = "issuer"
	Summary        Field = "summary"
	SignerName     Field = "signer_name"
	SignerTitle    Field = "signer_title"
	PersonIDs      Field = "person_ids"
	DossierCodes   Field = "dossier_codes"
	ProcedureCodes Field = "procedure_codes"
	MoneyVND       Field = "money_vnd"
	OwnerID        Field = "owner_id"    // whose document it is: one of PersonIDs
	ValidUntil     Field = "valid_until" // YYYY-MM-DD; empty: no end known
)

// ExtractedFields are the fields read from a document's text.
var ExtractedFields = []Field{DocType, NumberSymbol, IssueDate, IssuePlace, Issuer, Summary,
	SignerName, SignerTitle, PersonIDs, DossierCodes, ProcedureCodes, MoneyVND}

// AllFields lists every field in export order: the extracted ones, then
// those derived from them or set by an archivist.
var AllFields = append(ExtractedFields[:len(ExtractedFields):len(ExtractedFields)], OwnerID, ValidUntil)

// KeyFields decide a record's status: all confident → auto.
var KeyFields = []Field{DocType, NumberSymbol, IssueDate, Issuer}

// Confident is the confidence a key field needs for a record to be auto.
const Confident = 0.8

// Fields are the typed values read from a document. An empty string or
// list means the document has no such field (or it was not found).
type Fields struct {
	DocType        string   `json:"doc_type"`
	NumberSymbol   string   `json:"number_symbol"`
	IssueDate      string   `json:"issue_date"` // YYYY-MM-DD
	IssuePlace     string   `json:"issue_place"`
	Issuer         string   `json:"issuer"`
	Summary        string   `json:"summary"`
	SignerName     string   `json:"signer_name"`
	SignerTitle    string   `json:"signer_title"`
	PersonIDs      []string `json:"person_ids"`
	DossierCodes   []string `json:"dossier_codes"`
	ProcedureCodes []string `json:"procedure_codes"`
	MoneyVND       []int64  `json:"money_vnd"`
	OwnerID        string   `json:"owner_id"`
	ValidUntil     string   `json:"valid_until"`
}

// Confidence is each field's confidence in [0, 1].
type Confidence map[Field]float64

// Word is one recognised word with its box in page pixels and its OCR
// confidence in [0, 1]. Line numbers the word's text line on its page.
type Word struct {
	Text string  `json:"t"`
	Box  [4]int  `json:"b"` // x0, y0, x1, y1
	Conf float64 `json:"c"`
	Line int     `json:"l"`
}

// Page is one page of a record.
type Page struct {
	N      int    `json:"n"` // from 1
	Width  int    `json:"width"`
	Height int    `json:"height"`
	DPI    int    `json:"dpi"`
	Text   string `json:"text"`
	Words  []Word `json:"words,omitempty"`
	Turn   int    `json:"turn,omitempty"` // degrees clockwise the prepared page was turned to read upright
	// Source is the SHA-256 of the original file the page was scanned
	// in, and SourcePage its page there (from 1), when it is not the
	// record's own original: a document split from a scanning session
	// (digitize --stack) may be a page range of one file or span several.
	Source     string `json:"source,omitempty"`
	SourcePage int    `json:"source_page,omitempty"`
}

// PageSources finds the stored pages scanned in an original file.
type PageSources interface {
	// SourcePages maps each page of the original (from 1) stored in a
	// record as a page of a stack document to that record's ID.
	SourcePages(ctx context.Context, source string) (map[int]int64, error)
}

// Record is one digitized document: one source file with its pages.
type Record struct {
	ID         int64      `json:"id"`
	SHA256     string     `json:"sha256"`      // of the original file, hex
	SourceName string     `json:"source_name"` // the original file's name
	SourcePath string     `json:"source_path"` // where it was read from
	MediaType  string     `json:"media_type"`  // image/png, application/pdf, …
	Size       int64      `json:"size"`        // bytes of the original
	DocType    string     `json:"doc_type"`
	Status     Status     `json:"status"`
	Visibility Visibility `json:"visibility"`
	TextLayer  bool       `json:"text_layer"` // text taken from the PDF's own text layer, not OCR
	Text       string     `json:"text"`       // all pages, NFC
	Fields     Fields     `json:"fields"`
	Confidence Confidence `json:"confidence"`
	Pages      []Page     `json:"pages,omitempty"`
	Version    int        `json:"version"` // 1, then +1 for each --force redo
	// Dossier is the code of the dossier the record belongs to, "" if none.
	// On Put, a record with Dossier and Place is attached to the dossier
	// in the same transaction (a record already attached keeps its place).
	Dossier   string      `json:"dossier,omitempty"`
	Place     *Attachment `json:"-"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// Failure is a file that could not be digitized.
type Failure struct {
	Path   string    `json:"path"`
	SHA256 string    `json:"sha256,omitempty"`
	Reason string    `json:"reason"` // Vietnamese, for people
	At     time.Time `json:"at"`
}

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is the database: each concern is a small interface, so that an
// adapter for another database implements them one by one.
type Store interface {
	Records
	Reuses
	Statistics
	Audit
	Accounts
	Dossiers
	Originals
	PageSources
	// Check verifies the database's integrity.
	Check(ctx context.Context) error
	Close() error
}
