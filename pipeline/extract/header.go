package extract

import (
	"slices"
	"strings"
	"unicode"

	"motcua/internal/vi"
	"motcua/store"
)

type headerFields struct {
	issuer, number, docType, summary                 string
	issuerConf, numberConf, docTypeConf, summaryConf float64
	form                                             bool // a citizen's form: a centred national title, no left column
	numberFallback                                   bool // the number came from a fallback rule
}

func meanConf(segs []Segment) float64 {
	if len(segs) == 0 {
		return 0
	}
	var c float64
	for _, s := range segs {
		c += s.Conf
	}
	return c / float64(len(segs))
}

func joinSegs(segs []Segment) string {
	var parts []string
	for _, s := range segs {
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, " ")
}

// header reads the first page's header: issuer and number from the left
// column, document type and summary from the lines under it.
func header(l *Layout) headerFields {
	var h headerFields
	segs := l.Segs
	W := float64(l.W)
	// The right column starts where the national title does; a centred
	// title (a citizen's form) leaves no left column.
	colX := W * 0.45
	hasLeft := true
	motto := -1
	for i, s := range segs {
		if float64(s.Box[1]) > 0.3*float64(l.H) {
			break
		}
		if isNationalTitle(s) {
			colX = float64(s.Box[0]) - 0.01*W
			if s.cx() < 0.58*W && s.cx() > 0.42*W {
				hasLeft = false
			}
		}
		if isMotto(s) {
			motto = i
			if s.cx() < 0.58*W && s.cx() > 0.42*W {
				hasLeft = false
			}
		}
	}
	// The header ends at the first line of the body or form.
	end := len(segs)
	for i, s := range segs {
		if bodyLine(s) || float64(s.Box[1]) > 0.5*float64(l.H) {
			end = i
			break
		}
	}
	h.form = !hasLeft && !l.textOnly
	left := func(s Segment) bool { return hasLeft && s.cx() < colX && float64(s.Box[0]) < 0.4*W }

	// Number: the first "Số:" line of the header, in either column or
	// under the title (a permit's, a certificate's), in the top part of
	// the page; else a certificate's register number ("Số vào sổ …"),
	// which is less sure.
	numIdx := -1
	for pass, label := range []func(Segment) (string, bool){numberLabel, misreadNumberLabel, registerLabel} {
		for i := 0; i < end && numIdx < 0; i++ {
			if !l.textOnly && float64(segs[i].Box[1]) > 0.4*float64(l.H) {
				break
			}
			rest, ok := label(segs[i])
			if !ok {
				continue
			}
			src := []Segment{segs[i]}
			if rest == "" && i+1 < end && segs[i+1].Row == segs[i].Row {
				rest, src = segs[i+1].Text, append(src, segs[i+1])
			}
			num, valid := ParseNumber(rest)
			if num == "" || !strings.ContainsAny(num, "0123456789") || pass == 1 && !valid {
				continue
			}
			h.number, h.numberConf = num, numberWordConf(src, num)
			if !valid {
				h.numberConf = min(h.numberConf, 0.7) // no symbol, or not Decree 30's form
			}
			if pass > 0 {
				h.numberConf = min(h.numberConf, 0.7)
				h.numberFallback = true
			}
			numIdx = i
		}
	}

	// Issuer: the capitalised lines of the left column above the number
	// (or above the first line that is not one).
	var issuer []Segment
	vv := -1
	for i := 0; i < end; i++ {
		s := segs[i]
		if !left(s) || junk(s) {
			continue
		}
		if strings.HasPrefix(s.Fold, "v/v") || strings.HasPrefix(s.Fold, "v/") {
			vv = i
			break
		}
		if i == numIdx || (numIdx >= 0 && s.Row >= segs[numIdx].Row) {
			break
		}
		if !isUpperLine(s.Text) || strings.ContainsAny(s.Text, "/:") {
			break // a body's name holds no "/" nor ":": a number line misread
		}
		issuer = append(issuer, s)
	}
	if l.textOnly {
		// No columns: the capitalised lines before the number, less the
		// national title and motto.
		issuer = nil
		for i, s := range segs[:end] {
			if i == numIdx || i == vv || !isUpperLine(s.Text) && !isMotto(s) {
				break
			}
			if !isNationalTitle(s) && !isMotto(s) {
				issuer = append(issuer, s)
			}
		}
	}
	if len(issuer) > 0 {
		var words []store.Word
		for _, s := range issuer {
			words = append(words, issuerLine(s.Words)...)
		}
		var known []bool
		words, known = spellBodies(words)
		var parts []string
		h.issuerConf = 1.0
		for i, w := range words {
			parts = append(parts, w.Text)
			c := bodyWordConf(w.Text, w.Conf)
			if known[i] && w.Conf >= 0.4 {
				c = max(c, knownWordConf)
			}
			h.issuerConf = min(h.issuerConf, c)
		}
		h.issuer = strings.Join(parts, " ")
		if elsewhere := otherText(segs, issuer); misspeltElsewhere(words, known, elsewhere) {
			// The page names the body again, its place spelt otherwise:
			// one of the two was misread.
			h.issuerConf = min(h.issuerConf, 0.6)
		}
		if !bodyLike(h.issuer) {
			h.issuerConf = min(h.issuerConf, 0.7) // a line in capitals that names no body
		}
	}
	if vv < 0 {
		for i := 0; i < end; i++ {
			if left(segs[i]) && strings.HasPrefix(segs[i].Fold, "v/v") {
				vv = i
				break
			}
		}
	}

	// Title: the first centred line in capitals under the header rows.
	title := -1
	for i, s := range segs {
		if float64(s.Box[1]) > 0.55*float64(l.H) || bodyLine(s) {
			break
		}
		if i <= motto || isNationalTitle(s) || isMotto(s) || junk(s) || left(s) && (i < numIdx || numIdx < 0 && i < end && isUpperLine(s.Text) && s.Row <= lastRow(issuer)) {
			continue
		}
		if _, ok := numberLabel(s); ok {
			continue
		}
		if _, _, ok := ParseDateLine(s.Text); ok {
			continue
		}
		if !isUpperLine(s.Text) || letters(s.Text) < 4 || strings.HasPrefix(s.Text, "(") {
			if labelLine(s.Text) || left(s) {
				continue
			}
			if vv >= 0 {
				break
			}
			continue
		}
		if c := s.cx(); c < 0.3*W || c > 0.7*W {
			continue
		}
		title = i
		break
	}
	if title >= 0 {
		t := []Segment{segs[title]}
		k, class := classify(segs[title].Text)
		// A long title wraps onto a second centred line in capitals; a
		// kind's title ("QUYẾT ĐỊNH") is the kind alone.
		if j := title + 1; class != exactKind && j < len(segs) && titleGoesOn(l, segs[title], segs[j]) {
			t = append(t, segs[j])
			k, class = classify(joinSegs(t))
		}
		h.docType, h.docTypeConf = k, titleConf(t, class)
		if class == unknownKind {
			h.docTypeConf = min(h.docTypeConf, 0.7) // a title of no kind motcua knows
		}
		if st := SymbolType(h.number); st != "" && st != k {
			h.docTypeConf *= 0.7
		}
		h.summary, h.summaryConf = summaryAfter(l, title+len(t)-1, joinSegs(t), meanConf(t))
	} else if st := SymbolType(h.number); st != "" {
		h.docType, h.docTypeConf = st, h.numberConf*0.8
	} else if vv >= 0 || h.number != "" && strings.Contains(h.number, "/") {
		h.docType, h.docTypeConf = "Công văn", 0.9*max(h.numberConf, segs[max(vv, 0)].Conf)
		if vv < 0 {
			h.docTypeConf *= 0.8
		}
	}
	if vv >= 0 {
		h.summary, h.summaryConf = vvSummary(l, vv, left)
	}
	if !h.numberFallback {
		h.numberConf = vouched(h.number, h.numberConf, h.docType, h.issuer)
	}
	return h
}

// vouched raises a number's confidence where the rest of the header
// vouches for it: OCR is least sure of a word like "1234/QĐ-UBND" that no
// dictionary holds, yet when its symbol names the title's kind, or its
// agency's initials are the issuer's, those letters were read right.
func vouched(number string, conf float64, docType, issuer string) float64 {
	if _, valid := ParseNumber(number); !valid || conf < vouchFloor {
		return conf
	}
	if st := SymbolType(number); st != "" && st == docType || agencyOf(number, issuer) {
		return max(conf, vouchedConf)
	}
	return conf
}

// vouchedConf is the confidence of a number its header vouches for;
// vouchFloor the least OCR confidence it may have had: a fax's misread
// digits ("2198/STP-HCTP" for 2199) are read at 0.5–0.55, a clean scan's
// "1234/QĐ-UBND" at 0.6–0.9.
const (
	vouchedConf = 0.85
	vouchFloor  = 0.6
)

// agencyOf says whether a part of the number's symbol is the initials of
// words of the issuer ("STNMT" in 3758/STNMT-ĐĐ: Sở Tài nguyên và Môi
// trường; "UBND" is its own initials).
func agencyOf(number, issuer string) bool {
	parts := strings.Split(number, "/")
	sym := vi.Fold(parts[len(parts)-1])
	var initials strings.Builder
	for _, w := range strings.Fields(vi.Fold(issuer)) {
		switch {
		case w == "va" || w == "-":
		case slices.Contains([]string{"ubnd", "hdnd", "ttg", "cp"}, w):
			initials.WriteString(w)
		default:
			initials.WriteString(w[:1])
		}
	}
	for i, p := range strings.Split(sym, "-") {
		if i == 0 && SymbolType(number) != "" {
			continue // the kind's letters, checked against the title
		}
		if len(p) >= 3 && strings.Contains(initials.String(), p) {
			return true
		}
	}
	return false
}

// sentenceEnd: a body sentence or list item ends so; a trích yếu does
// not.
func sentenceEnd(s string) bool {
	return strings.HasSuffix(s, ":") || strings.HasSuffix(s, ";") || strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..")
}

func lastRow(segs []Segment) int {
	if len(segs) == 0 {
		return -1
	}
	return segs[len(segs)-1].Row
}

// titleConf is the confidence of the type a title names: its least sure
// word, but the words of a kind or family it starts with, which are
// spelt as the kind is whatever OCR read ("GIẦY XÁC NHẬN …"), count as
// known unless OCR all but rejected them; an exact kind's type is those
// words alone.
func titleConf(t []Segment, class kindClass) float64 {
	var words []store.Word
	for _, s := range t {
		words = append(words, s.Words...)
	}
	n := 0
	if class != unknownKind {
		n = len(strings.Fields(kindPrefix(joinSegs(t))))
	}
	c := 1.0
	for i, w := range words {
		switch {
		case i < n && w.Conf >= 0.4:
			c = min(c, max(w.Conf, knownWordConf))
		case i < n || class != exactKind:
			c = min(c, w.Conf)
		}
	}
	return c
}

// titleGoesOn says whether next is the second line of title: centred,
// in capitals, close under it, and not the number, the date or a
// parenthesised subtitle printed under a title.
func titleGoesOn(l *Layout, title, next Segment) bool {
	if !isUpperLine(next.Text) || strings.HasPrefix(next.Text, "(") || !centred(next, float64(l.W)) ||
		gapBelow(title, next) >= 1.2*l.lineH || isNationalTitle(next) || isMotto(next) {
		return false
	}
	if _, ok := numberLabel(next); ok {
		return false
	}
	if _, ok := registerLabel(next); ok {
		return false
	}
	_, _, date := ParseDateLine(next.Text)
	return !date && !strings.ContainsAny(next.Text, ":/")
}

func centred(s Segment, W float64) bool { c := s.cx(); return c > 0.3*W && c < 0.7*W }

func gapBelow(a, b Segment) float64 { return float64(b.Box[1] - a.Box[3]) }

// misreadNumberLabel matches "Số:" with its second letter misread
// ("Sđ::", "Sé:"); what follows must then be a number of Decree 30's
// form, which the caller checks.
func misreadNumberLabel(s Segment) (rest string, ok bool) {
	t := []rune(s.Text)
	if len(t) < 4 || t[0] != 'S' || !unicode.IsLetter(t[1]) && !unicode.IsDigit(t[1]) {
		return "", false
	}
	i := 2
	for i < len(t) && t[i] == ' ' {
		i++
	}
	if i >= len(t) || t[i] != ':' && t[i] != ';' {
		return "", false
	}
	return strings.TrimLeft(string(t[i:]), ":; "), true
}

// issuerLine cleans a line of the issuer of the specks OCR read as
// punctuation: a body's name holds no full stop or comma but in "TP.",
// and a dash only between words ("TÀI CHÍNH - KẾ HOẠCH").
func issuerLine(line []store.Word) []store.Word {
	var out []store.Word
	for i, w := range line {
		dash := w.Text == "-" || w.Text == "–"
		if w.Text != "TP." && !dash {
			w.Text = strings.Trim(w.Text, ".,;:'`-–")
		}
		if w.Text == "" || dash && (i == 0 || i == len(line)-1) || letters(w.Text) == 0 && !dash && !strings.ContainsAny(w.Text, "0123456789") {
			continue
		}
		out = append(out, w)
	}
	return out
}

// registerLabel matches a certificate's register number, "Số vào sổ
// cấp GCN: CS 01234", and returns what follows its colon.
func registerLabel(s Segment) (rest string, ok bool) {
	if !strings.HasPrefix(s.Fold, "so vao so") {
		return "", false
	}
	_, rest, ok = strings.Cut(s.Text, ":")
	return strings.TrimSpace(rest), ok
}

// numberWordConf is the confidence of the words holding the number.
func numberWordConf(src []Segment, num string) float64 {
	best := 0.0
	var all []float64
	for _, s := range src {
		for _, w := range s.Words {
			all = append(all, w.Conf)
			if strings.Contains(w.Text, num) || strings.Contains(num, w.Text) && len(w.Text) > 2 {
				best = max(best, w.Conf)
			}
		}
	}
	if best > 0 {
		return best
	}
	if len(all) == 0 {
		return 0
	}
	m := 1.0
	for _, c := range all {
		m = min(m, c)
	}
	return m
}

// trimAbout removes a leading "Về việc", "V/v" or "Về".
func trimAbout(s string) string {
	f := vi.Fold(s)
	for _, p := range []string{"ve viec ", "v/v ", "v/v: ", "ve "} {
		if strings.HasPrefix(f, p) {
			return strings.TrimSpace(string([]rune(s)[len([]rune(p)):]))
		}
	}
	return s
}

// summaryAfter reads the trích yếu under the title: the lines that follow
// until the body, a line in capitals or a gap. A document without one is
// summarised by its title and a parenthesised subtitle.
func summaryAfter(l *Layout, title int, titleText string, titleConf float64) (string, float64) {
	segs := l.Segs
	var lines []Segment
	prev := segs[title]
	for i := title + 1; i < len(segs) && len(lines) < 4; i++ {
		s := segs[i]
		if junk(s) {
			continue
		}
		if len(lines) == 0 && strings.HasPrefix(s.Text, "(") && strings.HasSuffix(s.Text, ")") {
			return titleText + " " + s.Text, (titleConf + s.Conf) / 2
		}
		about := len(lines) == 0 && (strings.HasPrefix(s.Fold, "ve viec ") || strings.HasPrefix(s.Fold, "v/v "))
		if bodyLine(s) || labelLine(s.Text) || isUpperLine(s.Text) && !about || gapBelow(prev, s) > 1.8*l.lineH ||
			!l.centredOn(s, segs[title].cx()) || sentenceEnd(s.Text) || len(lines) > 0 && strings.Contains(s.Text, ":") {
			break
		}
		lines = append(lines, s)
		prev = s
	}
	if len(lines) == 0 {
		return titleText, titleConf
	}
	return trimAbout(joinSegs(lines)), meanConf(lines)
}

// vvSummary reads a công văn's "V/v …" lines in the header's left column.
func vvSummary(l *Layout, vv int, left func(Segment) bool) (string, float64) {
	lines := []Segment{l.Segs[vv]}
	prev := l.Segs[vv]
	for i := vv + 1; i < len(l.Segs) && len(lines) < 4; i++ {
		s := l.Segs[i]
		if !left(s) {
			continue
		}
		if junk(s) || bodyLine(s) || labelLine(s.Text) || gapBelow(prev, s) > 1.8*l.lineH {
			break
		}
		lines = append(lines, s)
		prev = s
	}
	return trimAbout(joinSegs(lines)), meanConf(lines)
}
