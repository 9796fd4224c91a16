package search

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestTotalCountsTheAnswer: the total and the facets count the items that
// hold every word, not the crowd that holds some of them; items holding
// most of the words are the answer, said to be loose, only when too few
// hold them all.
func TestTotalCountsTheAnswer(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []Doc
	add := func(title, body, field string) {
		docs = append(docs, Doc{ID: fmt.Sprintf("procedure:%d", len(docs)), Kind: KindProcedure, Code: fmt.Sprint(len(docs)),
			Title: title, Body: body, Field: field, Visibility: VisibilityPublic})
	}
	for i := 0; i < 3; i++ {
		add("Đăng ký khai sinh", "Hồ sơ đăng ký khai sinh", "Hộ tịch")
	}
	for i := 0; i < 20; i++ {
		add(fmt.Sprintf("Cấp phép khai thác khoáng sản loại %d", i), "Đăng ký khai thác tại địa phương", "Địa chất và khoáng sản")
	}
	if err := ix.Put(docs...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q     string
		total uint64
		loose bool
	}{
		{"dang ky khai sinh", 3, false},     // not the 20 that hold three of the words
		{"dang ky khai sinh moi", 23, true}, // no item holds "mới": most of the words
		{"khai sinh", 3, false},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), Request{Query: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.total || res.Loose != tt.loose {
			t.Errorf("Search(%q): total %d, loose %v; want %d, %v", tt.q, res.Total, res.Loose, tt.total, tt.loose)
		}
		var n uint64
		for _, v := range res.Facets["linh_vuc"] {
			n += uint64(v.Count)
		}
		if n != tt.total {
			t.Errorf("Search(%q): the lĩnh vực facet counts %d items, want %d", tt.q, n, tt.total)
		}
	}
}
