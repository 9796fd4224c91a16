package search

import (
	"context"

	"motcua/content"
	"motcua/internal/benchmark/searcheval"
)

// syntheticDocs is searcheval's synthetic records as documents.
func syntheticDocs(procs []*content.Procedure, n int) []Doc {
	recs := searcheval.SyntheticRecords(procs, n)
	docs := make([]Doc, len(recs))
	for i, r := range recs {
		vis := VisibilityRestricted
		if r.Public {
			vis = VisibilityPublic
		}
		docs[i] = Doc{ID: r.ID, Kind: KindRecord, Title: r.Title, Body: r.Body, DocType: r.DocType,
			NumberSymbol: r.NumberSymbol, PersonIDs: r.PersonIDs, Visibility: vis}
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
