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
	var buf [64]byte
	return string(AppendFold(buf[:0], s))
}

// AppendFold appends Fold(s) to dst. Precomposed letters, as in NFC text,
// are folded by a table that foldSlow itself made; anything else folds s
// through foldSlow.
func AppendFold[S ~string | ~[]byte](dst []byte, s S) []byte { return appendLatin(dst, s, true) }

// AppendLowerNFC appends s in NFC and lower case to dst: a table lookup per
// precomposed letter (which NFC leaves as they are), norm for the rest.
func AppendLowerNFC[S ~string | ~[]byte](dst []byte, s S) []byte { return appendLatin(dst, s, false) }

// appendLatin appends s folded (fold) or in NFC and lower case (not fold).
func appendLatin[S ~string | ~[]byte](dst []byte, s S, fold bool) []byte {
	n := len(dst)
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		l, w := latinAt(s, i)
		switch {
		case w == 0 && fold:
			return append(dst[:n], foldSlow(string(s))...)
		case w == 0:
			return append(dst[:n], strings.ToLower(norm.NFC.String(string(s)))...)
		case fold:
			dst = append(dst, l.fold...)
		default:
			dst = utf8.AppendRune(dst, l.lower)
		}
		i += w
	}
	return dst
}

// letter is what the rules here make of a precomposed Latin letter.
type letter struct {
	lower rune   // unicode.ToLower
	fold  string // foldSlow; "" where the table holds no letter
}

// latin holds the letters U+00C0–U+024F, then U+1E00–U+1EFF: the
// precomposed Latin letters Vietnamese is written with.
var latin = func() (t [0x250 - 0xC0 + 0x100]letter) {
	for i := range t {
		r := rune(0xC0 + i)
		if i >= 0x250-0xC0 {
			r = rune(0x1E00 + i - (0x250 - 0xC0))
		}
		if unicode.IsLetter(r) {
			t[i] = letter{unicode.ToLower(r), foldSlow(string(r))}
		}
	}
	return t
}()

// latinAt returns the letter whose UTF-8 starts at s[i], a byte ≥ 0x80,
// and its width; width 0 when the table holds no letter there.
func latinAt[S ~string | ~[]byte](s S, i int) (letter, int) {
	var l letter
	var w int
	switch c := s[i]; {
	case c >= 0xC3 && c <= 0xC9 && i+1 < len(s): // U+00C0–U+027F
		c1 := s[i+1]
		r := rune(c&0x1F)<<6 | rune(c1&0x3F)
		if c1&0xC0 != 0x80 || r >= 0x250 {
			return l, 0
		}
		l, w = latin[r-0xC0], 2
	case c == 0xE1 && i+2 < len(s): // U+1E00–U+1EFF
		c1, c2 := s[i+1], s[i+2]
		if c1 < 0xB8 || c1 > 0xBB || c2&0xC0 != 0x80 {
			return l, 0
		}
		l, w = latin[0x250-0xC0+(int(c1&0x03)<<6|int(c2&0x3F))], 3
	default:
		return l, 0
	}
	if l.fold == "" {
		return l, 0
	}
	return l, w
}

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
