package searcheval

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"motcua/content"
)

// Record is a synthetic digitized record, in the search's terms.
type Record struct {
	ID           string
	Title        string
	Body         string
	DocType      string
	NumberSymbol string
	PersonIDs    []string
	Public       bool
}

// SyntheticRecords makes n digitized records out of the real catalogue's
// vocabulary: each borrows a document name as its title and runs of words
// from a procedure's texts as its body; 4 in 5 are public.
func SyntheticRecords(procs []*content.Procedure, n int) []Record {
	rng := rand.New(rand.NewPCG(7, 11))
	types := []string{"Quyết định", "Công văn", "Giấy chứng nhận", "Trích lục", "Giấy tiếp nhận hồ sơ", "Thông báo", "Tờ khai"}
	docs := make([]Record, n)
	for i := range docs {
		p := procs[rng.IntN(len(procs))]
		words := strings.Fields(p.Steps + " " + p.Conditions)
		for _, d := range p.Documents {
			words = append(words, strings.Fields(d.Name)...)
		}
		var body []string
		for len(body) < 120 && len(words) > 0 {
			at := rng.IntN(len(words))
			body = append(body, words[at:min(len(words), at+20)]...)
		}
		title := types[rng.IntN(len(types))]
		if len(p.Documents) > 0 {
			title = p.Documents[rng.IntN(len(p.Documents))].Name
		}
		public := rng.IntN(5) != 0
		docs[i] = Record{
			ID:           fmt.Sprintf("record:bench-%d", i),
			Title:        title,
			Body:         strings.Join(body, " "),
			DocType:      types[rng.IntN(len(types))],
			NumberSymbol: fmt.Sprintf("%d/qđ-ubnd", rng.IntN(5000)),
			PersonIDs:    []string{fmt.Sprintf("%03d%09d", rng.IntN(100), rng.IntN(1e9))},
			Public:       public,
		}
	}
	return docs
}
