// Package searcheval measures the search: a relevance set of citizens'
// queries and how well a search answers them, and synthetic records for
// benchmarks at scale. It does not import the search, so that the search's
// own tests can use it.
package searcheval

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
)

// Judgement is one query of a relevance set with the codes that answer it.
type Judgement struct {
	Kind     string
	Query    string
	Expected []string
	Line     int
}

// LoadJudgements reads a relevance set: tab-separated kind, query,
// expected codes (comma-separated), note; '#' starts a comment line; the
// first line is a header.
func LoadJudgements(path string) ([]Judgement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Judgement
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if line == 1 || strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		cols := strings.Split(s, "\t")
		if len(cols) < 3 {
			return nil, fmt.Errorf("%s line %d: want kind, query and expected codes separated by tabs", path, line)
		}
		j := Judgement{Kind: cols[0], Query: cols[1], Line: line}
		for _, c := range strings.Split(cols[2], ",") {
			if c = strings.TrimSpace(c); c != "" {
				j.Expected = append(j.Expected, c)
			}
		}
		if len(j.Expected) == 0 {
			return nil, fmt.Errorf("%s line %d: no expected code", path, line)
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// KindScore is hit@3 and MRR@10 over the queries of one kind.
type KindScore struct {
	Kind    string
	Queries int
	Hit3    float64
	MRR10   float64
	Misses  []string // "query → top codes" for queries without a hit in the top 3
}

// Search runs a query as a public search and returns its hits' codes,
// best first: the top ten at least.
type Search func(ctx context.Context, query string) ([]string, error)

// Evaluate runs every judgement with search and scores it.
func Evaluate(ctx context.Context, search Search, js []Judgement) (overall KindScore, byKind []KindScore, err error) {
	kinds := map[string]*KindScore{}
	overall.Kind = "all"
	for _, j := range js {
		hits, err := search(ctx, j.Query)
		if err != nil {
			return overall, nil, fmt.Errorf("query %q: %w", j.Query, err)
		}
		rank := 0
		var top []string
		for i, code := range hits {
			if i < 3 {
				top = append(top, code)
			}
			if rank == 0 && slices.Contains(j.Expected, code) {
				rank = i + 1
			}
		}
		k := kinds[j.Kind]
		if k == nil {
			k = &KindScore{Kind: j.Kind}
			kinds[j.Kind] = k
		}
		for _, s := range []*KindScore{k, &overall} {
			s.Queries++
			if rank > 0 && rank <= 3 {
				s.Hit3++
			} else {
				s.Misses = append(s.Misses, fmt.Sprintf("%s: %q → %v (want %v)", j.Kind, j.Query, top, j.Expected))
			}
			if rank > 0 {
				s.MRR10 += 1 / float64(rank)
			}
		}
	}
	for _, s := range kinds {
		byKind = append(byKind, *s)
	}
	sort.Slice(byKind, func(a, b int) bool { return byKind[a].Kind < byKind[b].Kind })
	for _, s := range append([]*KindScore{&overall}, ptrs(byKind)...) {
		if s.Queries > 0 {
			s.Hit3 /= float64(s.Queries)
			s.MRR10 /= float64(s.Queries)
		}
	}
	return overall, byKind, nil
}

func ptrs(s []KindScore) []*KindScore {
	out := make([]*KindScore, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// SplitSeed is the fixed seed the held-out relevance set is split by:
// changing it would let queries move between the halves.
const SplitSeed = 15

// Split divides js once, by seed, into a tuning half and a test half, kind
// by kind (each kind's queries shuffled, then dealt alternately), so that
// both halves hold every kind. The same seed gives the same halves.
func Split(js []Judgement, seed uint64) (tune, test []Judgement) {
	byKind := map[string][]Judgement{}
	var kinds []string
	for _, j := range js {
		if _, ok := byKind[j.Kind]; !ok {
			kinds = append(kinds, j.Kind)
		}
		byKind[j.Kind] = append(byKind[j.Kind], j)
	}
	r := rand.New(rand.NewPCG(seed, seed))
	for _, k := range kinds {
		group := byKind[k]
		for i, p := range r.Perm(len(group)) {
			if i%2 == 0 {
				tune = append(tune, group[p])
			} else {
				test = append(test, group[p])
			}
		}
	}
	byLine := func(a, b Judgement) int { return a.Line - b.Line }
	slices.SortFunc(tune, byLine)
	slices.SortFunc(test, byLine)
	return tune, test
}
