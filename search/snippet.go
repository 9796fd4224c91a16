package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/internal/vi"
)

// snippetRunes is a snippet's length in characters, about two lines.
const snippetRunes = 200

// snippetContext is how many characters a snippet shows before its first
// marked word.
const snippetContext = 40

// snippetScan is how much of a text a snippet is looked for in: past
// that many bytes (a procedure's papers can fill 70 KB, an OCR text many
// pages), the snippet is the best window of the marks found so far, or
// of the first one found after.
const snippetScan = 16 << 10

// marker marks a query's words in a text: a word is marked when, folded,
// it is one of the query's words, or one edit away from one that is
// matched fuzzily.
type marker struct {
	words map[string]bool
	fuzzy []string
	need  int // the query's words: a window holding as many is the best (0: unknown)
}

func (p *parsedQuery) marker() *marker {
	m := &marker{words: map[string]bool{}, need: len(p.required)}
	for _, t := range p.required {
		m.words[t] = true
		if c := p.alts[t]; c != "" {
			m.words[c] = true
		}
		if p.fuzzy(t) {
			m.fuzzy = append(m.fuzzy, t)
		}
	}
	for _, t := range p.optional {
		m.words[t] = true
	}
	return m
}

// marks says whether the folded word w is to be marked.
func (m *marker) marks(w []byte) bool {
	if m.words[string(w)] {
		return true
	}
	for _, f := range m.fuzzy {
		if oneEdit(string(w), f) {
			return true
		}
	}
	return false
}

// prefilter rejects at a glance most words that marks would: a long text
// has thousands of words, and a few of them are marked.
type prefilter struct {
	heads uint64 // per word: a bit for its length and first letter
	lens  uint64 // the lengths a word one edit from a fuzzy word has
}

func (m *marker) prefilter() prefilter {
	var p prefilter
	for w := range m.words {
		if w == "" {
			p.lens |= 1 // as may reads it
		} else {
			p.heads |= headBit(w)
		}
	}
	for _, f := range m.fuzzy {
		for l := max(len(f)-1, 0); l <= len(f)+1; l++ {
			p.lens |= 1 << min(l, 63)
		}
	}
	return p
}

func headBit[S ~string | ~[]byte](w S) uint64 { return 1 << ((uint(len(w))*31 + uint(w[0])) & 63) }

// may says whether the folded word w may be marked.
func (p prefilter) may(w []byte) bool {
	return len(w) > 0 && p.heads&headBit(w) != 0 || p.lens&(1<<min(len(w), 63)) != 0
}

// mark is a marked word: its byte range in the text, its rune offset, and
// its folded form.
type mark struct {
	start, end int
	at         int // rune offset of start
	word       string
}

// snippet returns the part of text where the most distinct query words
// stand within snippetRunes characters (in its first snippetScan bytes,
// or around its first marked word when they hold none), HTML escaped, the words in <mark>;
// "" when text has none of them. OCR text is untrusted: everything but the
// <mark> tags comes out escaped.
func (m *marker) snippet(text string) string {
	var marks []mark
	var buf []byte // a word, folded
	runes := 0
	// The window of marks that spans at most snippetRunes characters with
	// the most distinct words, the first such, found as the marks are:
	// once a window holds as many words as the query, the rest of a long
	// text (OCR of many pages) is not read, but for the window's length.
	best, bestN := 0, 0
	count := map[string]int{}
	pre := m.prefilter()
	distinct, lo := 0, 0
	stop := -1 // the rune offset after which no mark can be in the snippet
	for i := 0; i < len(text) && (stop < 0 || runes <= stop); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			runes++
			continue
		}
		start, at := i, runes
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += n
			runes++
		}
		if buf = vi.AppendFold(buf[:0], text[start:i]); !pre.may(buf) || !m.marks(buf) {
			continue
		}
		marks = append(marks, mark{start, i, at, string(buf)})
		hi, mk := len(marks)-1, marks[len(marks)-1]
		if count[mk.word]++; count[mk.word] == 1 {
			distinct++
		}
		// A mark longer than the window (OCR text can hold anything) is a
		// window of its own.
		for lo < hi && marks[lo].at < mk.at-snippetRunes+utf8.RuneCountInString(text[mk.start:mk.end]) {
			if count[marks[lo].word]--; count[marks[lo].word] == 0 {
				distinct--
			}
			lo++
		}
		if distinct > bestN {
			best, bestN = lo, distinct
			if m.need > 0 && bestN >= m.need && stop < 0 {
				stop = marks[best].at + snippetRunes
			}
		}
		if i >= snippetScan && stop < 0 {
			stop = marks[best].at + snippetRunes
		}
	}
	if len(marks) == 0 {
		return ""
	}
	// Cut around the window: some context before its first mark, up to
	// snippetRunes characters in all, at spaces.
	from := marks[best].start
	for back := 0; from > 0 && back < snippetContext; back++ {
		_, n := utf8.DecodeLastRuneInString(text[:from])
		from -= n
	}
	if from > 0 {
		if sp := strings.IndexAny(text[from:marks[best].start], " \n\t"); sp >= 0 {
			from += sp + 1
		}
	}
	to := from
	for n := 0; to < len(text) && n < snippetRunes; n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	if to < len(text) {
		if sp := strings.LastIndexAny(text[from:to], " \n\t"); sp > 0 && from+sp > marks[best].end {
			to = from + sp
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	// Marked words next to each other share one <mark>: "<mark>lý lịch
	// tư pháp</mark>".
	at, open := from, false
	for _, mk := range marks[best:] {
		if mk.end > to {
			break
		}
		gap := text[at:mk.start]
		if open && strings.TrimSpace(gap) == "" {
			b.WriteString(html.EscapeString(text[at:mk.end]))
			at = mk.end
			continue
		}
		if open {
			b.WriteString("</mark>")
		}
		b.WriteString(html.EscapeString(gap))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[mk.start:mk.end]))
		at, open = mk.end, true
	}
	if open {
		b.WriteString("</mark>")
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// isWordRune says whether r is part of a word: a letter, a digit or a
// combining mark. Below U+2070 the tokenizer's classes say it (a snippet
// asks it of every rune of long texts).
func isWordRune(r rune) bool {
	if r < rune(len(classes)) && classes[r] != wbUnsupported {
		c := classes[r]
		return c == wbLetter || c == wbNumeric || c == wbExtend
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// oneEdit says whether a and b (folded, ASCII) are one edit apart: a
// letter deleted, added or changed, or two neighbours swapped.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la == lb+1:
		return deletes(a, b)
	case lb == la+1:
		return deletes(b, a)
	}
	return false
}

// deletes says whether removing one letter from long gives short.
func deletes(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}
