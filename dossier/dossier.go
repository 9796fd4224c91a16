// Package dossier puts a stored dossier against its procedure in the
// catalogue: which required document each record satisfies, which are
// missing or reused, whether the dossier is complete, its results, and the
// reform's digitization indicators over many dossiers.
package dossier

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/reuse"
	"motcua/store"
)

// How a component is satisfied.
const (
	Digitized = "digitized" // a paper scanned at reception
	Reused    = "reused"    // a stored record used in its place
	Missing   = "missing"
)

// Component is one required document of the procedure in a dossier.
type Component struct {
	Index       int     `json:"index"` // from 1 in the procedure's documents
	Requirement string  `json:"requirement"`
	Group       string  `json:"group"`
	Required    bool    `json:"required"` // counts for completeness: not conditional, not only presented
	Status      string  `json:"status"`
	Records     []int64 `json:"records"`
	ReusedFrom  []int64 `json:"reused_from,omitempty"` // the stored records reused for it
}

// Result is a result the office issued for the dossier.
type Result struct {
	Code   string `json:"code"` // <dossier code>-KQ<n>
	Record int64  `json:"record"`
}

// View is a dossier against its procedure.
type View struct {
	store.Dossier
	ProcedureName string      `json:"procedure_name"`
	Field         string      `json:"field"`
	Complete      bool        `json:"complete"`
	Components    []Component `json:"components"`
	Results       []Result    `json:"results"`
	Unassigned    []int64     `json:"unassigned"`
}

// Build puts d against its procedure p (nil when the procedure is no
// longer in the catalogue: every record is then unassigned).
func Build(d *store.Dossier, p *content.Procedure) View {
	v := View{Dossier: *d, Components: []Component{}, Results: []Result{}, Unassigned: []int64{}}
	v.Dossier.Records = nil
	if p != nil {
		v.ProcedureName, v.Field = p.Name, p.Field
		for i, doc := range p.Documents {
			if !IsComponent(doc) {
				continue
			}
			v.Components = append(v.Components, Component{Index: i + 1, Requirement: doc.Name, Group: doc.Group,
				Required: IsRequired(doc, d.Channel), Status: Missing, Records: []int64{}})
		}
	}
	at := map[int]int{}
	for i, c := range v.Components {
		at[c.Index] = i
	}
	for _, a := range d.Records {
		switch i, ok := at[a.Component]; {
		case a.Result > 0:
			v.Results = append(v.Results, Result{Code: store.ResultCode(d.Code, a.Result), Record: a.RecordID})
		case ok:
			c := &v.Components[i]
			c.Records, c.Status = append(c.Records, a.RecordID), Digitized
		default:
			v.Unassigned = append(v.Unassigned, a.RecordID)
		}
	}
	for _, u := range d.Reuses {
		for i := range v.Components {
			c := &v.Components[i]
			if u.Document != c.Requirement {
				continue
			}
			c.ReusedFrom = append(c.ReusedFrom, u.RecordID)
			if c.Status == Missing {
				c.Status = Reused
			}
			break
		}
	}
	v.Complete = p != nil
	for _, c := range v.Components {
		if c.Required && c.Status == Missing {
			v.Complete = false
		}
	}
	return v
}

// IsComponent reports whether a catalogue document is a paper to hand in
// or show (a count of originals or copies), not a note about the others:
// a heading ("… gồm:"), the number of sets ("Số lượng hồ sơ: 01 bộ") or a
// remark ("Lưu ý: …"), which the portal's tables sometimes give a count.
func IsComponent(d content.Document) bool {
	name := strings.TrimSpace(d.Name)
	lead := vi.Fold(strings.TrimLeft(name, "-*•+ \t"))
	for _, note := range notePrefixes {
		if rest, ok := strings.CutPrefix(lead, note); ok && !startsWord(rest) {
			return false
		}
	}
	return d.Originals+d.Copies > 0 && !strings.HasSuffix(name, ":")
}

// startsWord reports whether s opens with a letter or digit: "chu y"
// must not match "chu yeu".
func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// notePrefixes open, folded, the catalogue's lines that are not papers.
var notePrefixes = []string{"so luong", "luu y", "ghi chu", "chu y"}

// optionalGroup: a group of papers asked only in some cases ("Các trường
// hợp … phải bổ sung …") or of which one is enough ("một trong các …").
var optionalGroup = regexp.MustCompile(`\b(truong hop|mot trong)\b`)

// opensCondition: a requirement whose first sentence states a case
// ("Trường hợp …", "Nếu …", "… trong trường hợp …") applies only then.
var (
	opensCondition = regexp.MustCompile(`(?i)(^|\s)(trường hợp|nếu|đối với|riêng)\s`)
	bracketed      = regexp.MustCompile(`\([^)]*\)`)
	sentenceEnd    = regexp.MustCompile(`;|\.(\s|$)`)
)

// IsRequired reports whether a dossier received through channel must hold
// the document: a component to submit (not only to show), whose first
// sentence, brackets aside, sets no condition, and which is not meant for
// another channel only ("… nếu … nộp hồ sơ theo hình thức trực tiếp" is
// not asked of an online dossier, an electronic form not of a paper one).
func IsRequired(d content.Document, channel store.Channel) bool {
	if !IsComponent(d) || strings.Contains(strings.ToLower(d.Group), "xuất trình") ||
		optionalGroup.MatchString(vi.Fold(d.Group)) {
		return false
	}
	name := strings.ToLower(d.Name)
	online := strings.Contains(name, "trực tuyến") || strings.Contains(name, "điện tử tương tác") ||
		strings.Contains(name, "cổng dịch vụ công")
	offline := strings.Contains(name, "trực tiếp") || strings.Contains(name, "bưu chính")
	switch {
	case online && !offline && channel != store.Online:
		return false
	case offline && !online && channel == store.Online:
		return false
	}
	first := sentenceEnd.Split(bracketed.ReplaceAllString(d.Name, " "), 2)[0]
	return !opensCondition.MatchString(first)
}

// Assign returns the component (from 1 in p.Documents) that a record of
// docType titled title satisfies best, 0 when it matches none; between
// equal matches, one required of a dossier received through channel.
func Assign(p *content.Procedure, channel store.Channel, docType, title string) int {
	best, at := 0.0, 0
	for i, d := range p.Documents {
		if !IsComponent(d) {
			continue
		}
		s := reuse.Score(d.Name, docType, title)
		if s > best || (s == best && s > 0 && IsRequired(d, channel) && !IsRequired(p.Documents[at-1], channel)) {
			best, at = s, i+1
		}
	}
	return at
}

// Facts turns a view into the indicators' input. resultIsPaper says
// whether the procedure's result is a paper to digitize.
func (v View) Facts(resultIsPaper bool) Facts {
	f := Facts{Procedure: v.Procedure, Field: v.Field, SupplementRequests: v.Supplements,
		ResultDigitized: len(v.Results) > 0}
	f.Received, _ = time.Parse(time.DateOnly, v.Received)
	f.Due, _ = time.Parse(time.DateOnly, v.Due)
	f.Finished, _ = time.Parse(time.DateOnly, v.Finished)
	f.ResultIsPaper = resultIsPaper && v.Status != store.DossierStopped && v.Status != store.DossierWithdrawn
	for _, c := range v.Components {
		if !c.Required && c.Status == Missing {
			continue // a case that did not apply
		}
		f.Components++
		if c.Status != Missing {
			f.ComponentsDigitized++
		}
	}
	f.Reused = len(v.Dossier.Reuses) > 0
	return f
}
