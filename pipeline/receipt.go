package pipeline

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"motcua/internal/vi"
	"motcua/pipeline/extract"
	"motcua/store"
)

// Receipt is what a dossier receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết
// quả") says about its dossier. Dates are YYYY-MM-DD; a field not found is
// empty.
type Receipt struct {
	DossierCode   string
	ProcedureCode string
	OwnerName     string
	OwnerID       string
	Received      string
	Due           string // the appointment (hẹn trả kết quả)
}

var (
	// dateRes are a date written in figures or in words, on folded text.
	dateRes = []*regexp.Regexp{
		regexp.MustCompile(`(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})`),
		regexp.MustCompile(`ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})`),
	}
	// codeSpaces are spaces OCR put inside a code, around its dots and dashes.
	codeSpaces = regexp.MustCompile(`(\w)\s*([.-])\s*(\d)`)
	// ownerLabels start the line that names the applicant, folded.
	ownerLabels = []string{"ong/ba", "ong (ba)", "ong, ba", "ong ba", "ho va ten", "ho ten", "nguoi nop ho so", "ten to chuc, ca nhan", "to chuc, ca nhan", "ca nhan"}
)

// ParseReceipt reads a dossier receipt; ok is false when p is not one.
func ParseReceipt(p store.Page) (Receipt, bool) {
	var r Receipt
	l := extract.NewLayout(p)
	var all []string
	for _, s := range l.Segs {
		all = append(all, squash(s.Fold))
	}
	text := strings.Join(all, " ")
	if !fuzzyContains(text, "tiep nhan ho so", 2) || !fuzzyContains(text, "hen tra ket qua", 2) {
		return r, false
	}
	var lines []string
	for _, s := range l.Segs {
		lines = append(lines, codeSpaces.ReplaceAllString(s.Text, "$1$2$3"))
	}
	joined := strings.Join(lines, "\n")
	if c := extract.DossierCodes(joined); len(c) > 0 {
		r.DossierCode = c[0]
	}
	if c := extract.ProcedureCodes(joined); len(c) > 0 {
		r.ProcedureCode = c[0]
	}
	if ids := extract.PersonIDs(joined); len(ids) > 0 {
		r.OwnerID = ids[0]
	}
	headerDate := ""
	for i, line := range lines {
		f := vi.Fold(line)
		if r.OwnerName == "" {
			r.OwnerName = ownerName(line, f)
		}
		if _, d, ok := extract.ParseDateLine(line); ok && headerDate == "" {
			headerDate = d
		}
		if r.Due == "" && (strings.Contains(f, "hen tra") || strings.Contains(f, "tra ket qua")) {
			r.Due = findDate(f)
			if r.Due == "" && strings.HasSuffix(strings.TrimSpace(f), ":") && i+1 < len(lines) {
				r.Due = findDate(vi.Fold(lines[i+1])) // the value wrapped to the next line
			}
			continue
		}
		if r.Received == "" && (strings.Contains(f, "tiep nhan") || strings.Contains(f, "ngay nhan")) {
			r.Received = findDate(f)
		}
	}
	if r.Received == "" {
		r.Received = headerDate
	}
	if r.Received == "" && r.DossierCode != "" {
		// The code's middle part is the day it was received, yyMMdd.
		parts := strings.Split(r.DossierCode, "-")
		d := parts[len(parts)-2]
		y, _ := strconv.Atoi(d[:2])
		m, _ := strconv.Atoi(d[2:4])
		dd, _ := strconv.Atoi(d[4:])
		r.Received, _ = vi.ValidDate(2000+y, m, dd)
	}
	return r, true
}

// ownerName reads the applicant's name from a "Ông/Bà: Name" line.
func ownerName(line, folded string) string {
	for _, label := range ownerLabels {
		if !strings.HasPrefix(folded, label) {
			continue
		}
		_, v, ok := strings.Cut(line, ":")
		if !ok {
			return ""
		}
		v = strings.TrimSpace(v)
		if i := strings.IndexAny(v, ",;("); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		if nameLike(v) {
			return v
		}
	}
	return ""
}

// nameLike: two to six words, each starting with a capital letter.
func nameLike(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 6 {
		return false
	}
	for _, w := range ws {
		if r := []rune(w); !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return true
}

// findDate returns the first valid date in folded text.
func findDate(f string) string {
	for _, re := range dateRes {
		for _, m := range re.FindAllStringSubmatch(f, -1) {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			if s, ok := vi.ValidDate(y, mo, d); ok {
				return s
			}
		}
	}
	return ""
}
