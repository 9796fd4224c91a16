// Package content is the public procedure catalogue: the Procedure type, its
// Markdown form on disk, loading and validation, and the importers that fill it.
package content

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// Procedure is one administrative procedure (thủ tục hành chính) as published
// on the national portal. Steps and Conditions are Markdown; everything else
// is plain text or typed values.
type Procedure struct {
	Code       string     `json:"code" yaml:"code"`
	Name       string     `json:"name" yaml:"name"`
	Decision   string     `json:"decision" yaml:"decision,omitempty"`
	Levels     []string   `json:"levels" yaml:"levels,omitempty"`
	Kind       string     `json:"kind" yaml:"kind,omitempty"`
	Field      string     `json:"field" yaml:"field"`
	Applicants string     `json:"applicants" yaml:"applicants,omitempty"`
	Agencies   Agencies   `json:"agencies" yaml:"agencies,omitempty"`
	Address    string     `json:"address" yaml:"address,omitempty"`
	Related    []string   `json:"related" yaml:"related,omitempty"`
	Steps      string     `json:"steps" yaml:"-"`
	Channels   []Channel  `json:"channels" yaml:"channels,omitempty"`
	Documents  []Document `json:"documents" yaml:"documents,omitempty"`
	LegalBasis []LegalDoc `json:"legal_basis" yaml:"legal_basis,omitempty"`
	Conditions string     `json:"conditions" yaml:"-"`
	Results    []Result   `json:"results" yaml:"results,omitempty"`
	Keywords   []string   `json:"keywords" yaml:"keywords,omitempty"`
	SourceURL  string     `json:"source_url" yaml:"source_url,omitempty"`
}

// MarshalJSON writes absent lists as [] rather than null, so that API
// clients can always iterate them.
func (p Procedure) MarshalJSON() ([]byte, error) {
	type plain Procedure
	q := plain(p)
	q.Levels = nonNil(q.Levels)
	q.Related = nonNil(q.Related)
	q.Channels = nonNil(q.Channels)
	q.Documents = nonNil(q.Documents)
	q.LegalBasis = nonNil(q.LegalBasis)
	q.Results = nonNil(q.Results)
	q.Keywords = nonNil(q.Keywords)
	return json.Marshal(q)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Agencies are the bodies involved in a procedure.
type Agencies struct {
	Competent    string `json:"competent" yaml:"competent,omitempty"`
	Executing    string `json:"executing" yaml:"executing,omitempty"`
	Authorized   string `json:"authorized" yaml:"authorized,omitempty"`
	Coordinating string `json:"coordinating" yaml:"coordinating,omitempty"`
}

// Channel is one way to submit a dossier, with its processing time and fee.
// TimeValue and FeeVND are nil when the source gives no number.
type Channel struct {
	Channel     string   `json:"channel" yaml:"channel"`
	TimeValue   *float64 `json:"time_value" yaml:"time_value,omitempty"`
	TimeUnit    string   `json:"time_unit" yaml:"time_unit,omitempty"`
	TimeText    string   `json:"time_text" yaml:"time_text,omitempty"`
	FeeVND      *int64   `json:"fee_vnd" yaml:"fee_vnd,omitempty"`
	FeeText     string   `json:"fee_text" yaml:"fee_text,omitempty"`
	Description string   `json:"description" yaml:"description,omitempty"`
}

// Document is one row of the required-documents checklist.
type Document struct {
	Group     string `json:"group" yaml:"group,omitempty"`
	Name      string `json:"name" yaml:"name"`
	Form      string `json:"form" yaml:"form,omitempty"`
	Originals int    `json:"originals" yaml:"originals"`
	Copies    int    `json:"copies" yaml:"copies"`
}

// LegalDoc is one legal basis row: a document's name and its number/symbol.
type LegalDoc struct {
	Name string `json:"name" yaml:"name"`
	Code string `json:"code" yaml:"code,omitempty"`
}

// Result is a document the procedure produces, with its KQ code.
type Result struct {
	Name string `json:"name" yaml:"name"`
	Code string `json:"code" yaml:"code,omitempty"`
}

// Channel identifiers.
const (
	InPerson = "truc-tiep"
	Online   = "truc-tuyen"
	Postal   = "buu-chinh"
)

// ChannelNames maps channel identifiers to their Vietnamese names.
var ChannelNames = map[string]string{
	InPerson: "Trực tiếp",
	Online:   "Trực tuyến",
	Postal:   "Dịch vụ bưu chính",
}

// TimeUnits maps time unit identifiers to their Vietnamese names.
var TimeUnits = map[string]string{
	"ngay-lam-viec": "ngày làm việc",
	"ngay":          "ngày",
	"gio":           "giờ",
	"phut":          "phút",
	"tuan":          "tuần",
	"thang":         "tháng",
	"nam":           "năm",
}

// Levels a procedure may be carried out at.
var Levels = []string{"Cấp bộ", "Cấp tỉnh", "Cấp xã", "Cơ quan khác"}

// ResultCodePattern matches a result code such as KQ.G15.000031.
var ResultCodePattern = regexp.MustCompile(`^KQ\.[A-Z]\d{2}\.\d{6}$`)

// Normalize returns s in Unicode NFC with non-breaking spaces turned into
// spaces, zero-width marks removed, runs of blanks collapsed within lines,
// blank lines dropped and "Không có thông tin" (no information) made empty.
func Normalize(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u2007', '\u202f', '\t', '\u3000':
			return ' '
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
			return -1
		case '\r':
			return '\n'
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	s = strings.Join(out, "\n")
	if IsNoInfo(s) {
		return ""
	}
	return s
}

// IsNoInfo reports whether s is the portal's "no information" placeholder.
func IsNoInfo(s string) bool {
	s = strings.TrimSpace(strings.TrimRight(s, ". "))
	return strings.EqualFold(s, "Không có thông tin")
}

// Slug folds s to an ASCII URL segment: diacritics removed, đ→d, lower case,
// runs of other characters turned into one hyphen.
func Slug(s string) string {
	s = vi.Fold(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	// Keep URLs and file names short: cut long slugs at a word boundary.
	if len(out) > maxSlug {
		out = out[:maxSlug]
		if i := strings.LastIndexByte(out, '-'); i > maxSlug/2 {
			out = out[:i]
		}
	}
	return out
}

const maxSlug = 80
