package extract

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// The parsers below each read one kind of value from a piece of text and
// say whether it is valid by the rules of its format. They are fuzzed.

// dateRe matches a place-and-date line on folded text: "Place, ngày d
// tháng m năm yyyy" or "Place, ngày dd/mm/yyyy" (also with "-" or "."),
// the place 1–6 words before the comma; the words as OCR misreads them
// ("ngàv", "nărn") are accepted.
var dateRe = regexp.MustCompile(`(?:^[^\p{L}\d]*|:\s*)([\p{L}][\p{L}.\- ]{0,40}?)\s*,\s*` + dateForm)

// dateForm is a date as documents write it, in folded text: "ngày 5
// tháng 3 năm 2024", "ngày 05/03/2024", "05-03-2024", "05.03.2024".
const dateForm = `(?:n[gq]a[yv]\s*[:;.,']?\s*)?(\d{1,2})\s*(?:t\s?h\s?an[gq]\s*[:;.,']?\s*|\s?[/.-]\s?)(\d{1,2})\s*(?:na(?:m|rn)\s*[:;.,']?\s*|\s?[/.-]\s?)(\d{4})\b`

// bareDateRe matches a date line without a place ("ngày 05 tháng 11 năm
// 2019", or a place left as dots): the place-and-date line of a form.
var bareDateRe = regexp.MustCompile(`^[.…_\s,]*` + dateForm)

// ParseDateLine reads a place-and-date line: "Hà Nội, ngày 05 tháng 11 năm
// 2019", "Làm tại: Nghi Phong, ngày …" or "Huế, 05/11/2019". It returns
// the place as printed and the date as YYYY-MM-DD; ok is false when the
// line is not one or the date does not exist.
func ParseDateLine(s string) (place, date string, ok bool) {
	runes, folded := foldDigits(s)
	m := dateRe.FindStringSubmatchIndex(folded)
	if m == nil {
		return "", "", false
	}
	// Map byte offsets in the folded string back to rune offsets.
	ri := func(b int) int { return len([]rune(folded[:b])) }
	place = strings.TrimSpace(string(runes[ri(m[2]):ri(m[3])]))
	date, ok = dateAt(folded, m[4:])
	if !ok || !placeLike(place) {
		return "", "", false
	}
	if after := folded[m[3]:m[4]]; strings.Contains(folded[m[0]:m[2]], ":") && !strings.Contains(after, "n") {
		return "", "", false // "Họ tên: Nguyễn Văn An, 12/03/1990": a field, not a place and date
	}
	return place, date, true
}

// ParseBareDate reads a date line that names no place: "ngày 05 tháng
// 11 năm 2019" (a form's, or one whose place is left blank).
func ParseBareDate(s string) (date string, ok bool) {
	_, folded := foldDigits(s)
	m := bareDateRe.FindStringSubmatchIndex(folded)
	if m == nil || !strings.HasPrefix(strings.TrimLeft(folded[m[0]:], ".…_ ,"), "n") {
		return "", false // bare digits are a number, not a date line
	}
	return dateAt(folded, m[2:])
}

// dateAt reads the day, month and year at the submatch offsets m.
func dateAt(folded string, m []int) (string, bool) {
	d, _ := strconv.Atoi(folded[m[0]:m[1]])
	mo, _ := strconv.Atoi(folded[m[2]:m[3]])
	y, _ := strconv.Atoi(folded[m[4]:m[5]])
	return vi.ValidDate(y, mo, d)
}

// foldDigits returns s (NFC, spaces collapsed) as runes and folded, one
// rune for one, with the letters OCR reads for digits inside a number
// ("2O19", "l5") put back as digits.
func foldDigits(s string) ([]rune, string) {
	s = norm.NFC.String(strings.Join(strings.Fields(s), " "))
	runes := []rune(s)
	folded := []rune(vi.Fold(s))
	if len(folded) != len(runes) {
		folded = runes // should not happen: folding keeps one rune per rune
	}
	for i := 0; i < len(folded); {
		j := i
		digits := 0
		for j < len(folded) && (unicode.IsDigit(folded[j]) || strings.ContainsRune("oli|", folded[j])) {
			if unicode.IsDigit(folded[j]) {
				digits++
			}
			j++
		}
		if j == i {
			i++
			continue
		}
		if digits > 0 && j-i >= 2 && (i == 0 || !unicode.IsLetter(folded[i-1])) && (j == len(folded) || !unicode.IsLetter(folded[j])) {
			for k := i; k < j; k++ {
				switch folded[k] {
				case 'o':
					folded[k] = '0'
				case 'l', 'i', '|':
					folded[k] = '1'
				}
			}
		}
		i = j
	}
	return runes, string(folded)
}

// placeLike: every word of a place name starts with a capital letter.
func placeLike(p string) bool {
	ws := strings.Fields(p)
	if len(ws) == 0 || len(ws) > 6 {
		return false
	}
	for _, w := range ws {
		r := []rune(w)
		if w == "-" {
			continue
		}
		if !unicode.IsUpper(r[0]) && !unicode.IsDigit(r[0]) {
			return false
		}
	}
	return true
}

// numberRe is Decree 30's number and symbol: number[/year]/TYPE[-AGENCY…],
// e.g. 05/QĐ-UBND, 61/2018/NĐ-CP, 66.7/2025/NQ-CP, 3758/STNMT-ĐĐ.
var numberRe = regexp.MustCompile(`^\d{1,7}(?:\.\d{1,3})?(?:/\d{4})?/[\p{Lu}][\p{L}\d]*(?:-[\p{Lu}\d][\p{L}\d.]*)*$`)

// serialRe is the letters of a certificate's serial ("CS", "BĐ").
var serialRe = regexp.MustCompile(`^\p{Lu}{1,3}$`)

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

var sepSpaces = regexp.MustCompile(`\s*([/-])\s*`)

// ParseNumber cleans what follows "Số:" and says whether it has Decree
// 30's form. Spaces OCR put around "/" and "-" are removed.
func ParseNumber(s string) (string, bool) {
	s = norm.NFC.String(strings.TrimSpace(s))
	s = strings.NewReplacer("–", "-", "—", "-", "‐", "-").Replace(s)
	s = sepSpaces.ReplaceAllString(s, "$1")
	s = strings.TrimRight(s, ".,;:")
	if f := strings.Fields(s); len(f) > 1 && serialRe.MatchString(f[0]) && allDigits(f[1]) {
		s = f[0] + " " + f[1] // a certificate's serial: "CS 01234"
	} else if len(f) > 0 {
		s = f[0]
	}
	if s == "" {
		return "", false
	}
	return s, numberRe.MatchString(s)
}

// NumberYear is the year a number and symbol carries (61/2018/NĐ-CP →
// 2018), or "".
func NumberYear(number string) string {
	parts := strings.Split(number, "/")
	if len(parts) == 3 && len(parts[1]) == 4 && allDigits(parts[1]) {
		return parts[1]
	}
	return ""
}

var digitRun = regexp.MustCompile(`\d+`)

// PersonIDs finds valid 12-digit personal ID numbers in text, in order,
// without repeats.
func PersonIDs(text string) []string {
	var out []string
	for _, loc := range digitRun.FindAllStringIndex(text, -1) {
		s := text[loc[0]:loc[1]]
		if !vi.ValidPersonID(s) || adjacent(text, loc, ".,/-") {
			continue
		}
		out = appendNew(out, s)
	}
	return out
}

// adjacent says whether the match at loc touches a digit joined by one of
// seps (so that it is part of a larger number, code or date).
func adjacent(text string, loc []int, seps string) bool {
	if loc[0] >= 2 && strings.ContainsRune(seps, rune(text[loc[0]-1])) && isDigit(text[loc[0]-2]) {
		return true
	}
	if loc[1]+1 < len(text) && strings.ContainsRune(seps, rune(text[loc[1]])) && isDigit(text[loc[1]+1]) {
		return true
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// DossierCodes finds dossier codes whose date part is a real date.
func DossierCodes(text string) []string {
	var out []string
	for _, c := range vi.DossierCodeRe.FindAllString(text, -1) {
		if vi.IsDossierCode(c) {
			out = appendNew(out, c)
		}
	}
	return out
}

// procRe finds what may be a procedure code (mã TTHC) such as 1.001193;
// vi.ProcedureCode decides.
var procRe = regexp.MustCompile(`\d\.\d{6}`)

// ProcedureCodes finds procedure codes not embedded in longer numbers.
func ProcedureCodes(text string) []string {
	var out []string
	for _, loc := range procRe.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && (isDigit(text[loc[0]-1]) || text[loc[0]-1] == '.' || text[loc[0]-1] == ',') {
			continue
		}
		if loc[1] < len(text) && isDigit(text[loc[1]]) {
			continue
		}
		if loc[1]+1 < len(text) && (text[loc[1]] == '.' || text[loc[1]] == ',') && isDigit(text[loc[1]+1]) {
			continue
		}
		if c := text[loc[0]:loc[1]]; vi.ProcedureCode.MatchString(c) {
			out = appendNew(out, c)
		}
	}
	return out
}

// moneyRe is an amount written with dot thousands separators before
// "đồng" (or VNĐ), compared on folded text.
var moneyRe = regexp.MustCompile(`(^|[^\d.,])(\d{1,3}(?:\.\d{3})+|\d{1,3})\s*(?:dong\b|vnd\b)`)

// Money finds amounts in đồng as integers, in order, without repeats.
func Money(text string) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, m := range moneyRe.FindAllStringSubmatch(vi.Fold(text), -1) {
		v, ok := ParseMoney(m[2])
		if ok && v > 0 && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// ParseMoney reads "3.000.000" as 3000000.
func ParseMoney(s string) (int64, bool) {
	groups := strings.Split(s, ".")
	if len(groups) > 6 || len(groups[0]) == 0 || len(groups[0]) > 3 {
		return 0, false
	}
	var v int64
	for i, g := range groups {
		if i > 0 && len(g) != 3 {
			return 0, false
		}
		for _, c := range g {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
	}
	return v, true
}
