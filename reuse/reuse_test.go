package reuse

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"motcua/content"
	"motcua/store"
	"motcua/store/sqlite"
)

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		name, docType string
		want          bool
	}{
		{"Bản sao giấy khai sinh hoặc trích lục khai sinh đối với người chưa đủ 14 tuổi;", "Trích lục khai sinh", true},
		{"Giấy khai sinh;", "Trích lục khai sinh", true},
		{"Giấy khai sinh (có chứng nhận của Ủy ban nhân dân xã)", "Giấy khai sinh", true},
		{"Tờ khai đăng ký khai sinh theo mẫu;", "Trích lục khai sinh", false},
		{"Lưu ý: Không yêu cầu xuất trình Giấy khai sinh đối với trẻ em mới sinh.", "Trích lục khai sinh", false},
		{"Phiếu lý lịch tư pháp số 1", "Phiếu lý lịch tư pháp", true},
		{"Giấy chứng nhận kết hôn", "Trích lục khai sinh", false},
		{"Bản sao Trích lục kết hôn", "Giấy chứng nhận kết hôn", true},
		{"Quyết định cho thôi quốc tịch", "Quyết định", true},
		{"Giấy khai sinh", "", false},
	} {
		if got := Matches(c.name, c.docType); got != c.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", c.name, c.docType, got, c.want)
		}
	}
}

func TestFind(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	const child, other = "026223001234", "001190000001"
	put := func(sha, docType, issued, owner string, status store.Status) {
		t.Helper()
		r := &store.Record{SHA256: sha, SourceName: sha + ".png", SourcePath: sha, MediaType: "image/png", Status: status,
			Visibility: store.Restricted, DocType: docType, Confidence: store.Confidence{},
			Fields: store.Fields{DocType: docType, IssueDate: issued, PersonIDs: []string{owner}, OwnerID: owner}}
		if err := db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	put("a1", "Trích lục khai sinh", "2023-09-12", child, store.StatusAuto)
	put("a2", "Trích lục khai sinh", "2023-09-12", other, store.StatusAuto)       // another person
	put("a3", "Phiếu lý lịch tư pháp", "2024-01-02", child, store.StatusVerified) // too old
	put("a4", "Giấy khai sinh", "2010-01-02", child, store.StatusReview)          // not yet reviewed
	p := &content.Procedure{Code: "1.001471", Documents: []content.Document{
		{Name: "Tờ khai đề nghị cấp hộ chiếu"},
		{Name: "Bản sao giấy khai sinh hoặc trích lục khai sinh đối với người chưa đủ 14 tuổi;"},
		{Name: "Phiếu lý lịch tư pháp"},
	}}
	needs, err := Find(ctx, db, p, child, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(needs) != 3 || len(needs[0].Candidates) != 0 {
		t.Fatalf("needs: %+v", needs)
	}
	birth := needs[1].Candidates
	if len(birth) != 2 {
		t.Fatalf("birth candidates: %+v", birth)
	}
	for _, c := range birth {
		want := c.Record.Status != store.StatusReview
		if c.Usable != want || c.Record.Fields.OwnerID != child {
			t.Errorf("candidate %s: usable %v (%s)", c.Record.SHA256, c.Usable, c.Reason)
		}
	}
	if lltp := needs[2].Candidates; len(lltp) != 1 || lltp[0].Usable {
		t.Errorf("a criminal record extract from 2024 is past its six months: %+v", lltp)
	}
}

func TestMayReuse(t *testing.T) {
	needs := []Need{
		{Candidates: []Candidate{{Record: store.Record{ID: 1}, Usable: true}, {Record: store.Record{ID: 2}}}},
		{Candidates: []Candidate{{Record: store.Record{ID: 3}, Usable: true}}},
	}
	for _, c := range []struct {
		doc  int
		rec  int64
		want bool
	}{
		{0, 1, true},
		{0, 2, false}, // offered, not usable
		{0, 3, false}, // offered for another document
		{1, 3, true},
		{-1, 1, false},
		{2, 3, false},
	} {
		if got := MayReuse(needs, c.doc, c.rec); got != c.want {
			t.Errorf("MayReuse(needs, %d, %d) = %v, want %v", c.doc, c.rec, got, c.want)
		}
	}
}
