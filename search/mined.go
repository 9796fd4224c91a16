package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"motcua/content"
)

// Vocabulary mined from a larger catalogue than the one shipped (the
// national portal's procedures of five ministries), at build time by go
// generate, into mined.tsv: the abbreviations their texts define (see
// mineAbbreviations), so that a query abbreviating what the shipped
// catalogue writes out ("NNT", "TCTD") finds it. The product reads only
// the committed file.
//
// Tried and left out, for want of evidence in the data: pairs of words
// substituted in aligned names (the same name but for a word or two,
// across ministries and levels) are siblings, not synonyms ("cấp tỉnh" /
// "cấp trung ương", "cấp lại" / "cấp đổi", "khai sinh" / "khai tử"), even
// among procedures whose required papers are the same; words of the texts
// that names never use, weighed by how often names hold a pair of words
// when the text holds them, are mostly noise ("đến hết" → "hải quan");
// the catalogue has no everyday words ("quán ăn", "nghỉ bán") in
// parentheses, definitions ("còn gọi là") or keywords (the portal's
// keywords repeat the name). Everyday words are learnt from the query log
// instead (see learned.go).

//go:generate go run ../tools/minevocab -src ../../shared/data/dvcqg -out mined.tsv

//go:embed mined.tsv
var minedTSV string

// Mined is the vocabulary mined from a catalogue.
type Mined struct {
	Procedures    int
	Abbreviations map[string]string
}

// Mine mines procs' vocabulary.
func Mine(procs []*content.Procedure) Mined {
	return Mined{Procedures: len(procs), Abbreviations: mineAbbreviations(procs)}
}

// WriteTSV writes m as mined.tsv: a header line, then one line per
// abbreviation ("abbr", the abbreviation, what it stands for), sorted.
func (m Mined) WriteTSV(w io.Writer, source string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# mined by go generate ./search from %s (%d procedures): do not edit\n", source, m.Procedures)
	var abbrs []string
	for a := range m.Abbreviations {
		abbrs = append(abbrs, a)
	}
	sort.Strings(abbrs)
	for _, a := range abbrs {
		fmt.Fprintf(bw, "abbr\t%s\t%s\n", a, m.Abbreviations[a])
	}
	return bw.Flush()
}

// parseMined reads mined.tsv (see WriteTSV).
func parseMined(s string) (Mined, error) {
	m := Mined{Abbreviations: map[string]string{}}
	for i, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case f[0] == "abbr" && len(f) == 3:
			m.Abbreviations[f[1]] = f[2]
		default:
			return m, fmt.Errorf("mined.tsv line %d: want abbr, the abbreviation and what it stands for, tab-separated: %q", i+1, line)
		}
	}
	return m, nil
}

// mined is the vocabulary of mined.tsv, read when first needed (go
// generate runs with a stale file); a committed file that does not parse
// fails TestMinedFile.
var mined = sync.OnceValue(func() Mined {
	m, err := parseMined(minedTSV)
	if err != nil {
		slog.Error("search: the mined vocabulary is damaged: go generate ./search", "error", err)
	}
	return m
})
