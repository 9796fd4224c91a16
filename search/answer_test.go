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

// TestMostWordsJoinWhenFew: items holding most of the words (and scoring
// as well) join the answer only while the items holding every word are
// too few to fill the ranking; past that, the answer is theirs alone.
func TestMostWordsJoinWhenFew(t *testing.T) {
	for _, n := range []int{3, rescoreWindow - 1, rescoreWindow, 3 * rescoreWindow} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ix, err := Open(filepath.Join(t.TempDir(), "index.bleve"))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			// One item names three of the four words; n hold all four,
			// two of them only in their bodies.
			docs := []Doc{{ID: "procedure:most", Kind: KindProcedure, Code: "most", Title: "Gia hạn giấy tờ",
				Body: "Gia hạn giấy tờ", Visibility: VisibilityPublic}}
			for i := range n {
				docs = append(docs, Doc{ID: fmt.Sprintf("procedure:%d", i), Kind: KindProcedure, Code: fmt.Sprint(i),
					Title: fmt.Sprintf("Cấp giấy phép kinh doanh loại %d", i), Body: "Gia hạn theo quy định", Visibility: VisibilityPublic})
			}
			if err := ix.Put(docs...); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(context.Background(), Request{Query: "gia han giay phep", Size: 10})
			if err != nil {
				t.Fatal(err)
			}
			joined := res.Total == uint64(n)+1
			if want := n < rescoreWindow; joined != want || !joined && res.Total != uint64(n) {
				t.Fatalf("%d items hold every word: total %d, want the item holding most of them joined: %v", n, res.Total, want)
			}
			if res.Loose {
				t.Error("the answer is said to be loose, but items hold every word")
			}
			if joined && res.Hits[0].ID != "procedure:most" {
				t.Errorf("first hit %s, want the item that names most of the words", res.Hits[0].ID)
			}
		})
	}
}
