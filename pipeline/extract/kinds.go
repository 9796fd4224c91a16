package extract

import (
	"strings"
	"unicode"

	"motcua/internal/vi"
)

// The kinds of document, in one place: the title of a document names its
// kind, its number's symbol abbreviates it.

// kinds are the administrative document kinds of Decree 30/2020/NĐ-CP
// (Điều 7) with the legal kinds a one-stop shop meets (Nghị định, Thông
// tư) and the citizen's papers whose type is the kind alone: a title
// that starts with one ("QUYẾT ĐỊNH", "ĐƠN ĐỀ NGHỊ CẤP …") is typed by
// it, and what follows is the summary.
var kinds = []string{
	"Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
	"Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
	"Công văn", "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu",
	"Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công",
	"Nghị định", "Thông tư", "Tờ khai", "Đơn", "Phiếu lý lịch tư pháp",
}

// families are kinds whose type is the whole title: certificates,
// extracts, permits, receipts and confirmations ("GIẤY CHỨNG NHẬN ĐĂNG
// KÝ HỘ KINH DOANH" is a "Giấy chứng nhận đăng ký hộ kinh doanh").
var families = []string{
	"Giấy chứng nhận", "Chứng chỉ", "Trích lục", "Bản trích lục", "Giấy phép", "Giấy tiếp nhận",
	"Biên nhận", "Giấy biên nhận", "Biên lai", "Phiếu tiếp nhận", "Phiếu hẹn", "Giấy xác nhận", "Giấy khai sinh",
	"Giấy chứng tử", "Giấy báo tử", "Phiếu xin lỗi", "Phiếu yêu cầu", "Phiếu đề nghị", "Giấy đề nghị",
	"Văn bằng", "Bằng tốt nghiệp",
}

// kindClass says how a title names its document's type.
type kindClass int

const (
	unknownKind kindClass = iota // the title is its own type, not one motcua knows
	exactKind                    // the title starts with a kind; the type is that kind
	familyKind                   // the title starts with a family; the type is the whole title
)

var (
	foldedKinds    = foldAll(kinds)
	foldedFamilies = foldAll(families)
)

func foldAll(list []string) []string {
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = vi.Fold(k)
	}
	return out
}

// classify returns the document type a title names and how.
func classify(title string) (string, kindClass) {
	title = strings.Join(strings.Fields(title), " ")
	ft := vi.Fold(title)
	starts := func(fk string) bool { return ft == fk || strings.HasPrefix(ft, fk+" ") }
	for i, fk := range foldedKinds {
		if starts(fk) {
			return kinds[i], exactKind
		}
	}
	for i, fk := range foldedFamilies {
		if starts(fk) {
			// The family's words as they are spelt, whatever marks OCR
			// put on them ("GIÃY PHÉP …"); the rest as printed.
			rest := []rune(title)[len([]rune(fk)):]
			return families[i] + strings.ToLower(string(rest)), familyKind
		}
	}
	return sentenceCase(title), unknownKind
}

// kindPrefix is the kind or family a title starts with, or "".
func kindPrefix(title string) string {
	ft := vi.Fold(strings.Join(strings.Fields(title), " "))
	for _, list := range [][]string{kinds, families} {
		for _, k := range list {
			if fk := vi.Fold(k); ft == fk || strings.HasPrefix(ft, fk+" ") {
				return k
			}
		}
	}
	return ""
}

// kindOf returns the document type a title names, and whether the title
// was a known kind or family (rather than a type of its own).
func kindOf(title string) (string, bool) {
	k, c := classify(title)
	return k, c != unknownKind
}

// sentenceCase: "TRÍCH LỤC KHAI SINH" → "Trích lục khai sinh".
func sentenceCase(s string) string {
	r := []rune(strings.ToLower(s))
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
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
