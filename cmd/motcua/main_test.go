package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(args, &out, &errw)
	return code, out.String() + errw.String()
}

// TestImportCheckShow runs the catalogue commands as a user would, on a
// small source folder with one good and one broken record.
func TestImportCheckShow(t *testing.T) {
	src := t.TempDir()
	cat := filepath.Join(t.TempDir(), "thu-tuc")
	good, err := os.ReadFile("../../content/dvcqg/testdata/golden/1.001193.json")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(src, "bo-tu-phap"), 0o755)
	os.WriteFile(filepath.Join(src, "bo-tu-phap", "1.001193.json"), good, 0o644)
	os.WriteFile(filepath.Join(src, "bo-tu-phap", "hỏng (1).json"), []byte("{"), 0o644)

	code, out := runCLI(t, "import", "dvcqg", src, "--out", cat, "--json")
	if code != 1 {
		t.Errorf("import with a broken file: exit %d, want 1\n%s", code, out)
	}
	var rep struct {
		Procedures, Failed int
		Coverage           map[string]float64
	}
	if err := json.Unmarshal([]byte(out[:strings.LastIndex(out, "}")+1]), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if rep.Procedures != 1 || rep.Failed != 1 || len(rep.Coverage) != 4 {
		t.Errorf("report %+v", rep)
	}

	if code, out := runCLI(t, "check", "--catalogue", cat); code != 0 {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	code, out = runCLI(t, "catalogue", "show", "1.001193", "--catalogue", cat, "--json")
	if code != 0 {
		t.Fatalf("show: exit %d\n%s", code, out)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"code", "name", "decision", "levels", "kind", "field", "applicants", "agencies", "address",
		"related", "steps", "channels", "documents", "legal_basis", "conditions", "results", "keywords", "source_url"} {
		if _, ok := p[k]; !ok {
			t.Errorf("JSON form lacks %q", k)
		}
	}
	if p["name"] != "Thủ tục đăng ký khai sinh" {
		t.Errorf("name = %v", p["name"])
	}
	if code, _ := runCLI(t, "catalogue", "show", "9.999999", "--catalogue", cat, "--json"); code != 1 {
		t.Errorf("show of a missing code: exit %d, want 1", code)
	}

	// A hand edit that breaks a file: check names file and line, exits 1,
	// and build refuses to publish.
	path := filepath.Join(cat, "1.001193.md")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(data, []byte("channel: truc-tiep"), []byte("channel: fax"), 1), 0o644)
	code, out = runCLI(t, "check", "--catalogue", cat)
	if code != 1 || !strings.Contains(out, "1.001193.md line ") || !strings.Contains(out, `"fax"`) {
		t.Errorf("check of a broken file: exit %d\n%s", code, out)
	}
	if code, _ := runCLI(t, "build", "--catalogue", cat, "--out", t.TempDir()); code != 1 {
		t.Errorf("build of a broken catalogue: exit %d, want 1", code)
	}
}

func TestUsage(t *testing.T) {
	if code, _ := runCLI(t, "nope"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "import", "csv", "x"); code != 2 {
		t.Errorf("bad import source: exit %d, want 2", code)
	}
	if code, out := runCLI(t, "help"); code != 0 || !strings.Contains(out, "import") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

// TestParseFlagsPaths: after "--" every argument is a path, and a file
// name that looks like a flag (a glob's expansion) is a path too: flags
// are never read from file names.
func TestParseFlagsPaths(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, n := range []string{"-visibility=public", "--force", "a.png"} {
		if err := os.WriteFile(n, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args      []string
		wantPaths []string
		wantVis   string
		wantData  string
		wantForce bool
	}{
		{[]string{"--data", "D", "--", "a.png", "-visibility=public"}, []string{"a.png", "-visibility=public"}, "", "D", false},
		{[]string{"--data", "D", "--", "-x", "--", "b.png"}, []string{"-x", "--", "b.png"}, "", "D", false},
		// cd DIR && motcua digitize --data D *
		{[]string{"--data", "D", "--force", "-visibility=public", "a.png"}, []string{"--force", "-visibility=public", "a.png"}, "", "D", false},
		{[]string{"a.png", "--data", "D", "-visibility=restricted"}, []string{"a.png"}, "restricted", "D", false},
		{[]string{"--data", "--", "a.png"}, []string{"a.png"}, "", "--", false},
		{[]string{"-force", "x.png", "--visibility", "public"}, []string{"x.png"}, "public", "data", true},
	} {
		fs := flag.NewFlagSet("digitize", flag.ContinueOnError)
		data := fs.String("data", "data", "")
		vis := fs.String("visibility", "", "")
		force := fs.Bool("force", false, "")
		paths, err := parseFlags(fs, c.args)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if !slices.Equal(paths, c.wantPaths) || *vis != c.wantVis || *data != c.wantData || *force != c.wantForce {
			t.Errorf("%q: paths %q, visibility %q, data %q, force %v; want %q, %q, %q, %v",
				c.args, paths, *vis, *data, *force, c.wantPaths, c.wantVis, c.wantData, c.wantForce)
		}
	}
	fs := flag.NewFlagSet("digitize", flag.ContinueOnError)
	fs.String("data", "data", "")
	if _, err := parseFlags(fs, []string{"-nope", "a.png"}); err == nil {
		t.Error("an unknown flag that names no file is accepted")
	}
	if _, err := parseFlags(fs, []string{"a.png", "--data"}); err == nil {
		t.Error("a flag without its value is accepted")
	}
}
