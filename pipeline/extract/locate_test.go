package extract

import (
	"slices"
	"strings"
	"testing"

	"motcua/store"
)

func page(words string) store.Page {
	var p store.Page
	for i, w := range strings.Fields(words) {
		p.Words = append(p.Words, store.Word{Text: w, Box: [4]int{10 * i, 0, 10*i + 8, 10}})
	}
	return p
}

// twoColumns is a two-column header as OCR reads it, line by line across
// both columns.
func twoColumns() store.Page {
	p := store.Page{Width: 1000, Height: 200}
	x := map[int]int{}
	for _, w := range []struct {
		text       string
		line, left int
	}{
		{"ỦY", 0, 100}, {"BAN", 0, 100}, {"NHÂN", 0, 100}, {"DÂN", 0, 100}, {"CỘNG", 0, 600}, {"HÒA", 0, 600},
		{"XÃ", 1, 150}, {"ĐẠI", 1, 150}, {"TỰ", 1, 150}, {"Độc", 1, 650}, {"lập", 1, 650},
	} {
		k := w.line*1000 + w.left
		x0 := w.left + x[k]
		x[k] += 60
		p.Words = append(p.Words, store.Word{Text: w.text, Box: [4]int{x0, 20 + 30*w.line, x0 + 50, 40 + 30*w.line}, Line: w.line, Conf: 0.9})
	}
	return p
}

func TestLocateColumns(t *testing.T) {
	if got, want := Locate(twoColumns(), "Ủy ban nhân dân xã Đại Tự"), []int{0, 1, 2, 3, 6, 7, 8}; !slices.Equal(got, want) {
		t.Errorf("the left block of a header: %v, want %v", got, want)
	}
	if got := Locate(twoColumns(), "Dân Cộng"); !slices.Equal(got, []int{3, 4}) {
		t.Errorf("reading order first: %v", got)
	}
}

func TestLocate(t *testing.T) {
	const letter = "UỶ BAN NHÂN DÂN XÃ ĐẠI TỰ Số: 215/TLKS-BS Đại Tự, ngày 15 tháng 3 năm 2023 QUYẾT ĐỊNH Về việc cấp 150.000 đồng cho 026223001234 và 001190000001"
	for _, c := range []struct {
		name   string
		page   string
		values []string
		want   []int
	}{
		{"a number split by OCR", "Số: 215/ TLKS-BS", []string{"215/TLKS-BS"}, []int{1, 2}},
		{"an issuer folded and upper case", letter, []string{"Ủy ban nhân dân xã Đại Tự"}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"a date as written", letter, []string{"2023-03-15"}, []int{11, 12, 13, 14, 15, 16}},
		{"a date with slashes", "Ngày cấp: 05/09/2021", []string{"2021-09-05"}, []int{2}},
		{"each item of a list", letter, []string{"001190000001", "026223001234"}, []int{25, 27}},
		{"money without its dots", letter, []string{"150000"}, []int{22}},
		{"the first place wins", "QUYẾT ĐỊNH căn cứ Quyết định", []string{"Quyết định"}, []int{0, 1}},
		{"not on the page", letter, []string{"216/TLKS-BS"}, nil},
		{"nothing to look for", letter, []string{"", "-"}, nil},
		{"no words", "", []string{"215"}, nil},
	} {
		if got := Locate(page(c.page), c.values...); !slices.Equal(got, c.want) {
			t.Errorf("%s: Locate(%q) = %v, want %v", c.name, c.values, got, c.want)
		}
	}
}
