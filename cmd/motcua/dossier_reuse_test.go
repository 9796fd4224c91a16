package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestDossierReuse: a child's birth extract, digitized from the archive
// (real OCR), fills the birth-certificate copy of a later re-registration
// dossier as "reused"; a second run finds nothing left to fill; a wrong
// command line says what to do.
func TestDossierReuse(t *testing.T) {
	in := copyScans(t, "06-trich-luc-khai-sinh.png")
	data := filepath.Join(t.TempDir(), "data")
	cat := "../../site/content/thu-tuc"
	const code = "000.42.27.H09-240522-0017"
	if c, out := runCLI(t, "digitize", "--data", data, in); c != 0 {
		t.Fatalf("digitize: exit %d\n%s", c, out)
	}
	if c, out := runCLI(t, "dossier", "new", "--data", data, "--catalogue", cat, code, "--procedure", "1.004884",
		"--owner", "026223001234", "--name", "Kiều Minh An"); c != 0 {
		t.Fatalf("dossier new: exit %d\n%s", c, out)
	}
	for _, bad := range [][]string{
		{"dossier", "reuse", "--data", data, "--catalogue", cat, code, "--component", "10"},
		{"dossier", "reuse", "--data", data, "--catalogue", cat, code, "--component", "99", "--record", "1"},
		{"dossier", "reuse", "--data", data, "--catalogue", cat, "000.42.27.H09-240522-0099"},
	} {
		if c, out := runCLI(t, bad...); c == 0 || !strings.Contains(out, "hồ sơ") && !strings.Contains(out, "cách dùng") {
			t.Errorf("%v: exit %d, want an error that says what is wrong:\n%s", bad[2:], c, out)
		}
	}
	c, out := runCLI(t, "dossier", "reuse", "--data", data, "--catalogue", cat, code)
	if c != 0 || !strings.Contains(out, "Đã dùng lại bản ghi 1") {
		t.Fatalf("dossier reuse: exit %d\n%s", c, out)
	}
	if c, out := runCLI(t, "dossier", "reuse", "--data", data, "--catalogue", cat, code); c != 0 || strings.Contains(out, "Đã dùng lại") {
		t.Errorf("second dossier reuse: exit %d, want nothing left to fill:\n%s", c, out)
	}
	_, out = runCLI(t, "dossier", "show", "--data", data, "--catalogue", cat, "--json", code)
	var show struct {
		Components []struct {
			Requirement, Status string
			ReusedFrom          []int64 `json:"reused_from"`
		}
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("dossier show --json: %v\n%s", err, out)
	}
	reused := 0
	for _, comp := range show.Components {
		if comp.Status == "reused" {
			reused++
			if !strings.HasPrefix(comp.Requirement, "Bản sao Giấy khai sinh") || len(comp.ReusedFrom) != 1 || comp.ReusedFrom[0] != 1 {
				t.Errorf("reused: %q from %v, want the birth-certificate copy from record 1", comp.Requirement, comp.ReusedFrom)
			}
		}
	}
	if reused != 1 {
		t.Errorf("%d components reused, want 1:\n%s", reused, out)
	}
}

// TestDossierNewAgain: `dossier new` on a stored dossier (a rerun of the
// reception script) keeps its dates and status, and refuses another
// procedure or owner under the same code.
func TestDossierNewAgain(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cat := "../../site/content/thu-tuc"
	const code = "000.42.27.H09-240520-0011"
	newArgs := []string{"dossier", "new", "--data", data, "--catalogue", cat, code, "--procedure", "1.001193",
		"--owner", "026190004567", "--due", "2024-05-23"}
	if c, out := runCLI(t, newArgs...); c != 0 {
		t.Fatalf("dossier new: exit %d\n%s", c, out)
	}
	if c, out := runCLI(t, "dossier", "finish", "--data", data, code, "--date", "2024-05-22"); c != 0 {
		t.Fatalf("dossier finish: exit %d\n%s", c, out)
	}
	if c, out := runCLI(t, newArgs...); c != 0 || !strings.Contains(out, "đã có") {
		t.Errorf("dossier new again: exit %d, want it to say the dossier exists:\n%s", c, out)
	}
	other := append([]string{}, newArgs...)
	other[8] = "1.000656"
	if c, out := runCLI(t, other...); c == 0 || !strings.Contains(out, "1.001193") {
		t.Errorf("dossier new with another procedure: exit %d, want a refusal naming the stored one:\n%s", c, out)
	}
	_, out := runCLI(t, "dossier", "show", "--data", data, "--catalogue", cat, "--json", code)
	if !strings.Contains(out, `"finished": "2024-05-22"`) || !strings.Contains(out, `"due": "2024-05-23"`) {
		t.Errorf("after new again, the dossier lost its dates:\n%.600s", out)
	}
}
