package vi

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Đăng Ký":             "dang ky",
		"ho\u0323 ti\u0323ch": "ho tich", // decomposed input
		"ĐƯỜNG":               "duong",
		"ĐƯỜNG Đất đai Ủy":    "duong dat dai uy",
		"abc":                 "abc",
		"Số 12/QĐ-UBND":       "so 12/qd-ubnd",
		"":                    "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldFastPath: the table Fold uses for precomposed letters folds and
// lowers every letter and mixed text as the full decomposition and norm do,
// and holds only letters that NFC leaves as they are.
func TestFoldFastPath(t *testing.T) {
	var all []rune
	for r := rune(0); r < 0x2100; r++ {
		s := string(r)
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendLowerNFC(nil, s)), strings.ToLower(norm.NFC.String(s)); got != want {
			t.Errorf("AppendLowerNFC(%q) = %q, want %q", s, got, want)
		}
		if _, w := latinAt(s, 0); w > 0 {
			all = append(all, r)
			if !norm.NFC.IsNormalString(s) || w != len(s) {
				t.Errorf("%q (%U) is in the table but NFC changes it", s, r)
			}
		}
	}
	if len(all) < 400 {
		t.Fatalf("the table holds %d letters", len(all))
	}
	for _, s := range []string{string(all), "Hồ sơ – “Giấy” İstanbul ǅ", "Ủy ban nhân dân xã An Phú 12/QĐ", "Ａ１",
		"ho\u0323 ti\u0323ch ĐƯỜNG", "\xe1\xbb", "a\xc3", "\xc3(", "ȺⱥẞǄ"} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendFold([]byte("x"), []byte(s))), "x"+foldSlow(s); got != want {
			t.Errorf("AppendFold(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendLowerNFC([]byte("x"), s)), "x"+strings.ToLower(norm.NFC.String(s)); got != want {
			t.Errorf("AppendLowerNFC(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"GIAM", "GIÁM", 1},
		{"kitten", "sitting", 3},
		{"CHỦ TỊCH", "CHU TICH", 2},
	} {
		if got := EditDistance([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := EditDistance([]string{"a", "b", "c"}, []string{"a", "c"}); got != 1 {
		t.Errorf("EditDistance of words = %d, want 1", got)
	}
}

func TestPersonID(t *testing.T) {
	for _, c := range []struct {
		in           string
		shape, valid bool
	}{
		{"001317012345", true, true},
		{"074178003921", true, true},
		{"270123456789", true, false}, // no province 270
		{"001399012345", true, false}, // born in 2099
		{"00131701234", false, false},
		{"0013170123456", false, false},
		{"00131701234a", false, false},
		{"", false, false},
	} {
		if got := IsPersonID(c.in); got != c.shape {
			t.Errorf("IsPersonID(%q) = %v", c.in, got)
		}
		if got := ValidPersonID(c.in); got != c.valid {
			t.Errorf("ValidPersonID(%q) = %v", c.in, got)
		}
	}
}

func TestDates(t *testing.T) {
	for _, c := range []struct {
		y, m, d int
		want    string
	}{
		{2023, 9, 12, "2023-09-12"},
		{2024, 2, 29, "2024-02-29"},
		{2023, 2, 29, ""},
		{1944, 1, 1, ""},
		{2023, 13, 1, ""},
	} {
		got, ok := ValidDate(c.y, c.m, c.d)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ValidDate(%d, %d, %d) = %q, %v", c.y, c.m, c.d, got, ok)
		}
	}
	for in, want := range map[string]bool{"2023-09-12": true, "2023-9-12": false, "12/09/2023": false, "2023-09-12x": false} {
		if got := ISODate.MatchString(in); got != want {
			t.Errorf("ISODate(%q) = %v", in, got)
		}
	}
}

func TestProcedureCode(t *testing.T) {
	for in, want := range map[string]bool{"1.001193": true, "2.000794.01": true, "0.001193": false, "1.00119": false, "1.001193.1": false, "x1.001193": false} {
		if got := ProcedureCode.MatchString(in); got != want {
			t.Errorf("ProcedureCode(%q) = %v", in, got)
		}
	}
}

func TestDossierCode(t *testing.T) {
	for in, want := range map[string]bool{
		"000.42.27.H09-240515-0087":  true,
		"000.00.06.H56-231027-0361":  true,
		"000.00.06.H56-231327-0361":  false, // month 13
		"000.00.06.H56-230230-0361":  false, // 30 February
		"000.00.06.h56-231027-0361":  false,
		"00.00.06.H56-231027-0361":   false,
		"000.00.06-231027-0361":      false,
		"000.00.06.H56-231027-361":   false,
		"000.00.06.H56-231027-0361 ": false,
	} {
		if got := IsDossierCode(in); got != want {
			t.Errorf("IsDossierCode(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]bool{
		"000.42.27.H09-240515-0087-KQ1":  true,
		"000.42.27.H09-240515-0087-KQ12": true,
		"000.42.27.H09-240515-0087-KQ":   false,
		"000.42.27.H09-240515-0087":      false,
		"000.42.27.H09-241315-0087-KQ1":  false,
	} {
		if got := IsResultCode(in); got != want {
			t.Errorf("IsResultCode(%q) = %v", in, got)
		}
	}
	got := DossierCodeRe.FindAllString("Mã hồ sơ: 000.23.19.H26-230417-0045; X000.00.06.H56-231027-0361, 000.00.06.H56-231027-0361.", -1)
	if len(got) != 2 || got[0] != "000.23.19.H26-230417-0045" || got[1] != "000.00.06.H56-231027-0361" {
		t.Errorf("DossierCodeRe found %q", got)
	}
}

// FuzzFold: the table's fast paths give what the full decomposition and
// norm give, on any bytes.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Đăng ký hộ tịch", "ho\u0323 ti\u0323ch", "\xe1\xbb", "Ǆ İ ẞ Ⱥ", "Số 12/QĐ-UBND"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendFold([]byte("x"), []byte(s))), "x"+foldSlow(s); got != want {
			t.Errorf("AppendFold(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendLowerNFC(nil, s)), strings.ToLower(norm.NFC.String(s)); got != want {
			t.Errorf("AppendLowerNFC(%q) = %q, want %q", s, got, want)
		}
	})
}
