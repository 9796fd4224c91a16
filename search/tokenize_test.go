package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	unitokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// The words tokenizer must split text exactly as bleve's unicode tokenizer
// does: the index was tuned on its words.
func TestWordTokenizerAsUnicode(t *testing.T) {
	for _, s := range []string{
		"Cấp Giấy chứng nhận quyền sử dụng đất",
		"Số: 12/2024/QĐ-UBND ngày 01.02.2024, TP.HCM; mã 1.001193",
		"don't a:b 1,5 1;5 a,b 1.5.6 a.1 1.a _x x_ a_1 __ 3_",
		"Hồ sơ: 000.00.12.H34-240101-0001 ‘quote’ don’t …",
		"Nguyễn Văn A,  sinh năm 1990\n\tCCCD 001090012345",
		"ho\u0302\u0300 so\u031b (NFD) a\u0301 \u0301x .\u0301a",
		"x.\u0301y 1.\u03012",
		"",
		"...,,,;;;",
		"Đ đ ƯƠ ư ơ",
	} {
		checkTokenizer(t, s)
	}
}

func FuzzWordTokenizer(f *testing.F) {
	for _, s := range []string{"Cấp lại giấy phép", "12/2024/QĐ-UBND", "a.b,c 1,2.3", "TP.HCM", "x_1 _ a'b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkTokenizer(t, s)
	})
}

func checkTokenizer(t *testing.T, s string) {
	t.Helper()
	got := wordTokenizer{}.Tokenize([]byte(s))
	want := unitokenizer.NewUnicodeTokenizer().Tokenize([]byte(s))
	if len(got) != len(want) {
		t.Fatalf("%q: %d words, bleve %d: %v / %v", s, len(got), len(want), terms(got), terms(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position {
			t.Fatalf("%q: word %d is %q [%d:%d] #%d, bleve %q [%d:%d] #%d", s, i, g.Term, g.Start, g.End, g.Position, w.Term, w.Start, w.End, w.Position)
		}
	}
}

func terms(ts analysis.TokenStream) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}
