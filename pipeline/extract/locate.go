package extract

import (
	"fmt"
	"strings"
	"unicode"

	"motcua/internal/vi"
	"motcua/store"
)

// Locate returns the indexes in p.Words of the words that spell one of
// values (a field's value as stored; each item of a list), in page order,
// or nil when none is on the page. Words are compared folded and without
// spaces or punctuation, so OCR's word breaks do not matter, and the first
// place a value is found wins. A date (YYYY-MM-DD) is looked for as
// documents write it: "ngày 15 tháng 3 năm 2023", "15/03/2023".
func Locate(p store.Page, values ...string) []int {
	var text strings.Builder
	var owner []int // the word each byte of text comes from
	for i, w := range p.Words {
		k := key(w.Text)
		text.WriteString(k)
		for range len(k) {
			owner = append(owner, i)
		}
	}
	s := text.String()
	var out []int
	seen := map[int]bool{}
	for _, v := range values {
		for _, form := range forms(v) {
			at := strings.Index(s, form)
			if len(form) < 2 || at < 0 {
				continue
			}
			for _, i := range owner[at : at+len(form)] {
				if !seen[i] {
					seen[i] = true
					out = append(out, i)
				}
			}
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	// In page order, whatever the order of values.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// key is s folded, letters and digits only.
func key(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, vi.Fold(s))
}

// forms are the keys a value may be written as on a page.
func forms(v string) []string {
	var y, m, d int
	if n, _ := fmt.Sscanf(v, "%4d-%2d-%2d", &y, &m, &d); n == 3 && len(v) == 10 {
		return []string{
			fmt.Sprintf("ngay%dthang%dnam%d", d, m, y), fmt.Sprintf("ngay%02dthang%02dnam%d", d, m, y),
			fmt.Sprintf("ngay%02dthang%dnam%d", d, m, y), fmt.Sprintf("ngay%dthang%02dnam%d", d, m, y),
			fmt.Sprintf("%02d%02d%d", d, m, y), fmt.Sprintf("%d%d%d", d, m, y),
		}
	}
	return []string{key(v)}
}
