// Package extract reads the fields of a Vietnamese administrative document
// (Decree 30/2020/NĐ-CP layout) from OCR words with their boxes: issuer
// and number in the header's left column, national title and date in the
// right, type and summary below, signer at the bottom. Pure functions.
package extract

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
	"motcua/store"
)

// Segment is a run of words on one visual line with no wide gap inside:
// a header or signature row falls into its columns.
type Segment struct {
	Words []store.Word
	Box   [4]int
	Text  string
	Fold  string // vi.Fold(Text)
	Conf  float64
	Row   int // visual row on the page, from 0
}

func (s Segment) cx() float64 { return float64(s.Box[0]+s.Box[2]) / 2 }
func (s Segment) h() int      { return s.Box[3] - s.Box[1] }

// Layout is a page as rows of segments in reading order.
type Layout struct {
	W, H     int
	Segs     []Segment // sorted by row, then x
	lineH    float64   // median word height
	textOnly bool      // from a text layer: no positions
}

// NewLayout groups a page's words into segments and rows. A page without
// words (a PDF text layer) gets one full-width segment per text line.
func NewLayout(p store.Page) *Layout {
	l := &Layout{W: p.Width, H: p.Height}
	if len(p.Words) == 0 {
		y := 0
		for _, line := range strings.Split(p.Text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			w := store.Word{Text: line, Box: [4]int{0, y, 1000, y + 10}, Conf: 1, Line: y}
			l.Segs = append(l.Segs, newSegment([]store.Word{w}))
			y += 20
		}
		l.W, l.H, l.lineH, l.textOnly = 1000, max(y, 1), 10, true
		for i := range l.Segs {
			l.Segs[i].Row = i
		}
		return l
	}
	var hs []int
	for _, w := range p.Words {
		hs = append(hs, w.Box[3]-w.Box[1])
	}
	slices.Sort(hs)
	l.lineH = float64(hs[len(hs)/2])
	if l.W == 0 {
		for _, w := range p.Words {
			l.W, l.H = max(l.W, w.Box[2]), max(l.H, w.Box[3])
		}
	}
	// Tesseract's lines, split where the gap between two words is wider
	// than a column gutter could be inside running text.
	gap := max(2.2*l.lineH, 0.035*float64(l.W))
	var cur []store.Word
	flush := func() {
		if len(cur) > 0 {
			l.Segs = append(l.Segs, newSegment(cur))
			cur = nil
		}
	}
	var prev store.Word
	for i, w := range p.Words {
		if strayMark(w) {
			continue // a speck in a gutter must not join two columns
		}
		if i > 0 && len(cur) > 0 {
			if w.Line != prev.Line || float64(w.Box[0]-prev.Box[2]) > gap || w.Box[0] < prev.Box[0] ||
				anchor(p.Words, i) {
				flush()
			}
		}
		cur = append(cur, w)
		prev = w
	}
	flush()
	// Rows: segments whose vertical middles are close, in y order.
	sort.SliceStable(l.Segs, func(i, j int) bool { return mid(l.Segs[i]) < mid(l.Segs[j]) })
	row, rowY := -1, math.Inf(-1)
	for i := range l.Segs {
		if m := mid(l.Segs[i]); m-rowY > 0.6*l.lineH {
			row++
			rowY = m
		}
		l.Segs[i].Row = row
	}
	sort.SliceStable(l.Segs, func(i, j int) bool {
		a, b := l.Segs[i], l.Segs[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Box[0] < b.Box[0]
	})
	return l
}

// strayMark: a speck read as a word: no letter or digit, and either
// doubtful or not a punctuation mark that text uses.
func strayMark(w store.Word) bool {
	for _, r := range w.Text {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Lm, r) || unicode.IsDigit(r) {
			return false
		}
	}
	return w.Conf < 0.6 || !strings.Contains("-–,.;:()/", w.Text)
}

// anchor: word i starts the national title ("CỘNG HÒA XÃ HỘI …"), which
// always begins the header's right column.
func anchor(ws []store.Word, i int) bool {
	return i+1 < len(ws) && vi.Fold(ws[i].Text) == "cong" && vi.Fold(ws[i+1].Text) == "hoa" && ws[i+1].Line == ws[i].Line
}

// centredOn: the line is centred on axis (a title's middle) within 1.5 %
// of the page, about 3 mm; an indented body line is off by half its
// indent.
func (l *Layout) centredOn(s Segment, axis float64) bool {
	return l.textOnly || math.Abs(s.cx()-axis) < 0.015*float64(l.W)
}

func mid(s Segment) float64 { return float64(s.Box[1]+s.Box[3]) / 2 }

func newSegment(ws []store.Word) Segment {
	s := Segment{Words: ws, Box: ws[0].Box}
	var parts []string
	var conf float64
	for _, w := range ws {
		s.Box[0], s.Box[1] = min(s.Box[0], w.Box[0]), min(s.Box[1], w.Box[1])
		s.Box[2], s.Box[3] = max(s.Box[2], w.Box[2]), max(s.Box[3], w.Box[3])
		parts = append(parts, w.Text)
		conf += w.Conf
	}
	s.Text = norm.NFC.String(strings.Join(parts, " "))
	s.Fold = vi.Fold(s.Text)
	s.Conf = conf / float64(len(ws))
	return s
}

// upperShare is the share of letters in s that are capitals.
func upperShare(s string) float64 {
	var up, all int
	for _, r := range s {
		if unicode.IsLetter(r) {
			all++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(up) / float64(all)
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// isUpperLine: a line in capitals (a title, an issuer, a signer's role).
func isUpperLine(s string) bool { return letters(s) >= 2 && upperShare(s) >= 0.8 }

// junk: a segment that is probably a seal, a signature stroke or a rule
// read as text.
func junk(s Segment) bool {
	n := letters(s.Text)
	if n == 0 {
		return true
	}
	if s.Conf < 0.45 {
		return true
	}
	return n <= 3 && s.Conf < 0.8
}

func isNationalTitle(s Segment) bool {
	return strings.Contains(s.Fold, "cong hoa") && (strings.Contains(s.Fold, "chu nghia") || strings.Contains(s.Fold, "viet nam"))
}

func isMotto(s Segment) bool {
	return strings.Contains(s.Fold, "doc lap") || strings.Contains(s.Fold, "tu do") && strings.Contains(s.Fold, "hanh phuc")
}

// labelLine: "Label: value" with a short label, like form fields.
func labelLine(s string) bool {
	i := strings.Index(s, ":")
	if i <= 0 || i > 60 {
		return false
	}
	label := strings.TrimSpace(s[:i])
	if label == "" || strings.Count(label, " ") > 8 {
		return false
	}
	r := []rune(label)
	return unicode.IsUpper(r[0])
}

var bodyStarts = []string{"kinh gui", "can cu", "xet ", "theo de nghi", "thuc hien", "toi:", "toi ", "dieu ", "ho, chu dem", "ho va ten", "ho ten"}

// bodyLine: the start of the document's body or of its form fields.
func bodyLine(s Segment) bool {
	for _, p := range bodyStarts {
		if strings.HasPrefix(s.Fold, p) {
			return true
		}
	}
	return false
}

// numberLabel matches "Số:" as OCR may read it.
func numberLabel(s Segment) (rest string, ok bool) {
	f := []rune(s.Fold)
	t := []rune(s.Text)
	if len(f) < 3 || f[0] != 's' {
		return "", false
	}
	i := 1
	if f[i] == 'o' || f[i] == '6' || f[i] == '0' {
		i++
	} else {
		return "", false
	}
	spaced := false
	for i < len(f) && f[i] == ' ' {
		i++
		spaced = true
	}
	switch {
	case i < len(f) && (f[i] == ':' || f[i] == '.' || f[i] == ';'):
		return strings.TrimSpace(string(t[i+1:])), true
	case spaced && i < len(f) && unicode.IsDigit(f[i]): // "Số 12/QĐ-UBND", the colon lost
		return strings.TrimSpace(string(t[i:])), true
	}
	return "", false
}

// Extract reads the fields from a document's pages and gives each a
// confidence in [0, 1]: the mean OCR confidence of the words it came from,
// lowered when the value does not have its format's shape. A field not
// found has confidence 0.
func Extract(pages []store.Page) (store.Fields, store.Confidence) {
	var f store.Fields
	conf := store.Confidence{}
	for _, k := range store.ExtractedFields {
		conf[k] = 0
	}
	if len(pages) == 0 {
		return f, conf
	}
	first := NewLayout(pages[0])
	last := first
	if len(pages) > 1 {
		last = NewLayout(pages[len(pages)-1])
	}
	h := header(first)
	f.Issuer, conf[store.Issuer] = h.issuer, h.issuerConf
	f.NumberSymbol, conf[store.NumberSymbol] = h.number, h.numberConf
	f.DocType, conf[store.DocType] = h.docType, h.docTypeConf
	f.Summary, conf[store.Summary] = h.summary, h.summaryConf
	if h.form && slices.Contains(citizenKinds, f.DocType) {
		// A citizen's paper has no issuing body, and a form no number:
		// as sure of that as of its title.
		if f.Issuer == "" {
			conf[store.Issuer] = h.docTypeConf
		}
		if f.NumberSymbol == "" {
			conf[store.NumberSymbol] = h.docTypeConf
		}
	}

	f.IssuePlace, f.IssueDate, conf[store.IssueDate] = issueDate(first, last)
	conf[store.IssuePlace] = conf[store.IssueDate]
	f.IssuePlace = respell(f.IssuePlace, otherText(first.Segs, nil))
	if f.IssuePlace == "" {
		conf[store.IssuePlace] = 0
	}
	// A number with a year (15/2023/NQ-HĐND) is issued that year: when the
	// date says another, one of them was misread.
	if y := NumberYear(f.NumberSymbol); y != "" && f.IssueDate != "" && y != f.IssueDate[:4] {
		conf[store.IssueDate] = min(conf[store.IssueDate], 0.6)
		conf[store.NumberSymbol] = min(conf[store.NumberSymbol], 0.6)
	}

	sg := signer(last)
	f.SignerName, conf[store.SignerName] = sg.name, sg.nameConf
	f.SignerTitle, conf[store.SignerTitle] = sg.title, sg.titleConf

	var all []string
	for _, p := range pages {
		all = append(all, joinText(p))
	}
	text := strings.Join(all, "\n")
	f.PersonIDs = PersonIDs(text)
	f.DossierCodes = DossierCodes(text)
	f.ProcedureCodes = ProcedureCodes(text)
	f.MoneyVND = Money(text)
	// Lists are empty, not absent, when nothing was found.
	for _, l := range []*[]string{&f.PersonIDs, &f.DossierCodes, &f.ProcedureCodes} {
		if *l == nil {
			*l = []string{}
		}
	}
	if f.MoneyVND == nil {
		f.MoneyVND = []int64{}
	}
	conf[store.PersonIDs] = listConf(pages, f.PersonIDs)
	conf[store.DossierCodes] = listConf(pages, f.DossierCodes)
	conf[store.ProcedureCodes] = listConf(pages, f.ProcedureCodes)
	var money []string
	for _, m := range f.MoneyVND {
		money = append(money, formatMoney(m))
	}
	conf[store.MoneyVND] = listConf(pages, money)
	// A page read poorly (a fax, a photo) misleads in ways its words'
	// confidences do not show one by one: its key fields need review.
	if q := first.quality(); q < qualityFloor {
		for _, k := range store.KeyFields {
			conf[k] = min(conf[k], q*poorPage/qualityFloor)
		}
	}
	for k, v := range conf {
		conf[k] = math.Round(v*1000) / 1000
	}
	return f, conf
}

// issueDate finds the place-and-date line: in the header, or above the
// signature; else a date line without a place in the header's right
// half or above the signature, less sure. Its confidence is that of its
// least sure digits, and low for a date no document could bear.
func issueDate(first, last *Layout) (place, date string, conf float64) {
	layouts := []*Layout{first}
	if last != first {
		layouts = append(layouts, last)
	}
	for _, l := range layouts {
		for i, s := range l.Segs {
			if p, d, ok := ParseDateLine(s.Text); ok {
				return p, d, dateConf(s, d)
			}
			// A narrow column wraps the line: "Đà Nẵng, ngày 25" / "tháng
			// 4 năm 2021".
			if next, ok := l.under(i); ok && strings.Contains(s.Fold, "ngay") {
				both := newSegment(append(slices.Clone(s.Words), next.Words...))
				if p, d, ok := ParseDateLine(both.Text); ok {
					return p, d, dateConf(both, d)
				}
			}
		}
	}
	for _, l := range layouts {
		for _, s := range l.Segs {
			if s.cx() < 0.5*float64(l.W) && !l.textOnly {
				continue
			}
			if d, ok := ParseBareDate(s.Text); ok {
				return "", d, min(dateConf(s, d), 0.7)
			}
		}
	}
	return "", "", 0
}

// under returns the segment on the row under segment i that shares its
// column.
func (l *Layout) under(i int) (Segment, bool) {
	s := l.Segs[i]
	for _, t := range l.Segs[i+1:] {
		if t.Row > s.Row+1 {
			break
		}
		if t.Row == s.Row+1 && t.Box[0] < s.Box[2] && s.Box[0] < t.Box[2] {
			return t, true
		}
	}
	return Segment{}, false
}

// dateConf is the confidence of the words of a date line that hold
// digits, lowered for a date outside what a document in a dossier may
// bear: before 1976 or after today.
func dateConf(s Segment, date string) float64 {
	c := s.Conf
	for _, w := range s.Words {
		if strings.ContainsAny(w.Text, "0123456789") {
			c = min(c, w.Conf)
		}
	}
	if date < "1976-01-01" || date > time.Now().AddDate(0, 0, 1).Format("2006-01-02") {
		c = min(c, 0.5)
	}
	return c
}

// citizenKinds are the papers citizens write and sign among themselves,
// under a centred national title: no issuing body.
var citizenKinds = []string{"Tờ khai", "Đơn", "Hợp đồng", "Giấy ủy quyền"}

// qualityFloor is the mean word confidence under which a page's key
// fields are no surer than poorPage, less the further below it is: clean
// scans, photos and stamped pages read at 0.92 and more, faxes at
// 0.8–0.9 (development set, tuning half).
const (
	qualityFloor = 0.915
	poorPage     = 0.75
)

// quality is the mean confidence of the page's words.
func (l *Layout) quality() float64 {
	if l.textOnly {
		return 1
	}
	var sum float64
	n := 0
	for _, s := range l.Segs {
		for _, w := range s.Words {
			sum += w.Conf
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func joinText(p store.Page) string {
	if len(p.Words) == 0 {
		return p.Text
	}
	var b strings.Builder
	line := -1
	for _, w := range p.Words {
		if w.Line != line && line >= 0 {
			b.WriteByte('\n')
		} else if line >= 0 {
			b.WriteByte(' ')
		}
		line = w.Line
		b.WriteString(w.Text)
	}
	return b.String()
}

func formatMoney(v int64) string {
	d := strconv.FormatInt(v, 10)
	var s []byte
	for i := range len(d) {
		if i > 0 && (len(d)-i)%3 == 0 {
			s = append(s, '.')
		}
		s = append(s, d[i])
	}
	return string(s)
}

// listConf: for found values, the lowest confidence of the words holding
// them; for none, a middling confidence that there are none.
func listConf(pages []store.Page, values []string) float64 {
	if len(values) == 0 {
		return 0.9
	}
	c := 1.0
	for _, v := range values {
		best := 0.0
		for _, p := range pages {
			if len(p.Words) == 0 {
				best = 1
			}
			for _, w := range p.Words {
				if strings.Contains(w.Text, v) {
					best = max(best, w.Conf)
				}
			}
		}
		if best == 0 {
			best = 0.7 // spread over several words
		}
		c = min(c, best)
	}
	return c
}
