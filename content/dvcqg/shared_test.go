package dvcqg

import (
	"testing"

	"motcua/internal/testenv"
)

// TestImportShared imports the whole shared portal sample and holds the
// importer to the targets.
func TestImportShared(t *testing.T) {
	dir := testenv.Shared(t, "data/dvcqg")
	rep, procs, err := Import(dir, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Errorf("failed: %s: %s", f.File, f.Err)
	}
	if rep.Procedures != 2102 || len(procs) != 2102 {
		t.Errorf("procedures = %d, want 2102", rep.Procedures)
	}
	t.Logf("coverage %+v", rep.Coverage)
	for name, v := range map[string]float64{
		"channels": rep.Coverage.Channels, "documents": rep.Coverage.Documents,
		"legal_basis": rep.Coverage.LegalBasis, "results": rep.Coverage.Results,
	} {
		if v < 0.98 {
			t.Errorf("coverage %s = %.4f, want ≥ 0.98", name, v)
		}
	}
}
