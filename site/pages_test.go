package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProcedureNavigation: a procedure page has its contents at the top,
// each entry pointing at a heading of the page, a way back to the top,
// and its document checklist folding by group without JavaScript.
func TestProcedureNavigation(t *testing.T) {
	out := buildFixture(t)
	html := readFile(t, filepath.Join(out, "thu-tuc", "1.001193", "index.html"))
	toc := regexp.MustCompile(`(?s)<nav class="toc" aria-labelledby="muc-luc">(.*?)</nav>`).FindStringSubmatch(html)
	if toc == nil {
		t.Fatal("no table of contents")
	}
	var got []string
	for _, m := range regexp.MustCompile(`<a href="#([^"]+)">([^<]+)</a>`).FindAllStringSubmatch(toc[1], -1) {
		got = append(got, m[2])
		if !regexp.MustCompile(`<h2 id="` + regexp.QuoteMeta(m[1]) + `">`).MatchString(html) {
			t.Errorf("contents entry %q points at #%s, which no h2 has", m[2], m[1])
		}
	}
	want := []string{"Thông tin chung", "Cách thức thực hiện", "Thành phần hồ sơ", "Trình tự thực hiện",
		"Yêu cầu, điều kiện", "Kết quả thực hiện", "Căn cứ pháp lý", "Thủ tục liên quan", "Từ khóa"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("contents %q, want %q", got, want)
	}
	if strings.Index(html, `class="toc"`) > strings.Index(html, `id="thong-tin-chung"`) {
		t.Error("the contents come after the first section")
	}
	top := regexp.MustCompile(`<a href="#([^"]+)">Lên đầu trang</a>`).FindStringSubmatch(html)
	if top == nil || !strings.Contains(html, `<h1 id="`+top[1]+`">`) {
		t.Errorf("no link back to the top (%v)", top)
	}
	if strings.LastIndex(html, "Lên đầu trang") < strings.Index(html, `id="tu-khoa"`) {
		t.Error("the link back to the top is not at the end")
	}
	// Two groups, each a <details> open at first, its heading the summary.
	for _, g := range []string{"Giấy tờ phải nộp", "Giấy tờ phải xuất trình"} {
		re := regexp.MustCompile(`<details class="doc-group" open>\s*<summary><h3>` + g + `</h3> <span class="count">\d+ giấy tờ</span></summary>\s*<ul class="checklist">`)
		if !re.MatchString(html) {
			t.Errorf("group %q does not fold", g)
		}
	}
	if strings.Count(html, "<details") != strings.Count(html, "</details>") {
		t.Error("unbalanced <details>")
	}
	// A procedure whose documents have no groups has no fold.
	if html := readFile(t, filepath.Join(out, "thu-tuc", "1.000894", "index.html")); strings.Contains(html, "<details") {
		t.Error("a checklist without groups folds")
	}
}

// TestOneSearchBox: no page shows two search boxes; the results page and
// the 404 page show theirs, not the header's; and the header's box says
// what to type even where its label is hidden.
func TestOneSearchBox(t *testing.T) {
	out := buildFixture(t)
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || filepath.Ext(path) != ".html" {
			return err
		}
		html := readFile(t, path)
		rel, _ := filepath.Rel(out, path)
		if n := strings.Count(html, `role="search"`); n > 1 {
			t.Errorf("%s: %d search forms", rel, n)
		}
		if strings.Contains(html, `id="tim-kiem-dau-trang"`) &&
			!regexp.MustCompile(`<input type="search" id="tim-kiem-dau-trang" [^>]*placeholder="[^"]+"`).MatchString(html) {
			t.Errorf("%s: the header's search box has no placeholder", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"404.html", "tim-kiem/index.html", "index.html"} {
		html := readFile(t, filepath.Join(out, page))
		if strings.Count(html, `role="search"`) != 1 || strings.Contains(html, "tim-kiem-dau-trang") {
			t.Errorf("%s: want its own search form only", page)
		}
	}
	if html := readFile(t, filepath.Join(out, "thu-tuc", "1.001193", "index.html")); !strings.Contains(html, `id="tim-kiem-dau-trang"`) {
		t.Error("a procedure page lost the header's search box")
	}
}

// TestSuggestionsUseSuggestAPI: the script that offers suggestions while
// typing asks the light /api/suggest, not the full search.
func TestSuggestionsUseSuggestAPI(t *testing.T) {
	out := buildFixture(t)
	js, err := filepath.Glob(filepath.Join(out, "js", "search.*.js"))
	if err != nil || len(js) != 1 {
		t.Fatalf("built script: %v %v", js, err)
	}
	src := readFile(t, js[0])
	if !strings.Contains(src, `"/api/suggest?q="`) || strings.Contains(src, "/api/search") {
		t.Errorf("the script does not ask /api/suggest only:\n%s", src)
	}
	if !strings.Contains(src, ".suggestions") {
		t.Error("the script does not read the suggestions of /api/suggest's answer")
	}
}
