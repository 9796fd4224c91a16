package pipeline

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/scanmaker"
	"motcua/store"
)

// Synthetic pages: A4 at 200 dpi, rows of text placed like the renderer
// places them (left margin, centred, or a header column).

const pageW, pageH = 1654, 2339

// row is one line of text: its x (-1 centred, -2 left column centre, -3
// right column centre), its y from the top, and its text.
type row struct {
	x, y int
	text string
}

func synthPage(rows ...row) store.Page {
	p := store.Page{Width: pageW, Height: pageH, DPI: 200}
	for i, r := range rows {
		words := strings.Fields(r.text)
		w := 0
		for _, s := range words {
			w += 22*len([]rune(s)) + 12
		}
		x := r.x
		switch r.x {
		case -1:
			x = 866 - w/2
		case -2:
			x = 476 - w/2
		case -3:
			x = 1122 - w/2
		}
		for _, s := range words {
			ww := 22 * len([]rune(s))
			p.Words = append(p.Words, store.Word{Text: s, Box: [4]int{x, r.y, x + ww, r.y + 34}, Conf: 0.92, Line: i + 1})
			x += ww + 12
		}
	}
	return p
}

func body(y0 int, lines ...string) []row {
	var rs []row
	for i, l := range lines {
		rs = append(rs, row{236, y0 + 47*i, l})
	}
	return rs
}

func TestOpensDocument(t *testing.T) {
	para := body(700, "Hôm nay, hồi 9 giờ, tại trụ sở Ủy ban nhân dân xã, đoàn kiểm tra gồm",
		"các ông, bà có tên dưới đây đã kiểm tra việc niêm yết thủ tục hành chính.")
	tests := []struct {
		name string
		rows []row
		want bool
	}{
		{"national title and motto", []row{{-2, 200, "ỦY BAN NHÂN DÂN"}, {-3, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, {-3, 247, "Độc lập - Tự do - Hạnh phúc"}}, true},
		{"motto misread", []row{{-3, 200, "CONG HOÀ XẢ HỘI CHÚ NGHỈA VIÊT NAM"}}, true},
		{"motto alone, garbled", []row{{-3, 247, "Độc lấp - Tư do - Hanh phủc"}}, true},
		{"form code", []row{{1200, 160, "Mẫu số 01/TP-HT"}, {-1, 400, "TỜ KHAI"}}, true},
		{"form code misread", []row{{1200, 160, "Mầu sổ 05a"}}, true},
		{"a form's code field", append([]row{{1100, 160, "Mã số thuế: 2600123456"}}, para...), false},
		{"known title", []row{{-1, 500, "BIÊN BẢN"}, {-1, 547, "Họp xét hồ sơ"}}, true},
		{"issuer, number, own title", []row{{-2, 160, "BỆNH VIỆN ĐA KHOA TỈNH"}, {-2, 300, "Số: 1527/GCS"}, {-1, 450, "GIẤY CHỨNG SINH"}}, true},
		{"issuer and date line", []row{{-2, 160, "SỞ TƯ PHÁP"}, {-3, 300, "Hà Nội, ngày 05 tháng 11 năm 2019"}}, true},
		{"body only", para, false},
		{"page number then body", append([]row{{-1, 160, "2"}}, para...), false},
		{"page number of a form", append(para, row{-1, 2200, "Trang 2/3"}), false},
		{"sentence goes on", body(160, "trước. Danh sách các hộ được đề nghị hỗ trợ kèm theo biên bản này."), false},
		{"signature block near the top", append(body(160, "Biên bản kết thúc lúc 10 giờ 30 phút cùng ngày."),
			row{-2, 300, "THÀNH VIÊN"}, row{-3, 300, "TRƯỞNG ĐOÀN"}), false},
		{"date and signers at the top", append(body(160, "Ủy ban nhân dân xã đăng ký kết hôn cho chúng tôi."),
			row{-3, 250, "Phương Xá, ngày 08 tháng 4 năm 2024"}, row{-2, 297, "BÊN NỮ"}, row{-3, 297, "BÊN NAM"}), false},
		{"date line first, then signers", []row{{-3, 160, "Phương Xá, ngày 08 tháng 4 năm 2024"}, {-2, 207, "NGƯỜI KHAI"}, {-3, 207, "CÁN BỘ TƯ PHÁP"}}, false},
		{"issuer, number and date, no title", []row{{-2, 160, "CÔNG AN TỈNH PHÚ THỌ"}, {-2, 300, "Số: 112/CAT-PV01"}, {-3, 300, "Việt Trì, ngày 3 tháng 5 năm 2024"}}, true},
		{"page number 2 read alone", []row{{-1, 170, "- 2 -"}, {-3, 300, "Hà Nội, ngày 05 tháng 11 năm 2019"}, {-2, 350, "NGƯỜI LÀM ĐƠN"}}, false},
		{"body names the Republic", body(160, "Hợp đồng này chịu sự điều chỉnh của pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam",
			"và được lập tại thành phố Hội An."), false},
		{"operative formula after the grounds", append(body(160, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
			"Xét đề nghị của công chức Tư pháp - Hộ tịch xã,"), row{-1, 300, "QUYẾT ĐỊNH:"}, row{236, 360, "Điều 1. Công nhận ông Nguyễn Văn An là hòa giải viên."}), false},
		{"single-word form title", []row{{-1, 300, "ĐƠN"}, {-1, 347, "Đề nghị cấp bản sao"}}, true},
		{"numbered heading in capitals", append([]row{{-1, 160, "II. THÔNG TIN VỀ NGƯỜI CHA"}}, para...), false},
		{"capital heading alone", append([]row{{-1, 160, "CAM ĐOAN CỦA NGƯỜI KHAI"}}, para...), false},
		{"blank", nil, false},
		{"law cited in the body", body(160, "Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư;",
			"Xét đề nghị của Công ty TNHH Hoàng Long về việc cấp giấy phép;"), false},
	}
	for _, tt := range tests {
		got, why := OpensDocument(synthPage(tt.rows...))
		if got != tt.want {
			t.Errorf("%s: OpensDocument = %v (%s), want %v", tt.name, got, why, tt.want)
		}
	}
}

func TestSplitDocuments(t *testing.T) {
	head := synthPage(row{-3, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, row{-1, 400, "QUYẾT ĐỊNH"})
	cont := synthPage(append([]row{{-1, 160, "2"}}, body(250, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")...)...)
	blank := synthPage()
	pages := []store.Page{cont, head, cont, blank, head, head}
	want := [][]int{{0}, {1, 2, 3}, {4}, {5}}
	if got := SplitDocuments(pages); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("SplitDocuments = %v, want %v", got, want)
	}
	// A cover is no document and the page after it opens one.
	cover := func(i int) bool { return i == 1 }
	want = [][]int{{0}, {2, 3}, {4}, {5}}
	if got := SplitStack(pages, cover); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("SplitStack = %v, want %v", got, want)
	}
}

func TestFuzzyDistance(t *testing.T) {
	for _, tt := range []struct {
		text, pat string
		want      int
	}{
		{"uy ban cong hoa xa hoi chu nghia viet nam doc", "cong hoa xa hoi chu nghia viet nam", 0},
		{"cong hoa xa hol chu ngh1a viet nam", "cong hoa xa hoi chu nghia viet nam", 2},
		{"", "mau", 3},
		{"mau so 01", "mau so", 0},
		{"theo mau so 01", "mau so", 0},
	} {
		if got := fuzzyDistance(tt.text, tt.pat); got != tt.want {
			t.Errorf("fuzzyDistance(%q, %q) = %d, want %d", tt.text, tt.pat, got, tt.want)
		}
	}
}

func TestParseReceiptSynthetic(t *testing.T) {
	p := synthPage(append([]row{
		{-2, 160, "UBND HUYỆN YÊN LẠC"}, {-3, 160, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
		{-3, 300, "Yên Lạc, ngày 12 tháng 9 năm 2023"},
		{-1, 450, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
		{-1, 497, "Mã hồ sơ: 000.00.11.H62 - 230912-0193"}},
		body(600, "Ông/Bà: Kiều Văn Dũng", "Số định danh cá nhân: 026089004517",
			"Nội dung yêu cầu: Đăng ký khai sinh (mã thủ tục 1.001193)",
			"Thời gian trả kết quả: 10 giờ 00 phút, ngày 13/9/2023")...)...)
	got, ok := ParseReceipt(p)
	want := Receipt{"000.00.11.H62-230912-0193", "1.001193", "Kiều Văn Dũng", "026089004517", "2023-09-12", "2023-09-13"}
	if !ok || got != want {
		t.Errorf("ParseReceipt = %+v, %v\nwant %+v", got, ok, want)
	}
	// Labels of another layout; the appointment wraps to the next line.
	p = synthPage(append([]row{{-1, 300, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"}},
		body(400, "Họ và tên người nộp: Trương Công Lộc; số điện thoại 0905 118 240",
			"Nhận kết quả tại Bộ phận tiếp nhận và trả kết quả của huyện",
			"Thời gian tiếp nhận: 08 giờ 15 phút, ngày 17 tháng 3 năm 2025",
			"Ngày hẹn trả kết quả:", "ngày 19/3/2025 (trong giờ hành chính)")...)...)
	got, ok = ParseReceipt(p)
	want = Receipt{OwnerName: "Trương Công Lộc", Received: "2025-03-17", Due: "2025-03-19"}
	if !ok || got != want {
		t.Errorf("ParseReceipt = %+v, %v\nwant %+v", got, ok, want)
	}
	if _, ok := ParseReceipt(synthPage(body(160, "Hôm nay, tại trụ sở Ủy ban nhân dân xã")...)); ok {
		t.Error("a page that is no receipt was read as one")
	}
}

// Stacks for the integration test: documents from testdata/stacks and the
// shared demo scans, rendered and scanned under scanmaker's conditions.
// The rules were tuned on the T stacks only; the H stacks (their own
// documents, written before the first OCR run) only measure them.
// SPLIT_DEBUG=1 logs every page's verdict and reason.

var (
	clean    = scanmaker.Scan{}
	fax      = scanmaker.Scan{Angle: 1.5, Blur: true, Noise: 10, Seed: 11}
	office   = scanmaker.Scan{Angle: -0.7, Paper: true, Stamp: true, Noise: 3, Seed: 21}
	skewed   = scanmaker.Scan{Angle: 2.2, Noise: 6, Seed: 31}
	softBlur = scanmaker.Scan{Angle: 0.6, Blur: true, Noise: 4, Seed: 41}
)

type stackCase struct {
	held bool
	spec scanmaker.StackSpec
}

func stackCases(t *testing.T) []stackCase {
	doc := func(path string) scanmaker.Doc {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return scanmaker.Doc{Name: path[strings.LastIndex(path, "/")+1:], Src: string(b)}
	}
	mine := func(name string) scanmaker.Doc { return doc("testdata/stacks/" + name + ".scan") }
	demo := func(name string) scanmaker.Doc { return doc("../tools/demoscans/docs/" + name + ".scan") }
	st := func(held bool, name string, sc scanmaker.Scan, dossiers ...[]scanmaker.Doc) stackCase {
		return stackCase{held, scanmaker.StackSpec{Name: name, Dossiers: dossiers, Scan: sc}}
	}
	d := func(docs ...scanmaker.Doc) []scanmaker.Doc { return docs }
	return []stackCase{
		st(false, "T1 clean", clean, d(mine("t-tiep-nhan"), mine("t-to-khai-ket-hon"))),
		st(false, "T2 fax", fax, d(mine("t-bien-ban-hop")), d(mine("t-phieu-yeu-cau"), mine("t-chung-nhan-ket-hon"))),
		st(false, "T3 office", office, d(demo("06-trich-luc-khai-sinh")), d(demo("04-bien-ban-kiem-tra"))),
		st(false, "T4 skewed", skewed, d(mine("t-giay-chung-sinh"), mine("t-to-khai-ket-hon"))),
		st(true, "H1 clean", clean, d(mine("h-tiep-nhan"), mine("h-to-khai-thay-doi"))),
		st(true, "H2 fax", fax, d(mine("h-hop-dong")), d(mine("h-xac-nhan-hon-nhan"))),
		st(true, "H3 office", office, d(mine("h-don-ban-sao"), demo("02-cong-van-so-tu-phap")), d(demo("05-quyet-dinh-cong-bo"))),
		st(true, "H4 soft", softBlur, d(mine("h-xac-nhan-hon-nhan"), mine("h-to-khai-thay-doi"))),
	}
}

type ocrStack struct {
	stackCase
	stack scanmaker.Stack
	pages []store.Page
}

var (
	ocrOnce   sync.Once
	ocrStacks []ocrStack
	ocrErr    error
)

// recognizedStacks renders the stacks and reads every page with the real
// OCR, once per test binary, with two engines.
func recognizedStacks(t *testing.T) []ocrStack {
	if testing.Short() {
		t.Skip("OCR of the stacks is slow")
	}
	cases := stackCases(t)
	ocrOnce.Do(func() {
		start := time.Now()
		type job struct{ s, p int }
		var jobs []job
		for i, c := range cases {
			st, err := scanmaker.BuildStack(c.spec, nil)
			if err != nil {
				ocrErr = err
				return
			}
			ocrStacks = append(ocrStacks, ocrStack{c, st, make([]store.Page, len(st.Pages))})
			for j := range st.Pages {
				jobs = append(jobs, job{i, j})
			}
		}
		ch := make(chan job)
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 2 {
			eng, err := NewEngine(Lang)
			if err != nil {
				ocrErr = err
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer eng.Close()
				for j := range ch {
					s := &ocrStacks[j.s]
					pg, _, err := eng.RecognizeUpright(Prepare(s.stack.Pages[j.p], scanmaker.DPI))
					mu.Lock()
					if err != nil && ocrErr == nil {
						ocrErr = err
					}
					pg.N = j.p + 1
					s.pages[j.p] = pg
					mu.Unlock()
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
		t.Logf("OCR of %d pages in %d stacks: %v", len(jobs), len(cases), time.Since(start).Round(time.Millisecond))
	})
	if ocrErr != nil {
		t.Fatal(ocrErr)
	}
	return ocrStacks
}

func TestStackSplit(t *testing.T) {
	stacks := recognizedStacks(t)
	type tally struct{ pages, pagesOK, docs, docsOK, stacks, stacksOK int }
	var halves [2]tally
	for _, s := range stacks {
		got := SplitDocuments(s.pages)
		var want [][]int
		for i, start := range s.stack.Starts {
			if start {
				want = append(want, []int{i})
			} else {
				want[len(want)-1] = append(want[len(want)-1], i)
			}
		}
		h := &halves[0]
		if s.held {
			h = &halves[1]
		}
		h.stacks++
		if slices.EqualFunc(got, want, slices.Equal) {
			h.stacksOK++
		} else {
			t.Errorf("%s: split %v, want %v", s.spec.Name, got, want)
		}
		for _, w := range want {
			h.docs++
			if slices.ContainsFunc(got, func(g []int) bool { return slices.Equal(g, w) }) {
				h.docsOK++
			}
		}
		for i, p := range s.pages {
			opens, why := OpensDocument(p)
			opens = opens || i == 0
			h.pages++
			if os.Getenv("SPLIT_DEBUG") != "" {
				t.Logf("%s page %d (%s): %v (%s)", s.spec.Name, i+1, s.stack.Docs[i], opens, why)
			}
			if opens == s.stack.Starts[i] {
				h.pagesOK++
			} else {
				t.Logf("%s page %d (%s): opens %v, want %v (%s)", s.spec.Name, i+1, s.stack.Docs[i], opens, s.stack.Starts[i], why)
			}
		}
	}
	for i, name := range []string{"tuning", "held-out"} {
		h := halves[i]
		t.Logf("%s: pages %d/%d, documents found exactly %d/%d, stacks split exactly %d/%d",
			name, h.pagesOK, h.pages, h.docsOK, h.docs, h.stacksOK, h.stacks)
	}
}

func TestStackReceipt(t *testing.T) {
	want := map[string]Receipt{
		"t-tiep-nhan.scan": {"000.00.15.H46-240408-0412", "1.000894", "Hà Thị Thu Trang", "025194006281", "2024-04-08", "2024-04-10"},
		"h-tiep-nhan.scan": {"000.25.31.H40-250317-0058", "2.000635", "Trương Công Lộc", "049088012345", "2025-03-17", "2025-03-18"},
	}
	seen := 0
	for _, s := range recognizedStacks(t) {
		for i, p := range s.pages {
			w, isReceipt := want[s.stack.Docs[i]]
			got, ok := ParseReceipt(p)
			if ok != isReceipt {
				t.Errorf("%s page %d (%s): receipt %v, want %v", s.spec.Name, i+1, s.stack.Docs[i], ok, isReceipt)
				continue
			}
			if !ok {
				continue
			}
			seen++
			if got != w {
				t.Errorf("%s page %d: ParseReceipt =\n %+v\nwant\n %+v", s.spec.Name, i+1, got, w)
			}
		}
	}
	if seen == 0 {
		t.Error("no receipt in the stacks")
	}
}
