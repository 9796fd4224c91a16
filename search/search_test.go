package search

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"motcua/content"
)

// testIndex builds a real index in a temp dir from the site's fixture
// catalogue plus hand-made records, public and restricted.
func testIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, _, err := ix.SyncProcedures(fixtureProcedures(t)); err != nil {
		t.Fatal(err)
	}
	recs := []Doc{
		{ID: "record:1", Kind: KindRecord, Title: "Trích lục khai sinh Nguyễn Văn An", Body: "Họ và tên: Nguyễn Văn An. Số định danh cá nhân 001317012345. <script>alert(1)</script> khai sinh",
			DocType: "Trích lục", PersonIDs: []string{"001317012345"}, Visibility: VisibilityRestricted},
		{ID: "record:2", Kind: KindRecord, Title: "Quyết định về việc công bố thủ tục hành chính", Body: "Quyết định công bố danh mục thủ tục <b>mới</b> ban hành",
			DocType: "Quyết định", NumberSymbol: "215/qđ-ubnd", Visibility: VisibilityPublic},
		{ID: "record:3", Kind: KindRecord, Title: "Đường giao thông nông thôn", Body: "Kế hoạch làm đường", DocType: "Kế hoạch", Visibility: VisibilityPublic},
		{ID: "record:4", Kind: KindRecord, Title: "Dương liễu ven sông", Body: "Trồng cây dương", DocType: "Kế hoạch", Visibility: VisibilityPublic},
		{ID: "record:5", Kind: KindRecord, Title: "Sinh hoạt khu phố và khai báo", Body: "Sinh hoạt, khai báo", DocType: "Thông báo", Visibility: VisibilityPublic},
		{ID: "record:6", Kind: KindRecord, Title: "Giấy chứng nhận quyền sử dụng đất", Body: "Cấp cho ông Trần Văn Bình, CCCD 079203004567",
			PersonIDs: []string{"079203004567"}, Visibility: VisibilityRestricted},
	}
	if err := ix.Put(recs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

// fixtureProcedures is the site's fixture catalogue.
func fixtureProcedures(t testing.TB) []*content.Procedure {
	t.Helper()
	cat, err := content.Load("../site/testdata/catalogue")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Err(); err != nil {
		t.Fatal(err)
	}
	return cat.Procedures
}

func codes(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		if h.Code != "" {
			out = append(out, h.Code)
		} else {
			out = append(out, h.ID)
		}
	}
	return out
}

func TestSearchFinds(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		name, q, first string
	}{
		{"no diacritics", "dang ky khai sinh", "1.001193"},
		{"đ folded", "dat dai", "1.004227"},
		{"diacritics", "đăng ký kết hôn", "1.000894"},
		{"typo", "dang ky khai sinnh", "1.001193"},
		{"code", "1.004227", "1.004227"},
		{"code with spaces", "  1.004227 ", "1.004227"},
		{"number and symbol", "215/QĐ-UBND", "record:2"},
		{"decomposed input", "đa\u0306ng ky\u0301 kê\u0301t hôn", "1.000894"},
		{"colloquial filler", "lam giay khai sinh cho con", "1.001193"},
		{"exact diacritics first: đường", "đường", "record:3"},
		{"exact diacritics first: dương", "dương", "record:4"},
		{"pair outranks scattered syllables", "khai sinh", "1.001193"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			got := codes(res)
			if len(got) == 0 || got[0] != tt.first {
				t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.first)
			}
		})
	}
}

// TestPublicNeverSeesRestricted: whatever the query text, a public search
// returns no restricted record.
func TestPublicNeverSeesRestricted(t *testing.T) {
	ix := testIndex(t)
	attacks := []string{
		"001317012345", "079203004567", "Nguyễn Văn An", "khai sinh", "trích lục",
		"visibility:restricted", "+visibility:restricted", "visibility:public OR visibility:restricted",
		"kind:record", "*", "?", "title:*", "_all:*", `"" OR ""`, "- văn hóa", `body:/.*/`,
		"person_ids:001317012345", "restricted", "\x00", "%00", "' OR 1=1 --", "<script>",
		strings.Repeat("khai sinh ", 2000), strings.Repeat("a", 100000), "Nguyê\u0303n",
	}
	for _, q := range attacks {
		for _, r := range []Request{{Query: q}, {Query: q, Kind: KindRecord}, {Query: q, DocType: "Trích lục"}, {Query: q, Page: 2, Size: 50}} {
			res, err := ix.Search(context.Background(), r)
			if err != nil {
				t.Errorf("Search(%.40q) failed: %v", q, err)
				continue
			}
			for _, h := range res.Hits {
				if h.ID == "record:1" || h.ID == "record:6" {
					t.Errorf("public search %.40q returned restricted %s", q, h.ID)
				}
			}
		}
	}
	// Staff searches (Restricted set by the server) do see them.
	res, err := ix.Search(context.Background(), Request{Query: "001317012345", Restricted: true})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "record:1" {
		t.Errorf("staff search by ID: %v %v", codes(res), err)
	}
}

func TestSnippetEscapesHTML(t *testing.T) {
	ix := testIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "khai sinh", Restricted: true, Kind: KindRecord})
	if err != nil {
		t.Fatal(err)
	}
	var snip string
	for _, h := range res.Hits {
		if h.ID == "record:1" {
			snip = h.Snippet
		}
	}
	if !strings.Contains(snip, "<mark>") {
		t.Errorf("snippet %q has no highlight", snip)
	}
	if strings.Contains(snip, "<script") || strings.Contains(strings.ReplaceAll(strings.ReplaceAll(snip, "<mark>", ""), "</mark>", ""), "<") {
		t.Errorf("snippet %q is not escaped", snip)
	}
}

func TestLooseMatchAndFacets(t *testing.T) {
	ix := testIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "khai sinh zzzyyyxxx qqqwwwvvv"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Loose || len(res.Hits) == 0 || res.Hits[0].Code != "1.001193" {
		t.Errorf("loose match: loose=%v hits=%v", res.Loose, codes(res))
	}
	res, err = ix.Search(context.Background(), Request{Query: "đăng ký"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Facets["linh_vuc"]) == 0 || len(res.Facets["cap"]) == 0 {
		t.Errorf("facets missing: %+v", res.Facets)
	}
	field := res.Facets["linh_vuc"][0].Value
	filtered, err := ix.Search(context.Background(), Request{Query: "đăng ký", Field: field})
	if err != nil {
		t.Fatal(err)
	}
	if filtered.Total == 0 || filtered.Total > res.Total {
		t.Errorf("filter by %q: %d of %d", field, filtered.Total, res.Total)
	}
	for _, h := range filtered.Hits {
		if h.Kind != KindProcedure {
			t.Errorf("filtered by field but got %s", h.ID)
		}
	}
}

func TestSuggest(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]string{"khai si": "1.001193", "dang ky ket h": "1.000894", "Đăng ký đất": "1.004227"} {
		sug, err := ix.Suggest(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(sug) == 0 || sug[0].Code != want {
			t.Errorf("Suggest(%q) = %+v, want %s first", q, sug, want)
		}
	}
}

func TestSyncRemovesStale(t *testing.T) {
	ix := testIndex(t)
	cat, _ := content.Load("../site/testdata/catalogue")
	_, removed, err := ix.SyncProcedures(cat.Procedures[1:])
	if err != nil {
		t.Fatal(err)
	}
	if removed != 1 {
		t.Errorf("removed %d, want 1", removed)
	}
	res, _ := ix.Search(context.Background(), Request{Query: cat.Procedures[0].Code})
	if len(res.Hits) != 0 {
		t.Errorf("removed procedure still found: %v", codes(res))
	}
}

func TestSecondWriterGetsClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// bbolt's lock is per open file: a second open in the same process
	// waits for it like another process would.
	if _, err := Open(path); err != ErrLocked {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

// TestEmptyAnswerHasArrays: the API's contract is that hits and every
// facet list are JSON arrays, empty when nothing matches, never null or
// missing.
func TestEmptyAnswerHasArrays(t *testing.T) {
	ix := testIndex(t)
	for _, r := range []Request{
		{Query: "zzzyyyxxx"}, {Query: "!!!"}, {Query: "9.999999"}, {Query: "999999999999"},
		{Query: "zzzyyyxxx", Restricted: true}, {Query: "khai sinh", Field: "không có lĩnh vực này"},
	} {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if hits, ok := got["hits"].([]any); !ok || len(hits) != 0 {
			t.Errorf("%+v: hits = %#v, want []", r, got["hits"])
		}
		want := []string{"linh_vuc", "cap", "co_quan", "loai_van_ban"}
		if r.Restricted {
			want = append(want, "trang_thai", "co_quan_ban_hanh")
		}
		facets, _ := got["facets"].(map[string]any)
		for _, name := range want {
			if vals, ok := facets[name].([]any); !ok || len(vals) != 0 {
				t.Errorf("%+v: facet %s = %#v, want []", r, name, facets[name])
			}
		}
	}
}

// TestRecordsFirstThenCatalogue indexes records before the catalogue and
// merges them into one segment, as motcua index does after digitize: the
// procedures' names must stay searchable and suggested, and the records'
// names shown (a field indexed one way in records and another in
// procedures would lose one of the two when segments merge).
func TestRecordsFirstThenCatalogue(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(Doc{ID: "record:1", Kind: KindRecord, Title: "Trích lục khai sinh", Docs: "Nguyễn Văn An", Body: "khai sinh", DocType: "Trích lục", Visibility: VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ix.SyncProcedures(fixtureProcedures(t)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	sug, err := ix.Suggest(context.Background(), "dang ky khai", 5)
	if err != nil || len(sug) == 0 || sug[0].Code != "1.001193" {
		t.Errorf("Suggest after merging = %+v, %v; want 1.001193 first", sug, err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "khai sinh"})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, h := range res.Hits {
		titles[h.ID] = h.Title
	}
	if titles["record:1"] != "Trích lục khai sinh" || titles["procedure:1.001193"] != "Đăng ký khai sinh" {
		t.Errorf("titles after merging: %v", titles)
	}
}

// TestPutSameIDTwice: of one ID given twice to Put, the last is indexed,
// once (Put writes its batches at once).
func TestPutSameIDTwice(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := make([]Doc, 0, 4001)
	for i := range 4000 {
		docs = append(docs, Doc{ID: fmt.Sprintf("record:%d", i), Kind: KindRecord, Title: "Tờ khai", Visibility: VisibilityPublic})
	}
	docs[0].Title = "Bản cũ"
	docs = append(docs, Doc{ID: "record:0", Kind: KindRecord, Title: "Bản mới", Visibility: VisibilityPublic})
	if err := ix.Put(docs...); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 4000 {
		t.Errorf("%d items, want 4000", n)
	}
	res, err := ix.Search(context.Background(), Request{Query: "bản"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Title != "Bản mới" {
		t.Errorf("hits %+v, want only the last record:0", res.Hits)
	}
}
