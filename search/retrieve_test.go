package search

import (
	"cmp"
	"context"
	"fmt"
	mbits "math/bits"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"motcua/content"
)

// TestFirstPassMatchesBleve checks the bitmap first pass against bleve's
// own searchers: for every query and request, the same hits (the words'
// query with the request's filter), the same facet counts, and candidates
// among the hits. The index has several segments and deleted items, as a
// live index does.
func TestFirstPassMatchesBleve(t *testing.T) {
	ix := testIndex(t)
	procs := fixtureProcedures(t)
	// More records, in batches (segments of their own), some deleted.
	for batch := range 3 {
		if err := putBatch(ix, procs, "syn", batch, 100); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete("record:syn-0-1", "record:syn-1-5", "record:syn-2-7", "record:2"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	queries := []string{"khai sinh", "dang ky khai sinh cho con", "giay chung nhan", "chung thuc ban sao",
		"ly lich tu phapp", "xin giay phep xay nha", "quyet dinh", "mau CT01", "khai", "khong co tu nao nhu vay"}
	var most uint64 // the most hits of a query
	reqs := []Request{{}, {Kind: KindRecord}, {Kind: KindProcedure}, {Restricted: true}, {DocType: "Trích lục", Restricted: true}}
	defer func(f func(int, uint64) bool) { byValue = f }(byValue)
	for _, q := range queries {
		for ri, req := range reqs {
			req.Query = q
			// Facets are counted value by value for some requests, hit by
			// hit for others.
			byValue = func(int, uint64) bool { return ri%2 == 0 }
			t.Run(fmt.Sprintf("%s/%+v", q, req), func(t *testing.T) {
				pq, err := ix.parse(normalizeQuery(q))
				if err != nil {
					t.Fatal(err)
				}
				r, err := ix.firstPass(context.Background(), pq, req)
				if err != nil {
					t.Fatal(err)
				}
				bleveHits := func(k int) *bleve.SearchResult {
					b := query.NewBooleanQuery([]query.Query{pq.must(k)}, nil, nil)
					b.AddFilter(ix.filter(req))
					sr := bleve.NewSearchRequestOptions(b, 10000, 0, false)
					sr.AddFacet("loai_van_ban", bleve.NewFacetRequest(fDocType, 10))
					sr.AddFacet("linh_vuc", bleve.NewFacetRequest(fField, 10))
					if req.Restricted {
						sr.AddFacet("co_quan_ban_hanh", bleve.NewFacetRequest(fIssuer, 10))
					}
					res, err := ix.bleve.SearchInContext(ctx, sr)
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				want := bleveHits(r.atLeast)
				most = max(most, r.total)
				if r.total != want.Total {
					// The items holding every word, with some of those
					// holding strictMin of them (the ones scoring as well).
					if r.loose || r.atLeast == pq.strictMin() {
						t.Fatalf("first pass: %d hits, bleve: %d", r.total, want.Total)
					}
					wider := bleveHits(pq.strictMin())
					if r.total < want.Total || r.total > wider.Total {
						t.Fatalf("first pass: %d hits, bleve: %d holding every word, %d most", r.total, want.Total, wider.Total)
					}
					want.Facets = nil
					want.Hits = wider.Hits
				}
				var hits []string
				for _, h := range want.Hits {
					hits = append(hits, h.ID)
				}
				for _, c := range r.candidates {
					if !slices.Contains(hits, c) {
						t.Errorf("candidate %s is not a hit", c)
					}
				}
				if n := min(int(r.total), rescoreWindow); len(r.candidates) != n {
					t.Errorf("%d candidates, want %d", len(r.candidates), n)
				}
				for name, fr := range want.Facets {
					got := map[string]int{}
					for _, v := range r.facets[name] {
						got[v.Value] = v.Count
					}
					for _, tf := range fr.Terms.Terms() {
						if tf.Term != "" && got[tf.Term] != tf.Count {
							t.Errorf("facet %s %q: %d, bleve: %d", name, tf.Term, got[tf.Term], tf.Count)
						}
					}
				}
			})
		}
	}
	if most <= rescoreWindow {
		t.Errorf("no query has more hits (%d) than the ranking window: the choice of candidates went untested", most)
	}
}

// putBatch indexes n synthetic records as one batch, with IDs
// record:PREFIX-BATCH-I.
func putBatch(ix *Index, procs []*content.Procedure, prefix string, batch, n int) error {
	docs := syntheticDocs(procs, n)
	for i := range docs {
		docs[i].ID = fmt.Sprintf("record:%s-%d-%d", prefix, batch, i)
	}
	return ix.Put(docs...)
}

// TestFirstPassSeesChanges checks that what the first pass derives from
// the index (facet values, title lengths) follows it as it changes.
func TestFirstPassSeesChanges(t *testing.T) {
	ix := testIndex(t)
	ctx := context.Background()
	count := func() int {
		res, err := ix.Search(ctx, Request{Query: "biên bản nghiệm thu", Restricted: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Facets["loai_van_ban"] {
			if v.Value == "Biên bản" {
				return v.Count
			}
		}
		return 0
	}
	if n := count(); n != 0 {
		t.Fatalf("before: %d records of type Biên bản", n)
	}
	if err := ix.Put(Doc{ID: "record:new", Kind: KindRecord, Title: "Biên bản nghiệm thu công trình", DocType: "Biên bản", Visibility: VisibilityRestricted}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("after adding: %d records of type Biên bản, want 1", n)
	}
	if err := ix.Delete("record:new"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("after deleting: %d records of type Biên bản, want 0", n)
	}
}

// The first pass's semantics as bleve queries, the oracle the bitmaps are
// checked against.

// must requires atLeast of the meaningful words and every identifier
// ("CT01", "TK1-TS").
func (p *parsedQuery) must(atLeast int) query.Query {
	var ids, words []query.Query
	for _, t := range p.required {
		if hasDigit(t) {
			ids = append(ids, p.match(t))
		} else {
			words = append(words, p.match(t))
		}
	}
	atLeast -= len(ids)
	must := ids
	switch {
	case len(words) == 0:
	case atLeast >= len(words):
		must = append(must, words...)
	default:
		d := query.NewDisjunctionQuery(words)
		d.SetMin(float64(max(atLeast, 1)))
		must = append(must, d)
	}
	return query.NewConjunctionQuery(must)
}

// match is the clause that decides whether an item holds a query word:
// in any of its texts (_all), exactly, as its spelling correction, or, for
// a rare word of 4 letters or more, within one edit ("phapp" → "phap").
func (p *parsedQuery) match(t string) query.Query {
	clauses := []query.Query{term(fAll, t, wBody)}
	if c := p.alts[t]; c != "" {
		clauses = append(clauses, term(fAll, c, 0.8*wBody))
	}
	if p.fuzzy(t) {
		// Fuzzy terms expand over a field's whole vocabulary: the names'
		// and documents' is small, the full texts' (OCR included) is not.
		for _, f := range []string{fTitle, fDocs} {
			fq := query.NewFuzzyQuery(t)
			fq.SetField(f)
			fq.SetFuzziness(1)
			fq.SetBoost(0.8 * wBody)
			clauses = append(clauses, fq)
		}
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	return query.NewDisjunctionQuery(clauses)
}

// TestFirstPassWhileIndexing searches from several goroutines while records
// are added, merged and deleted: every search must succeed and see a
// consistent index (run it with -race).
func TestFirstPassWhileIndexing(t *testing.T) {
	ix := testIndex(t)
	procs := fixtureProcedures(t)
	ctx := context.Background()
	stop := make(chan struct{})
	written := make(chan error, 1)
	go func() {
		defer close(stop)
		for batch := range 5 {
			if err := putBatch(ix, procs, "w", batch, 50); err != nil {
				written <- err
				return
			}
			if err := ix.Delete(fmt.Sprintf("record:w-%d-0", batch)); err != nil {
				written <- err
				return
			}
		}
		written <- ix.Compact(ctx)
	}()
	errs := make(chan error, 3)
	for w := range 3 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				q := []string{"giay chung nhan", "dang ky khai sinh", "khai"}[(i+w)%3]
				res, err := ix.Search(ctx, Request{Query: q, Restricted: i%2 == 0})
				if err != nil {
					errs <- err
					return
				}
				if res.Total == 0 {
					errs <- fmt.Errorf("%q found nothing", q)
					return
				}
			}
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-written; err != nil {
		t.Fatal(err)
	}
}

// TestQueryWithoutWords: a query of punctuation alone finds nothing, with
// no score that JSON cannot carry.
func TestQueryWithoutWords(t *testing.T) {
	ix := testIndex(t)
	for _, q := range []string{"!!!", "- -", "…", "\"\"", "&&&"} {
		for _, restricted := range []bool{false, true} {
			res, err := ix.Search(context.Background(), Request{Query: q, Restricted: restricted})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("%q (staff %v): %d hits, want none", q, restricted, res.Total)
			}
		}
	}
}

// TestTitleTermScoresLikeBleve: the ranking's title clauses, scored from
// bitmaps, give the same scores as bleve's term searcher (which they fall
// back to when bleve is asked to explain scores).
func TestTitleTermScoresLikeBleve(t *testing.T) {
	ix := testIndex(t)
	procs := fixtureProcedures(t)
	for batch := range 2 {
		if err := putBatch(ix, procs, "tt", batch, 80); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete("record:tt-0-3", "record:tt-1-9"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	compared := 0
	for _, q := range []string{"khai sinh", "dang ky khai sinh cho con", "giấy chứng nhận", "chung thuc ban sao giay to", "ly lich tu phapp"} {
		pq, err := ix.parse(normalizeQuery(q))
		if err != nil {
			t.Fatal(err)
		}
		r, err := ix.firstPass(ctx, pq, Request{Query: q, Restricted: true})
		if err != nil {
			t.Fatal(err)
		}
		scores := func(explain bool) map[string]float64 {
			sr := bleve.NewSearchRequestOptions(pq.query(r), rescoreWindow, 0, explain)
			res, err := ix.bleve.SearchInContext(ctx, sr)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range res.Hits {
				out[h.ID] = h.Score
			}
			return out
		}
		fast, slow := scores(false), scores(true)
		if q == "khai sinh" {
			// The index changes between the passes: the title lengths are
			// read from the new snapshot.
			if err := ix.Put(Doc{ID: "record:tt-new", Kind: KindRecord, Title: "Tờ khai", Visibility: VisibilityPublic}); err != nil {
				t.Fatal(err)
			}
			fast, slow = scores(false), scores(true)
		}
		if len(fast) != len(slow) {
			t.Fatalf("%q: %d hits, bleve's term searchers: %d", q, len(fast), len(slow))
		}
		for id, s := range slow {
			if d := fast[id] - s; d > 1e-9 || d < -1e-9 {
				t.Errorf("%q: %s scores %v, with bleve's term searchers %v", q, id, fast[id], s)
			}
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("only %d scores compared", compared)
	}
}

// TestDerivedPerSegment checks that what is derived segment by segment,
// as the index grows and loses items, counts the facets as a fresh index
// holding the same items does.
func TestDerivedPerSegment(t *testing.T) {
	procs := fixtureProcedures(t)
	ctx := context.Background()
	search := func(ix *Index) *Result {
		res, err := ix.Search(ctx, Request{Query: "giấy", Restricted: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	grown := testIndex(t)
	for batch := range 3 {
		if err := putBatch(grown, procs, "ds", batch, 30); err != nil {
			t.Fatal(err)
		}
		search(grown) // derives the new segment
	}
	if err := grown.Delete("record:ds-0-1", "record:ds-2-7"); err != nil {
		t.Fatal(err)
	}
	fresh := testIndex(t)
	var docs []Doc
	for batch := range 3 {
		d := syntheticDocs(procs, 30)
		for i := range d {
			d[i].ID = fmt.Sprintf("record:ds-%d-%d", batch, i)
			if d[i].ID != "record:ds-0-1" && d[i].ID != "record:ds-2-7" {
				docs = append(docs, d[i])
			}
		}
	}
	if err := fresh.Put(docs...); err != nil {
		t.Fatal(err)
	}
	g, f := search(grown), search(fresh)
	if g.Total != f.Total || g.Total == 0 {
		t.Fatalf("total %d, fresh index %d", g.Total, f.Total)
	}
	if !reflect.DeepEqual(g.Facets, f.Facets) {
		t.Errorf("facets %v,\nfresh index %v", g.Facets, f.Facets)
	}
}

// TestPrunedScoring checks that scoring first only the items whose names
// hold a word finds the same answer and candidates as scoring every hit.
func TestPrunedScoring(t *testing.T) {
	ix := testIndex(t)
	procs := fixtureProcedures(t)
	for batch := range 3 {
		if err := putBatch(ix, procs, "pr", batch, 150); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	defer func(n uint64) { pruneAbove = n }(pruneAbove)
	pruned := 0
	for _, q := range []string{"khai sinh", "giấy chứng nhận", "dang ky khai sinh cho con", "chung thuc ban sao giay to", "hộ tịch", "xac nhan tinh trang hon nhan", "quyết định", "uy ban nhan dan"} {
		for _, restricted := range []bool{false, true} {
			req := Request{Query: q, Restricted: restricted}
			run := func(above uint64) *retrieval {
				pruneAbove = above
				pq, err := ix.parse(normalizeQuery(q))
				if err != nil {
					t.Fatal(err)
				}
				r, err := ix.firstPass(ctx, pq, req)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			full, some := run(1<<62), run(10)
			if full.total > 10 {
				pruned++
			}
			if full.total != some.total || full.loose != some.loose || !slices.Equal(full.candidates, some.candidates) || !reflect.DeepEqual(full.facets, some.facets) {
				t.Errorf("%q (staff %v): pruned %d hits, candidates %v; every hit scored %d, %v", q, restricted, some.total, some.candidates, full.total, full.candidates)
			}
		}
	}
	if pruned < 8 {
		t.Errorf("only %d searches had answers large enough to prune", pruned)
	}
	t.Logf("%d of %d answers found by the pruned scoring", prunedAnswers.Load(), pruned)
	if prunedAnswers.Load() < 4 {
		t.Errorf("only %d answers found by the pruned scoring", prunedAnswers.Load())
	}
	if tiedAnswers.Load() < 1 {
		t.Error("no answer was found reading only the first of the items that score alike")
	}
}

// TestOwnReads checks that the ranking's priors read from what was
// derived of the segments, and its term queries read at the candidates
// only, rank as bleve's doc values and term searchers do: the same hits
// with the same scores (to the thousandth), fields browsed included.
func TestOwnReads(t *testing.T) {
	ix := testIndex(t)
	if err := putBatch(ix, fixtureProcedures(t), "pd", 0, 300); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Merges in the background would change which of equally good items
	// reach the ranking between the two ways.
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	full := readWhole
	defer func() { ownReads, readWhole = true, full }()
	for _, q := range []string{"khai sinh", "hộ tịch", "dang ky ho kinh doanh", "giấy chứng nhận", "cap lai the can cuoc", "quyết định", "đăng ký kết hôn", "lam ho chieu", "xac nhan tinh trang hon nhan"} {
		for _, restricted := range []bool{false, true} {
			req := Request{Query: q, Restricted: restricted, Size: 20}
			// Own reads three times: every list at the candidates, then
			// the short lists read whole, then as kept from that.
			var runs [4]*Result
			for i, own := range []bool{true, true, true, false} {
				ownReads = own
				readWhole = full
				if i == 0 {
					readWhole = 0
				}
				res, err := ix.Search(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				// Scores equal to the thousandth may differ in their
				// last bits (sums in another order) and swap places.
				slices.SortStableFunc(res.Hits, func(a, b Hit) int {
					if a.Score != b.Score {
						return cmp.Compare(b.Score, a.Score)
					}
					return strings.Compare(a.ID, b.ID)
				})
				runs[i] = res
			}
			if len(runs[0].Hits) == 0 {
				t.Errorf("%q (staff %v): no hits", q, restricted)
			}
			// The same scores; the same hits but for those scoring as
			// the page's last, some of which another page holds.
			for _, own := range runs[:3] {
				same := len(own.Hits) == len(runs[3].Hits)
				for k := 0; same && k < len(own.Hits); k++ {
					a, b := own.Hits[k], runs[3].Hits[k]
					last := own.Hits[len(own.Hits)-1].Score
					same = a.Score == b.Score && (a.Score == last || reflect.DeepEqual(a, b))
				}
				if !same {
					t.Errorf("%q (staff %v): own reads rank\n%v\nbleve's\n%v", q, restricted, own.Hits, runs[3].Hits)
				}
			}
		}
	}
}

// denseCacheIndex is an index of 400 synthetic records, merged (a merge
// reorders items, and with them equally good hits, so none must come
// during a test), and the bytes one term's dense bits take in it.
func denseCacheIndex(t *testing.T) (*Index, int) {
	ix := testIndex(t)
	procs := fixtureProcedures(t)
	for batch := range 2 {
		if err := putBatch(ix, procs, "dc", batch, 200); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	one := 0
	for i := range s.segs {
		one += 8 * segWords(s.segs[i])
	}
	return ix, one
}

// TestDenseCache: the dense bits kept are the terms' items, and the cache
// stays within its bytes as it makes room.
func TestDenseCache(t *testing.T) {
	ix, one := denseCacheIndex(t)
	if _, err := ix.Search(context.Background(), Request{Query: "giấy"}); err != nil {
		t.Fatal(err)
	}
	s, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	words := []string{"giay", "cap", "nhan", "dang", "ky", "ban", "so", "xa", "uy", "dan", "quyet", "dinh"}
	defer func(n int) { denseCacheBytes = n }(denseCacheBytes)
	denseCacheBytes = 3 * one // room for three terms
	kept := 0
	for _, w := range words {
		b, err := s.term(fAll, w)
		if err != nil {
			t.Fatal(err)
		}
		d := s.dense(fAll+"\x00"+w, b)
		if d == nil {
			continue // not common here
		}
		kept++
		for i, bm := range b {
			got := roaring.New()
			for x, word := range d.of(i) {
				for ; word != 0; word &= word - 1 {
					got.Add(uint32(x*64 + mbits.TrailingZeros64(word)))
				}
			}
			if !got.Equals(bm) {
				t.Fatalf("%s, segment %d: dense bits hold %d items, the term %d", w, i, got.GetCardinality(), bm.GetCardinality())
			}
		}
		c := s.derived.dense
		sum := 0
		for _, d := range c.m {
			sum += d.size()
		}
		if c.bytes != sum || c.bytes > denseCacheBytes {
			t.Fatalf("after %s: %d bytes counted, %d kept, at most %d", w, c.bytes, sum, denseCacheBytes)
		}
	}
	if kept < 5 {
		t.Fatalf("only %d of the words are common enough to keep: the test tests little", kept)
	}
	if s.dense("", s.none()) != nil {
		t.Error("bits without a key are kept")
	}
}

// TestDenseCacheShared: searches running at once share the dense bits kept,
// while the cache, kept small, drops and makes them; every answer is the
// one the search gives alone.
func TestDenseCacheShared(t *testing.T) {
	ix, one := denseCacheIndex(t)
	ctx := context.Background()
	reqs := []Request{
		{Query: "giấy chứng nhận"}, {Query: "dang ky khai sinh cho con"}, {Query: "quyet dinh cap"},
		{Query: "ban sao giay to", Restricted: true}, {Query: "uy ban nhan dan xa", Restricted: true, Kind: KindRecord},
	}
	want := make([]*Result, len(reqs))
	for k, req := range reqs {
		res, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want[k] = res
	}
	defer func(n int) { denseCacheBytes = n }(denseCacheBytes)
	denseCacheBytes = 2 * one // room for two terms: most reads make room
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 20 {
				k := (g + r) % len(reqs)
				res, err := ix.Search(ctx, reqs[k])
				if err != nil {
					errs <- err
					return
				}
				if res.Total != want[k].Total || !reflect.DeepEqual(hitIDs(res), hitIDs(want[k])) || !reflect.DeepEqual(res.Facets, want[k].Facets) {
					errs <- fmt.Errorf("%+v: %d hits %v, alone %d %v", reqs[k], res.Total, hitIDs(res), want[k].Total, hitIDs(want[k]))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func hitIDs(r *Result) []string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}
