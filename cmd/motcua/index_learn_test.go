package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/search/querylog"
)

// TestIndexLearnsFromQueryLog: motcua index learns from the query log in
// the data folder the procedure enough sessions chose for a query, and
// motcua search then answers that query with it first; fewer sessions
// teach nothing.
func TestIndexLearnsFromQueryLog(t *testing.T) {
	const cat = "../../site/testdata/catalogue"
	const q, chosen = "lam giay to cho be moi de", "1.001193"
	data := t.TempDir()
	writeLog := func(sessions int) {
		t.Helper()
		var b strings.Builder
		for i := range sessions {
			line, _ := json.Marshal(querylog.Event{Day: "2026-11-27", Query: q, Mark: strings.Repeat("a", i+1), Code: chosen})
			b.Write(append(line, '\n'))
		}
		if err := os.WriteFile(filepath.Join(data, querylog.File), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	first := func() string {
		t.Helper()
		code, out := runCLI(t, "search", "--data", data, "--catalogue", cat, "--json", q)
		if code != 0 {
			t.Fatalf("search: %d\n%s", code, out)
		}
		var res struct{ Hits []struct{ Code string } }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("search --json: %v\n%s", err, out)
		}
		if len(res.Hits) == 0 {
			return ""
		}
		return res.Hits[0].Code
	}
	for _, tt := range []struct {
		sessions int
		learnt   bool
	}{{2, false}, {3, true}} {
		writeLog(tt.sessions)
		code, out := runCLI(t, "index", "--data", data, "--catalogue", cat)
		if code != 0 || strings.Contains(out, "Học từ nhật ký") != tt.learnt {
			t.Fatalf("index with %d sessions: %d\n%s", tt.sessions, code, out)
		}
		if got := first(); (got == chosen) != tt.learnt {
			t.Errorf("after %d sessions chose %s for %q, first is %q", tt.sessions, chosen, q, got)
		}
	}
}
