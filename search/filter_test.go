package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"motcua/store"
)

// TestFilterFormsAgree checks that a request's conditions select the same
// items as a bleve query and as bitmaps, on an index with several
// segments and deleted items: public searches never see restricted
// records in either form.
func TestFilterFormsAgree(t *testing.T) {
	ix := testIndex(t)
	recs := []*store.Record{
		{ID: 11, Status: store.StatusReview, Visibility: store.Restricted, Text: "trích lục khai sinh",
			Fields: store.Fields{DocType: "Trích lục", IssueDate: "2023-03-15", Issuer: "UBND XÃ ĐẠI TỰ", PersonIDs: []string{"026223001234"}}},
		{ID: 12, Status: store.StatusAuto, Visibility: store.Public, Text: "quyết định công bố",
			Fields: store.Fields{DocType: "Quyết định", IssueDate: "2024-01-02", Issuer: "UBND TỈNH HÀ GIANG"}},
		{ID: 13, Status: store.StatusVerified, Visibility: store.Public, Text: "giấy chứng nhận",
			Fields: store.Fields{DocType: "Giấy chứng nhận", IssueDate: "2022-07-30", Issuer: "UBND XÃ ĐẠI TỰ", PersonIDs: []string{"026223001234"}}},
	}
	for _, r := range recs { // a segment each
		if err := ix.Put(RecordDoc(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete("record:3"); err != nil {
		t.Fatal(err)
	}
	procs := fixtureProcedures(t)
	reqs := []Request{
		{}, {Restricted: true},
		{Kind: KindRecord}, {Kind: KindProcedure}, {Kind: KindRecord, Restricted: true},
		{DocType: "Trích lục"}, {DocType: " Trích lục ", Restricted: true}, {DocType: "Kế hoạch"},
		{Field: procs[0].Field}, {Level: procs[0].Levels[0]}, {Field: procs[0].Field, Restricted: true},
		{Status: "review"}, {Status: "review", Restricted: true}, {Issuer: "UBND XÃ ĐẠI TỰ", Restricted: true},
		{PersonID: "026223001234"}, {PersonID: "026223001234", Restricted: true},
		{DateFrom: "2023-01-01", Restricted: true}, {DateTo: "2023-03-15", Restricted: true},
		{DateFrom: "2023-03-15", DateTo: "2024-01-02", Restricted: true}, {DateFrom: "2023-01-01"},
	}
	for _, req := range reqs {
		t.Run(fmt.Sprintf("%+v", req), func(t *testing.T) {
			sr := bleve.NewSearchRequestOptions(ix.filter(req), 10000, 0, false)
			res, err := ix.bleve.SearchInContext(context.Background(), sr)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range res.Hits {
				want = append(want, h.ID)
			}
			s, err := ix.snapshot()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			b, err := s.filter(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, bm := range b {
				for _, d := range bm.ToArray() {
					id, err := s.segs[i].DocID(uint64(d))
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, string(id))
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if len(want) == 0 && req.DocType == "" {
				t.Errorf("no item selected")
			}
			if !slices.Equal(got, want) {
				t.Errorf("bitmaps select %v,\nbleve selects %v", got, want)
			}
			if !req.Restricted {
				for _, id := range got {
					if id == RecordID(11) || id == "record:1" || id == "record:6" {
						t.Errorf("a public search sees the restricted %s", id)
					}
				}
			}
		})
	}
}
