package syllable

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in           string
		ok           bool
		onset, rhyme string
		tone         Tone
	}{
		{"sổ", true, "s", "ô", Hook},
		{"Số", true, "s", "ô", Acute},
		{"chỉ", true, "ch", "i", Hook},
		{"trung", true, "tr", "ung", Level},
		{"nghĩa", true, "ngh", "ia", Tilde},
		{"người", true, "ng", "ươi", Grave},
		{"quốc", true, "qu", "ôc", Acute},
		{"quyết", true, "qu", "yêt", Acute},
		{"gì", true, "gi", "i", Grave},
		{"giếng", true, "gi", "iêng", Acute},
		{"gia", true, "gi", "a", Level},
		{"giữ", true, "gi", "ư", Tilde},
		{"yên", true, "", "yên", Level},
		{"uyên", true, "", "uyên", Level},
		{"khuỷu", true, "kh", "uyu", Hook},
		{"hòa", true, "h", "oa", Grave},
		{"hoà", true, "h", "oa", Grave},
		{"ĐỘC", true, "đ", "ôc", Dot},
		{"ký", true, "k", "y", Acute},
		{"ghế", true, "gh", "ê", Acute},
		{"ếch", true, "", "êch", Acute},
		{"xoong", true, "x", "oong", Level},
		{"thuở", true, "th", "uơ", Hook},
		// stops take only sắc or nặng
		{"các", true, "c", "ac", Acute},
		{"cac", false, "", "", 0},
		{"cảc", false, "", "", 0},
		{"tìch", false, "", "", 0},
		{"lập", true, "l", "âp", Dot},
		{"lâp", false, "", "", 0},
		// spelling rules
		{"ki", true, "k", "i", Level},
		{"ka", false, "", "", 0},
		{"ce", false, "", "", 0},
		{"ghe", true, "gh", "e", Level},
		{"gha", false, "", "", 0},
		{"nge", false, "", "", 0},
		{"ngư", true, "ng", "ư", Level},
		{"ưung", false, "", "", 0},
		{"tyên", false, "", "", 0},
		{"iên", false, "", "", 0},
		{"ă", false, "", "", 0},
		{"ân", true, "", "ân", Level},
		{"ing", false, "", "", 0},
		{"q", false, "", "", 0},
		{"qa", false, "", "", 0},
		// not Vietnamese letters or marks
		{"UBND", false, "", "", 0},
		{"12", false, "", "", 0},
		{"zô", false, "", "", 0},
		{"sổ2", false, "", "", 0},
		{"ẫ\u0301", false, "", "", 0}, // two tones
		{"", false, "", "", 0},
		{"b\u0302", false, "", "", 0}, // circumflex on b
	}
	for _, tt := range tests {
		s, ok := Parse(tt.in)
		if ok != tt.ok {
			t.Errorf("Parse(%q) ok = %v, want %v (%+v)", tt.in, ok, tt.ok, s)
			continue
		}
		if ok && (s.Onset != tt.onset || s.Rhyme != tt.rhyme || s.Tone != tt.tone) {
			t.Errorf("Parse(%q) = %+v, want %s+%s tone %d", tt.in, s, tt.onset, tt.rhyme, tt.tone)
		}
	}
}

func TestCanon(t *testing.T) {
	for in, want := range map[string]string{"hòa": "hoa2", "hoà": "hoa2", "SỔ": "sô3", "đường": "đương2", "a": "a0", "x1": ""} {
		if got := Canon(in); got != want {
			t.Errorf("Canon(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCutAndTokens(t *testing.T) {
	for in, want := range map[string][3]string{
		"(Sổ,": {"(", "Sổ", ","}, "Số:": {"", "Số", ":"}, "12/QĐ-UBND": {"", "12/QĐ-UBND", ""},
		"...": {"...", "", ""}, "“hộ”": {"“", "hộ", "”"},
	} {
		p, c, s := Cut(in)
		if [3]string{p, c, s} != want {
			t.Errorf("Cut(%q) = %q %q %q, want %q", in, p, c, s, want)
		}
	}
	got := strings.Join(Tokens("Số: 12/QĐ-UBND\nSổ hộ khẩu, UBND"), " ")
	if want := "# sô1 # 0 # sô3 hô5 khâu3 # ? #"; got != want {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
}

func TestDefaultModel(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() < 1000 || m.Total() < 500000 {
		t.Fatalf("model too small: %d tokens, %d counted", m.Len(), m.Total())
	}
	for _, s := range []string{"thủ", "tục", "hành", "chính", "sổ", "số", "hộ", "khẩu", "trung", "ương", "chỉ", "người", "quyết", "định", "giấy", "xã", "việt", "nam"} {
		if m.Count(m.ID(Canon(s))) == 0 {
			t.Errorf("%q not in the model", s)
		}
	}
	pair := func(a, b string) uint32 { return m.Pair(m.ID(Canon(a)), m.ID(Canon(b))) }
	if pair("sổ", "hộ") <= pair("số", "hộ") {
		t.Errorf("pair sổ hộ (%d) should outnumber số hộ (%d)", pair("sổ", "hộ"), pair("số", "hộ"))
	}
	if pair("thủ", "tục") < 100 {
		t.Errorf("pair thủ tục seen %d times", pair("thủ", "tục"))
	}
	var same []string
	for _, id := range m.SameBase("so") {
		same = append(same, m.Spelling(id))
	}
	if j := strings.Join(same, " "); !strings.Contains(j, "số") || !strings.Contains(j, "sổ") {
		t.Errorf("SameBase(so) = %s", j)
	}
	// Every token of the data is what Class would make of its spelling.
	m.Syllables(func(id int32) {
		if Class(m.Spelling(id)) != m.Canon(id) {
			t.Errorf("token %q spelt %q", m.Canon(id), m.Spelling(id))
		}
	})
}

func TestReadErrors(t *testing.T) {
	for _, in := range []string{"", "other\n", Header + "\na\tb\n", Header + "\n#\t#\t1\n--\n0 5 1\n", Header + "\n#\t#\tx\n"} {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q) gave no error", in)
		}
	}
	zr, _ := gzip.NewReader(bytes.NewReader(syllablesGz))
	data, _ := io.ReadAll(zr)
	if !utf8.Valid(data) || !bytes.HasPrefix(data, []byte(Header)) {
		t.Error("embedded data is not the expected text")
	}
}

// FuzzParse: Parse never panics, a syllable holds only letters, its parts
// spell it again, and case does not matter.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		syl, ok := Parse(s)
		if !ok {
			return
		}
		if syl.Tone > Dot {
			t.Fatalf("%q: tone %d", s, syl.Tone)
		}
		tl, tone, ok2 := Split(s)
		if !ok2 || tone != syl.Tone {
			t.Fatalf("%q: Split disagrees with Parse", s)
		}
		if syl.Onset != "gi" && syl.Onset+syl.Rhyme != tl {
			t.Fatalf("%q: %q + %q is not %q", s, syl.Onset, syl.Rhyme, tl)
		}
		if u, ok := Parse(strings.ToUpper(s)); !ok || u != syl {
			t.Fatalf("%q: upper case parses as %+v, %v", s, u, ok)
		}
		if Canon(s) == "" || !Valid(s) {
			t.Fatalf("%q: no Canon form", s)
		}
	})
}
