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

// TestAssign assigns test documents to the real requirement names of the
// shipped catalogue: alternatives, conditions, negations and families.
func TestAssign(t *testing.T) {
	cat := catalogue(t)
	f, err := os.Open("testdata/match.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line, cases, right := 0, 0, 0
	for sc.Scan() {
		line++
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		if len(col) != 5 {
			t.Fatalf("match.tsv:%d: %d columns, want 5", line, len(col))
		}
		p, ok := cat.Get(col[0])
		if !ok {
			t.Fatalf("match.tsv:%d: procedure %s not in the catalogue", line, col[0])
		}
		ch, err := store.ParseChannel(col[1])
		if err != nil {
			t.Fatalf("match.tsv:%d: %v", line, err)
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
		t.Errorf("match.tsv:%d: %s %q → %.60q, want %.60q", line, col[0], col[3], gotName, col[4])
	}
	if cases < 25 {
		t.Errorf("%d cases, want at least 25", cases)
	}
	t.Logf("assigned %d of %d documents right", right, cases)
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
	} {
		if got := IsRequired(c.d, c.ch); got != c.want {
			t.Errorf("IsRequired(%.50q, %s) = %v, want %v", c.d.Name, c.ch, got, c.want)
		}
	}
}
