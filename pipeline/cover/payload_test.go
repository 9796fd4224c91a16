package cover

import (
	"errors"
	"strings"
	"testing"
)

func TestPayloadRoundTrip(t *testing.T) {
	decomposed := "Nguye\u0302\u0303n Thi\u0323 Hoa" // NFD: e + circumflex + tilde
	tests := []struct {
		name string
		in   Sheet
		want Sheet // the sheet normalized
	}{
		{"full", Sheet{"000.42.27.H09-240515-0087", "1.001193", "001234567890", "Nguyễn Văn An"},
			Sheet{"000.42.27.H09-240515-0087", "1.001193", "001234567890", "Nguyễn Văn An"}},
		{"no name", Sheet{"000.00.06.H56-231231-0001", "2.002154", "079204000123", ""},
			Sheet{"000.00.06.H56-231231-0001", "2.002154", "079204000123", ""}},
		{"NFD name becomes NFC", Sheet{"C", "P", "1", decomposed},
			Sheet{"C", "P", "1", "Nguyễn Thị Hoa"}},
		{"spaces trimmed", Sheet{" C ", "\tP", "1\u00a0", "  Đặng Thị Ngọc Hân  "},
			Sheet{"C", "P", "1", "Đặng Thị Ngọc Hân"}},
		{"odd characters", Sheet{"A=B%C&D", "x\\y/z?#", "+1 (2)", "Lê Thị \"Bé\" O'Neil; =%0A ~_-. 100%"},
			Sheet{"A=B%C&D", "x\\y/z?#", "+1 (2)", "Lê Thị \"Bé\" O'Neil; =%0A ~_-. 100%"}},
		{"other scripts", Sheet{"C", "P", "1", "Hồ 胡 🙂 Ωμέγα"}, Sheet{"C", "P", "1", "Hồ 胡 🙂 Ωμέγα"}},
		{"every Vietnamese vowel", Sheet{"C", "P", "1", "ẮẰẲẴẶ ấầẩẫậ ĐĐ ếềểễệ ỉịĩ ốồổỗộ ớờởỡợ ứừửữự ỳỷỹỵ"},
			Sheet{"C", "P", "1", "ẮẰẲẴẶ ấầẩẫậ ĐĐ ếềểễệ ỉịĩ ốồổỗộ ớờởỡợ ứừửữự ỳỷỹỵ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.in.Payload()
			for i := 0; i < len(p); i++ {
				if c := p[i]; c != '\n' && !unreserved(c) && c != '%' && c != '=' && c != '/' {
					t.Fatalf("payload has byte %q: %q", c, p)
				}
			}
			got, err := Parse(p)
			if err != nil {
				t.Fatalf("Parse(%q): %v", p, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(Payload()) = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPayloadFormat(t *testing.T) {
	s := Sheet{"000.42.27.H09-240515-0087", "1.001193", "001234567890", "Lê Văn Bình"}
	want := "MOTCUA-HOSO/1\nma=000.42.27.H09-240515-0087\ntt=1.001193\nid=001234567890\nten=L%C3%AA%20V%C4%83n%20B%C3%ACnh"
	if got := s.Payload(); got != want {
		t.Fatalf("Payload() = %q, want %q", got, want)
	}
}

func TestParseRefuses(t *testing.T) {
	good := "MOTCUA-HOSO/1\nma=000.42.27.H09-240515-0087\ntt=1.001193\nid=001234567890\nten=L%C3%AA"
	tests := []struct {
		name     string
		payload  string
		notCover bool // ErrNotCover rather than *PayloadError
	}{
		{"empty", "", true},
		{"URL", "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=000.42.27.H09-240515-0087", true},
		{"bare dossier code", "000.42.27.H09-240515-0087", true},
		{"lower-case header", strings.ToLower(good), true},
		{"leading space", " " + good, true},
		{"vCard", "BEGIN:VCARD\nVERSION:3.0\nFN:Nguyễn Văn An\nEND:VCARD", true},
		{"binary", "\x00\xff\xfeMOTCUA", true},
		{"other version", strings.Replace(good, "/1", "/2", 1), false},
		{"header with suffix", strings.Replace(good, "/1", "/1 ", 1), false},
		{"header only", "MOTCUA-HOSO/1", false},
		{"trailing newline", good + "\n", false},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), false},
		{"missing name line", strings.TrimSuffix(good, "\nten=L%C3%AA"), false},
		{"extra line", good + "\nx=1", false},
		{"keys swapped", strings.Replace(strings.Replace(good, "ma=", "XX=", 1), "tt=", "ma=", 1), false},
		{"empty code", strings.Replace(good, "ma=000.42.27.H09-240515-0087", "ma=", 1), false},
		{"empty procedure", strings.Replace(good, "tt=1.001193", "tt=", 1), false},
		{"empty ID", strings.Replace(good, "id=001234567890", "id=", 1), false},
		{"blank code", strings.Replace(good, "ma=000.42.27.H09-240515-0087", "ma=%20", 1), false},
		{"raw space", strings.Replace(good, "L%C3%AA", "L%C3%AA Van", 1), false},
		{"raw UTF-8", strings.Replace(good, "L%C3%AA", "Lê", 1), false},
		{"lower-case hex", strings.Replace(good, "%C3%AA", "%c3%aa", 1), false},
		{"needless escape", strings.Replace(good, "L%C3", "%4C%C3", 1), false},
		{"cut escape", good[:len(good)-2], false},
		{"bad hex", strings.Replace(good, "%C3", "%G3", 1), false},
		{"invalid UTF-8", strings.Replace(good, "%C3%AA", "%C3%28", 1), false},
		{"NFD name", strings.Replace(good, "L%C3%AA", "Le%CC%82", 1), false},
		{"newline in name", strings.Replace(good, "L%C3%AA", "L%0AA", 1), false},
		{"NUL in code", strings.Replace(good, "ma=000", "ma=%00000", 1), false},
		{"overlong name", strings.Replace(good, "L%C3%AA", strings.Repeat("A", maxField+1), 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.payload)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.payload, s)
			}
			var pe *PayloadError
			if tt.notCover && !errors.Is(err, ErrNotCover) || !tt.notCover && !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): %T %v, want notCover=%v", tt.payload, err, err, tt.notCover)
			}
			if !strings.HasPrefix(err.Error(), "cover: ") {
				t.Errorf("error %q does not name the package", err)
			}
		})
	}
	if _, err := Parse(good); err != nil {
		t.Fatalf("Parse(good): %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("MOTCUA-HOSO/1\nma=000.42.27.H09-240515-0087\ntt=1.001193\nid=001234567890\nten=L%C3%AA")
	f.Add("https://example.com/")
	f.Fuzz(func(t *testing.T, payload string) {
		s, err := Parse(payload)
		if err != nil {
			return
		}
		// What Parse accepts is canonical: printable and written back
		// byte for byte.
		if err := s.check(); err != nil {
			t.Fatalf("Parse(%q) accepted an unprintable sheet: %v", payload, err)
		}
		if p := s.Payload(); p != payload {
			t.Fatalf("Payload(Parse(%q)) = %q", payload, p)
		}
	})
}
