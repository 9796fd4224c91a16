package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

func TestSnippet(t *testing.T) {
	long := strings.Repeat("văn bản khác ", 40)
	pages := strings.Repeat("văn bản khác ", snippetScan/8)
	tests := []struct {
		name  string
		m     *marker
		text  string
		want  string // the snippet, or a part of it when part is set
		part  bool
		empty bool
	}{
		{name: "folded words marked as written",
			m:    &marker{words: set("ly", "lich", "tu", "phap")},
			text: "Tờ khai cấp Phiếu Lý lịch tư pháp số 1",
			want: "Tờ khai cấp Phiếu <mark>Lý lịch tư pháp</mark> số 1"},
		{name: "đ folds to d",
			m:    &marker{words: set("dang", "ky")},
			text: "Đăng ký khai sinh",
			want: "<mark>Đăng ký</mark> khai sinh"},
		{name: "decomposed input",
			m:    &marker{words: set("khai", "sinh")},
			text: norm.NFD.String("Giấy khai sinh"),
			want: norm.NFD.String("Giấy <mark>khai sinh</mark>")},
		{name: "separate marks around other words",
			m:    &marker{words: set("giay", "sinh")},
			text: "Giấy chứng sinh",
			want: "<mark>Giấy</mark> chứng <mark>sinh</mark>"},
		{name: "a typo's word within one edit",
			m:    &marker{words: set("khai"), fuzzy: []string{"sinhh"}},
			text: "tờ khai sinh",
			want: "tờ <mark>khai sinh</mark>"},
		{name: "HTML in the text is escaped",
			m:    &marker{words: set("script", "ten")},
			text: `<script>alert("tên")</script> & <b>`,
			want: `&lt;<mark>script</mark>&gt;alert(&#34;<mark>tên</mark>&#34;)&lt;/<mark>script</mark>&gt; &amp; &lt;b&gt;`},
		{name: "the window with the most distinct words",
			m:    &marker{words: set("tam", "tru")},
			text: "tạm " + long + "đăng ký tạm trú cho người",
			want: "khác đăng ký <mark>tạm trú</mark> cho người", part: true},
		{name: "a window with every word ends the reading; its marks are all marked",
			m:    &marker{words: set("tam", "tru"), need: 2},
			text: "đăng ký tạm trú, tạm vắng " + long + "tạm trú",
			want: "đăng ký <mark>tạm trú</mark>, <mark>tạm</mark> vắng", part: true},
		{name: "cut at the end",
			m:    &marker{words: set("dang")},
			text: "đăng " + long,
			want: "<mark>đăng</mark> văn bản", part: true},
		{name: "no word of the query",
			m:     &marker{words: set("ho", "chieu")},
			text:  "Giấy khai sinh",
			empty: true},
		{name: "empty text", m: &marker{words: set("a")}, text: "", empty: true},
		{name: "a word longer than the window",
			m:    &marker{words: set("phap")},
			text: "phap" + strings.Repeat("\u0301", 300) + " tail",
			want: "phap", part: true},
		{name: "a long word after a short one",
			m:    &marker{words: set("phap", "ly")},
			text: "lý " + "phap" + strings.Repeat("\u0301", 300),
			want: "<mark>lý</mark>", part: true},
		{name: "past snippetScan bytes, the best window found so far",
			m:    &marker{words: set("tam", "tru", "vang")},
			text: "tạm trú " + pages + " tạm trú tạm vắng",
			want: "<mark>tạm trú</mark> văn bản", part: true},
		{name: "a text's only mark, far into it",
			m:    &marker{words: set("vang")},
			text: pages + " tạm vắng",
			want: "tạm <mark>vắng</mark>", part: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.m.snippet(tt.text)
			switch {
			case tt.empty:
				if got != "" {
					t.Errorf("snippet = %q, want none", got)
				}
			case tt.part:
				if !strings.Contains(got, tt.want) {
					t.Errorf("snippet = %q, want it to contain %q", got, tt.want)
				}
				if n := utf8.RuneCountInString(stripMarks(got)); n > snippetRunes+2 && len(tt.text) < 400 {
					t.Errorf("snippet has %d characters, more than %d", n, snippetRunes)
				}
			default:
				if got != tt.want {
					t.Errorf("snippet = %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestIsWordRune: read from the tokenizer's classes, a word rune is still
// a letter, a digit or a combining mark.
func TestIsWordRune(t *testing.T) {
	for r := rune(0); r < 0x2100; r++ {
		want := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if got := isWordRune(r); got != want {
			t.Errorf("isWordRune(%U %q) = %v, want %v", r, r, got, want)
		}
	}
}

func TestOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"phap", "phapp", true}, {"phapp", "phap", true}, {"khai", "khia", true},
		{"khai", "khao", true}, {"khai", "khai", false}, {"khai", "kha", true},
		{"khai", "kh", false}, {"dung", "dnug", true}, {"abcd", "badc", false},
		{"a", "", true}, {"", "", false},
	} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func stripMarks(s string) string {
	return strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
}

// FuzzSnippet feeds untrusted (OCR) text to the snippet maker: it must not
// panic, must return valid UTF-8 of bounded length, and nothing but its
// <mark> tags may be markup.
func FuzzSnippet(f *testing.F) {
	f.Add("Tờ khai cấp Phiếu Lý lịch tư pháp", "ly lich")
	f.Add("<script>x</script> đăng ký", "dang script")
	f.Add(norm.NFD.String("Đăng ký khai sinh"), "dang khai")
	f.Add("a\xffb c", "b")
	f.Fuzz(func(t *testing.T, text, words string) {
		m := &marker{words: map[string]bool{}}
		for _, w := range strings.Fields(words) {
			m.words[w] = true
			m.fuzzy = append(m.fuzzy, w)
		}
		pre := m.prefilter()
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
			if f := vi.AppendFold(nil, w); m.marks(f) && !pre.may(f) {
				t.Fatalf("the prefilter rejects %q, which is marked", f)
			}
		}
		got := m.snippet(text)
		if !utf8.ValidString(got) && utf8.ValidString(text) {
			t.Fatalf("snippet %q of valid text is not valid UTF-8", got)
		}
		if strings.ContainsAny(stripMarks(got), "<>") {
			t.Fatalf("snippet %q has unescaped markup", got)
		}
		if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Fatalf("snippet %q has unbalanced marks", got)
		}
		if n := utf8.RuneCountInString(stripMarks(got)); n > 6*(snippetRunes+2) {
			t.Fatalf("snippet is %d characters long", n)
		}
	})
}
