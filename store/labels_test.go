package store

import (
	"strings"
	"testing"
)

// Every action, field and status people see has a Vietnamese name.
func TestNames(t *testing.T) {
	for _, a := range Actions {
		if n := ActionName(a); n == a || n == "" {
			t.Errorf("action %q has no name", a)
		}
	}
	for _, f := range append(AllFields, FieldStatus) {
		if n := f.Name(); n == string(f) || n == "" {
			t.Errorf("field %q has no name", f)
		}
	}
	for _, c := range []struct {
		f       Field
		v, want string
	}{
		{FieldStatus, "review", "cần duyệt"}, {FieldStatus, "verified", "đã duyệt"}, {NumberSymbol, "review", "review"},
	} {
		if got := c.f.ValueName(c.v); got != c.want {
			t.Errorf("%s.ValueName(%q) = %q, want %q", c.f, c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Action: ActEdit, Detail: "number_symbol,issue_date"}, "Số, ký hiệu, Ngày ban hành"},
		{Event{Action: ActLogin, Detail: "bad credentials"}, "sai tên hoặc mật khẩu"},
		{Event{Action: ActLogin, Detail: "rate limited"}, "quá nhiều lần thử từ máy này"},
		{Event{Action: ActView, Detail: "edit form"}, "mở để sửa"},
		{Event{Action: ActImage, Detail: "2"}, "trang 2"},
		{Event{Action: ActUser, Detail: "add luutru archivist"}, "thêm luutru (lưu trữ viên)"},
		{Event{Action: ActUser, Detail: "passwd luutru"}, "đổi mật khẩu luutru"},
		{Event{Action: ActExport, Detail: "all records"}, "mọi bản ghi"},
		{Event{Action: ActReuseLookup, Detail: "thủ tục 1.001471, số định danh 026223001234"}, "thủ tục 1.001471, số định danh 026223001234"},
		{Event{Action: ActUser, Detail: "   "}, "   "},
		{Event{Action: ActLogin}, ""},
	} {
		if got := c.e.DetailName(); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.e.Action, c.e.Detail, got, c.want)
		}
	}
	// Doubtful: low confidence until an archivist approves.
	r := &Record{Status: StatusReview, Confidence: Confidence{NumberSymbol: 0.5, IssueDate: 0.5, Summary: 0.5, Issuer: 0.95},
		Fields: Fields{NumberSymbol: "5/QĐ-UBND", Issuer: "UBND"}}
	var got []string
	for _, k := range AllFields {
		if r.Doubtful(k) {
			got = append(got, string(k))
		}
	}
	if strings.Join(got, " ") != "number_symbol issue_date" { // an empty key field counts, an empty summary does not
		t.Errorf("doubtful: %v", got)
	}
	r.Status = StatusVerified
	for _, k := range AllFields {
		if r.Doubtful(k) {
			t.Errorf("%s doubtful after approval", k)
		}
	}
}
