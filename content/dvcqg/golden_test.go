package dvcqg

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"motcua/content"
)

var update = flag.Bool("update", false, "rewrite the golden Markdown files")

// TestGolden converts real portal records, chosen to cover the messy
// patterns (fees in parentheses, glued time and fee digits, several document
// groups, "0 bản chính", legal names ending in digits, NFD text, empty
// tables, results without codes), and compares the Markdown with the
// reviewed output in testdata/golden. Run with -update to rewrite it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	if len(files) < 25 {
		t.Fatalf("only %d golden records, want at least 25", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			p, err := importFile(f, &Report{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := content.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(f, ".json") + ".md"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s:\n%s", golden, firstDiff(string(want), string(got)))
			}
			// What was written must load back to the same procedure.
			back, _, err := content.Parse(name+".md", got)
			if err != nil {
				t.Fatalf("written file does not load: %v", err)
			}
			again, _ := content.Marshal(back)
			if !bytes.Equal(again, got) {
				t.Errorf("load → write is not stable:\n%s", firstDiff(string(got), string(again)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(no line differs)"
}
