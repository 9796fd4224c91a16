package syllable

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokens other than syllables in the pair counts.
const (
	Boundary = "#" // punctuation, the start or the end of a text
	Number   = "0" // a word that starts with a digit
	Other    = "?" // anything else: codes, abbreviations, foreign words
)

// Cut splits a whitespace-free word into the punctuation before it, its
// core (from its first to its last letter or digit) and the punctuation
// after it: "(Sổ," → "(", "Sổ", ",".
func Cut(word string) (pre, core, post string) {
	isCore := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	i := strings.IndexFunc(word, isCore)
	if i < 0 {
		return word, "", ""
	}
	j := strings.LastIndexFunc(word, isCore)
	_, size := utf8.DecodeRuneInString(word[j:])
	return word[:i], word[i : j+size], word[j+size:]
}

// Class is the token a word's core stands for in the pair counts: its
// Canon form when it is a syllable, else Number or Other.
func Class(core string) string {
	if core == "" {
		return Boundary
	}
	if r := []rune(core)[0]; unicode.IsDigit(r) {
		return Number
	}
	if c := Canon(core); c != "" && Valid(core) {
		return c
	}
	return Other
}

// Tokens turns a text into the stream of tokens the pair counts are made
// of: each word's class, with Boundary wherever punctuation or a line end
// separates words (never twice in a row).
func Tokens(text string) []string {
	out := []string{Boundary}
	add := func(t string) {
		if t == Boundary && out[len(out)-1] == Boundary {
			return
		}
		out = append(out, t)
	}
	for _, line := range strings.Split(text, "\n") {
		for _, w := range strings.Fields(line) {
			pre, core, post := Cut(w)
			if pre != "" {
				add(Boundary)
			}
			if core != "" {
				add(Class(core))
			}
			if post != "" {
				add(Boundary)
			}
		}
		add(Boundary)
	}
	return out
}
