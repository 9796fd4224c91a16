package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// termSafe makes s safe to print on a terminal: control characters
// (escape sequences, line breaks, the bell) and the marks that reorder
// the text after them are shown as Go escapes (\x1b, \n, \u202e), so a
// file name cannot rewrite the screen or pass for another line.
func termSafe(s string) string { return escapeTerm(s, false) }

// termText is termSafe for text of several lines: line breaks, tabs and
// the form feeds between pages are kept.
func termText(s string) string { return escapeTerm(s, true) }

func escapeTerm(s string, lines bool) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || isTermControl(r) && !(lines && (r == '\n' || r == '\t' || r == '\f')) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case lines && (r == '\n' || r == '\t' || r == '\f'), !isTermControl(r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// isTermControl: C0 and C1 controls, DEL, line and paragraph separators,
// and the bidirectional marks, embeddings, overrides and isolates.
func isTermControl(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x200e, r == 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
