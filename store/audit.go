package store

import (
	"context"
	"strings"
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

// Actions lists the audit actions in the order people pick them from.
var Actions = []string{ActLogin, ActLogout, ActSearch, ActView, ActImage, ActOriginal, ActPDF, ActEdit, ActApprove,
	ActReuse, ActReuseLookup, ActUser, ActExport}

var actionNames = map[string]string{
	ActLogin: "đăng nhập", ActLogout: "đăng xuất", ActSearch: "tìm hồ sơ", ActView: "xem hồ sơ",
	ActImage: "xem ảnh trang", ActOriginal: "tải bản gốc", ActPDF: "tải PDF tìm kiếm được",
	ActEdit: "sửa thông tin", ActApprove: "duyệt hồ sơ", ActReuse: "dùng lại hồ sơ",
	ActReuseLookup: "tra cứu giấy tờ dùng lại", ActUser: "quản lý tài khoản", ActExport: "xuất hồ sơ",
}

// ActionName is an audit action in Vietnamese, for people; an action
// without a name is shown as it is.
func ActionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

// DetailName is an event's detail as people read it: the fields an edit
// changed by their names; other details as they are.
func (e Event) DetailName() string {
	if e.Action != ActEdit || e.Detail == "" {
		return e.Detail
	}
	var names []string
	for _, f := range strings.Split(e.Detail, ",") {
		names = append(names, Field(f).Name())
	}
	return strings.Join(names, ", ")
}

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
	Until  time.Time // events before this time
	User   string
	Action string
	Before int64 // events with a smaller ID: the next page, newest first
	Limit  int   // newest Limit events; 0: all
	// NewestFirst lists the events newest first instead of oldest first.
	NewestFirst bool
}

// Audit is the append-only log of what people did.
type Audit interface {
	// Log appends an event.
	Log(ctx context.Context, e Event) error
	// VerifyAudit checks the log's hash chain: the ID of the first event
	// that was altered, removed or inserted behind the store's back (0 when
	// whole), and how many events were checked.
	VerifyAudit(ctx context.Context) (bad int64, checked int, err error)
	// Events calls fn for the selected events, oldest first unless
	// f.NewestFirst.
	Events(ctx context.Context, f AuditFilter, fn func(Event) error) error
}
