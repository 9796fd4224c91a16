package search

import (
	"context"
	"path/filepath"
	"testing"

	"motcua/content/dvcqg"
	"motcua/internal/testenv"
)

// BenchmarkSearch runs the relevance set's queries as public searches over
// the full shared catalogue.
func BenchmarkSearch(b *testing.B) {
	src := testenv.Shared(b, "data/dvcqg")
	js, err := LoadJudgements("testdata/relevance.tsv")
	if err != nil {
		b.Fatal(err)
	}
	_, procs, err := dvcqg.Import(src, dvcqg.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ix, err := Open(filepath.Join(b.TempDir(), "index.bleve"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := js[i%len(js)]
		if _, err := ix.Search(ctx, Request{Query: j.Query}); err != nil {
			b.Fatal(err)
		}
	}
}
