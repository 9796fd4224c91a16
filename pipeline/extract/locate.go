package extract

import (
	"fmt"
	"slices"
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
	reading := make([]int, len(p.Words))
	for i := range reading {
		reading[i] = i
	}
	orders := [][]int{reading, columnOrder(p)}
	var out []int
	seen := map[int]bool{}
	for _, v := range values {
		for _, words := range orders {
			found := find(p, words, forms(v))
			for _, i := range found {
				if !seen[i] {
					seen[i] = true
					out = append(out, i)
				}
			}
			if found != nil {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out) // in page order, whatever the order of values
	return out
}

// find looks for the first of forms in the words of p taken in the order
// given, and returns the indexes of the words it spans.
func find(p store.Page, order []int, forms []string) []int {
	var text strings.Builder
	var owner []int // the word each byte of text comes from
	for _, i := range order {
		k := key(p.Words[i].Text)
		text.WriteString(k)
		for range len(k) {
			owner = append(owner, i)
		}
	}
	s := text.String()
	for _, form := range forms {
		if at := strings.Index(s, form); len(form) >= 2 && at >= 0 {
			return slices.Compact(slices.Clone(owner[at : at+len(form)]))
		}
	}
	return nil
}

// columnOrder is the page's words column by column: a header's left
// block ("ỦY BAN NHÂN DÂN" / "XÃ ĐẠI TỰ") is one run of text here, while
// OCR's reading order interleaves it with the right block.
func columnOrder(p store.Page) []int {
	at := map[[4]int]int{}
	for i, w := range p.Words {
		if _, ok := at[w.Box]; !ok {
			at[w.Box] = i
		}
	}
	l := NewLayout(p)
	segs := slices.Clone(l.Segs)
	quarter := func(s Segment) int { return int(4 * s.cx() / float64(max(l.W, 1))) }
	slices.SortStableFunc(segs, func(a, b Segment) int {
		if qa, qb := quarter(a), quarter(b); qa != qb {
			return qa - qb
		}
		return a.Row - b.Row
	})
	var out []int
	for _, s := range segs {
		for _, w := range s.Words {
			if i, ok := at[w.Box]; ok {
				out = append(out, i)
			}
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
