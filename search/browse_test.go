package search

import (
	"context"
	"path/filepath"
	"testing"

	"motcua/content"
)

// TestFieldBrowsing: a query that is a field's name, or most of it, lists
// that field's procedures, its general ones first; a field's own name is
// not rewritten as an everyday word ("công chứng" is not "chứng thực").
func TestFieldBrowsing(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	citizens := "Công dân Việt Nam"
	procs := []*content.Procedure{
		{Code: "3.000359", Name: "Chấp thuận lại hoạt động của sân tập lái để sát hạch lái xe mô tô", Field: "Sát hạch, cấp giấy phép lái xe", Applicants: citizens, Levels: []string{"Cấp tỉnh"}},
		{Code: "3.000346", Name: "Cấp giấy phép lái xe", Field: "Sát hạch, cấp giấy phép lái xe", Applicants: citizens, Levels: []string{"Cấp tỉnh"}},
		{Code: "1.000001", Name: "Đăng ký sát hạch lái xe cho học viên", Field: "Đào tạo", Applicants: citizens, Levels: []string{"Cấp tỉnh"}},
		{Code: "2.000815", Name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản", Field: "Chứng thực", Applicants: citizens, Levels: []string{"Cấp xã"}},
		{Code: "1.013803", Name: "Bổ nhiệm công chứng viên", Field: "Công chứng", Applicants: citizens, Levels: []string{"Cấp tỉnh"}},
	}
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, first string }{
		{"sat hach lai xe", "3.000346"},
		{"cong chung", "1.013803"},
		{"chứng thực", "2.000815"},
	} {
		res, err := ix.Search(context.Background(), Request{Query: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(res); len(got) == 0 || got[0] != tt.first {
			t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.first)
		}
	}
}
