package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"
)

// condition is one thing every item a search sees must hold: value in
// field or, for a range, a value of field from value to to, inclusive.
type condition struct {
	field string
	value string // the value, or a range's lower bound ("" for none)
	to    string // a range's upper bound; "" for a single value
}

// conditions is the non-scoring part of every search, the one source of
// both its forms (a bleve query and bitmaps). Public searches always carry
// visibility = public; nothing in the query text reaches it, and the staff
// filters count only for staff searches.
func conditions(req Request) []condition {
	var out []condition
	if !req.Restricted {
		out = append(out, condition{field: fVisibility, value: VisibilityPublic})
	}
	fields := [][2]string{{fField, req.Field}, {fLevel, req.Level}, {fAgency, req.Agency}, {fDocType, req.DocType}, {fKind, req.Kind}}
	if req.Restricted {
		fields = append(fields, [2]string{fStatus, req.Status}, [2]string{fIssuer, req.Issuer}, [2]string{fPersonIDs, req.PersonID})
	}
	for _, f := range fields {
		if v := strings.TrimSpace(norm.NFC.String(f[1])); v != "" {
			out = append(out, condition{field: f[0], value: v})
		}
	}
	if req.Restricted && (req.DateFrom != "" || req.DateTo != "") {
		to := req.DateTo
		if to == "" {
			to = "9999-12-31"
		}
		out = append(out, condition{field: fIssueDate, value: req.DateFrom, to: to})
	}
	return out
}

// filter is req's conditions as a bleve query.
func (ix *Index) filter(req Request) query.Query {
	var must []query.Query
	for _, c := range conditions(req) {
		if c.to == "" {
			must = append(must, term(c.field, c.value, 0))
			continue
		}
		t := true
		r := query.NewTermRangeInclusiveQuery(c.value, c.to, &t, &t)
		r.SetField(c.field)
		must = append(must, r)
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return query.NewConjunctionQuery(must)
}

// filter is req's conditions as bitmaps: the items req may see.
func (s *snapshot) filter(req Request) (bits, error) {
	var out bits
	for _, c := range conditions(req) {
		b, err := s.match(c)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = b
		} else {
			out = and(out, b)
		}
	}
	if out == nil { // a staff search without filters: every item
		out = s.all()
	}
	return out, nil
}

// match is the items that hold c.
func (s *snapshot) match(c condition) (bits, error) {
	if c.to == "" {
		return s.term(c.field, c.value)
	}
	all, err := s.values(c.field)
	if err != nil {
		return nil, err
	}
	var in []string
	for _, v := range all {
		if v >= c.value && v <= c.to {
			in = append(in, v)
		}
	}
	return s.terms(c.field, in)
}
