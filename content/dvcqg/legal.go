package dvcqg

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/content"
)

// legalCode matches a legal document's number and symbol: 85/2019/TT-BTC,
// 60/2014/QH13, 66.7/2025/NQ-CP, 163/QĐ-BTP. The legislature's number after
// QH is two digits, so "QH1529/2023/QH15" reads as QH15 then 29/2023/QH15.
var legalCode = regexp.MustCompile(`\d{1,4}(?:\.\d+)?(?:/\d{4})?/(?:[A-ZĐ]*QH\d{2}|[A-ZĐ]+g?)(?:-(?:[A-ZĐ]*QH\d{2}|[A-ZĐ]+g?))*`)

// ParseLegalBasis parses the "Căn cứ pháp lý" table: rows of a name followed
// by the document's code, glued together.
func ParseLegalBasis(s string) []content.LegalDoc {
	s = strings.TrimSpace(content.Normalize(s))
	if i := strings.Index(s, legalHeader); i >= 0 {
		s = s[i+len(legalHeader):]
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []content.LegalDoc
	prev := 0
	for _, m := range legalCode.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		if start < prev {
			continue
		}
		// A capital glued after the symbol starts the next name: "TT-BTCNghị".
		for e := trimGluedWord(s, start, end); e != end; e = trimGluedWord(s, start, end) {
			end = e
		}
		// A number glued to the digits before it ("giai đoạn 2026 - 2030182/2025/NQ-HĐND")
		// loses the leading zeros it took from them; padded numbers ("05/") keep theirs.
		start = numberStart(s, start)
		code := s[start:end]
		if t := trimTitleWord(code); t != code {
			end = start + len(t)
			code = t
		}
		if !isTerminator(s, end) {
			continue
		}
		name := cleanName(s[prev:start])
		prev = end
		if name == "" && len(out) > 0 && out[len(out)-1].Code == "" {
			out[len(out)-1].Code = code
			continue
		}
		if name == "" {
			name = code
		}
		out = append(out, content.LegalDoc{Name: name, Code: code})
	}
	if tail := cleanName(s[prev:]); tail != "" {
		out = append(out, content.LegalDoc{Name: tail})
	}
	return out
}

// isTerminator reports whether a code ending at end closes a row: the string
// ends, or the next name starts right after it (glued, or after a space with
// a capital letter). A code followed by digits, punctuation or a lower-case
// word ("… ngày 15/11/2015") is part of the name.
func isTerminator(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	switch {
	case unicode.IsLetter(r):
		return true
	case r == ' ' || r == '\n':
		rest := strings.TrimLeft(s[end:], " \n")
		if rest == "" {
			return true
		}
		n, _ := utf8.DecodeRuneInString(rest)
		return unicode.IsUpper(n)
	}
	return false
}

func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "-+*•;, ")
	return strings.TrimSpace(s)
}

var resultCode = regexp.MustCompile(`Mã\s*:\s*(KQ\.[A-Z]\d{2}\.\d{6})?`)

// chromeMarkers start the portal's page furniture after the results.
var chromeMarkers = []string{"Chọn cơ quan thực hiện", "Tỉnh/ Thành phố", "Nộp hồ sơ"}

// ParseResults parses "Kết quả": result names each followed by "Mã: KQ…",
// then "Từ khóa …" and "Mô tả …", then page chrome that is dropped.
func ParseResults(s string) (results []content.Result, keywords []string) {
	s = strings.TrimSpace(content.Normalize(s))
	var kw string
	if i := strings.Index(s, "Từ khóa"); i >= 0 {
		kw = s[i+len("Từ khóa"):]
		s = s[:i]
		if j := strings.Index(kw, "Mô tả"); j >= 0 {
			kw = kw[:j]
		}
	}
	for _, m := range chromeMarkers {
		if i := strings.Index(s, m); i >= 0 {
			s = s[:i]
		}
		if i := strings.Index(kw, m); i >= 0 {
			kw = kw[:i]
		}
	}
	prev := 0
	for _, m := range resultCode.FindAllStringSubmatchIndex(s, -1) {
		name := cleanName(s[prev:m[0]])
		code := ""
		if m[2] >= 0 {
			code = s[m[2]:m[3]]
		}
		prev = m[1]
		if name == "" && code == "" {
			continue
		}
		results = append(results, content.Result{Name: name, Code: code})
	}
	if tail := cleanName(s[prev:]); tail != "" && !content.IsNoInfo(tail) {
		results = append(results, content.Result{Name: tail})
	}
	if kw = content.Normalize(kw); kw != "" {
		for _, k := range strings.FieldsFunc(kw, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			if k = strings.TrimSpace(k); k != "" {
				keywords = append(keywords, k)
			}
		}
	}
	return results, keywords
}

// syllableStart matches the start of a Vietnamese syllable in capitals at
// the end of a symbol: "LU" of "CPLUẬT", "NGH" of "CPNGHỊ".
var syllableStart = regexp.MustCompile(`(?:NGH|NG|GH|KH|NH|PH|TH|TR|CH|GI|QU|[BCDĐGHKLMNPQRSTVX])?[AEIOUY]?$`)

// onsets are the letters that may follow a capital consonant at the start of
// a Vietnamese word: "Nghị", "Thông", "Luật" but not "Pquy".
const onsetFollowers = "aăâeêioôơuưyhgr" + "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"

// trimGluedWord moves the end of a code match back when the next name,
// glued without a space, starts with letters the match took: "TT-BTCNghị"
// ends at "BTC", "NĐ-CPLUẬT" at "CP"; "TT-VPCPquy" keeps "VPCP".
func trimGluedWord(s string, start, end int) int {
	if end >= len(s) {
		return end
	}
	next, _ := utf8.DecodeRuneInString(s[end:])
	switch {
	case unicode.IsLower(next):
		last, size := utf8.DecodeLastRuneInString(s[start:end])
		if last == 'g' && end-size > start {
			// "TTgNghị" cannot happen (the regexp stops at N); "TTghi" is not a symbol.
			return end - size
		}
		if unicode.IsUpper(last) && strings.ContainsRune(onsetFollowers, next) {
			return end - size
		}
	case unicode.IsUpper(next) && next > unicode.MaxASCII:
		seg := s[start:end]
		dash := strings.LastIndexAny(seg, "-/")
		if loc := syllableStart.FindStringIndex(seg[dash+1:]); loc != nil && loc[0] > 0 {
			return start + dash + 1 + loc[0]
		}
	}
	return end
}

var yearPrefix = regexp.MustCompile(`^(?:19|20)\d\d`)

// numberStart finds where a code's number begins when it is glued to digits
// before it: "sửa đổi 202323/2023/QH15" is the year 2023 then 23/2023/QH15;
// "2030182/2025/NQ-HĐND" is 2030 then 182. Padded numbers ("05/") keep
// their zero; longer runs lose the zeros they took from the text before.
func numberStart(s string, start int) int {
	runStart := start
	for runStart > 0 && s[runStart-1] >= '0' && s[runStart-1] <= '9' {
		runStart--
	}
	runEnd := start
	for runEnd < len(s) && s[runEnd] >= '0' && s[runEnd] <= '9' {
		runEnd++
	}
	if run := s[runStart:runEnd]; len(run) > 4 && yearPrefix.MatchString(run) {
		start = runStart + 4
	}
	for runEnd-start > 2 && s[start] == '0' {
		start++
	}
	return start
}

// titleWords start legal documents' names written in capitals, which the
// portal glues to the previous code: "22/2023/TT-BCAQUY ĐỊNH …".
var titleWords = []string{"QUY", "QUYẾT", "LUẬT", "NGHỊ", "THÔNG", "SỬA", "HƯỚNG", "BAN", "VỀ", "BỘ", "PHÁP"}

func trimTitleWord(code string) string {
	seg := code[strings.LastIndexAny(code, "-/")+1:]
	for _, w := range titleWords {
		if len(seg) > len(w) && strings.HasSuffix(seg, w) {
			return code[:len(code)-len(w)]
		}
	}
	return code
}
