package search

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/store"
)

// TestIdentifiers: an identifier typed alone finds its item first, an
// exact match before a partial one: the end of a procedure code, a code
// typed with a space or comma, and in the staff search a dossier code, a
// result code and a number/symbol.
func TestIdentifiers(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var procs []*content.Procedure
	for _, c := range []string{"1.011193", "2.001193", "1.001193", "1.000894", "3.000333"} {
		procs = append(procs, &content.Procedure{Code: c, Name: "Thủ tục " + c, Field: "Hộ tịch", Levels: []string{"Cấp xã"}})
	}
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		t.Fatal(err)
	}
	const dossier = "000.42.27.H09-240515-0087"
	recs := []*store.Record{
		{ID: 1, DocType: "Đơn", Visibility: store.Restricted, Dossier: dossier, Text: "ĐƠN ĐỀ NGHỊ Số hồ sơ: " + dossier},
		{ID: 2, DocType: "Trích lục khai sinh", Visibility: store.Restricted, Dossier: dossier,
			Text: "TRÍCH LỤC KHAI SINH ... Mã kết quả: " + dossier + "-KQ1"},
		{ID: 3, DocType: "Quyết định", Visibility: store.Restricted,
			Fields: store.Fields{DocType: "Quyết định", NumberSymbol: "215/QĐ-UBND", DossierCodes: []string{"000.42.27.H09-240601-0002"}}},
		{ID: 4, DocType: "Quyết định", Visibility: store.Public, Text: "Căn cứ Quyết định số 215/QĐ-UBND",
			Fields: store.Fields{DocType: "Quyết định", NumberSymbol: "216/QĐ-UBND"}},
	}
	var docs []Doc
	for _, r := range recs {
		docs = append(docs, RecordDoc(r))
	}
	if err := ix.Put(docs...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q          string
		restricted bool
		want       []string // the first hits, in order
		none       string   // a hit that must not come
	}{
		{"1.001193", false, []string{"1.001193"}, ""},
		{"001193", false, []string{"1.001193", "2.001193"}, "1.011193"},
		{"1193", false, []string{"1.001193", "2.001193", "1.011193"}, ""},
		{"11193", false, []string{"1.011193"}, "1.001193"},
		{"011193", false, []string{"1.011193"}, "1.001193"},
		{"0894", false, []string{"1.000894"}, ""},
		{"333", false, nil, "3.000333"}, // too short to be a code's end
		{"1 001193", false, []string{"1.001193"}, "2.001193"},
		{"1,001193", false, []string{"1.001193"}, "2.001193"},
		{"1001193", false, []string{"1.001193"}, ""},
		{" 2 001193 ", false, []string{"2.001193"}, "1.001193"},
		{"mã 1193", false, []string{"1.001193", "2.001193", "1.011193"}, ""},
		{"thu tuc 1.000894", false, []string{"1.000894"}, ""},
		{"mã thủ tục: 3 000333", false, []string{"3.000333"}, ""},
		{"ho so so " + "000.42.27.H09-240601-0002", true, []string{"record:3"}, ""},
		{"quyết định số 215/QĐ-UBND", true, []string{"record:3"}, ""},
		{dossier, true, []string{"record:1", "record:2"}, "record:3"},
		{dossier, false, nil, "record:1"}, // restricted records stay hidden
		{dossier + "-KQ1", true, []string{"record:2", "record:1"}, "record:3"},
		{"000.42.27.h09-240515-0087-kq1", true, []string{"record:2"}, ""},
		{"000.42.27.H09-240601-0002", true, []string{"record:3"}, ""},
		{"215/QĐ-UBND", true, []string{"record:3"}, ""},
		{"215/qd-ubnd", true, []string{"record:3"}, ""},
		{"216/QD-UBND", false, []string{"record:4"}, ""},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), Request{Query: tt.q, Restricted: tt.restricted})
		if err != nil {
			t.Fatal(err)
		}
		got := codes(res)
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("Search(%q) = %v, want %v first", tt.q, got, tt.want)
		}
		if tt.none != "" && slices.Contains(got, tt.none) {
			t.Errorf("Search(%q) = %v, should not hold %s", tt.q, got, tt.none)
		}
	}
}

// recordKeys finds in a text the codes the regular expressions find over
// the whole of it.
func TestRecordKeysFromText(t *testing.T) {
	for _, text := range []string{
		"000.42.27.H09-240515-0087 ở đầu",
		"Mã hồ sơ: 000.42.27.H09-240515-0087; kết quả 000.42.27.H09-240515-0087-KQ2.",
		"x1000.42.27.H09-240515-0087 liền chữ số, 000.42.27.H09-240515-00871 dài quá",
		"hai mã: 001.02.03.G01-230101-0001 và 001.02.03.G01-230101-0002-KQ1",
		"không có mã: 12/2024/QĐ-UBND, H09-240515",
	} {
		var want []string
		for _, c := range resultCodeIn.FindAllString(text, 8) {
			want = append(want, c, c[:strings.LastIndex(c, "-KQ")])
		}
		for _, c := range vi.DossierCodeRe.FindAllString(text, 8) {
			if !slices.Contains(want, c) {
				want = append(want, c)
			}
		}
		got := recordKeys(&store.Record{Text: text})
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: keys %q, want %q", text, got, want)
		}
	}
}
