package dvcqg

import (
	"strings"
	"testing"
	"unicode/utf8"

	"motcua/content"
)

// The seed corpora under testdata/fuzz/ hold real table strings from the
// golden records and hand-made edge cases.

func FuzzParseChannels(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range ParseChannels(s) {
			if _, ok := content.ChannelNames[c.Channel]; !ok {
				t.Fatalf("channel %q is not a known channel", c.Channel)
			}
			if c.TimeValue != nil && *c.TimeValue <= 0 {
				t.Fatalf("time_value %v is not positive", *c.TimeValue)
			}
			if c.FeeVND != nil && *c.FeeVND < 0 {
				t.Fatalf("fee_vnd %d is negative", *c.FeeVND)
			}
			checkUTF8(t, s, c.TimeText, c.FeeText, c.Description)
		}
	})
}

func FuzzParseDocuments(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range ParseDocuments(s) {
			if d.Originals < 0 || d.Copies < 0 {
				t.Fatalf("negative count in %+v", d)
			}
			if d.Name == "" {
				t.Fatalf("empty name in %+v", d)
			}
			if !d.Counted && (d.Originals != 0 || d.Copies != 0) {
				t.Fatalf("counts without a count cell in %+v", d)
			}
			checkUTF8(t, s, d.Name, d.Form, d.Group)
		}
	})
}

func FuzzParseLegalBasis(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		norm := content.Normalize(s)
		for _, d := range ParseLegalBasis(s) {
			if d.Name == "" {
				t.Fatalf("empty name in %+v", d)
			}
			if d.Code != "" && !strings.Contains(norm, d.Code) {
				t.Fatalf("code %q is not in the input", d.Code)
			}
			checkUTF8(t, s, d.Name, d.Code)
		}
	})
}

func FuzzParseResults(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		rs, kws := ParseResults(s)
		for _, r := range rs {
			if r.Code != "" && !content.ResultCodePattern.MatchString(r.Code) {
				t.Fatalf("result code %q is malformed", r.Code)
			}
			if r.Name == "" && r.Code == "" {
				t.Fatal("empty result")
			}
			checkUTF8(t, s, r.Name)
		}
		for _, k := range kws {
			if strings.TrimSpace(k) == "" {
				t.Fatal("empty keyword")
			}
		}
	})
}

// checkUTF8 fails when a parser split a rune of valid input.
func checkUTF8(t *testing.T, input string, ss ...string) {
	t.Helper()
	if !utf8.ValidString(input) {
		return
	}
	for _, s := range ss {
		if !utf8.ValidString(s) {
			t.Fatalf("output %q is not valid UTF-8", s)
		}
	}
}
