package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDossierScenario: a one-stop officer receives a passport application
// for a child (1.001471), digitizes the birth extract into the dossier
// (real OCR), which assigns it to the requirement that names it; later
// digitizes the result, numbered <code>-KQ1; the dossier, the export and
// the indicators show it; a rerun adds nothing.
func TestDossierScenario(t *testing.T) {
	in := copyScans(t, "06-trich-luc-khai-sinh.png")
	res := copyScans(t, "05-quyet-dinh-cong-bo.pdf")
	data := filepath.Join(t.TempDir(), "data")
	cat := "../../site/content/thu-tuc"
	const code = "000.42.27.H09-240515-0087"
	args := []string{"digitize", "--data", data, "--catalogue", cat, "--dossier", code, "--procedure", "1.001471",
		"--owner", "026223001234", "--name", "Nguyễn Thị Bình", "--due", "2024-05-29", in}
	for run := 0; run < 2; run++ {
		if c, out := runCLI(t, args...); c != 0 {
			t.Fatalf("digitize --dossier (run %d): exit %d\n%s", run+1, c, out)
		}
	}
	if c, out := runCLI(t, "dossier", "result", "--data", data, "--catalogue", cat, code, res); c != 0 {
		t.Fatalf("dossier result: exit %d\n%s", c, out)
	}
	c, out := runCLI(t, "dossier", "show", "--data", data, "--catalogue", cat, "--json", code)
	if c != 0 {
		t.Fatalf("dossier show: exit %d\n%s", c, out)
	}
	var show struct {
		Code, Procedure, Received string
		OwnerID                   string `json:"owner_id"`
		Complete                  bool
		Components                []struct {
			Requirement, Status string
			Records             []int64
		}
		Results    []struct{ Code string }
		Unassigned []int64
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("dossier show --json: %v\n%s", err, out)
	}
	if show.Code != code || show.Procedure != "1.001471" || show.OwnerID != "026223001234" || show.Received != "2024-05-15" {
		t.Errorf("header: %+v", show)
	}
	var birth []int64
	for _, comp := range show.Components {
		if len(comp.Records) > 0 {
			if !strings.Contains(strings.ToLower(comp.Requirement), "khai sinh") || comp.Status != "digitized" {
				t.Errorf("a record assigned to %q (%s)", comp.Requirement, comp.Status)
			}
			birth = append(birth, comp.Records...)
		}
	}
	if len(birth) != 1 || len(show.Unassigned) != 0 {
		t.Errorf("the birth extract: in %v, unassigned %v; want one record in the khai sinh requirement", birth, show.Unassigned)
	}
	if len(show.Results) != 1 || show.Results[0].Code != code+"-KQ1" {
		t.Errorf("results: %+v, want %s-KQ1", show.Results, code)
	}

	c, out = runCLI(t, "dossier", "list", "--data", data, "--catalogue", cat, "--json")
	var list []struct {
		Code    string
		Records int
	}
	if err := json.Unmarshal([]byte(out), &list); c != 0 || err != nil || len(list) != 1 || list[0].Records != 2 {
		t.Errorf("dossier list: exit %d, %v: %s", c, err, out)
	}
	c, out = runCLI(t, "records", "export", "--data", data, "--json")
	if c != 0 || strings.Count(out, `"dossier":"`+code+`"`) != 2 {
		t.Errorf("records export --json should give both records' dossier: exit %d\n%.400s", c, out)
	}
	c, out = runCLI(t, "stats", "--data", data, "--catalogue", cat, "--json")
	var st struct {
		Total struct {
			Received           int
			ResultDigitization struct{ Num, Den int } `json:"result_digitization"`
		}
	}
	if err := json.Unmarshal([]byte(out), &st); c != 0 || err != nil || st.Total.Received != 1 {
		t.Errorf("stats --json: exit %d, %v\n%s", c, err, out)
	}
	if c, out := runCLI(t, "audit", "--data", data, "--action", "dossier_view"); c != 0 || !strings.Contains(out, code) {
		t.Errorf("dossier show is not in the audit log: exit %d\n%s", c, out)
	}

	pdf := filepath.Join(t.TempDir(), "phieu.pdf")
	if c, out := runCLI(t, "dossier", "cover", "--catalogue", cat, "--procedure", "1.001471", "--owner", "026223001234",
		"--out", pdf, code); c != 0 {
		t.Fatalf("dossier cover: exit %d\n%s", c, out)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("cover PDF: %v", err)
	}
}

func TestDossierBadInput(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cat := "../../site/content/thu-tuc"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--owner", "026223001234", "HS-1"}, "không đúng dạng"},
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--owner", "026223001234", "000.42.27.H09-241315-0087"}, "không đúng dạng"},
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "9.999999", "--owner", "026223001234", "000.42.27.H09-240515-0087"}, "--procedure"},
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--owner", "12345", "000.42.27.H09-240515-0087"}, "--owner"},
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--owner", "026223001234", "--due", "29/05/2024", "000.42.27.H09-240515-0087"}, "--due"},
		{[]string{"new", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--owner", "026223001234", "--channel", "fax", "000.42.27.H09-240515-0087"}, "--channel"},
		{[]string{"show", "--data", data, "--catalogue", cat, "000.42.27.H09-240515-0001"}, "not found"},
		{[]string{"frobnicate"}, "không có lệnh con"},
	} {
		code, out := runCLI(t, append([]string{"dossier"}, c.args...)...)
		if code == 0 || !strings.Contains(out, c.want) {
			t.Errorf("dossier %v: exit %d, %q; want an error with %q", c.args, code, out, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "motcua.db")); err == nil {
		code, out := runCLI(t, "dossier", "list", "--data", data, "--catalogue", cat, "--json")
		if code != 0 || strings.TrimSpace(out) != "[]" {
			t.Errorf("a refused dossier must not be stored: %s", out)
		}
	}
}
