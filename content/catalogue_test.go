package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `---
code: "1.001193"
name: Thủ tục đăng ký khai sinh
levels:
  - Cấp xã
field: Hộ tịch
channels:
  - channel: truc-tiep
    time_value: 1
    time_unit: ngay-lam-viec
    fee_vnd: 0
    fee_text: Miễn phí
documents:
  - group: Giấy tờ phải nộp
    name: Tờ khai đăng ký khai sinh
    originals: 1
    copies: 0
related:
  - "1.004222"
---

## Trình tự thực hiện

- Nộp hồ sơ.

## Yêu cầu, điều kiện

Không.
`

func TestParseGood(t *testing.T) {
	p, _, err := Parse("1.001193.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "1.001193" || p.Name != "Thủ tục đăng ký khai sinh" || p.Steps != "- Nộp hồ sơ." || p.Conditions != "Không." {
		t.Errorf("parsed %+v", p)
	}
	if len(p.Channels) != 1 || *p.Channels[0].TimeValue != 1 || *p.Channels[0].FeeVND != 0 {
		t.Errorf("channels %+v", p.Channels)
	}
	out, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Parse("1.001193.md", out)
	if err != nil {
		t.Fatalf("marshalled file does not parse: %v\n%s", err, out)
	}
	if again.Steps != p.Steps || again.Conditions != p.Conditions || again.Name != p.Name {
		t.Errorf("round trip changed the procedure")
	}
}

// TestLoadErrors: every bad file is reported with its name, the line of
// the problem and what to do; the good files still load.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file, data string
		line       int
		msg        string
	}{
		{"1.000001.md", "code: 1.000001\n", 1, "must start with front matter"},
		{"1.000002.md", "---\ncode: \"1.000002\"\nname: x\n", 1, "front matter is not closed"},
		{"1.000003.md", "---\ncode: \"1.000003\"\nname: [x\nfield: y\n---\n", 0, "front matter"},
		{"1.000004.md", "---\ncode: \"1.000004\"\nname: x\nfield: y\ncolour: red\n---\n", 5, "field colour not found"},
		{"1.000005.md", "---\ncode: \"1.00005\"\nname: x\nfield: y\n---\n", 2, `"1.00005" is not a procedure code`},
		{"1.000006.md", "---\ncode: \"1.000007\"\nname: x\nfield: y\n---\n", 2, "rename the file to 1.000007.md"},
		{"1.000008.md", "---\ncode: \"1.000008\"\nfield: y\n---\n", 0, "name (tên thủ tục) is missing"},
		{"1.000009.md", "---\ncode: \"1.000009\"\nname: x\n---\n", 0, "field (lĩnh vực) is missing"},
		{"1.000010.md", "---\ncode: \"1.000010\"\nname: x\nfield: y\nchannels:\n  - channel: fax\n---\n", 6, `channel "fax" is not one of`},
		{"1.000011.md", "---\ncode: \"1.000011\"\nname: x\nfield: y\nchannels:\n  - channel: truc-tiep\n    time_value: -3\n---\n", 7, "time_value -3 is not a positive number"},
		{"1.000012.md", "---\ncode: \"1.000012\"\nname: x\nfield: y\nchannels:\n  - channel: truc-tiep\n    time_value: bảy\n---\n", 7, "cannot unmarshal"},
		{"1.000013.md", "---\ncode: \"1.000013\"\nname: x\nfield: y\n---\n\n## Phí\n\ntext\n", 7, `unknown section "Phí"`},
		{"1.000014.md", "---\ncode: \"1.000014\"\nname: x\nfield: y\n---\n\nstray text\n", 7, "text before the first section"},
		{"1.000015.md", "---\ncode: \"1.000015\"\nname: x\nfield: y\ndocuments:\n  - name: a\n    originals: -1\n---\n", 6, "negative count"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "1.001193.md"), []byte(good), 0o644)
	// The same code twice: the second file (by name order) is refused.
	os.WriteFile(filepath.Join(dir, "z-copy.md"), []byte(strings.Replace(good, "1.001193\"", "1.001193\"\n", 1)), 0o644)

	cat, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Procedures) != 1 {
		t.Errorf("loaded %d procedures, want 1", len(cat.Procedures))
	}
	byFile := map[string][]*Error{}
	for _, p := range cat.Problems {
		byFile[p.File] = append(byFile[p.File], p)
	}
	for _, tt := range tests {
		probs := byFile[tt.file]
		found := false
		for _, p := range probs {
			if strings.Contains(p.Msg, tt.msg) && (tt.line == 0 || p.Line == tt.line) && !p.Warning {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want an error on line %d saying %q, got %v", tt.file, tt.line, tt.msg, probs)
		}
	}
	var dup, dangling bool
	for _, p := range cat.Problems {
		if p.File == "z-copy.md" && strings.Contains(p.Msg, "rename the file") {
			dup = true
		}
		if p.File == "1.001193.md" && p.Warning && strings.Contains(p.Msg, "1.004222 is not in the catalogue") && p.Line == 19 {
			dangling = true
		}
	}
	if !dup {
		t.Error("a second file with the same code was not refused")
	}
	if !dangling {
		t.Errorf("dangling related code not warned on line 19: %v", byFile["1.001193.md"])
	}
	if cat.Err() == nil {
		t.Error("Err() = nil with errors present")
	}
	if e := cat.Problems[0].Error(); !strings.HasPrefix(e, "content: ") || !strings.Contains(e, " line ") {
		t.Errorf("error text %q does not name file and line", e)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Đất đai":                   "dat-dai",
		"Hộ tịch":                   "ho-tich",
		"Cấp tỉnh":                  "cap-tinh",
		"Đăng ký, quản lý cư trú":   "dang-ky-quan-ly-cu-tru",
		"Ho\u0323 ti\u0323ch (NFD)": "ho-tich-nfd",
		"  ":                        "",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"ho\u0103\u0323c":         "hoặc",
		"a\u00a0b\u200b c":        "a b c",
		"Không có thông tin":      "",
		" dòng 1 \n\n  dòng   2 ": "dòng 1\ndòng 2",
	}
	for in, want := range tests {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
