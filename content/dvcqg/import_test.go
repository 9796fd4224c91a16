package dvcqg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/content"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

const goodRecord = `{"ma_thu_tuc": "%s", "ten_thu_tuc": "Thủ tục đăng ký khai sinh", "linh_vuc": "Hộ tịch",
 "cap_thuc_hien": "Cấp xã", "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1 NgàyMiễn phí",
 "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai1 bản chính",
 "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
 "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tin"}`

// TestImportBadInput: each bad file is reported with its name and reason,
// the others are imported, and the report says something failed.
func TestImportBadInput(t *testing.T) {
	src := t.TempDir()
	out := t.TempDir()
	rec := func(code string) string { return strings.Replace(goodRecord, "%s", code, 1) }
	writeFile(t, filepath.Join(src, "bo-a", "1.001193.json"), rec("1.001193"))
	writeFile(t, filepath.Join(src, "bo-a", "broken.json"), "{\n\"ma_thu_tuc\": \"1.000001\",\n\"ten_thu_tuc\": }")
	writeFile(t, filepath.Join(src, "bo-a", "layout.json"), `{"code": "1.000002", "title": "x"}`)
	writeFile(t, filepath.Join(src, "bo-a", "array.json"), `[1, 2]`)
	writeFile(t, filepath.Join(src, "bo-a", "badcode.json"), rec("1.00119"))
	writeFile(t, filepath.Join(src, "bo-b", "1.001193.json"), rec("1.001193"))
	writeFile(t, filepath.Join(src, "bo-b", "empty.json"), "")
	writeFile(t, filepath.Join(src, "bo-b", "notes.txt"), "not a record")

	rep, procs, err := Import(src, Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Procedures != 1 || len(procs) != 1 {
		t.Errorf("procedures = %d, want 1", rep.Procedures)
	}
	want := map[string]string{
		filepath.Join("bo-a", "broken.json"):   "line 3: malformed JSON",
		filepath.Join("bo-a", "layout.json"):   "unknown layout: no ma_thu_tuc, ten_thu_tuc",
		filepath.Join("bo-a", "array.json"):    "unknown layout",
		filepath.Join("bo-a", "badcode.json"):  `"1.00119" is not a procedure code`,
		filepath.Join("bo-b", "1.001193.json"): "already imported from " + filepath.Join("bo-a", "1.001193.json"),
		filepath.Join("bo-b", "empty.json"):    "malformed JSON",
	}
	if rep.Failed != len(want) {
		t.Errorf("failed = %d, want %d: %+v", rep.Failed, len(want), rep.Failures)
	}
	for _, f := range rep.Failures {
		w, ok := want[f.File]
		if !ok {
			t.Errorf("unexpected failure %s: %s", f.File, f.Err)
			continue
		}
		if !strings.Contains(f.Err, w) {
			t.Errorf("%s: error %q does not say %q", f.File, f.Err, w)
		}
		delete(want, f.File)
	}
	for f := range want {
		t.Errorf("%s was not reported", f)
	}
	if _, err := os.Stat(filepath.Join(out, "1.001193.md")); err != nil {
		t.Errorf("the good record was not written: %v", err)
	}
}

func TestImportEmptyFolder(t *testing.T) {
	_, _, err := Import(t.TempDir(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no JSON records") {
		t.Fatalf("err = %v, want a message that the folder holds no records", err)
	}
	if _, _, err := Import(filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Fatal("a missing folder must be an error")
	}
}

// TestImportRerunIdentical: a second run writes nothing and leaves every
// byte as it was.
func TestImportRerunIdentical(t *testing.T) {
	out := t.TempDir()
	rep1, _, err := Import("testdata/golden", Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	first := readAll(t, out)
	rep2, _, err := Import("testdata/golden", Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep1.Written != rep1.Procedures || rep2.Written != 0 {
		t.Errorf("written = %d then %d, want %d then 0", rep1.Written, rep2.Written, rep1.Procedures)
	}
	second := readAll(t, out)
	for name, data := range first {
		if second[name] != data {
			t.Errorf("%s changed on re-run", name)
		}
	}
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

func TestParseChannels(t *testing.T) {
	tests := []struct {
		in      string
		channel string
		time    float64
		unit    string
		fee     int64 // -1: no amount
		feeText string
		rows    int
	}{
		{"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(20.000 đồng/lần)", "truc-tiep", 7, "ngay-lam-viec", 20000, "20,000 Việt Nam Đồng (20.000 đồng/lần)", 1},
		{"Trực tuyến1100 VNĐ(Phí: 100.000 đồng/lần)Trực tiếp1100 VNĐ", "truc-tuyen", 1, "", 100000, "100 VNĐ (Phí: 100.000 đồng/lần)", 2},
		{"Dịch vụ bưu chính4 GiờMiễn phí", "buu-chinh", 4, "gio", 0, "Miễn phí", 1},
		{"Trực tuyến7Miễn phí(Mức lệ phí do Hội đồng nhân dân tỉnh quyết định)", "truc-tuyen", 7, "", -1, "Miễn phí (Mức lệ phí do Hội đồng nhân dân tỉnh quyết định)", 1},
		{"Trực tiếp5 Ngày làm việc145 VNĐ(Thẻ: 145 USD/thẻ.)", "truc-tiep", 5, "ngay-lam-viec", -1, "145 VNĐ (Thẻ: 145 USD/thẻ.)", 1},
		{"Trực tiếp10 NgàyKhông có thông tinTrực tiếp tại cơ quan Công an.", "truc-tiep", 10, "ngay", -1, "", 1},
	}
	for _, tt := range tests {
		chs := ParseChannels(tt.in)
		if len(chs) != tt.rows {
			t.Errorf("%q: %d rows, want %d", tt.in, len(chs), tt.rows)
			continue
		}
		c := chs[0]
		if c.Channel != tt.channel || c.TimeValue == nil || *c.TimeValue != tt.time || c.TimeUnit != tt.unit || c.FeeText != tt.feeText {
			t.Errorf("%q: got %s %v %s %q", tt.in, c.Channel, deref(c.TimeValue), c.TimeUnit, c.FeeText)
		}
		switch {
		case tt.fee < 0 && c.FeeVND != nil:
			t.Errorf("%q: fee_vnd = %d, want none", tt.in, *c.FeeVND)
		case tt.fee >= 0 && (c.FeeVND == nil || *c.FeeVND != tt.fee):
			t.Errorf("%q: fee_vnd = %v, want %d", tt.in, c.FeeVND, tt.fee)
		}
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestParseLegalBasis(t *testing.T) {
	tests := []struct {
		in    string
		names []string
		codes []string
	}{
		{"Tên văn bản pháp lýMã văn bảnThông tư Hướng dẫn về phí85/2019/TT-BTCNghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ123/2015/NĐ-CP",
			[]string{"Thông tư Hướng dẫn về phí", "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ"}, []string{"85/2019/TT-BTC", "123/2015/NĐ-CP"}},
		{"Luật Kinh doanh bất động sản số 29/2023/QH1529/2023/QH15", []string{"Luật Kinh doanh bất động sản số 29/2023/QH15"}, []string{"29/2023/QH15"}},
		{"Luật Xuất nhập cảnh sửa đổi 202323/2023/QH15Thông tư03/2025/TT-VPCPquy định chính sách giai đoạn 2026 - 2030182/2025/NQ-HĐND",
			[]string{"Luật Xuất nhập cảnh sửa đổi 2023", "Thông tư", "quy định chính sách giai đoạn 2026 - 2030"}, []string{"23/2023/QH15", "03/2025/TT-VPCP", "182/2025/NQ-HĐND"}},
		{"về kinh doanh hàng không30/2013/NĐ-CPLUẬT HÀNG KHÔNG66/2006/QH11", []string{"về kinh doanh hàng không", "LUẬT HÀNG KHÔNG"}, []string{"30/2013/NĐ-CP", "66/2006/QH11"}},
		{"Nghị quyết66.7/2025/NQ-CP", []string{"Nghị quyết"}, []string{"66.7/2025/NQ-CP"}},
		{"", nil, nil},
	}
	for _, tt := range tests {
		got := ParseLegalBasis(tt.in)
		if len(got) != len(tt.codes) {
			t.Errorf("%q: %d rows %+v, want %d", tt.in, len(got), got, len(tt.codes))
			continue
		}
		for i, d := range got {
			if d.Name != tt.names[i] || d.Code != tt.codes[i] {
				t.Errorf("%q row %d: got %q %q, want %q %q", tt.in, i, d.Name, d.Code, tt.names[i], tt.codes[i])
			}
		}
	}
}

func TestParseDocuments(t *testing.T) {
	in := "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai đăng ký khai sinh theo mẫuMẫu TK-KS.docx1 bản chính- Giấy chứng sinh0 bản chính,1 bản sao* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượngBản khai theo mẫu BM.NCC.20.031 bản chính"
	got := ParseDocuments(in)
	want := []DocumentRow{
		{Document: docOf("Giấy tờ phải nộp", "Tờ khai đăng ký khai sinh theo mẫu", "Mẫu TK-KS.docx", 1, 0), Counted: true},
		{Document: docOf("Giấy tờ phải nộp", "Giấy chứng sinh", "", 0, 1), Counted: true},
		{Document: docOf("Giấy tờ phải xuất trình", "Bản khai theo mẫu BM.NCC.20.03", "", 1, 0), Counted: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func docOf(group, name, form string, originals, copies int) content.Document {
	return content.Document{Group: group, Name: name, Form: form, Originals: originals, Copies: copies}
}

// A failure with a known line reads FILE:LINE: message, the form editors
// jump to.
func TestFailureFileLine(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "broken.json"), "{\n\"ma_thu_tuc\": \"1.000001\",\n\"ten_thu_tuc\": }")
	writeFile(t, filepath.Join(src, "layout.json"), `{"code": "1.000002"}`)
	rep, _, err := Import(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"broken.json:3: malformed JSON: ", "layout.json: unknown layout: "}
	if len(rep.Failures) != len(want) {
		t.Fatalf("failures: %+v", rep.Failures)
	}
	for i, f := range rep.Failures {
		if !strings.HasPrefix(f.String(), want[i]) {
			t.Errorf("failure %d reads %q, want it to start with %q", i, f.String(), want[i])
		}
	}
}
