// Package cover makes and reads the cover sheets (phiếu ngăn hồ sơ) that
// separate dossiers in a scanned stack: an A4 page with a QR code holding
// the dossier code, the procedure code and the owner, and the same in
// large text. Detect finds such a page among the scanned pages.
//
// The QR code's payload is ASCII text, five lines separated by "\n":
//
//	MOTCUA-HOSO/1
//	ma=<dossier code>
//	tt=<procedure code>
//	id=<owner's ID number>
//	ten=<owner's name, may be empty>
//
// Each value is UTF-8 in NFC, trimmed, percent-encoded: every byte other
// than A–Z a–z 0–9 - . _ ~ is written %XX with upper-case hex. Parse
// accepts only this canonical form, so one Sheet has exactly one payload.
// The dossier code's grammar is checked by its owner, not here.
package cover

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Sheet is what a cover sheet says about the dossier that follows it.
type Sheet struct {
	Code      string // dossier code, e.g. 000.42.27.H09-240515-0087
	Procedure string // procedure code, e.g. 1.001193
	OwnerID   string // the owner's 12-digit ID number
	OwnerName string // the owner's name, optional
}

// Header is the payload's first line: the format's name and version.
const Header = "MOTCUA-HOSO/1"

const (
	headerPrefix = "MOTCUA-HOSO/"
	maxField     = 256 // bytes of one value, before encoding
)

// ErrNotCover means a payload is not a motcua cover sheet's at all, such
// as a foreign QR code printed on a document.
var ErrNotCover = errors.New(`cover: not a motcua cover sheet (the QR code does not begin with "` + headerPrefix + `")`)

// PayloadError means a payload is marked as a motcua cover sheet's but
// cannot be read: another version, a damaged or hand-made payload.
type PayloadError struct{ Reason string }

func (e *PayloadError) Error() string { return "cover: unreadable cover sheet: " + e.Reason }

// keys are the value lines' names, in their order.
var keys = [...]string{"ma", "tt", "id", "ten"}

func (s Sheet) fields() [4]string { return [4]string{s.Code, s.Procedure, s.OwnerID, s.OwnerName} }

// normalized returns s with each value in NFC and trimmed.
func (s Sheet) normalized() Sheet {
	f := func(v string) string { return strings.TrimSpace(norm.NFC.String(v)) }
	return Sheet{f(s.Code), f(s.Procedure), f(s.OwnerID), f(s.OwnerName)}
}

// check reports what makes a normalized sheet unprintable.
func (s Sheet) check() error {
	for i, v := range s.fields() {
		switch {
		case v == "" && i < 3:
			return fmt.Errorf("cover: %s is empty", names[i])
		case len(v) > maxField:
			return fmt.Errorf("cover: %s is longer than %d bytes", names[i], maxField)
		case !utf8.ValidString(v):
			return fmt.Errorf("cover: %s is not UTF-8", names[i])
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			return fmt.Errorf("cover: %s holds a control character", names[i])
		}
	}
	return nil
}

var names = [...]string{"the dossier code", "the procedure code", "the owner's ID number", "the owner's name"}

// Payload returns the text of the sheet's QR code, the sheet normalized
// (NFC, trimmed).
func (s Sheet) Payload() string {
	var b strings.Builder
	b.WriteString(Header)
	for i, v := range s.normalized().fields() {
		b.WriteString("\n" + keys[i] + "=")
		escape(&b, v)
	}
	return b.String()
}

// Parse reads a cover sheet's payload. It returns ErrNotCover when the
// payload is not a cover sheet's and a *PayloadError when it is marked as
// one but is not exactly what Payload writes.
func Parse(payload string) (Sheet, error) {
	if !strings.HasPrefix(payload, headerPrefix) {
		return Sheet{}, ErrNotCover
	}
	lines := strings.Split(payload, "\n")
	if lines[0] != Header {
		return Sheet{}, &PayloadError{fmt.Sprintf("version %.20q is not %q", lines[0], Header)}
	}
	if len(lines) != 1+len(keys) {
		return Sheet{}, &PayloadError{fmt.Sprintf("%d lines, want %d", len(lines), 1+len(keys))}
	}
	var v [len(keys)]string
	for i, k := range keys {
		raw, ok := strings.CutPrefix(lines[1+i], k+"=")
		if !ok {
			return Sheet{}, &PayloadError{fmt.Sprintf("line %d: %.30q does not begin with %q", 2+i, lines[1+i], k+"=")}
		}
		var err error
		if v[i], err = unescape(raw); err != nil {
			return Sheet{}, &PayloadError{fmt.Sprintf("line %d: %v", 2+i, err)}
		}
	}
	s := Sheet{v[0], v[1], v[2], v[3]}
	if err := s.check(); err != nil {
		return Sheet{}, &PayloadError{strings.TrimPrefix(err.Error(), "cover: ")}
	}
	if s.Payload() != payload {
		return Sheet{}, &PayloadError{"not in canonical form (NFC, trimmed, upper-case %XX for every byte but A-Z a-z 0-9 - . _ ~)"}
	}
	return s, nil
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func escape(b *strings.Builder, v string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		if c := v[i]; unreserved(c) {
			b.WriteByte(c)
		} else {
			b.Write([]byte{'%', hex[c>>4], hex[c&15]})
		}
	}
}

func unescape(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c):
			out = append(out, c)
		case c == '%' && i+2 < len(s):
			hi, lo := unhex(s[i+1]), unhex(s[i+2])
			if hi < 0 || lo < 0 {
				return "", fmt.Errorf("bad escape %.3q", s[i:])
			}
			out = append(out, byte(hi<<4|lo))
			i += 2
		default:
			return "", fmt.Errorf("unexpected byte %q at %d", c, i)
		}
	}
	if !utf8.Valid(out) {
		return "", errors.New("not UTF-8")
	}
	return string(out), nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1 // lower case is not canonical
}
