package searcheval

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/store"
)

// TestSynth: records are the same for the same number; a record about a
// person is restricted and carries a valid ID number and dossier code;
// some are public decisions; the vocabulary keeps growing (Heaps' law)
// rather than staying the catalogue's.
func TestSynth(t *testing.T) {
	procs := []*content.Procedure{
		{Code: "1.001193", Name: "Đăng ký khai sinh", Steps: "Người đi đăng ký khai sinh nộp tờ khai theo mẫu tại Ủy ban nhân dân cấp xã",
			Documents: []content.Document{{Name: "Tờ khai đăng ký khai sinh"}}, Results: []content.Result{{Name: "Giấy khai sinh"}}},
		{Code: "1.000656", Name: "Đăng ký kết hôn", Conditions: "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên"},
	}
	s := NewSynth(procs)
	if a, b := s.Record(42), NewSynth(procs).Record(42); !reflect.DeepEqual(a, b) {
		t.Fatal("record 42 differs between two runs")
	}
	public := 0
	seen := map[string]bool{}
	var growth []int
	for i := range 2000 {
		r := s.Record(i)
		if !norm.NFC.IsNormalString(r.Text) {
			t.Fatalf("record %d: text not NFC", i)
		}
		if r.Visibility == store.Public {
			public++
			if len(r.Fields.PersonIDs) > 0 {
				t.Errorf("record %d: public with an ID number", i)
			}
		} else {
			if len(r.Fields.PersonIDs) != 1 || !vi.ValidPersonID(r.Fields.PersonIDs[0]) {
				t.Errorf("record %d: ID numbers %v", i, r.Fields.PersonIDs)
			}
			if !vi.IsDossierCode(r.Dossier) {
				t.Errorf("record %d: dossier code %q", i, r.Dossier)
			}
		}
		for _, w := range strings.Fields(vi.Fold(r.Text)) {
			seen[w] = true
		}
		if i == 499 || i == 1999 {
			growth = append(growth, len(seen))
		}
	}
	if public < 150 || public > 500 {
		t.Errorf("%d public records of 2000, want about one in seven", public)
	}
	// Four times the records: new words keep coming, but fewer than four
	// times as many.
	if r := float64(growth[1]) / float64(growth[0]); r < 1.8 || r > 3.5 {
		t.Errorf("distinct words after 500 and 2000 records: %v (ratio %.2f)", growth, r)
	}
}
