package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"motcua/store"
)

var update = flag.Bool("update", false, "rewrite the golden files' want sections")

// Page geometry of the synthetic layouts: A4 at 200 dpi.
const (
	pageW, pageH = 1654, 2339
	charW        = 17
	spaceW       = 11
	rowH         = 46
)

// layoutPage builds OCR words from a small layout language, one row a
// line:
//
//	L|text          left-aligned at the margin (body text)
//	C|text          centred
//	R|text          centred in the right half (signature column)
//	2|left || right the header's two columns on one row
//	-               an empty row
//
// A word written ~word gets a low OCR confidence.
func layoutPage(src string) store.Page {
	p := store.Page{Width: pageW, Height: pageH, DPI: 200}
	y := 230
	line := 0
	place := func(text string, cx float64, left int) {
		words := strings.Fields(text)
		if len(words) == 0 {
			return
		}
		width := 0
		for i, w := range words {
			width += charW * utf8.RuneCountInString(strings.TrimPrefix(w, "~"))
			if i > 0 {
				width += spaceW
			}
		}
		x := left
		if left < 0 {
			x = int(cx) - width/2
		}
		for _, w := range words {
			conf := 0.95
			if strings.HasPrefix(w, "~") {
				w, conf = w[1:], 0.3
			}
			n := utf8.RuneCountInString(w)
			p.Words = append(p.Words, store.Word{Text: w, Box: [4]int{x, y, x + charW*n, y + 34}, Conf: conf, Line: line})
			x += charW*n + spaceW
		}
	}
	for _, row := range strings.Split(strings.TrimSpace(src), "\n") {
		line++
		kind, text, _ := strings.Cut(row, "|")
		switch kind {
		case "L":
			place(text, 0, 236)
		case "C":
			place(text, pageW/2, -1)
		case "R":
			place(text, 0.7*pageW, -1)
		case "2":
			l, r, _ := strings.Cut(text, "||")
			place(l, 0.27*pageW, -1)
			place(r, 0.66*pageW, -1)
		}
		y += rowH
	}
	return p
}

type golden struct {
	Fields     store.Fields     `json:"fields"`
	Confidence store.Confidence `json:"confidence"`
}

// TestGolden reads testdata/*.txtar: a layout per page ("page" sections)
// and the fields expected ("want").
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) < 8 {
		t.Fatalf("only %d golden files", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var pages []store.Page
			var want []byte
			wantIdx := -1
			for i, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "page"):
					pages = append(pages, layoutPage(string(f.Data)))
				case f.Name == "text":
					pages = append(pages, store.Page{N: 1, Text: string(f.Data)})
				case f.Name == "want":
					want, wantIdx = f.Data, i
				}
			}
			fields, conf := Extract(pages)
			got, _ := json.MarshalIndent(golden{fields, conf}, "", "  ")
			got = append(got, '\n')
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = got
				os.WriteFile(file, txtar.Format(ar), 0o644)
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestStatusNeedsConfidence(t *testing.T) {
	// A low-confidence number must lower its field's confidence below
	// what an auto record needs.
	src := `2|ỦY BAN NHÂN DÂN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
2|XÃ AN BÌNH || Độc lập - Tự do - Hạnh phúc
2|Số: ~12/QĐ-UBND || An Bình, ngày 02 tháng 3 năm 2024
C|QUYẾT ĐỊNH
C|Về việc công nhận tổ hòa giải`
	_, conf := Extract([]store.Page{layoutPage(src)})
	if conf[store.NumberSymbol] >= 0.8 {
		t.Errorf("number confidence %.2f from a doubtful word", conf[store.NumberSymbol])
	}
	if conf[store.DocType] < 0.8 || conf[store.IssueDate] < 0.8 {
		t.Errorf("confident fields: %v", conf)
	}
}

func TestExtractEmpty(t *testing.T) {
	f, conf := Extract(nil)
	if f.DocType != "" || conf[store.DocType] != 0 {
		t.Errorf("no pages: %+v %v", f, conf)
	}
	f, _ = Extract([]store.Page{{Width: 100, Height: 100}})
	if f.DocType != "" {
		t.Errorf("blank page: %+v", f)
	}
}

// TestAutoNeedsEvidence: each weak piece of evidence keeps a key field
// under what an auto record needs, and the same page without it does not.
func TestAutoNeedsEvidence(t *testing.T) {
	const page = `2|UBND HUYỆN AN LÃO || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
2|PHÒNG TƯ PHÁP || Độc lập - Tự do - Hạnh phúc
2|Số: 12/QĐ-PTP || An Lão, ngày 02 tháng 3 năm 2024
C|QUYẾT ĐỊNH
C|Về việc công nhận tổ hòa giải`
	for _, c := range []struct {
		name, old, new string
		field          store.Field
	}{
		{"a doubtful word of the issuer", "AN LÃO ||", "AN ~LÃO ||", store.Issuer},
		{"a rejected word of the issuer's vocabulary", "PHÒNG TƯ", "PHÒNG ~TƯ", store.Issuer},
		{"an issuer that names no body", "UBND HUYỆN AN LÃO", "HUYỆN AN LÃO", store.Issuer},
		{"a doubtful word of the title", "C|QUYẾT ĐỊNH", "C|~QUYẾT ĐỊNH", store.DocType},
		{"a title of no known kind", "C|QUYẾT ĐỊNH", "C|DANH SÁCH", store.DocType},
		{"a number without a symbol", "12/QĐ-PTP", "12", store.NumberSymbol},
		{"a doubtful number its header does not vouch for", "12/QĐ-PTP", "~12/TB-XYZ", store.NumberSymbol},
		{"a doubtful digit of the date", "ngày 02", "ngày ~02", store.IssueDate},
		{"a date before any dossier", "năm 2024", "năm 1960", store.IssueDate},
		{"a date to come", "năm 2024", "năm 2099", store.IssueDate},
		{"a date line without a place", "An Lão, ngày", "……, ngày", store.IssueDate},
		{"a date of another year than the number's", "12/QĐ-PTP", "12/2023/QĐ-PTP", store.IssueDate},
		{"a number of another year than the date's", "12/QĐ-PTP", "12/2023/QĐ-PTP", store.NumberSymbol},
		{"a page read poorly", "C|Về việc công nhận tổ hòa giải", "C|~Về ~việc ~công ~nhận ~tổ ~hòa ~giải", store.Issuer},
	} {
		_, conf := Extract([]store.Page{layoutPage(page)})
		if conf[c.field] < store.Confident {
			t.Fatalf("%s: %s %.2f on the page without it", c.name, c.field, conf[c.field])
		}
		_, conf = Extract([]store.Page{layoutPage(strings.Replace(page, c.old, c.new, 1))})
		if conf[c.field] >= store.Confident {
			t.Errorf("%s: %s %.2f", c.name, c.field, conf[c.field])
		}
	}
}
