package search

import (
	"cmp"
	"math"
	"slices"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// The first pass of a word search works on the index's postings as
// bitmaps: which items hold each word, which pass the filters, which hold
// enough of the words, how many of them have each facet value, and which
// hundred of them go on to the full ranking. Bitmap operations cost the
// same however common the words are; bleve's searchers visit every item
// that holds a word, and on a large index a query of common words visits
// most of it.

// The first pass's weights besides the words': the norm of a word in the
// texts (an item's texts run to hundreds of words) and a named field.
const (
	textNorm   = 0.05
	namedField = 1e4
)

// invSqrt[n] is 1/√n, a title's norm by its length.
var invSqrt = func() (t [maxTitleLen + 1]float32) {
	for n := 1; n <= maxTitleLen; n++ {
		t[n] = float32(1 / math.Sqrt(float64(n)))
	}
	return t
}()

// scores are the first pass's per-item sums, per segment and document:
// reused across queries, since on a large index they are most of what a
// query allocates.
type scores struct {
	total, text, field, title [][]float32 // field and title: the parts of the sums being made
	words                     [][]uint8   // the words the title holds
}

var scorePool = newKept[*scores](4)

// getScores returns scores for segs, not zeroed: score zeroes the items
// it scores, since on a large index clearing every item's would cost more
// than scoring.
func getScores(segs []*scorch.SegmentSnapshot) *scores {
	sc, ok := scorePool.get()
	if !ok {
		sc = &scores{}
	}
	sc.total, sc.field, sc.text, sc.title = fit(sc.total, segs), fit(sc.field, segs), fit(sc.text, segs), fit(sc.title, segs)
	sc.words = fit(sc.words, segs)
	return sc
}

// fit returns a slice per segment, reusing b's, not zeroed.
func fit[T float32 | uint8](b [][]T, segs []*scorch.SegmentSnapshot) [][]T {
	for len(b) < len(segs) {
		b = append(b, nil)
	}
	b = b[:len(segs)]
	for i, seg := range segs {
		n := int(seg.Segment().Count())
		if cap(b[i]) < n {
			b[i] = make([]T, n)
		} else {
			b[i] = b[i][:n]
		}
	}
	return b
}

// retrieval is the first pass's outcome: the items that hold enough of the
// words, and the best of them for the full ranking.
type retrieval struct {
	hits       bits
	total      uint64
	atLeast    int  // meaningful words an item holds
	loose      bool // not every word
	most       bool // and items holding most of them (strictMin), when few hold every word
	candidates []string
	locs       []docLoc              // per candidate: where the first pass found it; seg -1 for none
	from       *scorch.IndexSnapshot // the snapshot they come from, for its identity only
	derived    *derived              // derived from it
	idf2       []float64             // per candidate: Σ idf² of the words its texts hold
	weight     float64               // Σ (wBody·idf)² of the words
	facets     map[string][]FacetValue
}

// retrieve finds the answer, which the total and the facets count: the
// items that hold every word; when they are too few to fill the ranking,
// with those that hold strictMin of them and score as well (wellMatched).
// When no item holds every word, the answer is loose: the
// items that hold strictMin of the words; failing any, half the words.
// The candidates are the best rescoreWindow of the answer by the words
// they hold, weighed by rarity, in the name above all, and by the field
// the query names.
func (s *snapshot) retrieve(p *parsedQuery, filter bits) (*retrieval, error) {
	w, err := s.words(p, filter)
	if err != nil {
		return nil, err
	}
	r := &retrieval{atLeast: len(p.required), from: s.is, derived: s.derived}
	all := w.match(s, r.atLeast)
	r.hits, r.total = all, all.count()
	if p.strictMin() < r.atLeast && r.total < rescoreWindow {
		// Too few items hold every word to fill the ranking: items
		// holding most of the words are scored too.
		r.hits, r.most = w.match(s, p.strictMin()), true
	}
	if r.hits.count() == 0 && len(p.required) > 1 {
		r.loose, r.atLeast = true, p.looseMin()
		r.hits = w.match(s, r.atLeast)
		r.total = r.hits.count()
	}
	if r.hits.count() == 0 {
		return r, nil
	}
	q, err := s.weigh(p, w)
	if err != nil {
		return nil, err
	}
	// A large answer is scored a tier at a time (see tiers.go); a small
	// one at once.
	hits := r.hits
	sc := getScores(s.segs)
	defer scorePool.put(sc)
	r.weight = q.weight
	if hits.count() <= pruneAbove {
		s.score(q, sc, hits)
		_, err := s.rank(p, r, all, hits, hits, sc, -1, nil, nil)
		return r, err
	}
	var first bits
	if all.count() <= pruneAbove {
		first = all
	}
	t := s.tiers(q, hits, first, all)
	defer t.release()
	ds := newDenseScorer(s, q)
	defer ds.release()
	// The tiers' items are scored together when it is time to check
	// whether the best are certain: once the last check's scores show
	// which bound the tiers must fall below first, when they do; until
	// then, when the items read have doubled, or before a tier of a
	// quarter as many.
	read, pending := s.none(), s.none()
	var checked uint64
	need := float32(-1) // none known
	for {
		items, ok := t.next()
		if !ok {
			break
		}
		for i := range read {
			read[i].Or(items[i])
			pending[i].Or(items[i])
		}
		bound, next := t.bound()
		n := read.count()
		if need >= 0 && bound >= need {
			continue
		}
		if need < 0 && (bound >= 0 || t.tieAt != nil && t.tieAt.seg >= 0) && (n < rescoreWindow || n < 2*checked && 4*next < n) {
			continue
		}
		checked = n
		ds.score(sc, pending)
		pending = s.none()
		tie := t.tieRest(sc)
		ok, err := s.rank(p, r, all, hits, read, sc, bound, tie, &need)
		if ok && (bound >= 0 || tie != nil) {
			prunedAnswers.Add(1)
			if tie != nil {
				tiedAnswers.Add(1)
			}
		}
		if err != nil || ok {
			return r, err
		}
		t.ties = tie != nil // the rest of the tie items are needed after all
	}
	// Every tier was read without a last check (the loop checks after
	// the last tier, so this is not expected): score what is left, the
	// rest of the tie items included, and rank every hit.
	t.ties = true
	if items, ok := t.next(); ok {
		for i := range pending {
			pending[i].Or(items[i])
		}
	}
	ds.score(sc, pending)
	_, err = s.rank(p, r, all, hits, hits, sc, -1, nil, nil)
	return r, err
}

// pruneAbove is how many hits an answer has before it is scored a tier at
// a time.
var pruneAbove uint64 = 5000

// prunedAnswers counts the answers found without scoring every hit;
// tiedAnswers those of them found without reading every tie item.
var prunedAnswers, tiedAnswers atomic.Int64

// rank sets r's answer and candidates from the scores of scope's items:
// every hit's (bound < 0 and tie nil), or some of them, every other one
// scoring at most bound, but for tie items that all hold every word and
// score tie.score, the first of them in index order tie. It reports false
// when that is not enough to know the answer and the best candidates, and
// then sets need, if it can tell, to the score that the items not yet
// scored must all be below before the answer can be certain (-1 if not).
func (s *snapshot) rank(p *parsedQuery, r *retrieval, all, hits, scope bits, sc *scores, bound float32, tie *cand, need *float32) (bool, error) {
	pruned := bound >= 0 || tie != nil
	within := func(b bits) bits {
		if pruned {
			return and(b, scope)
		}
		return b
	}
	answer, total, loose, atLeast := hits, r.total, r.loose, r.atLeast
	if r.most && !r.loose {
		if r.total == 0 {
			loose, atLeast, total = true, p.strictMin(), hits.count()
		} else {
			// The answer: the items holding every word, and those
			// holding most of them that score as well (the words they
			// hold are in their names: "tách hộ khẩu ra riêng" is
			// "Tách hộ" without "riêng").
			bestAll := topK(within(all), sc, 1)
			if pruned && (len(bestAll) == 0 || wellMatched*bestAll[0].score <= bound) {
				*need = -1
				if len(bestAll) > 0 {
					*need = wellMatched * bestAll[0].score
				}
				return false, nil
			}
			answer = or(all, scoring(within(hits), sc, wellMatched*bestAll[0].score))
			total = answer.count()
		}
	}
	scored := within(answer)
	top := topK(scored, sc, rescoreWindow)
	if pruned && scored.count() < answer.count() && (len(top) < rescoreWindow || top[len(top)-1].score <= bound || tie != nil && !worse(*tie, top[len(top)-1])) {
		*need = -1
		if len(top) == rescoreWindow && tie == nil {
			*need = top[len(top)-1].score
		}
		return false, nil
	}
	r.hits, r.total, r.loose, r.atLeast = answer, total, loose, atLeast
	for _, c := range top {
		id, err := s.segs[c.seg].DocID(uint64(c.doc))
		if err != nil {
			return false, err
		}
		r.candidates = append(r.candidates, string(id))
		r.locs = append(r.locs, docLoc{c.seg, c.doc})
		r.idf2 = append(r.idf2, float64(sc.text[c.seg][c.doc]))
	}
	return true, nil
}

// wellMatched: an item holding most of the words belongs to the answer
// when it scores at least this share of the best item holding every word.
var wellMatched float32 = 0.5

// queryWords is a filter and the items that hold each of a query's
// words: the words with digits (numbers, codes), which an item must all
// hold, and the others.
type queryWords struct {
	filter             bits
	ids, words         []bits
	idTerms, wordTerms []string
	idDense, wordDense []denseBits       // their dense bits, where kept
	df                 map[string]uint64 // per word, the items that hold it in the whole index
}

func (s *snapshot) words(p *parsedQuery, filter bits) (*queryWords, error) {
	w := &queryWords{filter: filter, df: map[string]uint64{}}
	// A filter is applied once, when matching (scoring reads only the
	// hits); but when it lets few items through (a field), each word's
	// items are first cut to the filter's, so that matching counts few.
	// Few: on average, as few as a bitmap holds in a list of numbers.
	few := filter.count()*16 < s.live
	for _, t := range p.required {
		b, err := s.term(fAll, t)
		if err != nil {
			return nil, err
		}
		key := fAll + "\x00" + t // "" once b is more than the term's items
		if c := p.alts[t]; c != "" {
			key = ""
			alt, err := s.term(fAll, c)
			if err != nil {
				return nil, err
			}
			b = or(b, alt)
		}
		if e, err := s.expansionBits(p, t); err != nil {
			return nil, err
		} else if e != nil {
			b = or(b, e) // a learnt expansion of the word (see learned.go)
			key = ""
		}
		if p.fuzzy(t) {
			key = ""
			// A rare word also matches the words one edit away in the
			// names and documents; the full texts' vocabulary (OCR
			// included) is too large and too noisy to expand over.
			for _, f := range []string{fTitle, fDocs} {
				fz, err := s.fuzzy(f, t)
				if err != nil {
					return nil, err
				}
				b = or(b, fz)
			}
		}
		// A word weighs its rarity in the whole index, as in bleve's
		// clauses, whatever the request's filters.
		w.df[t] = b.count()
		if few {
			b = and(b, filter)
			key = ""
		}
		d := s.dense(key, b)
		if hasDigit(t) {
			w.ids, w.idTerms, w.idDense = append(w.ids, b), append(w.idTerms, t), append(w.idDense, d)
		} else {
			w.words, w.wordTerms, w.wordDense = append(w.words, b), append(w.wordTerms, t), append(w.wordDense, d)
		}
	}
	return w, nil
}

// match is the items that pass the filter, hold every word with digits
// and k of the words in all (at least one of the others).
func (w *queryWords) match(s *snapshot, k int) bits {
	out := w.filter
	for _, b := range w.ids {
		out = and(out, b)
	}
	k -= len(w.ids)
	if len(w.words) > 0 {
		out = and(out, atLeast(s, w.words, w.wordDense, max(1, min(k, len(w.words)))))
	}
	return out
}

// queryScoring is what scoring a query's items reads: each word's items,
// in the texts and in the names, with its weight (its rarity squared); the
// words as typed, likewise; the named fields' items.
type queryScoring struct {
	text, title           []bits
	textWt                []float32
	exact                 []bits
	exactWt               []float32
	fields                []bits
	textDense, titleDense []denseBits // their dense bits, where kept
	exactDense            []denseBits
	weight                float64 // the words' weight in the query norm, see retrieval
	maxText               float32 // Σ of the texts' weights: an item's most
	share                 float32 // 1 / the query's words
}

// weigh reads what scoring p's items needs.
func (s *snapshot) weigh(p *parsedQuery, w *queryWords) (*queryScoring, error) {
	q := &queryScoring{}
	all, allTerms := append(w.ids, w.words...), append(w.idTerms, w.wordTerms...)
	q.textDense = append(slices.Clone(w.idDense), w.wordDense...)
	for k, b := range all {
		idf := 1 + math.Log(float64(s.live)/float64(w.df[allTerms[k]]+1))
		wt := float32(idf * idf)
		q.weight += wBody * idf * wBody * idf
		title, err := s.titleTerm(allTerms[k])
		if err != nil {
			return nil, err
		}
		q.text, q.title, q.textWt = append(q.text, b), append(q.title, title), append(q.textWt, wt)
		q.titleDense = append(q.titleDense, s.dense("title\x00"+allTerms[k], title))
		q.maxText += wt
	}
	// The words as typed with diacritics, in the texts: half a word's
	// weight.
	for _, e := range p.exact {
		b, err := s.term(fBodyExact, e)
		if err != nil {
			return nil, err
		}
		rb, err := s.term(fRecExact, e)
		if err != nil {
			return nil, err
		}
		b = or(b, rb)
		idf := 1 + math.Log(float64(s.live)/float64(b.count()+1))
		q.weight += wBody / 2 * idf * wBody / 2 * idf
		wt := float32(idf * idf / 2)
		q.exact, q.exactWt = append(q.exact, b), append(q.exactWt, wt)
		q.exactDense = append(q.exactDense, s.dense("exact\x00"+e, b))
		q.maxText += wt
	}
	for _, f := range p.fields {
		b, err := s.term(fField, f)
		if err != nil {
			return nil, err
		}
		q.fields = append(q.fields, b)
	}
	q.share = 1 / float32(len(all))
	return q, nil
}

// score sets the scores of scope's items, like bleve's first pass with
// the words' norms (1/√length) taken from the title's length group: a word
// weighs its rarity squared; in the name it weighs wTitle, scaled by the
// share of the query's words the name holds; anywhere in the texts a
// little (long texts have small norms); a named field's procedures weigh
// most. Only the scores of items scored may be read.
func (s *snapshot) score(q *queryScoring, sc *scores, scope bits) {
	buf := make([]uint32, 256)
	// in calls f on the items of a and scope[i] (in segment i).
	in := func(a *roaring.Bitmap, i int, f func(d uint32)) {
		it := roaring.And(a, scope[i]).ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				f(d)
			}
		}
	}
	for i, sb := range scope {
		if sb.IsEmpty() {
			continue
		}
		field, inText, inTitle, titleWords, lens := sc.field[i], sc.text[i], sc.title[i], sc.words[i], s.titleLen[i]
		it := sb.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				field[d], inText[d], inTitle[d], titleWords[d] = 0, 0, 0, 0
			}
		}
		for k, b := range q.text {
			wt := q.textWt[k]
			in(b[i], i, func(d uint32) { inText[d] += wt })
			in(q.title[k][i], i, func(d uint32) {
				titleWords[d]++
				inTitle[d] += wt * wTitle * invSqrt[lens[d]]
			})
		}
		for k, b := range q.exact {
			wt := q.exactWt[k]
			in(b[i], i, func(d uint32) { inText[d] += wt })
		}
		for _, b := range q.fields {
			// A named field's procedures must all reach the full ranking.
			in(b[i], i, func(d uint32) { field[d] = namedField })
		}
		total := sc.total[i]
		it = sb.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				total[d] = q.sum(field[d], inText[d], inTitle[d], titleWords[d])
			}
		}
	}
}

// sum is an item's score from its parts: a named field's weight, the
// weights of the words its texts hold, and of those its name holds, how
// many.
func (q *queryScoring) sum(field, text, title float32, words uint8) float32 {
	return field + text*wBody*textNorm + title*float32(words)*q.share
}

// denseScorer scores a large answer's items a tier at a time. Each
// round's items are few, but intersecting every word's postings with them
// costs as much as the postings are long: so the words' items are written
// once per segment as dense bit sets, and each item scored reads one bit
// per set.
type denseScorer struct {
	q    *queryScoring
	s    *snapshot
	sets [][][]uint64 // per segment, nil until needed: text, title, exact, field sets
	slab []uint64
}

var denseSlabs = newKept[[]uint64](4)

func newDenseScorer(s *snapshot, q *queryScoring) *denseScorer {
	ds := &denseScorer{q: q, s: s, sets: make([][][]uint64, len(s.segs))}
	if slab, ok := denseSlabs.get(); ok {
		ds.slab = slab[:0]
	}
	return ds
}

// release gives back the dense sets; ds must not be used after.
func (ds *denseScorer) release() {
	ds.sets = nil
	denseSlabs.put(ds.slab)
}

// segment is segment i's dense sets, written when first needed.
func (ds *denseScorer) segment(i int) [][]uint64 {
	if ds.sets[i] != nil {
		return ds.sets[i]
	}
	q := ds.q
	words := segWords(ds.s.segs[i])
	var bms []*roaring.Bitmap
	var kept [][]uint64 // the sets whose dense bits are kept, nil for the others
	for k := range q.text {
		bms = append(bms, q.text[k][i], q.title[k][i])
		kept = append(kept, q.textDense[k].of(i), q.titleDense[k].of(i))
	}
	for k, b := range q.exact {
		bms = append(bms, b[i])
		kept = append(kept, q.exactDense[k].of(i))
	}
	for _, b := range q.fields {
		bms = append(bms, b[i])
		kept = append(kept, nil)
	}
	need := 0
	for _, d := range kept {
		if d == nil {
			need += words
		}
	}
	if cap(ds.slab)-len(ds.slab) < need {
		// A new slab: the sets already written keep the old one.
		ds.slab = make([]uint64, 0, max(need, 2*cap(ds.slab)))
	}
	at := len(ds.slab)
	ds.slab = ds.slab[:at+need]
	clear(ds.slab[at:])
	sets := make([][]uint64, len(bms))
	for k, b := range bms {
		if kept[k] != nil {
			sets[k] = kept[k]
			continue
		}
		sets[k] = ds.slab[at : at+words : at+words]
		at += words
		b.WriteDenseTo(sets[k]) // a segment's numbers are below its count
	}
	ds.sets[i] = sets
	return sets
}

// score sets the scores of scope's items, as snapshot.score does item by
// item (TestPrunedScoring compares the two: every hit scored at once one
// way, a tier at a time the other).
func (ds *denseScorer) score(sc *scores, scope bits) {
	q := ds.q
	buf := make([]uint32, 256)
	has := func(set []uint64, d uint32) bool { return set[d/64]&(1<<(d%64)) != 0 }
	for i, sb := range scope {
		if sb.IsEmpty() {
			continue
		}
		sets := ds.segment(i)
		nw := len(q.text)
		exact, fields := sets[2*nw:2*nw+len(q.exact)], sets[2*nw+len(q.exact):]
		total, inText, lens := sc.total[i], sc.text[i], ds.s.titleLen[i]
		it := sb.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				var text, title float32
				var held uint8
				for k, wt := range q.textWt {
					if has(sets[2*k], d) {
						text += wt
					}
					if has(sets[2*k+1], d) {
						held++
						title += wt * wTitle * invSqrt[lens[d]]
					}
				}
				for k, wt := range q.exactWt {
					if has(exact[k], d) {
						text += wt
					}
				}
				var f float32
				for _, set := range fields {
					if has(set, d) {
						f = namedField
					}
				}
				total[d], inText[d] = q.sum(f, text, title, held), text
			}
		}
	}
}

// of is an item's score.
func (sc *scores) of(i int, d uint32) float32 {
	return sc.total[i][d]
}

// scoring is the items of hits that score at least min.
func scoring(hits bits, sc *scores, min float32) bits {
	out := make(bits, len(hits))
	buf := make([]uint32, 256)
	var in []uint32
	for i, hb := range hits {
		in = in[:0]
		total := sc.total[i]
		it := hb.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				if total[d] >= min {
					in = append(in, d)
				}
			}
		}
		out[i] = roaring.BitmapOf(in...)
	}
	return out
}

// docLoc is an item's segment in a snapshot and its number there.
type docLoc struct {
	seg int
	doc uint32
}

// cand is a scored hit.
type cand struct {
	score float32
	seg   int
	doc   uint32
}

// worse: a has the lower score, or the same and was indexed later.
func worse(a, b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.seg > b.seg || a.seg == b.seg && a.doc > b.doc
}

// topK is the best k hits by their scores, best first; of equal scores,
// the first indexed. (Hits come in index order.)
func topK(hits bits, sc *scores, k int) []cand {
	var best []cand
	worst := 0 // index in best of the worst
	buf := make([]uint32, 256)
	for i, hb := range hits {
		it := hb.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				c := cand{sc.of(i, d), i, d}
				if len(best) < k {
					best = append(best, c)
					if worse(c, best[worst]) {
						worst = len(best) - 1
					}
					continue
				}
				if !worse(best[worst], c) {
					continue
				}
				best[worst] = c
				for j := range best {
					if worse(best[j], best[worst]) {
						worst = j
					}
				}
			}
		}
	}
	slices.SortFunc(best, func(a, b cand) int {
		switch {
		case a.score != b.score:
			return cmp.Compare(b.score, a.score)
		case a.seg != b.seg:
			return a.seg - b.seg
		}
		return cmp.Compare(a.doc, b.doc)
	})
	return best
}

// titleTerm is the items whose names hold term: procedures' (title) and
// records' (rec_title).
func (s *snapshot) titleTerm(term string) (bits, error) {
	b, err := s.term(fTitle, term)
	if err != nil {
		return nil, err
	}
	r, err := s.term(fRecTitle, term)
	if err != nil {
		return nil, err
	}
	return or(b, r), nil
}
