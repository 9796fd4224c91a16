package extract

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"motcua/internal/vi"
)

// rankSpace finds a signing prefix (TM., KT., TL., TUQ., Q.) glued to the
// next word.
var rankSpace = regexp.MustCompile(`\b(TM\.|KT\.|TL\.|TUQ\.|Q\.)(\pL)`)

type signerFields struct {
	name, title         string
	nameConf, titleConf float64
}

// ranks printed before a signer's name, to be removed.
var ranks = []string{"Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá",
	"Thiếu tá", "Đại úy", "Thượng úy", "Trung úy", "Thiếu úy", "Ông", "Bà"}

func stripRank(s string) string {
	f := vi.Fold(s)
	for _, r := range ranks {
		if fr := vi.Fold(r) + " "; strings.HasPrefix(f, fr) {
			return strings.TrimSpace(string([]rune(s)[len([]rune(fr)):]))
		}
	}
	return s
}

// nameLike: 2–6 words in title case, letters only (a person's name).
// One word of three or more may have lost its capital to OCR; sure says
// whether none did.
func nameLike(s string) (ok, sure bool) {
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 6 || letters(s) < 5 {
		return false, false
	}
	lower := 0
	for i, w := range ws {
		for j, r := range []rune(w) {
			if !unicode.IsLetter(r) || j > 0 && unicode.IsUpper(r) {
				return false, false
			}
			if j == 0 && !unicode.IsUpper(r) {
				if i == 0 {
					return false, false
				}
				lower++
			}
		}
	}
	if lower > 1 || lower == 1 && len(ws) < 3 {
		return false, false
	}
	return true, lower == 0
}

func isName(s string) bool { ok, _ := nameLike(stripRank(s)); return ok }

// signer reads the signature block at the bottom of the last page: the
// lowest name-like line (the rightmost where two people sign, the issuing
// side), and the signer's role: the line printed under the name, or else
// the lines above it in the same column.
func signer(l *Layout) signerFields {
	var sf signerFields
	segs := l.Segs
	W := float64(l.W)
	ni := -1
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if junk(s) || !isName(s.Text) {
			continue
		}
		// The rightmost name of this row.
		ni = i
		for j := i + 1; j < len(segs) && segs[j].Row == s.Row; j++ {
			if isName(segs[j].Text) && !junk(segs[j]) {
				ni = j
			}
		}
		break
	}
	if ni < 0 {
		return sf
	}
	name := segs[ni]
	sf.name, sf.nameConf = stripRank(name.Text), name.Conf
	if _, sure := nameLike(sf.name); !sure {
		sf.nameConf /= 2
	}
	inCol := func(s Segment) bool {
		return l.textOnly || math.Abs(s.cx()-name.cx()) < 0.15*W && float64(s.Box[2]-s.Box[0]) < 0.6*W
	}
	// A role printed under the name.
	for j := ni + 1; j < len(segs); j++ {
		s := segs[j]
		if s.Row == name.Row || junk(s) || !inCol(s) {
			continue
		}
		if gapBelow(name, s) < 2*l.lineH && roleLike(s.Text) {
			sf.title, sf.titleConf = s.Text, s.Conf
			return sf
		}
		break
	}
	// Else the lines above it in its column.
	var role []Segment
	prev := name
	for j := ni - 1; j >= 0; j-- {
		s := segs[j]
		if s.Row == name.Row || junk(s) || !inCol(s) {
			if s.Row != name.Row && !junk(s) && len(role) > 0 && float64(s.Box[2]-s.Box[0]) >= 0.6*W {
				break
			}
			continue
		}
		if strings.HasPrefix(s.Text, "(") {
			if len(role) > 0 {
				break
			}
			prev = s
			continue
		}
		limit := 2.5 * l.lineH
		if len(role) == 0 {
			limit = 14 * l.lineH // the signature's space
		}
		if gapBelow(s, prev) > limit || !roleLike(s.Text) {
			break
		}
		role = append(role, s)
		prev = s
		if len(role) == 5 {
			break
		}
	}
	for i, j := 0, len(role)-1; i < j; i, j = i+1, j-1 {
		role[i], role[j] = role[j], role[i]
	}
	if len(role) > 0 {
		var parts []string
		for _, s := range role {
			parts = append(parts, signingPrefix(capsFix(s.Text)))
		}
		sf.title, sf.titleConf = rankSpace.ReplaceAllString(strings.Join(parts, " "), "$1 $2"), meanConf(role)
	}
	return sf
}

// roleLike: a short line starting with a capital, not a date, a field
// or a sentence.
func roleLike(s string) bool {
	r := []rune(s)
	if len(r) == 0 || !unicode.IsUpper(r[0]) || len(strings.Fields(s)) > 10 {
		return false
	}
	if _, _, ok := ParseDateLine(s); ok {
		return false
	}
	if strings.Contains(s, ":") || strings.HasSuffix(s, ";") || strings.HasSuffix(s, ",") {
		return false
	}
	return letters(s) >= 3
}

// prefixes are Decree 30's signing prefixes: on behalf of a collective
// (TM.), deputy (KT.), by order (TL.), by authorisation (TUQ.), acting (Q.).
var prefixes = []string{"TM.", "KT.", "TL.", "TUQ.", "Q."}

// signingPrefix repairs a role line's first word when OCR lost a signing
// prefix's full stop or misread one of its letters ("KĨ." for "KT."): a
// short capitalised first word one letter away from a single prefix.
func signingPrefix(line string) string {
	first, rest, _ := strings.Cut(line, " ")
	if rest == "" || !isUpperLine(rest) {
		return line
	}
	w := strings.ToUpper(vi.Fold(first))
	if !strings.HasSuffix(w, ".") {
		w += "."
		if !slices.Contains(prefixes, w) {
			return line // without its full stop only an exact prefix counts
		}
	}
	if len([]rune(w)) > 4 {
		return line
	}
	rw := []rune(w)
	match, best := "", 0
	for _, p := range prefixes {
		if d := vi.EditDistance(rw, []rune(p)); d <= 1 && len(p) > 2 {
			if match != "" && d == best {
				return line // ambiguous
			}
			if match == "" || d < best {
				match, best = p, d
			}
		}
	}
	if match == "" {
		return line
	}
	return match + " " + rest
}

// capsFix puts a word of a line in capitals back in capitals when OCR
// read one of its letters small ("GiÁM").
func capsFix(line string) string {
	if !isUpperLine(line) {
		return line
	}
	words := strings.Fields(line)
	for i, w := range words {
		up, low := 0, 0
		for _, r := range w {
			switch {
			case unicode.IsUpper(r):
				up++
			case unicode.IsLower(r):
				low++
			}
		}
		if up >= 2 && low == 1 {
			words[i] = strings.ToUpper(w)
		}
	}
	return strings.Join(words, " ")
}
