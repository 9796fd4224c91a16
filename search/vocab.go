package search

import (
	"encoding/json"
	"maps"
	"regexp"
	"strings"
	"unicode"

	"motcua/content"
	"motcua/internal/vi"
)

// Vocabulary learnt from the catalogue rather than written by hand: the
// abbreviations its texts define ("TNLĐ", "BHTN", "DSPHSK") with what they
// stand for.

// defined is an abbreviation defined in the text, in brackets after the
// words it stands for: "bảo hiểm thất nghiệp (BHTN)"; folded.
var defined = regexp.MustCompile(`\(([a-z]{3,6})\)`)

// mineAbbreviations finds the abbreviations the procedures' texts define
// (see defined) and what they stand for: the words before the brackets
// whose initials spell it, most often. Folded, like abbreviations.
func mineAbbreviations(procs []*content.Procedure) map[string]string {
	counts := map[string]map[string]int{}
	for _, p := range procs {
		texts := []string{p.Name, p.Conditions, p.Applicants, p.Steps}
		for _, d := range p.Documents {
			texts = append(texts, d.Name)
		}
		for _, r := range p.Results {
			texts = append(texts, r.Name)
		}
		for _, t := range texts {
			f := strings.ToLower(vi.Fold(t))
			for _, m := range defined.FindAllStringSubmatchIndex(f, -1) {
				a := f[m[2]:m[3]]
				words := strings.FieldsFunc(f[:m[0]], func(r rune) bool { return !unicode.IsLetter(r) })
				if len(words) < len(a) {
					continue
				}
				words = words[len(words)-len(a):]
				ok := true
				for i, w := range words {
					ok = ok && w[0] == a[i]
				}
				if !ok {
					continue
				}
				if counts[a] == nil {
					counts[a] = map[string]int{}
				}
				counts[a][strings.Join(words, " ")]++
			}
		}
	}
	out := map[string]string{}
	for a, fulls := range counts {
		best, n := "", 0
		for full, c := range fulls {
			if c > n || c == n && full < best {
				best, n = full, c
			}
		}
		out[a] = best
	}
	return out
}

// abbrevKey is where the index keeps the abbreviations mined from the
// catalogue it holds.
var abbrevKey = []byte("motcua_abbreviations")

// saveAbbreviations keeps the abbreviations mined from procs in the index.
func (ix *Index) saveAbbreviations(m map[string]string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return ix.bleve.SetInternal(abbrevKey, b)
}

// loadAbbreviations reads the index's abbreviations: those written by hand
// (abbreviations), those mined from its catalogue and those mined from the
// portal's at build time (see mined.go), in this order of precedence.
func (ix *Index) loadAbbreviations() map[string]string {
	out := maps.Clone(mined().Abbreviations)
	if out == nil {
		out = map[string]string{}
	}
	if b, err := ix.bleve.GetInternal(abbrevKey); err == nil && len(b) > 0 {
		json.Unmarshal(b, &out)
	}
	for a, full := range abbreviations {
		out[a] = full
	}
	return out
}
