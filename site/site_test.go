package site

import (
	"bytes"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"motcua/content"
)

func TestMain(m *testing.M) {
	strict = true
	os.Exit(m.Run())
}

// loadFixture loads testdata/catalogue, leaving out the given codes.
func loadFixture(t testing.TB, without ...string) *content.Catalogue {
	t.Helper()
	dir := "testdata/catalogue"
	if len(without) > 0 {
		dir = t.TempDir()
		entries, err := os.ReadDir("testdata/catalogue")
		if err != nil {
			t.Fatal(err)
		}
	next:
		for _, e := range entries {
			for _, code := range without {
				if e.Name() == code+".md" {
					continue next
				}
			}
			data, err := os.ReadFile(filepath.Join("testdata/catalogue", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cat, err := content.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Err(); err != nil {
		t.Fatalf("fixture catalogue: %v", err)
	}
	return cat
}

func buildFixture(t *testing.T) string {
	t.Helper()
	cat := loadFixture(t)
	if len(cat.Procedures) != 4 {
		t.Fatalf("fixture has %d procedures, want 4", len(cat.Procedures))
	}
	out := filepath.Join(t.TempDir(), "public")
	if err := Build(cat, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBuildPages(t *testing.T) {
	out := buildFixture(t)
	tests := []struct {
		page string
		want []string
		not  []string
	}{
		{
			page: "thu-tuc/1.001193/index.html",
			want: []string{
				`<title>Đăng ký khai sinh – Thủ tục hành chính công</title>`,
				`<h1 id="dau-trang">Đăng ký khai sinh</h1>`,
				`<dt>Mã thủ tục</dt><dd>1.001193</dd>`,
				`<dt>Số quyết định</dt><dd>1872/QĐ-BTP</dd>`,
				`<dt>Cấp thực hiện</dt><dd><a href="/cap-thuc-hien/cap-xa/">Cấp xã</a></dd>`,
				`<dt>Lĩnh vực</dt><dd><a href="/linh-vuc/ho-tich/">Hộ tịch</a></dd>`,
				`<dt>Cơ quan có thẩm quyền</dt><dd>Ủy ban nhân dân cấp xã</dd>`,
				`<dt>Địa chỉ tiếp nhận hồ sơ</dt>`,
				// Channels: name, time with its unit, fee in Vietnamese style.
				`<caption id="bang-cach-thuc">`,
				`<th scope="row">Trực tiếp</th>`,
				`<td>1 ngày làm việc</td>`,
				`<td>Miễn phí</td>`,
				`<th scope="row">Trực tuyến</th>`,
				`<td>1,5 ngày làm việc</td>`,
				`<td>8.000 đồng</td>`,
				`<td>Nộp hồ sơ trên Cổng Dịch vụ công quốc gia.</td>`,
				// Documents, grouped, with counts and form.
				`<h3>Giấy tờ phải nộp</h3>`,
				`<h3>Giấy tờ phải xuất trình</h3>`,
				`<span class="doc-count">1 bản chính, 1 bản sao</span>`,
				`<span class="doc-form">Mẫu đơn, tờ khai: Mẫu tờ khai đăng ký khai sinh.docx</span>`,
				// Body sections from the Markdown.
				`<h2 id="trinh-tu-thuc-hien">Trình tự thực hiện</h2>`,
				`<li>Nếu hồ sơ đủ, trả kết quả trong ngày.</li>`,
				`<h2 id="yeu-cau-dieu-kien">Yêu cầu, điều kiện</h2>`,
				// Legal basis and results with their codes.
				`<th scope="row" class="code">60/2014/QH13</th><td>Luật Hộ tịch</td>`,
				`<th scope="row" class="code">123/2015/NĐ-CP</th>`,
				`Giấy khai sinh <span class="meta">(Mã kết quả: <span class="code">KQ.G15.000031</span>)</span>`,
				// Related: a link when in the catalogue, the bare code otherwise.
				`<a href="/thu-tuc/1.000894/"><span class="code">1.000894</span> Đăng ký kết hôn</a>`,
				`<li><span class="code">1.999999</span></li>`,
				`<li>giấy khai sinh</li>`,
				`<a href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193" rel="external noopener">`,
				// Text is escaped.
				`Công dân Việt Nam &lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;`,
			},
			not: []string{"<script>", "Không có thông tin"},
		},
		{
			page: "thu-tuc/1.000894/index.html",
			want: []string{
				`<th scope="row">Dịch vụ bưu chính</th>`,
				`<td>Ngay trong ngày tiếp nhận hồ sơ</td>`,
				`<td>Theo quy định của Hội đồng nhân dân cấp tỉnh</td>`,
				`<span class="doc-name">Tờ khai đăng ký kết hôn</span>`,
			},
			// No groups, no descriptions: no group heading, no empty column.
			not: []string{"<h3>", "Mô tả", "Căn cứ pháp lý", "Kết quả thực hiện", "Yêu cầu, điều kiện"},
		},
		{
			page: "thu-tuc/1.004227/index.html",
			want: []string{
				`<td>1.500.000 đồng</td>`,
				`<td>20.000 đồng<span class="fee-note">Miễn cho hộ nghèo</span></td>`,
				`<td>20 ngày làm việc</td>`,
				`<a href="/cap-thuc-hien/cap-tinh/">Cấp tỉnh</a>, <a href="/cap-thuc-hien/cap-xa/">Cấp xã</a>`,
				`<a href="/linh-vuc/dat-dai/">Đất đai</a>`,
				`<span class="doc-count">1 bản sao</span>`,
				`KQ.G17.000123`,
			},
		},
		{
			page: "thu-tuc/2.000123/index.html",
			want: []string{
				`<h2 id="thanh-phan-ho-so">Thành phần hồ sơ</h2>`,
				`<td><span class="none">Không có thông tin</span></td>`,
				// Shortcode-like text is kept as text.
				`<p>Ghi chú: {{&lt; không phải shortcode &gt;}} và {{% cũng không %}}.</p>`,
			},
		},
		{
			page: "linh-vuc/dat-dai/index.html",
			want: []string{
				`<title>Đất đai – Thủ tục hành chính công</title>`,
				`<h1>Đất đai</h1>`,
				`<caption>Danh sách thủ tục thuộc Đất đai</caption>`,
				`<tr><th scope="row">1.004227</th><td><a href="/thu-tuc/1.004227/">Đăng ký đất đai lần đầu</a></td></tr>`,
			},
			not: []string{"/thu-tuc/1.001193/"},
		},
		{
			page: "linh-vuc/dang-ky-quan-ly-cu-tru/index.html",
			want: []string{`<h1>Đăng ký, quản lý cư trú</h1>`, `/thu-tuc/2.000123/`},
		},
		{
			page: "linh-vuc/index.html",
			want: []string{`<h1>Lĩnh vực</h1>`, `<a href="/linh-vuc/dat-dai/">Đất đai</a> <span class="count">1 thủ tục</span>`, `<a href="/linh-vuc/ho-tich/">Hộ tịch</a> <span class="count">2 thủ tục</span>`},
		},
		{
			page: "cap-thuc-hien/cap-xa/index.html",
			want: []string{`<h1>Cấp xã</h1>`, `/thu-tuc/1.000894/`, `/thu-tuc/1.001193/`, `/thu-tuc/1.004227/`, `/thu-tuc/2.000123/`},
		},
		{
			page: "co-quan/van-phong-dang-ky-dat-dai/index.html",
			want: []string{`<h1>Văn phòng đăng ký đất đai</h1>`, `/thu-tuc/1.004227/`},
		},
		{
			page: "co-quan/chi-nhanh-van-phong-dang-ky-dat-dai/index.html",
			want: []string{`<h1>Chi nhánh Văn phòng đăng ký đất đai</h1>`},
		},
		{
			page: "index.html",
			want: []string{
				`<title>Thủ tục hành chính công</title>`,
				`<form class="search" action="/tim-kiem" method="get" role="search">`,
				`<label for="tim-kiem">`,
				`<input type="search" id="tim-kiem" name="q"`,
				`<a href="/linh-vuc/ho-tich/">Hộ tịch</a> <span class="count">2 thủ tục</span>`,
				`<a href="/cap-thuc-hien/cap-xa/">Cấp xã</a> <span class="count">4 thủ tục</span>`,
				`<a href="/co-quan/uy-ban-nhan-dan-cap-xa/">Ủy ban nhân dân cấp xã</a> <span class="count">2 thủ tục</span>`,
				`(4 thủ tục)`,
			},
		},
		{
			page: "thu-tuc/index.html",
			want: []string{`<h1>Danh sách thủ tục hành chính</h1>`, `/thu-tuc/1.000894/`, `/thu-tuc/2.000123/`},
		},
		{
			page: "404.html",
			want: []string{`<h1>Không tìm thấy trang</h1>`, `action="/tim-kiem"`},
		},
		{
			page: "sitemap.xml",
			want: []string{`<loc>/thu-tuc/1.001193/</loc>`, `<loc>/linh-vuc/dat-dai/</loc>`},
			not:  []string{"dat-đai", "%C4%91"},
		},
		{
			page: "robots.txt",
			want: []string{"User-agent: *", "Disallow: /tim-kiem"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			html := readFile(t, filepath.Join(out, tt.page))
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("unexpected %q", n)
				}
			}
		})
	}
}

var (
	headingRe   = regexp.MustCompile(`<h([1-6])[ >]`)
	focusableRe = regexp.MustCompile(`<(a|input|button|select|textarea)[ >]|tabindex="0"`)
	urlRe       = regexp.MustCompile(`https?://[^\s"'<>)]*`)
	inputIDRe   = regexp.MustCompile(`<input[^>]* id="([^"]+)"`)
)

// TestEveryPage checks what every HTML page must have: language, landmarks,
// the skip link first, one h1 and no skipped heading level, labelled inputs,
// captioned tables, NFC text and no requests to other sites.
func TestEveryPage(t *testing.T) {
	out := buildFixture(t)
	pages := 0
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !norm.NFC.IsNormal(data) {
			t.Errorf("%s: not NFC", rel)
		}
		for _, u := range urlRe.FindAllString(string(data), -1) {
			switch {
			case strings.HasPrefix(u, "https://dichvucong.gov.vn/") && strings.HasPrefix(rel, "thu-tuc"+string(filepath.Separator)):
			case rel == "sitemap.xml" && (strings.HasPrefix(u, "http://www.sitemaps.org/") || strings.HasPrefix(u, "http://www.w3.org/1999/xhtml")):
			default:
				t.Errorf("%s: external URL %s", rel, u)
			}
		}
		if filepath.Ext(path) != ".html" {
			return nil
		}
		pages++
		html := string(data)
		if !strings.Contains(html, `<html lang="vi">`) {
			t.Errorf("%s: no <html lang=\"vi\">", rel)
		}
		if strings.Contains(html, `http-equiv="refresh"`) {
			return nil // a redirect (pagination's page 1)
		}
		for _, l := range []string{"<header", "<nav", "<main", "<footer"} {
			if strings.Count(html, l) == 0 {
				t.Errorf("%s: no %s> landmark", rel, l)
			}
		}
		body := html[strings.Index(html, "<body"):]
		first := focusableRe.FindStringIndex(body)
		if first == nil || !strings.HasPrefix(body[first[0]:], `<a class="skip-link" href="#noi-dung">Bỏ qua đến nội dung chính</a>`) {
			t.Errorf("%s: the skip link is not the first focusable element", rel)
		}
		if !strings.Contains(html, `<main id="noi-dung"`) {
			t.Errorf("%s: skip link target missing", rel)
		}
		levels := headingRe.FindAllStringSubmatch(html, -1)
		if len(levels) == 0 || levels[0][1] != "1" {
			t.Errorf("%s: the first heading is not an h1", rel)
		}
		prev := 0
		for _, m := range levels {
			l, _ := strconv.Atoi(m[1])
			if l == 1 && prev != 0 {
				t.Errorf("%s: more than one h1", rel)
			}
			if l > prev+1 {
				t.Errorf("%s: heading level skips from h%d to h%d", rel, prev, l)
			}
			prev = l
		}
		for _, m := range inputIDRe.FindAllStringSubmatch(html, -1) {
			if !strings.Contains(html, `<label for="`+m[1]+`">`) {
				t.Errorf("%s: input %s has no label", rel, m[1])
			}
		}
		if n := strings.Count(html, "<table"); n != strings.Count(html, "<caption") {
			t.Errorf("%s: %d tables but %d captions", rel, n, strings.Count(html, "<caption"))
		}
		if strings.Contains(html, "<th>") {
			t.Errorf("%s: header cell without scope", rel)
		}
		// The one script is the site's own search enhancement, deferred,
		// with its integrity hash; nothing inline.
		if n := strings.Count(html, "<script"); n != strings.Count(html, `<script src="/js/search.`) || n > 1 {
			t.Errorf("%s: unexpected script element", rel)
		}
		if n := strings.Count(html, "<script"); n == 1 && !strings.Contains(html, `defer></script>`) {
			t.Errorf("%s: the search script must be deferred", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 15 {
		t.Errorf("checked %d pages, want at least 15", pages)
	}
}

// TestBuildReplacesOutput builds twice into the same Out and Work, the
// second time without one procedure: nothing of it may survive.
func TestBuildReplacesOutput(t *testing.T) {
	tmp := t.TempDir()
	opt := Options{Out: filepath.Join(tmp, "public"), Work: filepath.Join(tmp, "work")}
	if err := Build(loadFixture(t), opt); err != nil {
		t.Fatal(err)
	}
	gone := []string{
		"thu-tuc/2.000123/index.html",
		"linh-vuc/dang-ky-quan-ly-cu-tru/index.html",
		"co-quan/cong-an-cap-xa/index.html",
		"stray.txt",
	}
	if err := os.WriteFile(filepath.Join(opt.Out, "stray.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range gone {
		if _, err := os.Stat(filepath.Join(opt.Out, p)); err != nil {
			t.Fatalf("first build: %v", err)
		}
	}

	if err := Build(loadFixture(t, "2.000123"), opt); err != nil {
		t.Fatal(err)
	}
	for _, p := range gone {
		if _, err := os.Stat(filepath.Join(opt.Out, p)); err == nil {
			t.Errorf("%s survived the second build", p)
		}
	}
	for _, p := range []string{"index.html", "thu-tuc/1.001193/index.html"} {
		if _, err := os.Stat(filepath.Join(opt.Out, p)); err != nil {
			t.Errorf("second build: %v", err)
		}
	}
	if html := readFile(t, filepath.Join(opt.Out, "thu-tuc/index.html")); strings.Contains(html, "2.000123") {
		t.Errorf("procedure list still shows the removed procedure")
	}
	// Only the output and the work directory remain: no temporary
	// directories are left next to Out.
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in the parent directory: %v", names)
	}
}

func TestBaseURL(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := Build(loadFixture(t), Options{Out: out, BaseURL: "https://example.org/thutuc/"}); err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]string{
		"sitemap.xml":                 "<loc>https://example.org/thutuc/linh-vuc/dat-dai/</loc>",
		"robots.txt":                  "Sitemap: https://example.org/thutuc/sitemap.xml",
		"thu-tuc/1.001193/index.html": `<a href="/thutuc/linh-vuc/ho-tich/">Hộ tịch</a>`,
		"index.html":                  `action="/thutuc/tim-kiem"`,
	} {
		if html := readFile(t, filepath.Join(out, page)); !strings.Contains(html, want) {
			t.Errorf("%s: missing %q", page, want)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cat := loadFixture(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := Generate(cat, dir); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb := tree(t, a), tree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files vs %d", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
	for _, name := range []string{
		"hugo.toml", "i18n/vi.toml", "layouts/baseof.html", "layouts/_partials/head.html",
		"content/thu-tuc/1.001193.md", "content/linh-vuc/dat-dai/_index.md",
	} {
		if _, ok := ta[name]; !ok {
			t.Errorf("%s not generated", name)
		}
	}
	for name := range ta {
		if strings.HasPrefix(name, "content/thu-tuc/") && strings.HasSuffix(name, ".md") {
			data := string(ta[name])
			if strings.HasPrefix(data, "---") {
				t.Errorf("%s: copied the catalogue file instead of generating front matter", name)
			}
		}
	}
	fm := string(ta["content/linh-vuc/dat-dai/_index.md"])
	if !strings.Contains(fm, `"title": "Đất đai"`) {
		t.Errorf("term page front matter: %s", fm)
	}
}

func TestGenerateRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(loadFixture(t), dir); err == nil {
		t.Fatal("Generate replaced a directory it did not write")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("Generate removed a file it did not write: %v", err)
	}
}

func TestHugo(t *testing.T) {
	tmp := t.TempDir()
	dir, out := filepath.Join(tmp, "work"), filepath.Join(tmp, "out")
	if err := Hugo(dir, out); err == nil {
		t.Error("Hugo built a directory without a project")
	}
	if err := Generate(loadFixture(t), dir); err != nil {
		t.Fatal(err)
	}
	if err := Hugo(dir, filepath.Join(dir, "public")); err == nil {
		t.Error("Hugo published into the project directory")
	}
	if err := Hugo(dir, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "thu-tuc", "1.004227", "index.html")); err != nil {
		t.Error(err)
	}
}

func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestStyles checks the stylesheet: no external resources, a print style,
// a visible focus style, and colour pairs with a contrast of at least 4.5:1.
func TestStyles(t *testing.T) {
	css := readFile(t, "assets/css/main.css")
	for _, bad := range []string{"@import", "url(", "http:", "https:", "@font-face"} {
		if strings.Contains(css, bad) {
			t.Errorf("stylesheet contains %q", bad)
		}
	}
	for _, want := range []string{"@media print", ":focus-visible", ".skip-link:focus", `a[href]::after { content: " (" attr(href) ")"`} {
		if !strings.Contains(css, want) {
			t.Errorf("stylesheet lacks %q", want)
		}
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(--[a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(css, -1) {
		vars[m[1]] = m[2]
	}
	for _, pair := range [][2]string{
		{"--text", "--bg"}, {"--text", "--soft"}, {"--muted", "--bg"}, {"--muted", "--soft"},
		{"--link", "--bg"}, {"--link", "--soft"}, {"--link-visited", "--bg"}, {"--bg", "--brand"},
		{"--text", "--focus"},
	} {
		fg, bg := vars[pair[0]], vars[pair[1]]
		if fg == "" || bg == "" {
			t.Errorf("colour %s or %s not defined", pair[0], pair[1])
			continue
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("%s on %s: contrast %.2f < 4.5", pair[0], pair[1], r)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

// TestSkeletonNFC checks that templates and translations are written in
// NFC, as the generated content is.
func TestSkeletonNFC(t *testing.T) {
	err := fs.WalkDir(skeleton, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := skeleton.ReadFile(name)
		if err == nil && !norm.NFC.IsNormal(data) {
			t.Errorf("%s is not NFC", name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := skeleton.ReadFile("layouts/_partials/head.html"); err != nil {
		t.Errorf("partials not embedded: %v", err)
	}
}

func TestBuildEmptyCatalogue(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := Build(&content.Catalogue{}, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	if html := readFile(t, filepath.Join(out, "index.html")); !strings.Contains(html, "(0 thủ tục)") {
		t.Error("home page does not show the empty count")
	}
	if err := Build(nil, Options{Out: out}); err == nil {
		t.Error("Build accepted a nil catalogue")
	}
	if err := Build(&content.Catalogue{}, Options{}); err == nil {
		t.Error("Build accepted an empty Out")
	}
}
