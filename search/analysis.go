// Package search is motcua's full-text search: a bleve index of procedures
// (from the catalogue) and records (from the store) with Vietnamese analysis,
// and queries built in code.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/unique"
	unitokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"

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
	for _, t := range in {
		t.Term = []byte(strings.ToLower(norm.NFC.String(string(t.Term))))
	}
	return in
}

type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = []byte(vi.Fold(string(t.Term)))
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
			"tokenizer":     unitokenizer.Name,
			"token_filters": filters,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// newMapping returns the index mapping: one document type for procedures
// and records alike (see doc).
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalysis(m); err != nil {
		return nil, err
	}
	text := func(name, analyzer string, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = store // highlighting needs term vectors
		// The folded text of every field also goes into _all, the one field
		// queries match words in; the others only rank.
		f.IncludeInAll = (analyzer == analyzerFold || analyzer == analyzerName) && name != fLead && name != fRequired && name != fResults
		return f
	}
	kw := func(name string, store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Name = name
		f.Store = store
		f.IncludeInAll = false
		f.DocValues = name != fIDs // facets; flags and title lengths for the priors
		return f
	}
	d := mapping.NewDocumentStaticMapping()
	prop := func(name string, fields ...*mapping.FieldMapping) {
		p := mapping.NewDocumentMapping()
		for _, f := range fields {
			p.AddFieldMapping(f)
		}
		d.AddSubDocumentMapping(name, p)
	}
	prop("title",
		text(fTitle, analyzerName, true),
		text(fTitleExact, analyzerExact, false),
		text(fTitleBi, analyzerBigram, false),
		text(fTitleEdge, analyzerEdge, false))
	prop("lead",
		text(fLead, analyzerName, false),
		text(fLeadBi, analyzerBigram, false))
	prop("docs",
		text(fDocs, analyzerFold, true),
		text(fDocsExact, analyzerExact, false),
		text(fDocsBi, analyzerBigram, false))
	prop("required",
		text(fRequired, analyzerFold, true),
		text(fRequiredBi, analyzerBigram, false))
	prop("results",
		text(fResults, analyzerFold, true),
		text(fResultsBi, analyzerBigram, false))
	prop("body",
		text(fBody, analyzerFold, true),
		text(fBodyExact, analyzerExact, false))
	prop("topic",
		text(fTopic, analyzerFold, false),
		text(fTopicBi, analyzerBigram, false))
	for _, k := range []string{fFlags, fKind, fCode, fField, fLevel, fAgency, fDocType, fNumberSymbol, fPersonIDs, fIDs, fVisibility, fStatus, fIssueDate, fIssuer, fTitleLen} {
		prop(k, kw(k, k == fKind || k == fCode))
	}
	url := mapping.NewTextFieldMapping()
	url.Index = false
	url.Store = true
	url.Name = fURL
	prop(fURL, url)
	m.DefaultMapping = d
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}
