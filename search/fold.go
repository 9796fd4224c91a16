package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// nfcLower is a token's term in NFC, lower case. Most terms are ASCII or
// already NFC (text is normalised where it enters): they are lowered in
// place, without the copies norm and strings make.
func nfcLower(term []byte) []byte {
	if !isASCII(term) {
		if !norm.NFC.IsNormal(term) {
			term = norm.NFC.Bytes(term)
		}
		return lowerUTF8(term)
	}
	for i, c := range term {
		if 'A' <= c && c <= 'Z' {
			term[i] = c + 'a' - 'A'
		}
	}
	return term
}

// lowerUTF8 lowers term, in place when no letter changes its length.
func lowerUTF8(term []byte) []byte {
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		if l := unicode.ToLower(r); l != r {
			if utf8.RuneLen(l) != n {
				return []byte(strings.ToLower(string(term)))
			}
			utf8.EncodeRune(term[i:], l)
		}
		i += n
	}
	return term
}

// fold is vi.Fold of a term: ASCII terms are only lowered.
func fold(term []byte) []byte {
	if isASCII(term) {
		for i, c := range term {
			if 'A' <= c && c <= 'Z' {
				term[i] = c + 'a' - 'A'
			}
		}
		return term
	}
	return []byte(vi.Fold(string(term)))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
