package search

import (
	"context"
	"maps"
	"path/filepath"
	"testing"

	"motcua/content"
)

// TestMinedAbbreviations: the abbreviations the catalogue defines are
// learnt from it, and a procedure that only abbreviates is found by the
// words written out, and the other way round.
func TestMinedAbbreviations(t *testing.T) {
	procs := []*content.Procedure{
		{Code: "1.000001", Name: "Cấp chứng chỉ hành nghề (CCHN) môi giới bất động sản", Field: "Kinh doanh bất động sản",
			Conditions: "Người nộp thuế (NNT) có mã số thuế; hóa đơn điện tử (HĐĐT) theo mẫu"},
		{Code: "1.000002", Name: "Cấp lại CCHN kiến trúc", Field: "Kiến trúc"},
		{Code: "1.000003", Name: "Đăng ký sử dụng hóa đơn điện tử", Field: "Thuế"},
		{Code: "1.000004", Name: "Khai thuế (mẫu số 01) và nộp (NỘP) tiền", Field: "Thuế"},
	}
	got := mineAbbreviations(procs)
	want := map[string]string{"cchn": "chung chi hanh nghe", "nnt": "nguoi nop thue", "hddt": "hoa don dien tu"}
	if !maps.Equal(got, want) {
		t.Errorf("mined %v, want %v", got, want)
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, first string }{
		{"chung chi hanh nghe kien truc", "1.000002"},
		{"dang ky hddt", "1.000003"},
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

// TestMinedFile: the vocabulary mined from the portal's catalogue at build
// time parses, and an abbreviation only the larger catalogue defines finds
// what a procedure writes out.
func TestMinedFile(t *testing.T) {
	m, err := parseMined(minedTSV)
	if err != nil {
		t.Fatal(err)
	}
	if m.Abbreviations["nnt"] != "nguoi nop thue" {
		t.Errorf("mined.tsv: nnt = %q, want nguoi nop thue", m.Abbreviations["nnt"])
	}
	if _, err := parseMined("abbr\tnnt\n"); err == nil {
		t.Error("a line without what the abbreviation stands for parsed")
	}
	procs := []*content.Procedure{
		{Code: "1.000001", Name: "Đăng ký thuế lần đầu đối với người nộp thuế là hộ kinh doanh", Field: "Thuế"},
		{Code: "1.000002", Name: "Đăng ký thuế lần đầu đối với tổ chức", Field: "Thuế"},
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "dang ky thue nnt"})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(res); len(got) == 0 || got[0] != "1.000001" {
		t.Errorf("nnt: %v, want 1.000001 first", got)
	}
}
