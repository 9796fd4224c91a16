package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"motcua/pipeline"
	"motcua/store"
)

// TestNamesEscaped: file names (and text read from files) printed on a
// terminal cannot carry escape sequences or break lines.
func TestNamesEscaped(t *testing.T) {
	const evil = "a\x1b[2J\x1b]0;pwned\x07\r\nb\u202e.png"
	data := t.TempDir()
	db, _, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rec := &store.Record{SHA256: strings.Repeat("ab", 32), SourceName: evil, SourcePath: filepath.Join("/quét", evil), MediaType: "image/png",
		DocType: "Quyết định\x1b[31m", Status: store.StatusReview, Visibility: store.Restricted, Text: "dòng 1\ndòng 2\x1b[0m",
		Fields: store.Fields{DocType: "Quyết định\x1b[31m", NumberSymbol: "1/QĐ\x07"}}
	if err := db.Put(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, store.Failure{Path: evil, Reason: "hỏng\x1b[1m"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	check := func(what, out string) {
		t.Helper()
		if strings.ContainsAny(out, "\x1b\x07\r\u202e") || strings.Contains(out, "a\x1b") || strings.Contains(out, "\nb") {
			t.Errorf("%s passes terminal controls or a line break in a name:\n%q", what, out)
		}
		if !strings.Contains(out, `a\x1b[2J\x1b]0;pwned\x07\r\nb\u202e.png`) {
			t.Errorf("%s does not show the name escaped:\n%q", what, out)
		}
	}
	for _, args := range [][]string{{"records", "list"}, {"records", "failed"}, {"records", "show", itoa(rec.ID)}} {
		_, out := runCLI(t, append(args, "--data", data)...)
		check(strings.Join(args, " "), out)
	}
	var buf bytes.Buffer
	stdout = &buf
	printSummary(pipeline.Summary{Files: 1, Failed: 1, Failures: []store.Failure{{Path: evil, Reason: "hỏng"}}})
	check("the summary", buf.String())
}
