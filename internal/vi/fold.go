// Package vi holds the rules of Vietnamese text and codes that several
// packages share: folding words, edit distance, and the patterns of
// personal ID numbers, procedure codes, dates and dossier codes.
package vi

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s, removes its diacritics (also from decomposed input)
// and maps đ to d: "Đăng ký" → "dang ky". Search indexes folded words, so
// a change here needs the index rebuilt.
func Fold(s string) string {
	// Fast path: every letter precomposed, as in NFC text, folded by a
	// table made by foldSlow itself.
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if b.Cap() == 0 {
				b.Grow(len(s))
			}
			b.WriteByte(byte(r))
			continue
		}
		f, ok := folded[r]
		if !ok {
			return foldSlow(s)
		}
		if b.Cap() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(f)
	}
	return b.String()
}

// folded is foldSlow of each precomposed Latin letter.
var folded = func() map[rune]string {
	m := map[rune]string{}
	for _, rg := range [][2]rune{{0xC0, 0x24F}, {0x1E00, 0x1EFF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if unicode.IsLetter(r) {
				m[r] = foldSlow(string(r))
			}
		}
	}
	return m
}()

// foldSlow is Fold for any text: decomposed, then stripped of its marks.
func foldSlow(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
