package search

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

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
	if synced, err := ix.IndexSince(ctx, db, time.Time{}); err != nil || synced.Indexed != 2 {
		t.Fatalf("IndexSince: %d, %v", synced.Indexed, err)
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

func TestStaffFilters(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	recs := []*store.Record{
		{ID: 1, Status: store.StatusReview, Visibility: store.Restricted, Text: "trích lục khai sinh",
			Fields: store.Fields{DocType: "Trích lục khai sinh", IssueDate: "2023-03-15", Issuer: "UBND XÃ ĐẠI TỰ", PersonIDs: []string{"026223001234"}}},
		{ID: 2, Status: store.StatusAuto, Visibility: store.Public, Text: "quyết định công bố thủ tục khai sinh",
			Fields: store.Fields{DocType: "Quyết định", IssueDate: "2024-01-02", Issuer: "UBND TỈNH HÀ GIANG"}},
	}
	for _, r := range recs {
		if err := ix.Put(RecordDoc(r)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		req  Request
		want int
	}{
		{"staff, no filter", Request{Query: "khai sinh", Restricted: true}, 2},
		{"status", Request{Query: "khai sinh", Restricted: true, Status: "review"}, 1},
		{"issuer", Request{Query: "khai sinh", Restricted: true, Issuer: "UBND TỈNH HÀ GIANG"}, 1},
		{"person", Request{Restricted: true, PersonID: "026223001234"}, 1},
		{"from", Request{Query: "khai sinh", Restricted: true, DateFrom: "2024-01-01"}, 1},
		{"to", Request{Query: "khai sinh", Restricted: true, DateTo: "2023-03-15"}, 1},
		{"range", Request{Query: "khai sinh", Restricted: true, DateFrom: "2023-03-16", DateTo: "2024-01-01"}, 0},
		// A public search ignores staff filters: it cannot use them to
		// probe restricted records.
		{"public person", Request{PersonID: "026223001234", Kind: KindRecord}, 1},
		{"public status", Request{Query: "khai sinh", Status: "review", Kind: KindRecord}, 1},
	} {
		res, err := ix.Search(ctx, c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if int(res.Total) != c.want {
			t.Errorf("%s: %d hits, want %d", c.name, res.Total, c.want)
		}
		if !c.req.Restricted {
			for _, h := range res.Hits {
				if h.ID == RecordID(1) {
					t.Errorf("%s: a public search found the restricted record", c.name)
				}
			}
		}
	}
	res, _ := ix.Search(ctx, Request{Query: "khai sinh", Restricted: true})
	if len(res.Facets["trang_thai"]) != 2 || len(res.Facets["co_quan_ban_hanh"]) != 2 {
		t.Errorf("staff facets: %v", res.Facets)
	}
}

// An index built with another mapping is refused with ErrSchema, and
// Create replaces it.
func TestSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ix.bleve.SetInternal(schemaKey, []byte("0"))
	ix.Close()
	if _, err := Open(path); !errors.Is(err, ErrSchema) {
		t.Fatalf("opening an old index: %v, want ErrSchema", err)
	}
	ix, err = Create(path)
	if err != nil {
		t.Fatalf("Create over an old index: %v", err)
	}
	ix.Close()
	if ix, err = Open(path); err != nil {
		t.Fatalf("reopening the rebuilt index: %v", err)
	}
	ix.Close()
}
