package main

import (
	"regexp"
	"strings"

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
}

// Add sums two counts.
func (e *ocrErrors) Add(o ocrErrors) {
	e.Chars += o.Chars
	e.CharErrs += o.CharErrs
	e.Words += o.Words
	e.WordErrs += o.WordErrs
}

// CER in percent.
func (e ocrErrors) CER() float64 { return 100 * float64(e.CharErrs) / float64(max(e.Chars, 1)) }

// WER in percent.
func (e ocrErrors) WER() float64 { return 100 * float64(e.WordErrs) / float64(max(e.Words, 1)) }

// scoreOCR compares OCR output with the ground truth.
func scoreOCR(gt, ocr string) ocrErrors {
	g, o := normalizeForScore(gt), normalizeForScore(ocr)
	gr, or := []rune(g), []rune(o)
	gw, ow := strings.Fields(g), strings.Fields(o)
	return ocrErrors{Chars: len(gr), CharErrs: vi.EditDistance(gr, or), Words: len(gw), WordErrs: vi.EditDistance(gw, ow)}
}
