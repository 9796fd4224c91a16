package syllable

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"motcua/internal/vi"
)

//go:generate go run ../../../tools/sylgen -out syllables.txt.gz ../../../site/content/thu-tuc

// syllablesGz is the generated inventory: the catalogue's syllables and
// syllable pairs with their counts (see tools/sylgen for the format).
//
//go:embed syllables.txt.gz
var syllablesGz []byte

// Header is the first line of the data file.
const Header = "motcua-syllables 1"

// Model holds syllable and pair counts. Tokens are Canon forms, or
// Boundary, Number and Other.
type Model struct {
	canon  []string // token by id
	spell  []string // the usual spelling of each token (lowercase NFC)
	count  []uint32
	id     map[string]int32
	pairs  map[uint64]uint32
	skips  map[uint64]uint32  // pairs one token apart
	byBase map[string][]int32 // vi.Fold of the spelling → syllable ids
	folded [][]rune           // vi.Fold of each spelling
	total  uint64
}

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

// Default is the model embedded in the program, loaded on first use.
func Default() (*Model, error) {
	defaultOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(syllablesGz))
		if err != nil {
			defaultErr = fmt.Errorf("syllable: embedded data: %w", err)
			return
		}
		defaultModel, defaultErr = Read(zr)
	})
	return defaultModel, defaultErr
}

// Read reads a model in the data file's format (uncompressed):
//
//	motcua-syllables 1
//	<canon>\t<spelling>\t<count>     one line per token; ids count from 0
//	--
//	<id> <id> <count>                one line per pair
//	--
//	<id> <id> <count>                one line per pair one token apart
func Read(r io.Reader) (*Model, error) {
	m := &Model{id: map[string]int32{}, pairs: map[uint64]uint32{}, skips: map[uint64]uint32{}, byBase: map[string][]int32{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	if !sc.Scan() || sc.Text() != Header {
		return nil, fmt.Errorf("syllable data: line 1: want %q", Header)
	}
	line++
	section := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "--" {
			section++
			continue
		}
		if section == 0 {
			f := strings.Split(t, "\t")
			if len(f) != 3 {
				return nil, fmt.Errorf("syllable data: line %d: want canon, spelling and count", line)
			}
			n, err := strconv.ParseUint(f[2], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("syllable data: line %d: count: %w", line, err)
			}
			id := int32(len(m.canon))
			m.canon, m.spell, m.count = append(m.canon, f[0]), append(m.spell, f[1]), append(m.count, uint32(n))
			m.id[f[0]] = id
			m.total += n
			k := vi.Fold(f[1])
			m.folded = append(m.folded, []rune(k))
			if len(f[0]) > 1 {
				m.byBase[k] = append(m.byBase[k], id)
			}
			continue
		}
		f := strings.Fields(t)
		if len(f) != 3 {
			return nil, fmt.Errorf("syllable data: line %d: want two ids and a count", line)
		}
		var v [3]uint64
		for i := range f {
			n, err := strconv.ParseUint(f[i], 10, 32)
			if err != nil || i < 2 && n >= uint64(len(m.canon)) {
				return nil, fmt.Errorf("syllable data: line %d: bad number %q", line, f[i])
			}
			v[i] = n
		}
		if section == 1 {
			m.pairs[v[0]<<32|v[1]] = uint32(v[2])
		} else {
			m.skips[v[0]<<32|v[1]] = uint32(v[2])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("syllable data: line %d: %w", line, err)
	}
	return m, nil
}

// Len is the number of tokens.
func (m *Model) Len() int { return len(m.canon) }

// Total is the number of tokens counted.
func (m *Model) Total() uint64 { return m.total }

// ID is the id of a token (a Canon form or a special token), -1 if unseen.
func (m *Model) ID(token string) int32 {
	if id, ok := m.id[token]; ok {
		return id
	}
	return -1
}

// Count is how often token was seen.
func (m *Model) Count(id int32) uint32 {
	if id < 0 {
		return 0
	}
	return m.count[id]
}

// Pair is how often token a was followed by token b.
func (m *Model) Pair(a, b int32) uint32 {
	if a < 0 || b < 0 {
		return 0
	}
	return m.pairs[uint64(a)<<32|uint64(b)]
}

// Skip is how often token a was followed by token b one token later.
func (m *Model) Skip(a, b int32) uint32 {
	if a < 0 || b < 0 {
		return 0
	}
	return m.skips[uint64(a)<<32|uint64(b)]
}

// Spelling is the usual written form of a token, lowercase.
func (m *Model) Spelling(id int32) string { return m.spell[id] }

// Canon is the token's Canon form.
func (m *Model) Canon(id int32) string { return m.canon[id] }

// SameBase lists the syllables written with the same letters as s once
// tone and vowel marks are removed (and đ read as d): for "so", số, sổ,
// sở, sợ…
func (m *Model) SameBase(s string) []int32 { return m.byBase[vi.Fold(s)] }

// Folded is vi.Fold of the token's spelling, as runes (not to be changed).
func (m *Model) Folded(id int32) []rune { return m.folded[id] }

// Syllables calls f for every syllable id (special tokens excluded).
func (m *Model) Syllables(f func(id int32)) {
	for id, c := range m.canon {
		if len(c) > 1 {
			f(int32(id))
		}
	}
}
