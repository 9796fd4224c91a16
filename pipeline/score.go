package pipeline

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
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

// NormalizeForScore prepares text for scoring.
func NormalizeForScore(s string) string {
	s = norm.NFC.String(s)
	s = scoreRepl.Replace(s)
	s = scoreDots.ReplaceAllString(s, "...")
	return strings.Join(strings.Fields(s), " ")
}

// Errors counts edit errors against a ground truth; add them up over pages
// and divide for micro-averaged rates.
type Errors struct {
	Chars, CharErrs int
	Words, WordErrs int
}

// Add sums two counts.
func (e *Errors) Add(o Errors) {
	e.Chars += o.Chars
	e.CharErrs += o.CharErrs
	e.Words += o.Words
	e.WordErrs += o.WordErrs
}

// CER in percent.
func (e Errors) CER() float64 { return 100 * float64(e.CharErrs) / float64(max(e.Chars, 1)) }

// WER in percent.
func (e Errors) WER() float64 { return 100 * float64(e.WordErrs) / float64(max(e.Words, 1)) }

// Score compares OCR output with the ground truth.
func Score(gt, ocr string) Errors {
	g, o := NormalizeForScore(gt), NormalizeForScore(ocr)
	gr, or := []rune(g), []rune(o)
	gw, ow := strings.Fields(g), strings.Fields(o)
	return Errors{Chars: len(gr), CharErrs: levenshtein(gr, or), Words: len(gw), WordErrs: levenshtein(gw, ow)}
}

func levenshtein[T comparable](a, b []T) int {
	if len(a) == 0 {
		return len(b)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
