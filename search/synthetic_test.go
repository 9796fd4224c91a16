package search

import (
	"context"

	"motcua/content"
	"motcua/internal/benchmark/searcheval"
)

// syntheticDocs is n of searcheval's synthetic records as documents.
func syntheticDocs(procs []*content.Procedure, n int) []Doc {
	s := searcheval.NewSynth(procs)
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = RecordDoc(s.Record(i))
	}
	return docs
}

// evalSearch runs a relevance query as a public search.
func evalSearch(ix *Index) searcheval.Search {
	return func(ctx context.Context, q string) ([]string, error) {
		res, err := ix.Search(ctx, Request{Query: q, Size: 10})
		if err != nil {
			return nil, err
		}
		var codes []string
		for _, h := range res.Hits {
			codes = append(codes, h.Code)
		}
		return codes, nil
	}
}
