package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// newMapping returns the index mapping: one document type for procedures
// and records alike (see Doc), except that records leave out what only
// procedures are searched by (the name's prefixes, for suggestions).
// A million records is a province's store: every field a record indexes
// costs time to build and memory to serve.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalysis(m); err != nil {
		return nil, err
	}
	m.DefaultMapping = docMapping(KindProcedure)
	m.AddDocumentMapping(KindRecord, docMapping(KindRecord))
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// BleveType is the document's mapping: records have their own.
func (d Doc) BleveType() string { return d.Kind }

// allText is the texts queries match words in: the name, the documents,
// the body and the topic (not the lead, the required documents or the
// results, which only rank).
func allText(d Doc) string {
	return strings.Join(nonEmpty([]string{d.Title, d.Docs, d.Body, d.Topic}), "\n")
}

// docMapping is the fields of an item of kind.
func docMapping(kind string) *mapping.DocumentMapping {
	// text is a text field; stored fields are shown (names, documents,
	// text for the snippets); fields with term vectors are matched as
	// phrases (see candidatePhrase).
	text := func(name, analyzer string, store, vectors bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		// Texts are neither sorted nor faceted on: no doc values.
		f.DocValues = false
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
	// bleve's _all would copy every field's terms once more, per item:
	// the texts are analysed once into all instead (see allText).
	d.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	prop := func(name string, fields ...*mapping.FieldMapping) {
		p := mapping.NewDocumentMapping()
		for _, f := range fields {
			p.AddFieldMapping(f)
		}
		d.AddSubDocumentMapping(name, p)
	}
	if kind == KindRecord {
		// A record is found by the words of all (its name, summary, issuer
		// and text) and weighed by those of its name (rec_title), and of
		// its name and summary, issuer and signer as typed (rec_exact:
		// "Dương" the name, not "đường"); its name, documents and text are
		// only stored, for the hit and its snippet. Its text is not indexed
		// as typed: that would halve how fast records are indexed.
		// The ranking's fields (lead, docs, topic, their pairs and the
		// words as typed) are the catalogue's alone: bleve advances their
		// postings to each candidate one item at a time, and a million
		// records would make each of them long.
		// A field is indexed alike in every item that holds it (merging
		// segments keeps one set of options per field): the names and
		// documents records store are fields of their own.
		prop("title", text(fRecTitle, analyzerName, true, false), text(fRecExact, analyzerExact, false, false))
		docs := text(fRecDocs, analyzerFold, true, false)
		docs.Index = false
		prop("docs", docs, text(fRecExact, analyzerExact, false, false))
		body := text(fBody, analyzerFold, true, false)
		body.Index = false
		prop("body", body)
		prop("all", text(fAll, analyzerFold, false, false))
	} else {
		prop("title",
			text(fTitle, analyzerName, true, true),
			text(fTitleExact, analyzerExact, false, false),
			text(fTitleBi, analyzerBigram, false, false),
			// Suggestions complete procedures' names only (see Suggest).
			text(fTitleEdge, analyzerEdge, false, false))
		prop("lead",
			text(fLead, analyzerName, false, false),
			text(fLeadBi, analyzerBigram, false, false))
		prop("docs",
			text(fDocs, analyzerFold, true, true),
			text(fDocsExact, analyzerExact, false, false),
			text(fDocsBi, analyzerBigram, false, false))
		prop("required",
			text(fRequired, analyzerFold, true, true),
			text(fRequiredBi, analyzerBigram, false, false))
		prop("results",
			text(fResults, analyzerFold, true, true),
			text(fResultsBi, analyzerBigram, false, false))
		// The body is matched word by word through all and shown in
		// snippets (found by marker, not bleve's highlighter): stored,
		// and indexed only as typed, with its diacritics.
		body := text(fBody, analyzerFold, true, false)
		body.Index = false
		prop("body", body, text(fBodyExact, analyzerExact, false, false))
		prop("all", text(fAll, analyzerFold, false, false))
		prop("topic",
			text(fTopic, analyzerFold, false, false),
			text(fTopicBi, analyzerBigram, false, false))
	}
	for _, k := range []string{fFlags, fKind, fCode, fField, fLevel, fAgency, fDocType, fNumberSymbol, fPersonIDs, fIDs, fVisibility, fStatus, fIssueDate, fIssuer, fTitleLen} {
		prop(k, kw(k, k == fKind || k == fCode))
	}
	url := mapping.NewTextFieldMapping()
	url.Index = false
	url.Store = true
	url.Name = fURL
	prop(fURL, url)
	return d
}
