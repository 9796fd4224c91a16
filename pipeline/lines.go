package pipeline

import (
	"slices"
	"strings"

	"motcua/store"
)

// Reading order. Tesseract reads a page block by block: a two-column
// header or signature block comes out as the whole left column, then the
// whole right column. motcua's convention (and the OCR bench's) is the
// visual one: lines from top to bottom, and the cells of a two-column row
// (header, "Nơi nhận" beside the signer, several signers side by side, a
// table row) read left to right on the same line. The text is rebuilt
// from the word boxes: Tesseract's lines are the pieces, pieces whose
// vertical bands overlap are one visual line, and a visual line is read
// left to right.

// OCRWord is a word as Tesseract returns it: its text, box (x0, y0, x1,
// y1 in the prepared image), confidence (0–1) and the line it was read in
// (block, paragraph and line numbers, unique together on a page).
type OCRWord struct {
	Text  string
	Box   [4]int
	Conf  float64
	Block int
	Par   int
	Line  int
}

// piece is one of Tesseract's lines: words read left to right, with the
// band they sit in.
type piece struct {
	words  []OCRWord
	x0, x1 int
	y0, y1 int // median top and bottom of its words: a band that accents and punctuation do not stretch
}

func (p piece) mid() int    { return (p.y0 + p.y1) / 2 }
func (p piece) height() int { return max(p.y1-p.y0, 1) }

func newPiece(ws []OCRWord) piece {
	p := piece{words: ws, x0: ws[0].Box[0], x1: ws[0].Box[2]}
	tops := make([]int, 0, len(ws))
	bots := make([]int, 0, len(ws))
	for _, w := range ws {
		p.x0, p.x1 = min(p.x0, w.Box[0]), max(p.x1, w.Box[2])
		if !punctOnly(w.Text) || len(ws) == 1 {
			tops, bots = append(tops, w.Box[1]), append(bots, w.Box[3])
		}
	}
	if len(tops) == 0 { // a line of dots and dashes
		for _, w := range ws {
			tops, bots = append(tops, w.Box[1]), append(bots, w.Box[3])
		}
	}
	p.y0, p.y1 = median(tops), median(bots)
	return p
}

// punctOnly: a word with no letter or digit (a dot, a dash, a comma),
// whose box says little about the line's band.
func punctOnly(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 0xC0
	})
}

func median(v []int) int {
	slices.Sort(v)
	return v[len(v)/2]
}

// overlapRatio is the share of the lower band that the two bands share.
func overlapRatio(a, b piece) float64 {
	ov := min(a.y1, b.y1) - max(a.y0, b.y0)
	if ov <= 0 {
		return 0
	}
	return float64(ov) / float64(min(a.height(), b.height()))
}

// sameRowOverlap is how much two pieces' bands must overlap to be one
// visual line: lines of one column overlap by a fifth at most (accents of
// the line below reach into the descenders of the line above), cells of
// one row by most of their height.
const sameRowOverlap = 0.5

// AssembleLines orders words into visual lines. It returns the words in
// reading order, each with Line numbering its Tesseract line (from 1, in
// the new order: the pieces the field extractor splits and rows anew),
// and the page's text: one visual line a line, the pieces of a line
// separated by a space, a blank line where a gap taller than a line
// separates paragraphs or blocks.
func AssembleLines(words []OCRWord) ([]store.Word, string) {
	var pieces []piece
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j].Block == words[i].Block && words[j].Par == words[i].Par && words[j].Line == words[i].Line {
			j++
		}
		pieces = append(pieces, newPiece(words[i:j]))
		i = j
	}
	if len(pieces) == 0 {
		return nil, ""
	}
	slices.SortStableFunc(pieces, func(a, b piece) int { return a.mid() - b.mid() })

	// Rows, greedily from the top: a piece joins the last row when its
	// band overlaps the row's first piece's band enough and it sits
	// beside every piece already there (two pieces one above the other,
	// however close, are two lines of a column). Comparing with the
	// row's first piece, not its last, keeps a row from creeping down a
	// column whose lines are spaced unlike its neighbour's.
	var rows [][]piece
	for _, p := range pieces {
		if n := len(rows); n > 0 && joins(rows[n-1], p) {
			rows[n-1] = append(rows[n-1], p)
			continue
		}
		rows = append(rows, []piece{p})
	}

	var out []store.Word
	var text strings.Builder
	line := 0
	prevBottom, prevH := 0, 0
	for r, row := range rows {
		slices.SortStableFunc(row, func(a, b piece) int { return a.x0 - b.x0 })
		top, bottom, h := row[0].y0, row[0].y1, 0
		for _, p := range row {
			top, bottom, h = min(top, p.y0), max(bottom, p.y1), max(h, p.height())
		}
		if r > 0 {
			text.WriteByte('\n')
			if top-prevBottom > max(h, prevH) {
				text.WriteByte('\n')
			}
		}
		prevBottom, prevH = bottom, h
		for k, p := range row {
			line++
			if k > 0 {
				text.WriteByte(' ')
			}
			for i, w := range p.words {
				if i > 0 {
					text.WriteByte(' ')
				}
				text.WriteString(w.Text)
				out = append(out, store.Word{Text: w.Text, Box: w.Box, Conf: w.Conf, Line: line})
			}
		}
	}
	return out, text.String()
}

// joins says whether piece p belongs to row.
func joins(row []piece, p piece) bool {
	if overlapRatio(row[0], p) < sameRowOverlap {
		return false
	}
	for _, q := range row {
		if p.x0 < q.x1 && q.x0 < p.x1 { // stacked, not side by side
			return false
		}
	}
	return true
}
