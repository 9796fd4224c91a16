package reuse

import (
	"regexp"
	"strings"
)

// The matcher: which record can stand for which required document. It
// serves the reuse lookup (a stored record for a paper the citizen would
// bring) and dossiers (a scanned paper assigned to the requirement it
// satisfies). Requirement names are real sentences with alternatives and
// conditions ("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì
// nộp văn bản của người làm chứng…"), so a record matches a requirement
// when its document's name, or the name of a document of the same family,
// occurs in the requirement and is not negated there. Where it occurs
// says how strongly: a paper named first is the requirement's main
// document; one named in a later alternative or a condition is weaker.

// Score says how well a record whose document type is docType and whose
// title is title (the summary; may repeat the type) can stand for the
// required document named req: 0 when it cannot, more when it is named
// earlier and more fully.
func Score(req, docType, title string) float64 {
	fr := foldClauses(req)
	best := 0.0
	for _, phrase := range phrases(docType, title) {
		if s := phraseScore(fr, phrase); s > best {
			best = s
		}
	}
	return best
}

// Matches reports whether a record of docType can stand for a required
// document named name.
func Matches(name, docType string) bool { return Score(name, docType, "") > 0 }

// phrases are the folded names a record is known by: the title read as a
// whole, the document type, and its family's other names.
func phrases(docType, title string) []string {
	t := strings.TrimSpace(fold(docType))
	if t == "" {
		return nil
	}
	out := kindOf(docType).names
	s := strings.TrimSpace(fold(title))
	switch {
	case s == "" || s == t:
	case strings.HasPrefix(s, t+" "):
		out = append([]string{s}, out...)
	default:
		out = append([]string{t + " " + s}, out...)
	}
	return out
}

// generic are the heads of document names too general to name a paper
// on their own ("Đơn", "Giấy chứng nhận", "Tờ khai đề nghị"): a phrase
// matches by what follows its head.
var generic = map[string]bool{"don": true, "don de nghi": true, "van ban": true, "giay": true, "giay to": true,
	"to khai": true, "to khai de nghi": true, "ban": true, "phieu": true, "bien ban": true, "giay chung nhan": true,
	"giay xac nhan": true, "giay de nghi": true, "mau": true}

// requested: a paper named right after these words is what the
// procedure issues or the form asks for ("Tờ khai cấp Giấy xác nhận tình
// trạng hôn nhân"), not a paper handed in.
var requested = regexp.MustCompile(` (cap|cap lai|de nghi|yeu cau|xin|dang ky) $`)

// act: a core that opens with a verb names an act ("đăng ký kết hôn"),
// which any form about it mentions; it needs its head ("Giấy đăng ký …").
var act = regexp.MustCompile(`^(cap|cap lai|de nghi|yeu cau|xin|dang ky) `)

// phraseScore scores the best free occurrence in the folded requirement
// fr of the phrase's core: what follows its generic head, all of it, or
// its first three quarters when it is long. Without its head the core
// must be three words or more ("khai sinh" alone is in "Tờ khai đăng ký
// khai sinh"). The head counts when it is there or opens the requirement.
// A match in a later clause, in a condition, or as the object of another
// paper's request ("Tờ khai cấp Giấy xác nhận …") weighs less.
func phraseScore(fr, phrase string) float64 {
	words := strings.Fields(phrase)
	head := 0
	for k := len(words); k > 0; k-- {
		if generic[strings.Join(words[:k], " ")] {
			head = k
			break
		}
	}
	// "về việc" opens what a title is about ("Giấy xác nhận về việc …",
	// "Quyết định về việc …"): it says nothing of the paper.
	start := head
	if len(words) > head+2 && words[head] == "ve" && words[head+1] == "viec" {
		start += 2
	}
	core := len(words) - start
	if core < 2 {
		return 0
	}
	headText := strings.Join(words[:head], " ")
	opens := head > 0 && strings.HasPrefix(strings.TrimLeft(fr, " ;"), headText+" ")
	least := core
	if core >= 5 {
		least = (3*core + 3) / 4
	}
	best := 0.0
	for n := core; n >= least; n-- {
		corePart := strings.Join(words[start:start+n], " ")
		for _, at := range occurrences(fr, corePart) {
			withHead := head > 0 && start == head && strings.HasSuffix(fr[:at+1], " "+headText+" ")
			if withHead {
				at -= len(headText) + 1
			}
			if head > 0 && !withHead && !opens && (n < 3 || act.MatchString(corePart)) {
				continue
			}
			before := fr[:at+1]
			if negated.MatchString(strings.TrimSpace(before) + " ") {
				continue
			}
			score := float64(n)
			if withHead || opens {
				score += float64(head)
			}
			score *= 1 - 0.1*float64(min(clauseAt(fr, at), 3))
			if conditional.MatchString(lastSentence(before)) {
				score *= 0.8
			}
			if !opens && requested.MatchString(before) {
				score *= 0.3
			}
			best = max(best, score)
		}
		if best > 0 {
			return best
		}
	}
	return 0
}

// occurrences are the indexes in fr of the occurrences of " p ".
func occurrences(fr, p string) []int {
	var out []int
	for from := 0; ; {
		i := strings.Index(fr[from:], " "+p+" ")
		if i < 0 {
			return out
		}
		out = append(out, from+i)
		from += i + 1
	}
}

// clauseAt counts the clause breaks (";", ".", a bracket, "hoặc",
// "trường hợp") before position at of the folded requirement.
func clauseAt(fr string, at int) int {
	return len(alternative.FindAllStringIndex(fr[:at+1], -1))
}

// foldClauses folds a requirement as fold does, clause by clause, and
// keeps the marks that end a clause (";", ".", "(", ":") as a word ";".
func foldClauses(s string) string {
	parts := clauseMark.Split(s, -1)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(fold(p))
	}
	return " " + strings.Join(parts, " ; ") + " "
}

var (
	clauseMark  = regexp.MustCompile(`[;:(]|\.(\s|$)`)
	alternative = regexp.MustCompile(` (;|hoac|truong hop|neu|thay the) `)
	conditional = regexp.MustCompile(`^ ?(truong hop|neu|doi voi|rieng) `)
)

// lastSentence is the folded text from the last clause opening in s.
func lastSentence(s string) string {
	if i := alternative.FindAllStringIndex(s, -1); len(i) > 0 {
		return s[i[len(i)-1][0]:]
	}
	return s
}

// MainClause is a requirement's first clause, where its main document is
// named ("Bản chính Giấy chứng sinh" of "Bản chính Giấy chứng sinh;
// trường hợp không có Giấy chứng sinh thì nộp…"): the text before the
// first clause mark or alternative, the breaks phraseScore weighs down.
func MainClause(req string) string {
	if loc := clauseMark.FindStringIndex(req); loc != nil {
		req = req[:loc[0]]
	}
	if loc := alternativeRaw.FindStringIndex(req); loc != nil && loc[0] > 0 {
		req = req[:loc[0]]
	}
	return strings.TrimSpace(req)
}

// alternativeRaw is alternative on unfolded text.
var alternativeRaw = regexp.MustCompile(`(?i)\s(hoặc|trường hợp|nếu|thay thế)\s`)
