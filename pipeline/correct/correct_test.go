package correct

import (
	"strings"
	"testing"

	"motcua/internal/vi/syllable"
)

func words(s string, conf float64) []Word {
	var ws []Word
	for _, f := range strings.Fields(s) {
		ws = append(ws, Word{Text: f, Conf: conf, Line: 1})
	}
	return ws
}

func text(ws []Word) string {
	var f []string
	for _, w := range ws {
		f = append(f, w.Text)
	}
	return strings.Join(f, " ")
}

func TestWords(t *testing.T) {
	m, err := syllable.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		conf float64
		want string
	}{
		// tone and vowel marks put right by the neighbours
		{"Số hộ khẩu của gia đình", 0.6, "Sổ hộ khẩu của gia đình"},
		{"thông tin sổ định danh cá nhân", 0.6, "thông tin số định danh cá nhân"},
		{"người có yêu cầu chi cần cung cấp", 0.6, "người có yêu cầu chỉ cần cung cấp"},
		{"Ủy ban nhân dân xa", 0.5, "Ủy ban nhân dân xã"},
		// impossible syllables
		{"Cơ quan ưung ương", 0.5, "Cơ quan trung ương"},
		{"giấy chứng nhận đăng kí kết hôn", 0.9, "giấy chứng nhận đăng kí kết hôn"},
		{"CỘNG HOÀ XÃ HỘI CHỦ NGHÌA", 0.5, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA"},
		// right already: untouched
		{"Số: 12/QĐ-UBND", 0.6, "Số: 12/QĐ-UBND"},
		{"chi phí thực hiện", 0.6, "chi phí thực hiện"},
		{"Sổ hộ khẩu", 0.6, "Sổ hộ khẩu"},
		// frequency alone is no evidence, and one change does not bring on
		// the next (chúng → chứng, then tôi → tội)
		{"Hôm nay, chúng tôi gồm:", 0.95, "Hôm nay, chúng tôi gồm:"},
		// numbers, codes, abbreviations, mixed case, foreign words
		{"UBND HĐND 1.000080 QĐ-BTP email ĐỘc", 0.3, "UBND HĐND 1.000080 QĐ-BTP email ĐỘc"},
		// a name in capitals inside a sentence is left without strong evidence
		{"ông Hà Văn Tý", 0.9, "ông Hà Văn Tý"},
	}
	for _, tt := range tests {
		ws := words(tt.in, tt.conf)
		Words(m, ws, Defaults)
		if got := text(ws); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConfidenceGuards(t *testing.T) {
	m, err := syllable.Default()
	if err != nil {
		t.Fatal(err)
	}
	// A valid word read with full confidence needs more evidence than a
	// doubtful one: with no margin for confidence both are fixed, with a
	// large one neither.
	o := Defaults
	o.Margin, o.ConfMargin = 0, 1000
	ws := words("Số hộ khẩu", 1)
	if Words(m, ws, o) != 0 {
		t.Errorf("confident word changed: %q", text(ws))
	}
	o.ConfMargin = 0
	if ws := words("Số hộ khẩu", 1); Words(m, ws, o) != 1 || ws[0].Text != "Sổ" {
		t.Errorf("got %q", text(ws))
	}
}

func TestAlternatives(t *testing.T) {
	m, err := syllable.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Tesseract offered no ổ for the second letter: the word stays.
	ws := words("Số hộ khẩu", 0.5)
	ws[0].Alts = [][]string{{"S"}, {"ố", "ó"}}
	if Words(m, ws, Defaults) != 0 {
		t.Errorf("changed against the alternatives: %q", text(ws))
	}
	ws[0].Alts = [][]string{{"S"}, {"ố", "ổ"}}
	if Words(m, ws, Defaults) != 1 || ws[0].Text != "Sổ" {
		t.Errorf("got %q", text(ws))
	}
}
