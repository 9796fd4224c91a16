// Package vi holds the rules of Vietnamese text and codes that several
// packages share: folding words, edit distance, and the patterns of
// personal ID numbers, procedure codes, dates and dossier codes.
package vi

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s, removes its diacritics (also from decomposed input)
// and maps đ to d: "Đăng ký" → "dang ky". Search indexes folded words, so
// a change here needs the index rebuilt.
func Fold(s string) string {
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
