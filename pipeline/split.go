package pipeline

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"motcua/pipeline/extract"
	"motcua/store"
)

// Where documents start in a scanned stack. A page opens a document when
// its top shows how a Vietnamese administrative document opens (Decree
// 30/2020/NĐ-CP): the national title and motto, a form code ("Mẫu số …"),
// or two of: an issuing body in capitals on the first line at the left, a
// "Số: …" line, a place-and-date line, a title in capitals centred under
// the header. A page numbered 2 or more, or whose first line goes on with a sentence,
// continues the document before it. Words are compared folded (no
// diacritics, đ → d) and within a small edit distance, so that OCR errors
// do not hide a header.

// Fractions of the page's height where the parts of an opening are looked for.
const (
	headerZone = 0.25 // national title, motto, number and date lines
	titleZone  = 0.45 // the title, below a long header
	edgeZone   = 0.12 // page numbers, at the top or the bottom
)

var (
	nationalTitle = "cong hoa xa hoi chu nghia viet nam"
	motto         = "doc lap tu do hanh phuc"
	// pageNumRe is a page number alone on its line: "2", "- 2 -",
	// "Trang 2/3", on folded text.
	pageNumRe = regexp.MustCompile(`^(?:trang\s*)?[-–.]?\s*(\d{1,2})\s*[-–.]?\s*(?:/\s*\d{1,2})?$`)
	// numberedRe is a numbered heading or list item: "II.", "3.", "a)".
	numberedRe = regexp.MustCompile(`^(?:[ivxlc]+|\d+|[a-z])\s*[.)]`)
)

// OpensDocument says whether page p starts a document, and why, for logs.
func OpensDocument(p store.Page) (bool, string) {
	l := extract.NewLayout(p)
	var segs []extract.Segment
	for _, s := range l.Segs {
		if !extract.Junk(s) {
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return false, "no text"
	}
	W, H := float64(l.W), float64(l.H)
	top := func(s extract.Segment) float64 { return float64(s.Box[1]) / H }

	// The header zone's text in reading order, squashed to letters and
	// digits, so that a phrase split across segments is still found. The
	// national title is set in capitals (a sentence may name the
	// Republic); the motto is never in a sentence.
	var zone, capitals []string
	for _, s := range segs {
		if top(s) < headerZone {
			zone = append(zone, squash(s.Fold))
			if extract.IsUpperLine(s.Text) {
				capitals = append(capitals, squash(s.Fold))
			}
		}
	}
	if fuzzyContains(strings.Join(capitals, " "), nationalTitle, len(nationalTitle)/6) {
		return true, "national title"
	}
	if fuzzyContains(strings.Join(zone, " "), motto, len(motto)/6) {
		return true, "national motto"
	}

	firstRow := segs[0].Row
	rank := func(s extract.Segment) int { return s.Row - firstRow } // rows from the first line of text
	var (
		signs []string
		cont  string
	)
	add := func(sign string) {
		for _, s := range signs {
			if s == sign {
				return
			}
		}
		signs = append(signs, sign)
	}
	// A page number has no letters: look for it among all segments.
	for _, s := range l.Segs {
		if m := pageNumRe.FindStringSubmatch(strings.TrimSpace(s.Fold)); m != nil && s.Conf >= 0.6 &&
			(top(s) < edgeZone || top(s) > 1-edgeZone) {
			if n, _ := strconv.Atoi(m[1]); n >= 2 {
				cont = "page number " + m[1]
			}
		}
	}
	// The parts of a header come before the body: once a line of running
	// text is seen, the date lines and capitals below it belong to the body
	// or a signature block.
	body := false
	for _, s := range segs {
		key := squash(s.Fold)
		cx := float64(s.Box[0]+s.Box[2]) / 2 / W
		width := float64(s.Box[2]-s.Box[0]) / W
		upper := extract.IsUpperLine(s.Text)
		if pageNumRe.MatchString(strings.TrimSpace(s.Fold)) {
			continue
		}
		if body {
			continue
		}
		if width > 0.6 && !upper {
			body = true
		}
		switch {
		case rank(s) <= 2 && top(s) < headerZone && formCode(key):
			return true, "form code: " + s.Text
		case top(s) < headerZone && numberLine(s):
			add("number line")
		case top(s) < headerZone && cx > 0.5 && dateLine(s.Text):
			add("date line")
		case rank(s) == 0 && top(s) < headerZone && cx < 0.45 && upper && extract.Letters(s.Text) >= 4:
			add("issuer")
		case top(s) < titleZone && cx > 0.4 && cx < 0.64 && width < 0.8 && upper && extract.Letters(s.Text) >= 3 &&
			!numberedRe.MatchString(s.Fold) && !strings.HasSuffix(strings.TrimSpace(s.Text), ":"):
			// "QUYẾT ĐỊNH:" before the articles is no title.
			if _, known := extract.KindOf(s.Text); known {
				return true, "title: " + s.Text
			}
			add("capital title")
		}
	}
	if cont == "" {
		if r := []rune(strings.TrimSpace(segs[0].Text)); unicode.IsLower(r[0]) {
			cont = "first line goes on: " + segs[0].Text
		}
	}
	switch {
	case cont != "":
		return false, cont
	case len(signs) >= 2:
		return true, strings.Join(signs, ", ")
	case len(signs) == 1:
		return false, "only " + signs[0]
	}
	return false, "no header"
}

// SplitDocuments groups the pages of a stack into documents: each
// document is the indexes of its pages, in order. The first page always
// opens a document.
func SplitDocuments(pages []store.Page) [][]int {
	return SplitStack(pages, nil)
}

// SplitStack is SplitDocuments for a stack with cover sheets between its
// dossiers: cover(i) says whether page i is a cover (the QR detector's
// verdict). A cover belongs to no document and the page after it always
// opens one. cover may be nil.
func SplitStack(pages []store.Page, cover func(i int) bool) [][]int {
	var docs [][]int
	afterCover := true
	for i, p := range pages {
		if cover != nil && cover(i) {
			afterCover = true
			continue
		}
		if afterCover || len(docs) == 0 {
			docs = append(docs, []int{i})
		} else if ok, _ := OpensDocument(p); ok {
			docs = append(docs, []int{i})
		} else {
			docs[len(docs)-1] = append(docs[len(docs)-1], i)
		}
		afterCover = false
	}
	return docs
}

// formCode: "Mẫu số 03/TP-LLTP", "Mẫu TK1-TS" (squashed text); not "Mã
// số …", a field of many forms.
func formCode(key string) bool {
	f := strings.Fields(key)
	return len(f) >= 2 && f[0] == "mau" && strings.ContainsAny(key, "0123456789")
}

// numberLine: "Số: 12/QĐ-UBND" in the left column, as OCR may read it.
func numberLine(s extract.Segment) bool {
	rest, ok := extract.NumberLabel(s)
	if !ok {
		return false
	}
	_, valid := extract.ParseNumber(rest)
	return valid || strings.ContainsAny(rest, "/-")
}

// dateLine: "Place, ngày d tháng m năm yyyy".
func dateLine(s string) bool {
	_, _, ok := extract.ParseDateLine(s)
	return ok
}

// squash keeps letters and digits of folded text, one space between words.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// fuzzyContains says whether some substring of text is within k edits of
// pattern (Sellers' algorithm: an edit distance free to start anywhere).
func fuzzyContains(text, pattern string, k int) bool {
	return fuzzyDistance(text, pattern) <= k
}

// fuzzyDistance is the fewest edits that turn pattern into a substring of
// text.
func fuzzyDistance(text, pattern string) int {
	p, t := []rune(pattern), []rune(text)
	// col[i]: edits to match p[:i] ending at the current text position.
	col := make([]int, len(p)+1)
	for i := range col {
		col[i] = i
	}
	best := col[len(p)]
	for _, r := range t {
		prevDiag := col[0]
		col[0] = 0 // a match may start anywhere
		for i := 1; i <= len(p); i++ {
			c := prevDiag
			if p[i-1] != r {
				c++
			}
			prevDiag = col[i]
			col[i] = min(c, col[i]+1, col[i-1]+1)
		}
		best = min(best, col[len(p)])
	}
	return best
}
