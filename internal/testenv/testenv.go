// Package testenv finds the shared test material (../shared beside the
// repository) for tests and benchmarks.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository's root: the nearest folder above the working
// directory holding go.mod.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of rel inside ../shared. Where ../shared is absent
// (a user's clone) the test is skipped; in CI (CI=true) it fails instead.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(Root(tb), "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("testenv: %s is missing, and CI must have ../shared beside the repository: %v", p, err)
		}
		tb.Skipf("testenv: %s is absent (../shared is not beside this clone); skipping", p)
	}
	return p
}
