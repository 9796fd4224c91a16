package main

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// Scoring as the shared OCR bench's tools/score does it: both sides NFC,
// typographic quotes, dashes, NBSP and ellipsis mapped to ASCII, runs of
// dots to "...", whitespace collapsed; CER is the character Levenshtein
// distance over the ground truth's characters (spaces count), WER the same
// over words.

var scoreRepl = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201C", "\"", "\u201D", "\"",
	"\u2013", "-", "\u2014", "-", "\u2212", "-", "\u00A0", " ",
	"\u2026", "...", "\uFB01", "fi", "\uFB02", "fl", "\u00AD", "",
)

var scoreDots = regexp.MustCompile(`\.{3,}`)

// normalizeForScore prepares text for scoring.
func normalizeForScore(s string) string {
	s = norm.NFC.String(s)
	s = scoreRepl.Replace(s)
	s = scoreDots.ReplaceAllString(s, "...")
	return strings.Join(strings.Fields(s), " ")
}

// ocrErrors counts edit errors against a ground truth; add them up over pages
// and divide for micro-averaged rates.
type ocrErrors struct {
	Chars, CharErrs int
	Words, WordErrs int
	DiaErrs         int // aligned words that differ only in diacritics
}

// Add sums two counts.
func (e *ocrErrors) Add(o ocrErrors) {
	e.Chars += o.Chars
	e.CharErrs += o.CharErrs
	e.Words += o.Words
	e.WordErrs += o.WordErrs
	e.DiaErrs += o.DiaErrs
}

// DiaWER is the diacritic word error in percent: words aligned with a
// ground-truth word that differ from it only in diacritics (tone or vowel
// marks, đ), over the ground truth's words.
func (e ocrErrors) DiaWER() float64 { return 100 * float64(e.DiaErrs) / float64(max(e.Words, 1)) }

// CER in percent.
func (e ocrErrors) CER() float64 { return 100 * float64(e.CharErrs) / float64(max(e.Chars, 1)) }

// WER in percent.
func (e ocrErrors) WER() float64 { return 100 * float64(e.WordErrs) / float64(max(e.Words, 1)) }

// scoreOCR compares OCR output with the ground truth.
func scoreOCR(gt, ocr string) ocrErrors {
	g, o := normalizeForScore(gt), normalizeForScore(ocr)
	gr, or := []rune(g), []rune(o)
	gw, ow := strings.Fields(g), strings.Fields(o)
	return ocrErrors{Chars: len(gr), CharErrs: vi.EditDistance(gr, or), Words: len(gw), WordErrs: vi.EditDistance(gw, ow),
		DiaErrs: diaWordErrors(gw, ow)}
}

// stripDiacritics removes every combining mark (NFD) and maps đ to d, as
// the bench's tools/score does.
func stripDiacritics(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// diaWordErrors aligns the words (the WER alignment, backtraced) and
// counts the substitutions whose base letters are equal.
func diaWordErrors(a, b []string) int {
	n, m := len(a), len(b)
	d := make([][]int32, n+1)
	for i := range d {
		d[i] = make([]int32, m+1)
		d[i][0] = int32(i)
	}
	for j := range m + 1 {
		d[0][j] = int32(j)
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			c := d[i-1][j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			d[i][j] = min(c, d[i-1][j]+1, d[i][j-1]+1)
		}
	}
	cnt := 0
	for i, j := n, m; i > 0 && j > 0; {
		sub := int32(0)
		if a[i-1] != b[j-1] {
			sub = 1
		}
		switch {
		case d[i][j] == d[i-1][j-1]+sub:
			if sub == 1 && stripDiacritics(a[i-1]) == stripDiacritics(b[j-1]) {
				cnt++
			}
			i, j = i-1, j-1
		case d[i][j] == d[i-1][j]+1:
			i--
		default:
			j--
		}
	}
	return cnt
}
