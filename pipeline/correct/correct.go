// Package correct repairs the tone and vowel marks (and, for impossible
// syllables, a letter or two) of words read by OCR, with the syllables and
// syllable pairs of the procedure catalogue (internal/vi/syllable).
//
// A word is changed only when it is not a Vietnamese syllable, or when a
// syllable written with the same letters is much more likely between its
// neighbours than the word read, by a margin that grows with the
// recogniser's confidence. Numbers, codes, abbreviations and words in
// mixed case are never touched.
package correct

import (
	"math"
	"strings"
	"unicode"

	"motcua/internal/vi"
	"motcua/internal/vi/syllable"
)

// Word is one recognised word.
type Word struct {
	Text string
	Conf float64 // 0–1
	// Line is the word's line; a word is a neighbour only on its line
	// when SameLine is set.
	Line int
	// Alts, when known, holds for each letter of the word Tesseract's
	// alternatives (its choice iterator), best first; a candidate must
	// then take every changed letter from them.
	Alts [][]string
}

// Options are the corrector's weights (log-probability units).
type Options struct {
	Margin     float64 // a valid word is replaced when the best beats it by this…
	ConfMargin float64 // …plus this times the word's confidence
	NameMargin float64 // added for a capitalised word inside a sentence (a name?)
	MarkCost   float64 // cost of each changed mark (tone, vowel mark, đ)
	LetterCost float64 // cost of each changed letter (impossible words only)
	MaxLetters int     // letters an impossible word may have changed
	Unseen     float64 // count given to a valid syllable the catalogue never had
	Smooth     float64 // weight of the single-syllable probability in a pair's
	SkipWeight float64 // weight of the pairs one word apart
	// PriorWeight is how much a syllable's frequency counts beside its
	// neighbours (1: as in the pair probabilities).
	PriorWeight float64
	SameLine    bool // neighbours only on the same line
	NoAlts      bool // ignore Tesseract's alternatives
}

// Defaults are the weights tuned on the development set.
var Defaults = Options{Margin: 4, ConfMargin: 4, NameMargin: 4, MarkCost: 1.5, LetterCost: 3,
	MaxLetters: 2, Unseen: 1, Smooth: 20, SkipWeight: 1, PriorWeight: 0.5}

// Words corrects words in place and returns how many changed. Each word
// is judged between its neighbours as read, so that one change never
// brings on the next.
func Words(m *syllable.Model, words []Word, o Options) int {
	type fix struct {
		i    int
		text string
	}
	var fixes []fix
	for i := range words {
		if text, ok := o.word(m, words, i); ok {
			fixes = append(fixes, fix{i, text})
		}
	}
	for _, f := range fixes {
		words[f.i].Text = f.text
	}
	return len(fixes)
}

// context is the tokens (ids) two before, one before, one after and two
// after word i: Boundary where punctuation or a line end separates words,
// -1 where unknown.
func (o Options) context(m *syllable.Model, words []Word, i int) (l2, l, r, r2 int32) {
	bound := m.ID(syllable.Boundary)
	tok := func(j int) (pre string, id int32, post string) {
		p, core, q := syllable.Cut(words[j].Text)
		return p, m.ID(syllable.Class(core)), q
	}
	joined := func(a, b int) bool { // words a and b=a+1 are neighbours
		return a >= 0 && b < len(words) && (!o.SameLine || words[a].Line == words[b].Line)
	}
	pre, _, post := tok(i)
	l2, l, r, r2 = -1, bound, bound, -1
	if pre == "" && joined(i-1, i) {
		p, id, q := tok(i - 1)
		if q == "" {
			l, l2 = id, bound
			if p == "" && joined(i-2, i-1) {
				if _, id2, q2 := tok(i - 2); q2 == "" {
					l2 = id2
				}
			}
		}
	}
	if post == "" && joined(i, i+1) {
		p, id, q := tok(i + 1)
		if p == "" {
			r, r2 = id, bound
			if q == "" && joined(i+1, i+2) {
				if p2, id2, _ := tok(i + 2); p2 == "" {
					r2 = id2
				}
			}
		}
	}
	return l2, l, r, r2
}

type casing int

const (
	lower casing = iota
	title
	upper
	mixed
)

func caseOf(s string) casing {
	up, low := 0, 0
	first := true
	firstUp := false
	for _, r := range s {
		if unicode.IsUpper(r) {
			up++
			if first {
				firstUp = true
			}
		} else if unicode.IsLower(r) {
			low++
		}
		if unicode.IsLetter(r) {
			first = false
		}
	}
	switch {
	case up == 0:
		return lower
	case low == 0:
		return upper
	case firstUp && up == 1:
		return title
	}
	return mixed
}

func applyCase(s string, c casing) string {
	switch c {
	case upper:
		return strings.ToUpper(s)
	case title:
		r := []rune(s)
		r[0] = unicode.ToUpper(r[0])
		return string(r)
	}
	return s
}

func lettersOnly(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// word returns the corrected text of word i and whether it changed.
func (o Options) word(m *syllable.Model, words []Word, i int) (string, bool) {
	w := words[i]
	pre, core, post := syllable.Cut(w.Text)
	if core == "" || !lettersOnly(core) {
		return "", false
	}
	cs := caseOf(core)
	if cs == mixed {
		return "", false
	}
	low := strings.ToLower(core)
	obsCanon := syllable.Canon(low)
	valid := syllable.Valid(low)
	if !valid && cs == upper && len([]rune(low)) > 1 && len(m.SameBase(low)) == 0 {
		return "", false // an abbreviation (UBND, HĐND)
	}
	l2, l, r, r2 := o.context(m, words, i)
	pu := func(c float64) float64 { return (c + 0.5) / (float64(m.Total()) + 0.5*float64(m.Len())) }
	// log P(b | a) from the pair counts n, smoothed towards P(b).
	cond := func(n uint32, a int32, b float64) float64 {
		return math.Log((float64(n) + o.Smooth*pu(b)) / (float64(m.Count(a)) + o.Smooth))
	}
	score := func(id int32, count float64) float64 {
		s := cond(m.Pair(l, id), l, count)
		if r >= 0 {
			s += math.Log((float64(m.Pair(id, r)) + o.Smooth*pu(float64(m.Count(r)))) / (count + o.Smooth))
		}
		if o.SkipWeight > 0 && l2 >= 0 {
			s += o.SkipWeight * cond(m.Skip(l2, id), l2, count)
		}
		if o.SkipWeight > 0 && r2 >= 0 {
			s += o.SkipWeight * math.Log((float64(m.Skip(id, r2))+o.Smooth*pu(float64(m.Count(r2))))/(count+o.Smooth))
		}
		// The terms from the left hold the syllable's own frequency once
		// each; keep it PriorWeight times, so that the neighbours rather
		// than frequency decide (chúng is rarer than chứng in the catalogue,
		// not wrong).
		priors := 1.0
		if o.SkipWeight > 0 && l2 >= 0 {
			priors += o.SkipWeight
		}
		return s - (priors-o.PriorWeight)*math.Log(pu(count))
	}
	base := math.Inf(-1)
	if valid {
		id := m.ID(obsCanon)
		c := float64(m.Count(id))
		if id < 0 {
			c = o.Unseen
		}
		base = score(id, c)
	}
	best, bestScore := int32(-1), math.Inf(-1)
	consider := func(id int32, cost float64) {
		// A valid word changes only to Tesseract's own alternatives; an
		// impossible one to whatever is likeliest.
		if m.Canon(id) == obsCanon || valid && !o.allowed(w.Alts, low, m.Spelling(id)) {
			return
		}
		if s := score(id, float64(m.Count(id))) - cost; s > bestScore {
			best, bestScore = id, s
		}
	}
	for _, id := range m.SameBase(low) {
		consider(id, o.MarkCost*float64(markDiff(low, m.Spelling(id))))
	}
	// Letters are changed only in impossible words that are no name.
	if !valid && o.MaxLetters > 0 && len([]rune(low)) > 1 && (cs == lower || !nameLike(words, i)) {
		fold := []rune(vi.Fold(low))
		m.Syllables(func(id int32) {
			f := m.Folded(id)
			// Letters may be added (ư read for tr) but hardly lost: a
			// foreign word is not to be cut down to a syllable.
			if d := len(f) - len(fold); d > o.MaxLetters || d < -1 {
				return
			}
			d := vi.EditDistance(fold, f)
			if d == 0 || d > o.MaxLetters {
				return
			}
			sp := []rune(m.Spelling(id))
			consider(id, o.LetterCost*float64(d)+o.MarkCost*float64(vi.EditDistance([]rune(low), sp)-d))
		})
	}
	if best < 0 {
		return "", false
	}
	if valid {
		if cs == title && nameLike(words, i) {
			return "", false // a name
		}
		need := o.Margin + o.ConfMargin*w.Conf
		if cs == upper || cs == title && l != m.ID(syllable.Boundary) {
			need += o.NameMargin // a heading in capitals, or a name?
		}
		if bestScore-base < need {
			return "", false
		}
		// The evidence must be the neighbours: the catalogue has the
		// replacement beside one of them.
		bound := m.ID(syllable.Boundary)
		if !(l != bound && m.Pair(l, best) > 0 || r != bound && r >= 0 && m.Pair(best, r) > 0) {
			return "", false
		}
	}
	return pre + applyCase(m.Spelling(best), cs) + post, true
}

// nameMarkers are words a name follows (ông Dũng, phường Đông Anh).
var nameMarkers = map[string]bool{"ông": true, "bà": true, "anh": true, "chị": true, "em": true,
	"phường": true, "xã": true, "huyện": true, "tỉnh": true, "quận": true, "thôn": true,
	"ấp": true, "đường": true, "phố": true, "tổ": true, "bản": true, "làng": true, "số": true}

// nameLike says whether word i, which begins with a capital, looks like
// part of a name or of a heading in capitals: a neighbour that begins
// with a capital too (Nguyễn Văn Dũng, across line ends), or a word names
// follow before it. Such words are left as read unless impossible.
func nameLike(words []Word, i int) bool {
	for _, j := range []int{i - 1, i + 1} {
		if j < 0 || j >= len(words) {
			continue
		}
		_, core, _ := syllable.Cut(words[j].Text)
		if core == "" || !lettersOnly(core) {
			continue
		}
		if c := caseOf(core); c == title || c == upper {
			return true
		}
		if j == i-1 && nameMarkers[strings.ToLower(core)] {
			return true
		}
	}
	return false
}

// markDiff counts the marks two words of the same letters differ by: the
// tone, and each letter's vowel mark or bar (đ).
func markDiff(a, b string) int {
	ta, toa, oka := syllable.Split(a)
	tb, tob, okb := syllable.Split(b)
	if !oka || !okb { // a letter Vietnamese lacks (ñ for n): count letters
		return vi.EditDistance([]rune(a), []rune(b))
	}
	n := 0
	if toa != tob {
		n++
	}
	ra, rb := []rune(ta), []rune(tb)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			n++
		}
	}
	return n + max(len(ra), len(rb)) - min(len(ra), len(rb))
}

// allowed says whether cand takes every letter that differs from obs from
// Tesseract's alternatives for that letter (always, without them).
func (o Options) allowed(alts [][]string, obs, cand string) bool {
	if alts == nil || o.NoAlts {
		return true
	}
	ro, rc := []rune(obs), []rune(cand)
	if len(ro) != len(rc) || len(alts) != len(ro) {
		return true // letters added or removed: no per-letter check
	}
	for i := range ro {
		if ro[i] == rc[i] {
			continue
		}
		ok := false
		for _, a := range alts[i] {
			if strings.ToLower(a) == string(rc[i]) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
