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

// dateRe matches "Place, ngày d tháng m năm yyyy" on folded text; the
// place is 1–6 words before the comma.
var dateRe = regexp.MustCompile(`(?:^|:\s*)([\p{L}][\p{L}.\- ]{0,40}?)\s*,\s*ngay\s+(\d{1,2})\s*thang\s+(\d{1,2})\s*nam\s+(\d{4})`)

// ParseDateLine reads a place-and-date line: "Hà Nội, ngày 05 tháng 11 năm
// 2019" or "Làm tại: Nghi Phong, ngày …". It returns the place as printed
// and the date as YYYY-MM-DD; ok is false when the line is not one or the
// date does not exist.
func ParseDateLine(s string) (place, date string, ok bool) {
	s = norm.NFC.String(strings.Join(strings.Fields(s), " "))
	runes := []rune(s)
	folded := []rune(vi.Fold(s))
	if len(folded) != len(runes) {
		return "", "", false // should not happen: folding keeps one rune per rune
	}
	m := dateRe.FindStringSubmatchIndex(string(folded))
	if m == nil {
		return "", "", false
	}
	// Map byte offsets in the folded string back to rune offsets.
	fs := string(folded)
	ri := func(b int) int { return len([]rune(fs[:b])) }
	place = strings.TrimSpace(string(runes[ri(m[2]):ri(m[3])]))
	d, _ := strconv.Atoi(fs[m[4]:m[5]])
	mo, _ := strconv.Atoi(fs[m[6]:m[7]])
	y, _ := strconv.Atoi(fs[m[8]:m[9]])
	date, ok = vi.ValidDate(y, mo, d)
	if !ok || !placeLike(place) {
		return "", "", false
	}
	return place, date, true
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

var sepSpaces = regexp.MustCompile(`\s*([/-])\s*`)

// ParseNumber cleans what follows "Số:" and says whether it has Decree
// 30's form. Spaces OCR put around "/" and "-" are removed.
func ParseNumber(s string) (string, bool) {
	s = norm.NFC.String(strings.TrimSpace(s))
	s = strings.NewReplacer("–", "-", "—", "-", "‐", "-").Replace(s)
	s = sepSpaces.ReplaceAllString(s, "$1")
	s = strings.TrimRight(s, ".,;:")
	if f := strings.Fields(s); len(f) > 0 {
		s = f[0]
	}
	if s == "" {
		return "", false
	}
	return s, numberRe.MatchString(s)
}

// typeAbbrev maps Decree 30's type abbreviations to document types.
var typeAbbrev = map[string]string{
	"NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
	"TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
	"PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
	"HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền",
	"GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
	"PB": "Phiếu báo", "NĐ": "Nghị định", "TT": "Thông tư",
}

// SymbolType returns the document type a number's symbol names ("QĐ" in
// 12/QĐ-UBND → Quyết định), or "" when the symbol has no type (a công văn).
func SymbolType(number string) string {
	parts := strings.Split(number, "/")
	if len(parts) < 2 {
		return ""
	}
	sym := parts[len(parts)-1]
	t, _, _ := strings.Cut(sym, "-")
	return typeAbbrev[t]
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
