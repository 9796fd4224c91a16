package dossier

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"motcua/content"
	"motcua/store"
)

func catalogue(t *testing.T) *content.Catalogue {
	t.Helper()
	cat, err := content.Load("../site/content/thu-tuc")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// assignFile assigns the test documents of a TSV file to the real
// requirement names of the shipped catalogue and returns how many went to
// the expected requirement; wrong ones are logged through report.
func assignFile(t *testing.T, cat *content.Catalogue, name string, report func(format string, args ...any)) (right, cases int) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		if len(col) != 5 {
			t.Fatalf("%s:%d: %d columns, want 5", name, line, len(col))
		}
		p, ok := cat.Get(col[0])
		if !ok {
			t.Fatalf("%s:%d: procedure %s not in the catalogue", name, line, col[0])
		}
		ch, err := store.ParseChannel(col[1])
		if err != nil {
			t.Fatalf("%s:%d: %v", name, line, err)
		}
		cases++
		got, gotName := Assign(p, ch, col[2], col[3]), "-"
		if got > 0 {
			gotName = p.Documents[got-1].Name
		}
		if (col[4] == "-" && got == 0) || (col[4] != "-" && strings.HasPrefix(gotName, col[4])) {
			right++
			continue
		}
		report("%s:%d: %s %q → %.60q, want %.60q", name, line, col[0], col[3], gotName, col[4])
	}
	return right, cases
}

// TestAssign: alternatives, conditions, negations and families on real
// requirement names. The tuning set must be right throughout; the
// held-out set (never tuned on) must stay above a floor set before it was
// first run, and its figure is reported.
func TestAssign(t *testing.T) {
	cat := catalogue(t)
	right, cases := assignFile(t, cat, "testdata/match_tuning.tsv", t.Errorf)
	if cases < 25 {
		t.Errorf("%d tuning cases, want at least 25", cases)
	}
	t.Logf("tuning: assigned %d of %d documents right", right, cases)
	right, cases = assignFile(t, cat, "testdata/match_heldout.tsv", t.Logf)
	t.Logf("held out: assigned %d of %d documents right (%.2f)", right, cases, float64(right)/float64(cases))
	if cases < 20 || float64(right) < 0.6*float64(cases) {
		t.Errorf("held out: %d of %d right, want at least 60 %% of at least 20", right, cases)
	}
}

// TestIsComponent: papers to hand in or show, and the lines of the
// portal's table that are not papers even when they carry a count.
func TestIsComponent(t *testing.T) {
	for _, c := range []struct {
		d    content.Document
		want bool
	}{
		{content.Document{Name: "Tờ khai đề nghị cấp hộ chiếu", Originals: 1}, true},
		{content.Document{Name: "Bản sao giấy khai sinh", Copies: 1}, true},
		{content.Document{Name: "Chủ yếu là bản sao hộ khẩu", Copies: 1}, true},
		{content.Document{Name: "Lưu ytế xác nhận", Originals: 1}, true}, // a word, not the remark
		{content.Document{Name: "Tờ khai đề nghị cấp hộ chiếu"}, false},  // no count
		{content.Document{Name: "Số lượng hồ sơ: 01 (một) bộ.", Originals: 1, Copies: 1}, false},
		{content.Document{Name: "SỐ LƯỢNG HỒ SƠ: 02 bộ", Originals: 1}, false},
		{content.Document{Name: "- Số lượng hồ sơ: 01 bộ", Originals: 1}, false},
		{content.Document{Name: "So luong ho so 01 bo", Originals: 1}, false},
		{content.Document{Name: "Lưu ý: Trường hợp không khai thác được thông tin thì nộp bản sao", Originals: 1}, false},
		{content.Document{Name: "Lưu ý:- Trường hợp nộp hồ sơ trực tiếp", Originals: 1, Copies: 1}, false},
		{content.Document{Name: "Ghi chú: bản sao không cần chứng thực", Copies: 1}, false},
		{content.Document{Name: "Chú ý: mang theo bản chính", Originals: 1}, false},
		{content.Document{Name: "Giấy tờ phải nộp gồm:", Originals: 1}, false},
	} {
		if got := IsComponent(c.d); got != c.want {
			t.Errorf("IsComponent(%q) = %v, want %v", c.d.Name, got, c.want)
		}
	}
}

func TestRequired(t *testing.T) {
	for _, c := range []struct {
		d    content.Document
		ch   store.Channel
		want bool
	}{
		{content.Document{Name: "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng", Originals: 1}, store.Direct, true},
		{content.Document{Name: "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính);", Originals: 1}, store.Direct, true},
		{content.Document{Name: "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính);", Originals: 1}, store.Online, false},
		{content.Document{Name: "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin theo hướng dẫn trên Cổng dịch vụ công)", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin theo hướng dẫn trên Cổng dịch vụ công)", Originals: 1}, store.Online, true},
		{content.Document{Group: "Giấy tờ phải xuất trình", Name: "Hộ chiếu", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ"}, store.Direct, false},
		{content.Document{Name: "Đối với giấy tờ nộp, xuất trình nếu người yêu cầu nộp hồ sơ theo hình thức trực tiếp:", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Số lượng hồ sơ: 01 (một) bộ.", Originals: 1}, store.Direct, false},
		{content.Document{Name: "Số lượng: 02 bộ", Copies: 1}, store.Direct, false},
		{content.Document{Name: "Sổ hộ khẩu", Originals: 1}, store.Direct, true},
		{content.Document{Group: "Các trường hợp quy định tại khoản 4 Điều 15 Luật Xuất cảnh, nhập cảnh phải bổ sung một trong các loại hồ sơ, giấy tờ sau", Name: "Giấy tờ xác định thân nhân ở nước ngoài bị tai nạn, bệnh tật, bị chết;", Originals: 1}, store.Direct, false},
		{content.Document{Group: "Nộp một trong các giấy tờ sau", Name: "Giấy xác nhận tình trạng hôn nhân", Originals: 1}, store.Direct, false},
		{content.Document{Group: "Giấy tờ phải nộp", Name: "Tờ khai đăng ký nhận cha, mẹ, con theo mẫu;", Originals: 1}, store.Direct, true},
	} {
		if got := IsRequired(c.d, c.ch); got != c.want {
			t.Errorf("IsRequired(%.50q, %s) = %v, want %v", c.d.Name, c.ch, got, c.want)
		}
	}
}
