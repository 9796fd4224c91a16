package search

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// The filters' terms may share their bytes with the field's text, which is
// also stored: they are never changed in place, only replaced.

// nfcLower is a token's term in NFC, lower case. Most terms are already
// NFC (text is normalised where it enters) and lower case: they are kept
// as they are, without the copies norm and strings make.
func nfcLower(term []byte) []byte {
	if !isASCII(term) && !norm.NFC.IsNormal(term) {
		term = norm.NFC.Bytes(term)
	}
	if isLower(term) {
		return term
	}
	return bytes.ToLower(term)
}

// isLower reports whether lowering b changes nothing.
func isLower(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if unicode.ToLower(r) != r {
			return false
		}
		i += n
	}
	return true
}

// fold is vi.Fold of a term: ASCII terms are only lowered.
func fold(term []byte) []byte {
	if isASCII(term) {
		if isLower(term) {
			return term
		}
		return bytes.ToLower(term)
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
