package search

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	unitokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// tokenizerWords splits text into words as bleve's unicode tokenizer does
// (Unicode word boundaries, UAX #29) for the scripts Vietnamese papers are
// written in, several times faster: a million records' texts pass
// through it. Text in any other script goes to bleve's tokenizer.
const tokenizerWords = "vi_words"

func init() {
	registry.RegisterTokenizer(tokenizerWords, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{}, nil
	})
}

type wordTokenizer struct{}

// Word-boundary classes of the runes that matter to Latin-script words.
const (
	wbOther     = iota
	wbLetter    // ALetter, with the marks (Extend) that follow a letter
	wbNumeric   // decimal digits
	wbMidLetter // joins letters: "a:b"
	wbMidNum    // joins digits: "1,5"
	wbMidNumLet // joins either: "1.5", "TP.HCM", "don't"
	wbExtendNum // "_": joins letters and digits
	wbExtend    // combining marks: part of the rune before them
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = wbLetter, wbLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = wbNumeric
	}
	t[':'] = wbMidLetter
	t[','], t[';'] = wbMidNum, wbMidNum
	t['.'], t['\''] = wbMidNumLet, wbMidNumLet
	t['_'] = wbExtendNum
	return t
}()

// supported reports whether r is of a script this tokenizer handles like
// bleve's: Latin letters and digits (with Vietnamese diacritics), combining
// marks, and punctuation, spaces and symbols that break words.
func supported(r rune) bool {
	switch {
	case r < 0x250: // Basic Latin to Latin Extended-B
		return r != 0xAD // soft hyphen is a Format character
	case r >= 0x300 && r < 0x370: // combining diacritical marks
		return true
	case r >= 0x1E00 && r < 0x1F00: // Latin Extended Additional (ạ, ề, ữ…)
		return true
	case r >= 0x2000 && r < 0x2070: // general punctuation
		return r != 0x2018 && r != 0x2019 && r != 0x2024 && r != 0x2027 && r != 0x2044 &&
			r != 0x200B && r != 0x200C && r != 0x200D && r != 0x2060 && !(r >= 0x200E && r <= 0x200F) &&
			!(r >= 0x202A && r <= 0x202F) && !(r >= 0x203F && r <= 0x2040) && r != 0x2054 && !(r >= 0x2061 && r <= 0x206F)
	case r == 0x2018 || r == 0x2019: // quotation marks joining as apostrophes
		return true
	}
	return false
}

func classOf(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	switch {
	case r == 0x2018 || r == 0x2019:
		return wbMidNumLet
	case r == 0xB7:
		return wbMidLetter
	case unicode.IsLetter(r):
		return wbLetter
	case unicode.Is(unicode.M, r):
		return wbExtend
	case unicode.IsDigit(r):
		return wbNumeric
	}
	return wbOther
}

// wbUnsupported is the class of the runes of other scripts.
const wbUnsupported = 0xFF

// classes is the class of each rune below U+2070, wbUnsupported for those
// not supported; every rune from U+2070 on is unsupported.
var classes = func() (t [0x2070]uint8) {
	for r := range t {
		t[r] = classOf(rune(r))
		if !supported(rune(r)) {
			t[r] = wbUnsupported
		}
	}
	return t
}()

func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	// About one word a space; a few more where punctuation splits words.
	n := bytes.Count(input, []byte{' '}) + bytes.Count(input, []byte{'\n'}) + 1
	n += n / 8
	rv := make(analysis.TokenStream, 0, n)
	toks := make([]analysis.Token, 0, n)
	pos := 1
	other := false // a rune of another script was read
	// class returns the class of the rune at i and its width.
	class := func(i int) (uint8, int) {
		if c := input[i]; c < utf8.RuneSelf {
			return classes[c], 1
		}
		r, n := utf8.DecodeRune(input[i:])
		if r < rune(len(classes)) && classes[r] != wbUnsupported {
			return classes[r], n
		}
		other = true
		return wbOther, n
	}
	for i := 0; i < len(input); {
		c, n := class(i)
		if c != wbLetter && c != wbNumeric && c != wbExtendNum {
			i += n
			continue
		}
		start, numeric := i, c == wbNumeric
		last := c // class of the last rune in the word
		i += n
		for i < len(input) {
			c, n := class(i)
			switch c {
			case wbLetter, wbNumeric:
				last = c
				i += n
				continue
			case wbExtendNum:
				last = c
				i += n
				continue
			case wbExtend:
				i += n
				continue
			case wbMidLetter, wbMidNum, wbMidNumLet:
				// Joins when the runes either side are both letters
				// (MidLetter, MidNumLet) or both digits (MidNum,
				// MidNumLet).
				if j := i + n; j < len(input) {
					next, m := class(j)
					for next == wbExtend && j+m < len(input) { // marks after the joiner
						j += m
						next, m = class(j)
					}
					if next == last && (next == wbLetter && c != wbMidNum || next == wbNumeric && c != wbMidLetter) {
						i += n
						continue
					}
				}
			}
			break
		}
		typ := analysis.AlphaNumeric
		if numeric && isDigits(input[start:i]) {
			typ = analysis.Numeric
		}
		toks = append(toks, analysis.Token{Term: input[start:i], Start: start, End: i, Position: pos, Type: typ})
		pos++
	}
	if other {
		return unitokenizer.NewUnicodeTokenizer().Tokenize(input)
	}
	for k := range toks {
		rv = append(rv, &toks[k])
	}
	return rv
}

// isDigits reports whether a word is a number as UAX #29 types it: digits
// and the punctuation between them.
func isDigits(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || asciiClass[c] == wbLetter || c == '_' {
			return false
		}
	}
	return true
}
