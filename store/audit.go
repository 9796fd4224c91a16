package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	ActBackup      = "backup"       // a backup snapshot written (Detail: where, counts) or failed
	ActRestore     = "restore"      // the database restored from a snapshot (Detail: which)
	ActFixity      = "fixity"       // the originals' SHA-256 checked (Detail: counts); OK: none missing or corrupt
)

// Actions lists the audit actions in the order people pick them from.
var Actions = []string{ActLogin, ActLogout, ActSearch, ActView, ActImage, ActOriginal, ActPDF, ActEdit, ActApprove,
	ActReuse, ActReuseLookup, ActDossierView, ActDossierEdit, ActDossierMove, ActUser, ActExport, ActBackup, ActRestore, ActFixity}

var actionNames = map[string]string{
	ActLogin: "đăng nhập", ActLogout: "đăng xuất", ActSearch: "tìm hồ sơ", ActView: "xem hồ sơ",
	ActImage: "xem ảnh trang", ActOriginal: "tải bản gốc", ActPDF: "tải PDF tìm kiếm được",
	ActEdit: "sửa thông tin", ActApprove: "duyệt hồ sơ", ActReuse: "dùng lại hồ sơ",
	ActReuseLookup: "tra cứu giấy tờ dùng lại", ActDossierView: "xem hồ sơ thủ tục",
	ActDossierEdit: "tạo, sửa hồ sơ thủ tục", ActDossierMove: "chuyển giấy tờ trong hồ sơ thủ tục",
	ActUser: "quản lý tài khoản", ActExport: "xuất hồ sơ",
	ActBackup: "sao lưu", ActRestore: "khôi phục từ bản sao lưu", ActFixity: "kiểm tra toàn vẹn bản gốc",
}

// ActionName is an audit action in Vietnamese, for people; an action
// without a name is shown as it is.
func ActionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

// detailNames are the fixed details motcua writes, in Vietnamese.
var detailNames = map[string]string{
	ActLogin + "/bad credentials": "sai tên hoặc mật khẩu", ActLogin + "/locked": "tài khoản đang tạm khóa",
	ActLogin + "/rate limited": "quá nhiều lần thử từ máy này", ActView + "/edit form": "mở để sửa",
	ActOriginal + "/original": "bản gốc", ActExport + "/all records": "mọi bản ghi",
}

// accountVerbs name what a user command did (the detail's first word).
var accountVerbs = map[string]string{"add": "thêm", "disable": "khóa", "enable": "mở lại", "passwd": "đổi mật khẩu"}

// DetailName is an event's detail as people read it: the fields an edit
// changed by their names, the page of an image, fixed details and account
// changes in Vietnamese; other details (already Vietnamese, or what a
// person typed) as they are.
func (e Event) DetailName() string {
	if n, ok := detailNames[e.Action+"/"+e.Detail]; ok {
		return n
	}
	switch w := strings.Fields(e.Detail); {
	case e.Detail == "":
	case e.Action == ActEdit:
		var names []string
		for _, f := range strings.Split(e.Detail, ",") {
			names = append(names, Field(f).Name())
		}
		return strings.Join(names, ", ")
	case e.Action == ActImage:
		return "trang " + e.Detail
	case e.Action == ActUser && len(w) > 1 && accountVerbs[w[0]] != "":
		out := accountVerbs[w[0]] + " " + w[1]
		if len(w) > 2 {
			out += " (" + Role(w[2]).Name() + ")"
		}
		return out
	}
	return e.Detail
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
	// Records and Mentions select the events about one of the records or
	// whose detail mentions the text, such as a dossier's code (either
	// matches); both empty: no such condition.
	Records  []int64
	Mentions string
	Before   int64 // events with a smaller ID: the next page, newest first
	Limit    int   // newest Limit events; 0: all
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

// ChainHash chains an event to the one before it (prev: that event's hash,
// "" for the first), so that an event edited, removed or inserted behind
// the store's back breaks every hash after it. Every adapter stores it, so
// a log verifies the same whichever database holds it. Times count to the
// millisecond.
func ChainHash(prev string, e Event) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%s\x1f%t", prev, e.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		e.User, e.Action, e.RecordID, e.Detail, e.Remote, e.OK)
	return hex.EncodeToString(h.Sum(nil))
}
