package vi

import (
	"regexp"
	"strconv"
	"time"
)

// ISODate is the shape of a date typed as YYYY-MM-DD; ValidDate says
// whether the date exists.
var ISODate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ValidDate formats y-m-d when it is a real date between 1945 and 2100.
func ValidDate(y, m, d int) (string, bool) {
	if y < 1945 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// ProcedureCode matches a procedure code (mã TTHC) such as 1.001193. The
// domain notes give ^[123]\.\d{6}$, but the national data also holds 5.x
// and 6.x codes; an agency's own online service adds a two-digit suffix.
var ProcedureCode = regexp.MustCompile(`^[1-9]\.\d{6}(\.\d{2})?$`)

// A personal ID number (số định danh cá nhân) has 12 digits: a province
// code, a gender/century digit, the birth year's last two digits and six
// more.
var personID = regexp.MustCompile(`^\d{12}$`)

// IsPersonID reports whether s has the shape of a personal ID number:
// exactly 12 digits. It is the check for a number a person typed.
func IsPersonID(s string) bool { return personID.MatchString(s) }

// provinces are the first three digits of personal ID numbers.
var provinces = map[string]bool{}

func init() {
	for _, c := range []int{1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
		37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82,
		83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96} {
		provinces[strconv.Itoa(1000 + c)[1:]] = true
	}
}

// ValidPersonID checks a personal ID number in full: 12 digits, a known
// province code, and a birth year not in the future. It is the check for
// a number found in OCR text, where any run of 12 digits may turn up.
func ValidPersonID(s string) bool {
	if !IsPersonID(s) || !provinces[s[:3]] {
		return false
	}
	century := 1900 + 100*int((s[3]-'0')/2)
	year := century + int(s[4]-'0')*10 + int(s[5]-'0')
	return year <= time.Now().Year() && year >= 1900
}

// dossierCode is the national grammar of a dossier code (Thông tư
// 01/2018/TT-VPCP, Điều 19): V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, the
// receiving unit's code, the receipt date and the day's sequence number,
// e.g. 000.42.27.H09-240515-0087.
const dossierCode = `\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-(\d{6})-\d{4}`

var (
	// DossierCodeRe finds dossier codes in text; IsDossierCode checks
	// the date of each.
	DossierCodeRe = regexp.MustCompile(`\b` + dossierCode + `\b`)
	dossierFull   = regexp.MustCompile(`^` + dossierCode + `$`)
	// ResultCodeRe matches a result code: the dossier code, then -KQ and
	// the result's number within the dossier (Nghị định 45/2020, Điều 14).
	ResultCodeRe = regexp.MustCompile(`^(` + dossierCode + `)-KQ\d+$`)
)

// IsDossierCode reports whether s is a dossier code whose receipt date
// exists.
func IsDossierCode(s string) bool {
	m := dossierFull.FindStringSubmatch(s)
	return m != nil && validYYMMDD(m[1])
}

// IsResultCode reports whether s is a result code of a valid dossier code.
func IsResultCode(s string) bool {
	m := ResultCodeRe.FindStringSubmatch(s)
	return m != nil && IsDossierCode(m[1])
}

func validYYMMDD(d string) bool {
	y, _ := strconv.Atoi(d[:2])
	m, _ := strconv.Atoi(d[2:4])
	dd, _ := strconv.Atoi(d[4:])
	_, ok := ValidDate(2000+y, m, dd)
	return ok
}

// DossierDate is the receipt date a dossier code carries, YYYY-MM-DD, or
// "" when s is not a dossier code.
func DossierDate(s string) string {
	m := dossierFull.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	d, _ := ValidDate(2000+atoi(m[1][:2]), atoi(m[1][2:4]), atoi(m[1][4:]))
	return d
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
