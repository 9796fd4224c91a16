package dvcqg

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/content"
)

// The portal's tables arrive flattened: header cells and rows glued into one
// string. Each parser below recognises rows by what ends them (a count, a
// legal code, a result code) or starts them (a channel name followed by its
// time), so that it works on ministries it has not seen.

const (
	channelHeader  = "Hình thức nộpThời gianPhí, lệ phíMô tả"
	documentHeader = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
	legalHeader    = "Tên văn bản pháp lýMã văn bản"
	noInfo         = "Không có thông tin"
)

var channelIDs = map[string]string{
	"Trực tuyến":        content.Online,
	"Trực tiếp":         content.InPerson,
	"Dịch vụ bưu chính": content.Postal,
}

// channelRow finds the start of a channel row: the channel's name glued to
// its processing time (a number or "Không có thông tin").
var channelRow = regexp.MustCompile(`(?i)(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(Không có thông tin|\d[\d.,]*)`)

var timeUnit = regexp.MustCompile(`(?i)^\s*(ngày làm việc|ngày|giờ|phút|tuần|tháng|năm)`)

var unitIDs = map[string]string{
	"ngày làm việc": "ngay-lam-viec",
	"ngày":          "ngay",
	"giờ":           "gio",
	"phút":          "phut",
	"tuần":          "tuan",
	"tháng":         "thang",
	"năm":           "nam",
}

// feeAmount matches a fee cell that starts with an amount and its currency.
var feeAmount = regexp.MustCompile(`(?i)^\s*(\d[\d.,]*)?\s*(Việt Nam Đồng|VNĐ|VND|đồng|USD)`)

// moneyInText finds amounts written in running text, e.g. "20.000 đồng".
var moneyInText = regexp.MustCompile(`(?i)(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|vnđ|vnd|đ\b|Đ\b)`)

// ParseChannels parses the "Cách thức thực hiện" table.
func ParseChannels(s string) []content.Channel {
	s = strings.TrimSpace(strings.TrimPrefix(content.Normalize(s), channelHeader))
	locs := channelRow.FindAllStringSubmatchIndex(s, -1)
	var out []content.Channel
	for i, m := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		name := s[m[2]:m[3]]
		ch := content.Channel{Channel: channelIDs[canonicalChannel(name)]}
		timeRaw := s[m[4]:m[5]]
		rest := s[m[5]:end]
		if strings.EqualFold(timeRaw, noInfo) {
			// no time given
		} else if u := timeUnit.FindStringSubmatch(rest); u != nil {
			ch.TimeUnit = unitIDs[strings.ToLower(u[1])]
			ch.TimeText = strings.TrimSpace(timeRaw + " " + strings.ToLower(u[1]))
			ch.TimeValue = number(timeRaw)
			rest = rest[len(u[0]):]
		} else if f := feeAmount.FindStringSubmatch(rest); f != nil && f[1] == "" {
			// The time's digits and the fee's digits were glued together:
			// "1100 VNĐ" is 1 day and 100 (thousand) đồng.
			t, fee := splitGlued(timeRaw, rest, s)
			ch.TimeValue = number(t)
			ch.TimeText = t
			rest = fee + rest
		} else {
			ch.TimeValue = number(timeRaw)
			ch.TimeText = timeRaw
		}
		parseFee(&ch, rest)
		out = append(out, ch)
	}
	return out
}

func canonicalChannel(name string) string {
	for k := range channelIDs {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// splitGlued splits a run of digits that holds a time followed by a fee
// amount. It prefers the split whose fee (as is, or in thousands) appears as
// an amount in the record's text; otherwise the time takes one digit.
func splitGlued(digits, rest, all string) (timePart, feePart string) {
	amounts := map[int64]bool{}
	for _, m := range moneyInText.FindAllStringSubmatch(all, -1) {
		if v, ok := parseInt(m[1]); ok {
			amounts[v] = true
		}
	}
	for i := 1; i < len(digits); i++ {
		t, f := digits[:i], digits[i:]
		if f[0] == '0' && len(f) > 1 || f[0] == ',' || f[0] == '.' {
			continue
		}
		if v, ok := parseInt(f); ok && (amounts[v] || amounts[v*1000]) {
			return t, f
		}
	}
	return digits[:1], digits[1:]
}

// parseFee fills the fee from the text after the time: "Miễn phí", an amount
// with its currency, or nothing, each optionally followed by a parenthesised
// note; what remains is the row's description.
func parseFee(ch *content.Channel, rest string) {
	rest = strings.TrimSpace(rest)
	var summary string
	var amount *int64
	thousands := false
	switch {
	case hasPrefixFold(rest, "Miễn phí"):
		summary, rest = "Miễn phí", rest[len("Miễn phí"):]
		zero := int64(0)
		amount = &zero
	case hasPrefixFold(rest, noInfo):
		rest = rest[len(noInfo):]
	default:
		if f := feeAmount.FindStringSubmatchIndex(rest); f != nil && f[2] >= 0 {
			num, cur := rest[f[2]:f[3]], rest[f[4]:f[5]]
			summary, rest = strings.TrimSpace(rest[:f[1]]), rest[f[1]:]
			if !strings.EqualFold(cur, "USD") {
				if v, ok := parseInt(num); ok {
					amount = &v
					thousands = strings.EqualFold(cur, "VNĐ") && !strings.ContainsAny(num, ".,")
				}
			}
		}
	}
	note, rest := leadingParen(rest)
	if amount != nil && *amount == 0 && note != "" && !freeNote(note) {
		// "Miễn phí (Mức lệ phí do HĐND tỉnh quyết định…)": the fee is set
		// elsewhere, so there is no amount to show; the note says where.
		amount = nil
	}
	if amount != nil && thousands {
		switch {
		case regexp.MustCompile(`(?i)\b` + strconv.FormatInt(*amount, 10) + `\s*USD`).MatchString(note):
			// "145 VNĐ (… 145 USD/thẻ)": the cell's currency is wrong.
			amount = nil
		case *amount < 1000:
			// The portal's "VNĐ" cell counts in thousands when it has no
			// separators: "20 VNĐ (20.000 đồng/tờ khai)", "135 VNĐ (135.000 đồng/lần)".
			*amount *= 1000
		}
	}
	ch.FeeVND = amount
	ch.FeeText = strings.TrimSpace(joinNonEmpty(" ", summary, paren(note)))
	ch.Description = strings.TrimSpace(rest)
}

func freeNote(note string) bool {
	n := strings.ToLower(note)
	if strings.ContainsAny(n, "0123456789") {
		return false
	}
	for _, w := range []string{"mức", "hội đồng", "hđnd", "theo quy định"} {
		if strings.Contains(n, w) {
			return false
		}
	}
	return true
}

// leadingParen splits "(note)rest" into note and rest, honouring nested
// parentheses. Without a leading parenthesis it returns "", s.
func leadingParen(s string) (string, string) {
	if !strings.HasPrefix(s, "(") {
		return "", s
	}
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return strings.TrimSpace(s[1:i]), s[i+1:]
			}
		}
	}
	return strings.TrimSpace(s[1:]), ""
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// number parses a time value: "7", "0,5", "1.5".
func number(s string) *float64 {
	s = strings.TrimRight(s, ".,")
	s = strings.ReplaceAll(s, ",", ".")
	if strings.Count(s, ".") > 1 {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// parseInt parses an amount with "." or "," thousands separators.
func parseInt(s string) (int64, bool) {
	s = strings.TrimRight(s, ".,")
	s = strings.NewReplacer(",", "", ".", "").Replace(s)
	if s == "" || len(s) > 15 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// countRe matches a document count cell: "1 bản chính", "0 bản chính,1 bản sao".
var countRe = regexp.MustCompile(`(?i)(\d+)\s*bản\s*(chính|sao|chụp)((?:\s*[,;]\s*\d+\s*bản\s*(?:chính|sao|chụp))*)`)
var countPart = regexp.MustCompile(`(?i)(\d+)\s*bản\s*(chính|sao|chụp)`)

// formRe matches an attached form's file name extension.
var formRe = regexp.MustCompile(`(?i)\.(docx?|xlsx?|pdf|rar|zip|odt|rtf)`)

// DocumentRow is a parsed checklist row; Counted says whether the source
// gave a count for it (even "0 bản chính").
type DocumentRow struct {
	content.Document
	Counted bool
}

// ParseDocuments parses the "Thành phần hồ sơ" table: groups, each a title
// followed by the header and rows ending in their counts.
func ParseDocuments(s string) []DocumentRow {
	s = strings.TrimSpace(content.Normalize(s))
	if s == "" {
		return nil
	}
	parts := strings.Split(s, documentHeader)
	var out []DocumentRow
	group := ""
	if len(parts) > 1 {
		group = groupTitle(parts[0])
		parts = parts[1:]
	}
	for pi, part := range parts {
		locs := countRe.FindAllStringSubmatchIndex(part, -1)
		prev := 0
		for _, m := range locs {
			start := countStart(part, m[2], m[3], prev)
			text := strings.TrimSpace(part[prev:start])
			prev = m[1]
			d := content.Document{Group: group}
			for _, c := range countPart.FindAllStringSubmatch(part[start:m[1]], -1) {
				n, _ := strconv.Atoi(c[1])
				if strings.EqualFold(c[2], "chính") {
					d.Originals += n
				} else {
					d.Copies += n
				}
			}
			d.Name, d.Form = splitForm(text)
			if d.Name == "" && d.Form == "" {
				continue
			}
			if d.Name == "" {
				d.Name = d.Form
			}
			out = append(out, DocumentRow{d, true})
		}
		tail := strings.TrimSpace(part[prev:])
		if pi+1 < len(parts) {
			group = groupTitle(tail)
			continue
		}
		if tail != "" && !strings.EqualFold(tail, noInfo) {
			name, form := splitForm(tail)
			if name == "" {
				name = form
			}
			if name != "" {
				out = append(out, DocumentRow{content.Document{Group: group, Name: name, Form: form}, false})
			}
		}
	}
	return out
}

// countStart returns where a count's digits begin. A count glued to a form
// code ("mẫu BM.NCC.20.031 bản chính") keeps only its last digit.
func countStart(s string, numStart, numEnd, floor int) int {
	if numEnd-numStart < 2 || numStart == floor {
		return numStart
	}
	r, _ := utf8.DecodeLastRuneInString(s[:numStart])
	if unicode.IsSpace(r) || r == '(' || r == ':' {
		return numStart
	}
	return numEnd - 1
}

func groupTitle(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "*-+:•. ")
	return strings.TrimSpace(s)
}

// splitForm splits a row's text into the document's name and its attached
// forms (file names such as "Mẫu số 01.docx", glued to the name).
func splitForm(text string) (name, form string) {
	locs := formRe.FindAllStringIndex(text, -1)
	var valid [][]int
	for _, l := range locs {
		// An extension must end its word: ".doc" but not ".document".
		if r, _ := utf8.DecodeRuneInString(text[l[1]:]); l[1] < len(text) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		valid = append(valid, l)
	}
	if len(valid) == 0 {
		return cleanName(text), ""
	}
	end := valid[len(valid)-1][1]
	start := formStart(text[:valid[0][0]])
	var forms []string
	prev := start
	for _, l := range valid {
		forms = append(forms, strings.TrimSpace(text[prev:l[1]]))
		prev = l[1]
	}
	name = cleanName(text[:start] + " " + text[end:])
	return name, strings.Join(forms, "; ")
}

// formStart finds where a file name glued to the end of a name begins: the
// first place after the name's opening words where a lower-case letter or a
// closing mark is followed, without a space, by a capital letter or digit.
func formStart(s string) int {
	runes := []rune(s)
	offset := 0
	for i, r := range runes {
		if i > 0 && i >= 5 {
			p := runes[i-1]
			if (unicode.IsLower(p) || strings.ContainsRune(".;:)", p)) && (unicode.IsUpper(r) || unicode.IsDigit(r)) {
				if !(p == '.' && i >= 2 && unicode.IsDigit(runes[i-2])) { // "12.1" is not a boundary
					return offset
				}
			}
		}
		offset += utf8.RuneLen(r)
	}
	// No glue point: the name and the form cannot be told apart.
	return 0
}
