package pipeline

import (
	"log/slog"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi/syllable"
	"motcua/pipeline/correct"
)

// Vietnamese post-correction: after recognition, words whose tone or
// vowel marks the catalogue's syllables show to be wrong are rewritten
// (pipeline/correct), using Tesseract's own alternatives for each letter.
// The alternatives may cost Tesseract some time (lstm_choice_mode=2: one
// page recognised alternately with and without, under load, took 12–19 %
// longer; bench ocr on 16 pages showed no difference, 16.0 against 15.7
// pages/min); MOTCUA_CORRECT=off turns both off (to measure what they do).

var correctOff = os.Getenv("MOTCUA_CORRECT") == "off"

// correctWords corrects the words of boxes in place; alts, when it has one
// entry per box, holds Tesseract's alternatives for each box's letters.
func correctWords(boxes []gosseract.BoundingBox, alts [][][]string) {
	if correctOff || len(boxes) == 0 {
		return
	}
	m, err := syllable.Default()
	if err != nil {
		slog.Error("post-correction off", "err", err)
		return
	}
	ws, at := toCorrect(boxes, alts)
	if correct.Words(m, ws, correct.Defaults) == 0 {
		return
	}
	for i, w := range ws {
		boxes[at[i]].Word = w.Text
	}
}

// toCorrect makes the corrector's words from the boxes (the same text the
// page will hold) and says which box each came from.
func toCorrect(boxes []gosseract.BoundingBox, alts [][][]string) ([]correct.Word, []int) {
	if len(alts) != len(boxes) {
		alts = nil
	}
	var ws []correct.Word
	var at []int
	line, last := 0, [3]int{-1, -1, -1}
	for i, b := range boxes {
		w := vietFix.Replace(norm.NFC.String(strings.TrimSpace(b.Word)))
		if w == "" {
			continue
		}
		if k := [3]int{b.BlockNum, b.ParNum, b.LineNum}; k != last {
			line, last = line+1, k
		}
		cw := correct.Word{Text: w, Conf: b.Confidence / 100, Line: line}
		if alts != nil && len(alts[i]) == utf8.RuneCountInString(w) {
			cw.Alts = alts[i]
		}
		ws = append(ws, cw)
		at = append(at, i)
	}
	return ws, at
}
