// Package search is motcua's full-text search: a bleve index of procedures
// (from the catalogue) and records (from the store) with Vietnamese analysis,
// and queries built in code.
package search

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/unique"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"motcua/internal/vi"
)

// Token filters and analyzers. The filters change a token's term only, never
// its offsets, so highlighting stays right on the original text (bleve's
// asciifolding char filter shifts offsets and misses decomposed input).
const (
	filterNFCLower = "vi_nfc_lower"
	filterFold     = "vi_fold"
	filterBigram   = "vi_bigram"
	filterEdge     = "vi_edge"

	analyzerExact  = "vi_exact"  // NFC, lower case, diacritics kept
	analyzerFold   = "vi_folded" // diacritics removed, đ→d
	analyzerName   = "vi_name"   // folded, each word once: repeating a word in a name does not weigh more
	analyzerBigram = "vi_bigrams"
	analyzerEdge   = "vi_prefixes"
)

func init() {
	registry.RegisterTokenFilter(filterNFCLower, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return nfcLowerFilter{}, nil
	})
	registry.RegisterTokenFilter(filterFold, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
}

type nfcLowerFilter struct{}

func (nfcLowerFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	return rewriteTerms(in, vi.AppendLowerNFC[[]byte])
}

type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	return rewriteTerms(in, vi.AppendFold[[]byte])
}

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

// hasDiacritics reports whether s holds a letter that folding changes.
func hasDiacritics(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// addAnalysis registers the custom filters and analyzers on m.
func addAnalysis(m *mapping.IndexMappingImpl) error {
	filters := map[string]map[string]any{
		filterBigram: {"type": shingle.Name, "min": 2.0, "max": 2.0, "output_original": false, "separator": " "},
		filterEdge:   {"type": edgengram.Name, "back": false, "min": 1.0, "max": 20.0},
	}
	for name, cfg := range filters {
		if err := m.AddCustomTokenFilter(name, cfg); err != nil {
			return err
		}
	}
	analyzers := map[string][]string{
		analyzerExact:  {filterNFCLower},
		analyzerFold:   {filterNFCLower, filterFold},
		analyzerName:   {filterNFCLower, filterFold, unique.Name},
		analyzerBigram: {filterNFCLower, filterFold, filterBigram},
		analyzerEdge:   {filterNFCLower, filterFold, filterEdge},
	}
	for name, filters := range analyzers {
		err := m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     tokenizerWords,
			"token_filters": filters,
		})
		if err != nil {
			return err
		}
	}
	return nil
}
