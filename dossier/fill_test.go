package dossier

import (
	"context"
	"testing"
	"time"

	"motcua/reuse"
	"motcua/store"
)

// owned serves one owner's records to reuse.Find.
type owned []store.Record

func (o owned) ByOwner(context.Context, string) ([]store.Record, error) { return o, nil }
func (owned) AddReuse(context.Context, *store.Reuse, string) error      { return nil }
func (owned) Reuses(context.Context, int64) ([]store.Reuse, error)      { return nil, nil }

// TestSuggest: a stored birth extract fills the missing birth-certificate
// copy of a re-registration, and only that component (not the electronic
// form whose name also says "khai sinh"); a component already digitized,
// a record under review and another owner's record are never suggested.
func TestSuggest(t *testing.T) {
	p, ok := catalogue(t).Get("1.004884")
	if !ok {
		t.Fatal("1.004884 not in the catalogue")
	}
	const owner = "026223001234"
	rec := func(id int64, docType, summary string, st store.Status) store.Record {
		return store.Record{ID: id, Status: st, Fields: store.Fields{DocType: docType, Summary: summary, OwnerID: owner, IssueDate: "2023-03-15"}}
	}
	recs := owned{
		rec(7, "Trích lục khai sinh", "TRÍCH LỤC KHAI SINH (Bản sao)", store.StatusVerified),
		rec(8, "Trích lục khai sinh", "TRÍCH LỤC KHAI SINH", store.StatusReview),
		rec(9, "Quyết định", "Quyết định công bố thủ tục hành chính", store.StatusVerified),
	}
	needs, err := reuse.Find(context.Background(), recs, p, owner, time.Date(2024, 5, 22, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	birth := Assign(p, store.Direct, "Trích lục khai sinh", "TRÍCH LỤC KHAI SINH (Bản sao)")
	if birth == 0 {
		t.Fatal("the birth extract matches no component of 1.004884")
	}
	d := &store.Dossier{Code: "000.42.27.H09-240522-0017", Procedure: p.Code, OwnerID: owner, Channel: store.Direct}
	got := Suggest(Build(d, p), p, needs)
	if len(got) != 1 || got[birth] != 7 {
		t.Errorf("Suggest = %v, want only component %d ← record 7", got, birth)
	}
	d.Records = []store.Attachment{{RecordID: 3, Component: birth}}
	if got := Suggest(Build(d, p), p, needs); len(got) != 0 {
		t.Errorf("with the component digitized, Suggest = %v, want none", got)
	}
}
