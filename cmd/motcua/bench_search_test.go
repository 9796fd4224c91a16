package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchSearch runs bench search end to end on a small catalogue and a
// few hundred records: the public mix, and at scale the staff's searches,
// logged in, over HTTP; then again on the index it kept, reused.
func TestBenchSearch(t *testing.T) {
	src := filepath.Join(t.TempDir(), "dvcqg")
	if err := os.MkdirAll(filepath.Join(src, "bo-tu-phap"), 0o755); err != nil {
		t.Fatal(err)
	}
	golden, err := filepath.Glob("../../content/dvcqg/testdata/golden/*.json")
	if err != nil || len(golden) == 0 {
		t.Fatalf("no golden records: %v", err)
	}
	for _, g := range golden {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "bo-tu-phap", filepath.Base(g)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(t.TempDir(), "index.bleve")
	args := []string{"bench", "search", "--source", src, "--relevance", "../../search/testdata/relevance.tsv",
		"--citizens", "", "--records", "400", "--duration", "300ms", "--index", keep}
	code, out := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("bench search: exit %d\n%s", code, out)
	}
	for _, want := range []string{"index    400 synthetic records", "reopen", "+400 records, concurrency 2", "ms CPU per request", "staff-id p99", "staff-words p99", "peak RSS"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench search says no %q:\n%s", want, out)
		}
	}
	code, out = runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "records already in") {
		t.Errorf("bench search on the kept index: exit %d, not reused\n%s", code, out)
	}
}
