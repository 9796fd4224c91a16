package pipeline

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/text/unicode/norm"
)

// TestWordChoices: Tesseract's letter alternatives come one list per word
// box, one per letter, the letter read first.
func TestWordChoices(t *testing.T) {
	page := render(t, shortDecision)[0]
	eng, err := NewEngine(Lang)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := eng.c.SetImageFromBytes(PGM(page)); err != nil {
		t.Fatal(err)
	}
	eng.c.SetVariable("user_defined_dpi", strconv.Itoa(200))
	boxes, err := eng.c.GetBoundingBoxesVerbose()
	if err != nil {
		t.Fatal(err)
	}
	alts := wordChoices(eng.c)
	if len(boxes) == 0 || len(alts) != len(boxes) {
		t.Fatalf("%d words but %d lists of alternatives", len(boxes), len(alts))
	}
	letters, first := 0, 0
	for i, b := range boxes {
		w := []rune(norm.NFC.String(strings.TrimSpace(b.Word)))
		if len(alts[i]) != len(w) {
			continue
		}
		for j, a := range alts[i] {
			letters++
			if len(a) > 0 && norm.NFC.String(a[0]) == string(w[j]) {
				first++
			}
		}
	}
	if letters < 100 || first < letters*9/10 {
		t.Errorf("%d letters with alternatives, %d of them led by the letter read", letters, first)
	}
}

func TestCorrectWords(t *testing.T) {
	boxes := []gosseract.BoundingBox{
		{Word: "Sao", Confidence: 90, LineNum: 1}, {Word: "từ", Confidence: 90, LineNum: 1},
		{Word: "Số", Confidence: 90, LineNum: 1}, {Word: "đăng", Confidence: 90, LineNum: 1},
		{Word: "ký", Confidence: 90, LineNum: 1}, {Word: "khai", Confidence: 90, LineNum: 1},
		{Word: "sinh", Confidence: 90, LineNum: 1}, {Word: "", LineNum: 1},
		{Word: "Số:", Confidence: 40, LineNum: 2}, {Word: "12/QĐ-UBND", Confidence: 40, LineNum: 2},
	}
	// The third word's alternatives include ổ; the box without text has none.
	alts := make([][][]string, len(boxes))
	for i, b := range boxes {
		for _, r := range b.Word {
			alts[i] = append(alts[i], []string{string(r)})
		}
	}
	alts[2][1] = []string{"ố", "ổ"}
	correctWords(boxes, alts)
	var got []string
	for _, b := range boxes {
		got = append(got, b.Word)
	}
	if g := strings.Join(got, " "); g != "Sao từ Sổ đăng ký khai sinh  Số: 12/QĐ-UBND" {
		t.Errorf("got %q", g)
	}
	if utf8.RuneCountInString(boxes[2].Word) != 2 {
		t.Error(boxes[2].Word)
	}
}
