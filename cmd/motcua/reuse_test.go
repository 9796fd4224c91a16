package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReuseScenario: a child's birth-registration extract is digitized
// (real OCR); the one-stop officer, taking a passport application for the
// child (procedure 1.001471 requires "bản sao giấy khai sinh hoặc trích
// lục khai sinh"), finds it by the child's ID, reuses it, and both the
// lookup and the reuse are in the audit log.
func TestReuseScenario(t *testing.T) {
	in := copyScans(t, "06-trich-luc-khai-sinh.png")
	data := filepath.Join(t.TempDir(), "data")
	cat := "../../site/content/thu-tuc"
	const child = "026223001234"
	if code, out := runCLI(t, "digitize", "--data", data, in); code != 0 {
		t.Fatalf("digitize: exit %d\n%s", code, out)
	}

	code, out := runCLI(t, "reuse", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--id", child, "--json")
	if code != 0 {
		t.Fatalf("reuse: exit %d\n%s", code, out)
	}
	var res struct {
		Procedure string
		Documents []struct {
			Document   struct{ Name string }
			Candidates []struct {
				Usable bool
				Record struct {
					ID     int64
					Fields struct {
						DocType string `json:"doc_type"`
						OwnerID string `json:"owner_id"`
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reuse --json: %v\n%s", err, out)
	}
	doc, found := 0, int64(0)
	for i, d := range res.Documents {
		for _, c := range d.Candidates {
			if !strings.Contains(strings.ToLower(d.Document.Name), "khai sinh") {
				t.Errorf("a birth extract offered for %q", d.Document.Name)
			}
			if c.Usable && c.Record.Fields.OwnerID == child && c.Record.Fields.DocType == "Trích lục khai sinh" {
				doc, found = i+1, c.Record.ID
			}
		}
	}
	if found == 0 {
		t.Fatalf("the digitized birth extract is not offered for 1.001471:\n%s", out)
	}

	// Another person's ID finds nothing.
	if _, out := runCLI(t, "reuse", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--id", "001190000001"); strings.Contains(out, "DÙNG LẠI ĐƯỢC") {
		t.Errorf("another person's ID is offered the child's extract:\n%s", out)
	}

	code, out = runCLI(t, "reuse", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--id", child,
		"--use", itoa(found), "--document", itoa(int64(doc)), "--dossier", "000.00.11.H62-231027-0001")
	if code != 0 || !strings.Contains(out, "Đã ghi nhận dùng lại") {
		t.Fatalf("reuse --use: exit %d\n%s", code, out)
	}
	// The same reuse again is shown as already done, not recorded twice.
	code, out = runCLI(t, "reuse", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--id", child,
		"--use", itoa(found), "--document", itoa(int64(doc)), "--dossier", "000.00.11.H62-231027-0001")
	if code != 0 || !strings.Contains(out, "đã được ghi nhận từ trước") {
		t.Errorf("the same reuse again: exit %d\n%s", code, out)
	}
	// Reusing it for a document it cannot stand for is refused.
	if code, _ := runCLI(t, "reuse", "--data", data, "--catalogue", cat, "--procedure", "1.001471", "--id", child,
		"--use", itoa(found), "--document", "1"); code == 0 {
		t.Error("reuse for an unrelated document accepted")
	}

	code, out = runCLI(t, "audit", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("audit: exit %d\n%s", code, out)
	}
	var actions []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct {
			Action   string
			RecordID int64 `json:"record_id"`
			Detail   string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		actions = append(actions, e.Action)
		if e.Action == "reuse" && (e.RecordID != found || !strings.Contains(e.Detail, "000.00.11.H62-231027-0001")) {
			t.Errorf("reuse event: %+v", e)
		}
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "reuse_lookup") || !strings.Contains(got, ",reuse") {
		t.Errorf("audit actions: %s", got)
	}
	if code, out := runCLI(t, "audit", "--data", data, "--verify"); code != 0 || !strings.Contains(out, "toàn vẹn") {
		t.Errorf("audit --verify: exit %d %s", code, out)
	}
	if code, out := runCLI(t, "audit", "--data", data, "--since", "nonsense"); code != 2 || !strings.Contains(out, "--since") {
		t.Errorf("bad --since: exit %d %s", code, out)
	}
}

func TestUsersCommand(t *testing.T) {
	data := t.TempDir()
	stdin = strings.NewReader("mật khẩu đủ dài\n")
	defer func() { stdin = os.Stdin }()
	if code, out := runCLI(t, "users", "add", "lan", "--role", "staff", "--data", data); code != 0 {
		t.Fatalf("users add: %d %s", code, out)
	}
	for _, c := range []struct {
		args []string
		in   string
		want string
	}{
		{[]string{"users", "add", "lan", "--role", "staff"}, "mật khẩu đủ dài\n", "đã có tài khoản lan"},
		{[]string{"users", "add", "minh", "--role", "boss"}, "mật khẩu đủ dài\n", `vai trò "boss" không có`},
		{[]string{"users", "add", "Minh Anh", "--role", "staff"}, "mật khẩu đủ dài\n", "chỉ dùng chữ thường"},
		{[]string{"users", "add", "minh", "--role", "staff"}, "ngắn\n", "ít nhất 10 ký tự"},
		{[]string{"users", "disable", "ai"}, "", "không có tài khoản ai"},
	} {
		stdin = strings.NewReader(c.in)
		code, out := runCLI(t, append(c.args, "--data", data)...)
		if code == 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want an error with %q, got %s", c.args, code, c.want, out)
		}
	}
	runCLI(t, "users", "disable", "lan", "--data", data)
	if _, out := runCLI(t, "users", "list", "--data", data); !strings.Contains(out, "lan") || !strings.Contains(out, "đã khóa") {
		t.Errorf("users list after disable:\n%s", out)
	}
}
