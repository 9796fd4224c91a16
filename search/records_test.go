package search

import (
	"context"
	"path/filepath"
	"testing"

	"motcua/store"
	"motcua/store/sqlite"
)

// TestSyncRecords indexes records from a real store: the public decision is
// found by everyone, the restricted extract only by staff, also by the
// owner's ID number and by the number and symbol.
func TestSyncRecords(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs := []*store.Record{
		{SHA256: "a1", SourceName: "qd.png", DocType: "Quyết định", Status: store.StatusAuto, Visibility: store.Public,
			Text:   "QUYẾT ĐỊNH Về việc công bố thủ tục hành chính mới ban hành",
			Fields: store.Fields{DocType: "Quyết định", NumberSymbol: "145/QĐ-UBND", Summary: "Về việc công bố thủ tục hành chính", Issuer: "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"}},
		{SHA256: "b2", SourceName: "tl.png", DocType: "Trích lục khai sinh", Status: store.StatusReview, Visibility: store.Restricted,
			Text:   "TRÍCH LỤC KHAI SINH Họ, chữ đệm, tên: NGUYỄN VĂN AN Số định danh cá nhân: 001317012345",
			Fields: store.Fields{DocType: "Trích lục khai sinh", PersonIDs: []string{"001317012345"}}},
	}
	for _, r := range recs {
		if err := db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if added, _, err := ix.SyncRecords(ctx, db); err != nil || added != 2 {
		t.Fatalf("SyncRecords: %d, %v", added, err)
	}
	find := func(q string, staff bool) []string {
		res, err := ix.Search(ctx, Request{Query: q, Restricted: staff})
		if err != nil {
			t.Fatal(err)
		}
		return codes(res)
	}
	pub, restricted := RecordID(recs[0].ID), RecordID(recs[1].ID)
	tests := []struct {
		q     string
		staff bool
		want  []string
	}{
		{"cong bo thu tuc hanh chinh", false, []string{pub}},
		{"145/QĐ-UBND", false, []string{pub}},
		{"001317012345", false, nil},
		{"trich luc khai sinh nguyen van an", false, nil},
		{"001317012345", true, []string{restricted}},
		{"trich luc khai sinh nguyen van an", true, []string{restricted}},
	}
	for _, tt := range tests {
		got := find(tt.q, tt.staff)
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("Search(%q, staff=%v) = %v, want %v", tt.q, tt.staff, got, tt.want)
		}
	}
}
