package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"motcua/content"
)

// TestPaperNames: a query naming a paper ranks the procedures that issue
// it or ask for it as a main document above one that names it in an
// aside of a long requirement.
func TestPaperNames(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	procs := []*content.Procedure{
		{Code: "1.000001", Name: "Đăng ký nhận cha, mẹ, con", Field: "Hộ tịch",
			Documents: []content.Document{{Name: "Tờ khai đăng ký nhận cha, mẹ, con"}, {Name: "Bản sao giấy tờ tùy thân; trường hợp người nước ngoài đã kết hôn thì nộp thêm giấy xác nhận tình trạng hôn nhân của người đó"}}},
		{Code: "1.000002", Name: "Đăng ký kết hôn", Field: "Hộ tịch",
			Documents: []content.Document{{Name: "Tờ khai đăng ký kết hôn"}, {Name: "Giấy xác nhận tình trạng hôn nhân do Ủy ban nhân dân cấp xã cấp"}}},
		{Code: "1.000003", Name: "Thủ tục xác nhận về hôn nhân", Field: "Hộ tịch",
			Results: []content.Result{{Name: "Giấy xác nhận tình trạng hôn nhân"}}},
	}
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "giay xac nhan tinh trang hon nhan"})
	if err != nil {
		t.Fatal(err)
	}
	got := codes(res)
	if len(got) != 3 || !slices.Contains(got[:2], "1.000002") || !slices.Contains(got[:2], "1.000003") {
		t.Errorf("Search = %v, want 1.000002 and 1.000003 before 1.000001", got)
	}
}
