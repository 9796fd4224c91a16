// Package syllable knows the shape of Vietnamese syllables (onset, rhyme
// and tone, a closed set) and holds the syllables and syllable pairs of
// the procedure catalogue with their counts, for correcting OCR.
package syllable

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Tone is one of the six Vietnamese tones.
type Tone uint8

// The tones, in the order of their usual names.
const (
	Level Tone = iota // ngang: no mark
	Acute             // sắc
	Grave             // huyền
	Hook              // hỏi
	Tilde             // ngã
	Dot               // nặng
)

// Syllable is a parsed syllable: its onset consonant ("" when none), its
// rhyme without the tone mark (for "gi" and "qu" onsets the rhyme as
// pronounced: "gì" is gi + i, "quốc" is qu + ôc) and its tone.
type Syllable struct {
	Onset string
	Rhyme string
	Tone  Tone
}

var toneMarks = map[rune]Tone{'\u0301': Acute, '\u0300': Grave, '\u0309': Hook, '\u0303': Tilde, '\u0323': Dot}

// vowelMark combines a base vowel with a circumflex, breve or horn.
var vowelMark = map[[2]rune]rune{
	{'a', '\u0302'}: 'â', {'a', '\u0306'}: 'ă', {'e', '\u0302'}: 'ê',
	{'o', '\u0302'}: 'ô', {'o', '\u031B'}: 'ơ', {'u', '\u031B'}: 'ư',
}

const vowels = "aăâeêioôơuưy"

// letters are the letters of Vietnamese words (f, j, w, z only in loans).
const letters = "abcdđeghiklmnopqrstuvxyăâêôơư"

// Split lowercases s and separates its tone: the word without its tone
// mark and the tone. ok is false when s holds anything but Vietnamese
// letters, or two tones, or a mark on a letter that cannot take it.
func Split(s string) (toneless string, t Tone, ok bool) {
	var out []rune
	seen := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if tm, isTone := toneMarks[r]; isTone {
			if seen || len(out) == 0 || !strings.ContainsRune(vowels, out[len(out)-1]) {
				return "", 0, false
			}
			t, seen = tm, true
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			if len(out) == 0 {
				return "", 0, false
			}
			v, ok := vowelMark[[2]rune{out[len(out)-1], r}]
			if !ok {
				return "", 0, false
			}
			out[len(out)-1] = v
			continue
		}
		if !strings.ContainsRune(letters, r) {
			return "", 0, false
		}
		out = append(out, r)
	}
	return string(out), t, len(out) > 0
}

// onsets, longest first so that "ngh" is tried before "ng" and "n".
var onsets = []string{"ngh", "ng", "nh", "ch", "gh", "kh", "ph", "th", "tr",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"}

// rhymes are the rhymes written after a consonant onset or none.
var rhymes = set(`a ai ao au ay âu ây e eo ê êu i ia iu o oa oai oay oao oe oeo oi ô ôi ơ ơi
	u ua uây uê ui uôi uơ uy uya uyu ư ưa ưi ươi ươu ưu y yêu iêu
	ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât
	ec em en eng ep et êch êm ên ênh êp êt ich im in inh ip it
	oc om on ong op ot ooc oong ôc ôm ôn ông ôp ôt ơm ơn ơp ơt
	uc um un ung up ut ưc ưm ưn ưng ưt
	iêc iêm iên iêng iêp iêt yêm yên yêng yêt
	oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt oen oet oem
	uân uâng uât uêch uênh uên uôc uôm uôn uông uôt uych uyn uynh uyp uyt uyên uyêt
	ươc ươm ươn ương ươp ươt`)

// quRhymes are the rhymes written after "qu" (its u is the medial).
var quRhymes = set(`a ac ach ai am an ang anh ao ap at ay ăc ăm ăn ăng ăp ăt âc ân âng ât ây
	e en eo et ê êch ênh êt ên i y ych yn ynh yt yp yu ya yên yêt ơ ôc`)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

// Parse parses one syllable (any case, NFC or not). ok is false when s is
// not a Vietnamese syllable: an impossible onset, rhyme or spelling
// (k/gh/ngh only before i, e, ê, y; c/g/ng never), or a tone the rhyme
// cannot take (a rhyme closed by c, ch, p or t takes only sắc or nặng).
func Parse(s string) (Syllable, bool) {
	tl, t, ok := Split(s)
	if !ok {
		return Syllable{}, false
	}
	var syl Syllable
	switch {
	case strings.HasPrefix(tl, "qu"):
		syl = Syllable{Onset: "qu", Rhyme: tl[2:], Tone: t}
		if !quRhymes[syl.Rhyme] {
			return Syllable{}, false
		}
	case strings.HasPrefix(tl, "gi"):
		syl = Syllable{Onset: "gi", Rhyme: tl[2:], Tone: t}
		r := syl.Rhyme
		if r == "" || !strings.ContainsRune(vowels, []rune(r)[0]) || strings.HasPrefix(r, "ê") {
			syl.Rhyme = "i" + r // gì, gìn, giếng: the i is shared
		}
		if !rhymes[syl.Rhyme] || strings.HasPrefix(syl.Rhyme, "y") {
			return Syllable{}, false
		}
	default:
		for _, o := range onsets {
			if strings.HasPrefix(tl, o) {
				syl.Onset = o
				break
			}
		}
		syl.Rhyme, syl.Tone = tl[len(syl.Onset):], t
		if !rhymes[syl.Rhyme] {
			return Syllable{}, false
		}
		front := strings.HasPrefix(syl.Rhyme, "i") || strings.HasPrefix(syl.Rhyme, "e") ||
			strings.HasPrefix(syl.Rhyme, "ê") || strings.HasPrefix(syl.Rhyme, "y")
		switch syl.Onset {
		case "k", "gh", "ngh":
			if !front {
				return Syllable{}, false
			}
		case "c", "g", "ng":
			if front {
				return Syllable{}, false
			}
		}
		// yê begins a syllable without onset; after a consonant it is iê.
		if syl.Onset != "" && strings.HasPrefix(syl.Rhyme, "yê") ||
			syl.Onset == "" && strings.HasPrefix(syl.Rhyme, "iê") {
			return Syllable{}, false
		}
	}
	if stopped(syl.Rhyme) && syl.Tone != Acute && syl.Tone != Dot {
		return Syllable{}, false
	}
	return syl, true
}

// stopped says whether a rhyme ends in a stop (c, ch, p, t).
func stopped(rhyme string) bool {
	return strings.HasSuffix(rhyme, "c") || strings.HasSuffix(rhyme, "ch") ||
		strings.HasSuffix(rhyme, "p") || strings.HasSuffix(rhyme, "t")
}

// Valid says whether s is a Vietnamese syllable.
func Valid(s string) bool {
	_, ok := Parse(s)
	return ok
}

// Canon is s lowercased with its tone written after it as a digit
// ("hòa" and "hoà" are both "hoa2"): one key for the tone mark's old and
// new placements.
func Canon(s string) string {
	tl, t, ok := Split(s)
	if !ok {
		return ""
	}
	return tl + string(rune('0'+t))
}
