// Package reuse finds, for a procedure and a citizen, the stored records
// that can stand for the papers the procedure requires, so that staff do
// not ask the citizen for what the state already holds.
package reuse

import (
	"context"
	"regexp"
	"strings"
	"time"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/store"
)

// A kind is a family of documents that stand for one another: an extract
// of a registration (trích lục) for the certificate, a certified copy for
// the original. Names are folded (no diacritics, lower case).
type kind struct {
	names []string
	// maxAge is how long a document of the kind is accepted after it was
	// issued, when the law limits it; 0: until its own end date, if any.
	maxAge time.Duration
}

const month = 30 * 24 * time.Hour

var kinds = []kind{
	{names: []string{"giay khai sinh", "trich luc khai sinh", "ban sao giay khai sinh"}},
	{names: []string{"giay chung nhan ket hon", "trich luc ket hon", "giay dang ky ket hon"}},
	{names: []string{"giay chung tu", "trich luc khai tu", "giay bao tu"}},
	// Decree 123/2015, art. 23: valid six months from issue.
	{names: []string{"giay xac nhan tinh trang hon nhan"}, maxAge: 6 * month},
	{names: []string{"phieu ly lich tu phap"}, maxAge: 6 * month},
	{names: []string{"trich luc ghi chu ly hon", "trich luc ly hon", "ban an ly hon", "quyet dinh ly hon"}},
	{names: []string{"trich luc nhan cha me con", "quyet dinh cong nhan viec nhan cha me con"}},
	{names: []string{"giay chung nhan nuoi con nuoi", "trich luc nuoi con nuoi", "quyet dinh cho nhan con nuoi"}},
	{names: []string{"trich luc thay doi ho tich", "trich luc cai chinh ho tich"}},
	{names: []string{"giay chung sinh"}},
	{names: []string{"ho chieu"}},
	{names: []string{"can cuoc cong dan", "the can cuoc", "chung minh nhan dan"}},
	{names: []string{"van ban uy quyen", "giay uy quyen", "hop dong uy quyen"}},
	{names: []string{"van ban cam doan", "giay cam doan", "ban cam doan"}},
	{names: []string{"xac nhan thong tin ve cu tru", "giay xac nhan cu tru", "giay to chung minh noi cu tru"}},
}

var space = regexp.MustCompile(`[^a-z0-9]+`)

func fold(s string) string {
	return " " + strings.TrimSpace(space.ReplaceAllString(vi.Fold(s), " ")) + " "
}

// kindOf returns the kind of a record's document type; a type in no family
// is a family of its own.
func kindOf(docType string) kind {
	f := strings.TrimSpace(fold(docType))
	for _, k := range kinds {
		for _, n := range k.names {
			if f == n || strings.HasPrefix(f, n+" ") {
				return k
			}
		}
	}
	return kind{names: []string{f}}
}

// negated: "không yêu cầu xuất trình giấy khai sinh" names the paper only
// to say it is not needed.
var negated = regexp.MustCompile(`(khong|mien) (phai |can |yeu cau |bat buoc )*(nop |xuat trinh |cung cap )?$`)

// Candidate is a stored record offered for a required document.
type Candidate struct {
	Record store.Record `json:"record"`
	// Usable is false when the record may not stand for the paper yet or
	// any more; Reason says why, in Vietnamese.
	Usable bool   `json:"usable"`
	Reason string `json:"reason,omitempty"`
}

// Need is one required document with the records that can stand for it.
type Need struct {
	Document   content.Document `json:"document"`
	Candidates []Candidate      `json:"candidates"`
}

// Find lists the procedure's required documents and, for each, the
// person's records that can stand for it, on day today.
func Find(ctx context.Context, st store.Reuses, p *content.Procedure, personID string, today time.Time) ([]Need, error) {
	recs, err := st.ByOwner(ctx, personID)
	if err != nil {
		return nil, err
	}
	needs := make([]Need, 0, len(p.Documents))
	for _, d := range p.Documents {
		n := Need{Document: d, Candidates: []Candidate{}}
		for _, r := range recs {
			if r.Fields.OwnerID != personID || !Matches(d.Name, r.Fields.DocType) {
				continue
			}
			n.Candidates = append(n.Candidates, candidate(r, today))
		}
		needs = append(needs, n)
	}
	return needs, nil
}

func candidate(r store.Record, today time.Time) Candidate {
	c := Candidate{Record: r, Usable: true}
	day := today.Format("2006-01-02")
	switch {
	case r.Status == store.StatusReview:
		c.Usable, c.Reason = false, "đang chờ lưu trữ viên duyệt"
	case r.Fields.ValidUntil != "" && r.Fields.ValidUntil < day:
		c.Usable, c.Reason = false, "đã hết giá trị từ ngày "+r.Fields.ValidUntil
	default:
		if k := kindOf(r.Fields.DocType); k.maxAge > 0 {
			issued, err := time.Parse("2006-01-02", r.Fields.IssueDate)
			switch {
			case err != nil:
				c.Usable, c.Reason = false, "không rõ ngày cấp để tính thời hạn giá trị"
			case today.Sub(issued) > k.maxAge:
				c.Usable, c.Reason = false, "đã quá thời hạn giá trị 6 tháng kể từ ngày cấp "+r.Fields.IssueDate
			}
		}
	}
	return c
}

// MayReuse reports whether record rec may stand for needs[doc], the
// required document at index doc (from 0): it must be offered for that
// document and usable. Callers check what a form or a command line names
// with it again rather than trust it.
func MayReuse(needs []Need, doc int, rec int64) bool {
	if doc < 0 || doc >= len(needs) {
		return false
	}
	for _, c := range needs[doc].Candidates {
		if c.Record.ID == rec && c.Usable {
			return true
		}
	}
	return false
}
