package pipeline

import (
	"image"
	"slices"

	"motcua/internal/scanmaker"
	"strings"
	"testing"
)

// line lays out a Tesseract line: words 20 px apart at x, on a band from
// y to y+30, each word 12 px wide per letter.
func line(block, par, ln, x, y int, text string) []OCRWord {
	var ws []OCRWord
	for _, t := range strings.Fields(text) {
		w := 12 * len([]rune(t))
		ws = append(ws, OCRWord{Text: t, Box: [4]int{x, y, x + w, y + 30}, Conf: 0.9, Block: block, Par: par, Line: ln})
		x += w + 20
	}
	return ws
}

func words(lines ...[]OCRWord) []OCRWord {
	var out []OCRWord
	for _, l := range lines {
		out = append(out, l...)
	}
	return out
}

func TestAssembleLines(t *testing.T) {
	cases := []struct {
		name  string
		words []OCRWord
		want  string
	}{
		{"empty", nil, ""},
		{"one column, in order", words(
			line(1, 1, 1, 100, 100, "Điều 1. Thành lập"),
			line(1, 1, 2, 100, 140, "Tổ công tác"),
		), "Điều 1. Thành lập\nTổ công tác"},
		{"two-column header read block by block", words(
			line(1, 1, 1, 100, 100, "ỦY BAN NHÂN DÂN"),
			line(1, 1, 2, 120, 140, "XÃ TÂN LẬP"),
			line(1, 2, 1, 110, 220, "Số: 27/QĐ-UBND"),
			line(2, 1, 1, 700, 102, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
			line(2, 1, 2, 760, 141, "Độc lập - Tự do - Hạnh phúc"),
			line(2, 2, 1, 720, 218, "Tân Lập, ngày 04 tháng 3 năm 2024"),
		), "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ TÂN LẬP Độc lập - Tự do - Hạnh phúc\n\nSố: 27/QĐ-UBND Tân Lập, ngày 04 tháng 3 năm 2024"},
		{"right block first", words(
			line(1, 1, 1, 800, 500, "GIÁM ĐỐC"),
			line(2, 1, 1, 100, 500, "NGƯỜI LẬP"),
			line(3, 1, 1, 450, 500, "KẾ TOÁN"),
		), "NGƯỜI LẬP KẾ TOÁN GIÁM ĐỐC"},
		{"nơi nhận beside a signer, lines spaced unlike", words(
			line(1, 1, 1, 100, 1000, "Nơi nhận:"),
			line(1, 1, 2, 100, 1032, "- Như Điều 3;"),
			line(1, 1, 3, 100, 1064, "- Lưu: VT."),
			line(2, 1, 1, 800, 1000, "CHỦ TỊCH"),
			line(2, 1, 2, 780, 1180, "Hà Văn Tuấn"),
		), "Nơi nhận: CHỦ TỊCH\n- Như Điều 3;\n- Lưu: VT.\n\nHà Văn Tuấn"},
		{"a table read row by row", words(
			line(1, 1, 1, 100, 300, "STT"),
			line(2, 1, 1, 200, 300, "Tên giấy tờ"),
			line(3, 1, 1, 600, 300, "Số lượng"),
			line(1, 1, 2, 100, 340, "1"),
			line(2, 1, 2, 200, 340, "Tờ khai"),
			line(3, 1, 2, 600, 340, "01"),
		), "STT Tên giấy tờ Số lượng\n1 Tờ khai 01"},
		{"lines of a column 8 px apart at the band are not one row", words(
			line(1, 1, 1, 100, 100, "dòng một"),
			line(1, 1, 2, 100, 122, "dòng hai"),
		), "dòng một\ndòng hai"},
		{"a slightly lower cell is still beside", words(
			line(1, 1, 1, 100, 100, "Số: 12/GP"),
			line(2, 1, 1, 700, 112, "Hà Nội, ngày 1"),
		), "Số: 12/GP Hà Nội, ngày 1"},
		{"a full stop's box does not move its line", words(
			append(line(1, 1, 1, 100, 100, "hết"), OCRWord{Text: ".", Box: [4]int{150, 124, 154, 130}, Block: 1, Par: 1, Line: 1}),
			line(2, 1, 1, 700, 101, "bên phải"),
		), "hết . bên phải"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, text := AssembleLines(c.words)
			if text != c.want {
				t.Errorf("text\n%q\nwant\n%q", text, c.want)
			}
			if len(ws) != len(c.words) {
				t.Fatalf("%d words out of %d", len(ws), len(c.words))
			}
			// Words follow the text, and each Tesseract line keeps a number of its own.
			var got []string
			seen := map[[3]int]int{}
			for _, w := range ws {
				got = append(got, w.Text)
				for _, o := range c.words {
					if o.Box == w.Box && o.Text == w.Text {
						k := [3]int{o.Block, o.Par, o.Line}
						if l, ok := seen[k]; ok && l != w.Line {
							t.Errorf("%q: line %d, its line-mates %d", w.Text, w.Line, l)
						}
						seen[k] = w.Line
					}
				}
			}
			if j := strings.Join(got, " "); j != strings.Join(strings.Fields(c.want), " ") {
				t.Errorf("words in order %q", j)
			}
		})
	}
}

// A signature block of two signers beside each other, under a "Nơi nhận"
// list beside a signer's title: real Tesseract reads the columns as
// blocks; the text comes out row by row, left cell then right cell.
const twoSigners = `Hb NGƯỜI LẬP BIÊN BẢN || ĐẠI DIỆN HỘ GIA ĐÌNH
H (Ký, ghi rõ họ tên) || (Ký, ghi rõ họ tên)
-
-
H Nguyễn Văn Bình || Trần Thị Lan
-
Hb Nơi nhận: || KT. CHỦ TỊCH
H - Như Điều 3; || PHÓ CHỦ TỊCH
H - Lưu văn thư. ||
-
-
Rb Lê Quang Vinh`

func TestReadingOrderReal(t *testing.T) {
	page := render(t, twoSigners)[0]
	eng, err := NewEngine(Lang)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// Only the rows drawn: a fraction of a page keeps the test fast.
	crop := image.NewGray(image.Rect(0, 0, page.Rect.Dx(), 900))
	copy(crop.Pix, page.Pix[:len(crop.Pix)])
	pg, err := eng.Recognize(Prepared{Gray: crop, DPI: scanmaker.DPI, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"NGƯỜI LẬP BIÊN BẢN ĐẠI DIỆN HỘ GIA ĐÌNH",
		"(Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên)",
		"Nguyễn Văn Bình Trần Thị Lan",
		"Nơi nhận: KT. CHỦ TỊCH",
		"- Như Điều 3; PHÓ CHỦ TỊCH",
		"- Lưu văn thư.",
		"Lê Quang Vinh",
	}
	var got []string
	for _, l := range strings.Split(pg.Text, "\n") {
		if l != "" {
			got = append(got, l)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("text\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
