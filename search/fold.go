package search

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
)

// rewriteTerms replaces each token's term by f of it (f appends it to its first
// argument). The filters' terms may share their bytes with the field's
// text, which is also stored: they are never changed in place, only
// replaced. Most terms are kept as they are; those that change are written
// into one buffer for the stream, not one each.
func rewriteTerms(in analysis.TokenStream, f func(dst, term []byte) []byte) analysis.TokenStream {
	var scratch [64]byte
	var buf []byte
	for k, t := range in {
		term := f(scratch[:0], t.Term)
		if bytes.Equal(term, t.Term) {
			continue
		}
		if cap(buf)-len(buf) < len(term) {
			rest := 0
			for _, u := range in[k:] {
				rest += len(u.Term)
			}
			buf = make([]byte, 0, max(rest+rest/4, len(term)))
		}
		n := len(buf)
		buf = append(buf, term...)
		t.Term = buf[n:len(buf):len(buf)]
	}
	return in
}
