// Package querylog is the public search's query log: which queries
// citizens typed and which procedure they chose among the results, and
// what the search learns from it (see Learn). Nothing about the person is
// kept: the query folded, the day, the procedure chosen, and a session
// mark that counts distinct sessions per query without linking a
// session's queries to each other. Queries that hold an identifier a
// person could be found by (an ID number, a dossier code, a phone number,
// an e-mail address) are not logged at all.
package querylog

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"motcua/internal/vi"
)

// File is the log's name inside the data directory.
const File = "query-log.jsonl"

// Event is one line of the log: a search, or the choice of a procedure
// among its results (Code set).
type Event struct {
	Day   string `json:"d"`           // YYYY-MM-DD (UTC)
	Query string `json:"q"`           // the query's key (see Key)
	Mark  string `json:"s"`           // the session and the query, hashed (see mark)
	Code  string `json:"c,omitempty"` // the procedure chosen
}

// maxKey caps a key's length in bytes: longer queries are not logged.
const maxKey = 200

// longNumber is a run of 9 digits or more: an old ID card (9), a phone
// number (10), a personal ID (12), a tax or insurance number.
var longNumber = regexp.MustCompile(`\d{9,}`)

// Key is a query's form in the log and in what is learnt from it: folded,
// lower case, its words (letters and digits) joined by single spaces. ok is
// false when the query must not be logged: empty, too long, or holding an
// identifier (a run of nine digits or more, a dossier or result code, an
// e-mail address).
func Key(query string) (key string, ok bool) {
	for _, f := range strings.Fields(query) {
		f = strings.Trim(f, ".,;:()[]\"'")
		if vi.IsDossierCode(f) || vi.IsResultCode(f) || strings.Contains(f, "@") {
			return "", false
		}
	}
	words := strings.FieldsFunc(strings.ToLower(vi.Fold(query)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	key = strings.Join(words, " ")
	if key == "" || len(key) > maxKey || longNumber.MatchString(strings.ReplaceAll(query, " ", "")) {
		return "", false
	}
	return key, true
}

// mark is what the log keeps of a session: a hash of the session's random
// token with the query, so that the same session choosing again for the
// same query counts once, while nothing ties a session's queries together.
func mark(session, key string) string {
	h := sha256.Sum256([]byte(session + "\x00" + key))
	return hex.EncodeToString(h[:8])
}

// Log appends events to a file. It is safe for concurrent use.
type Log struct {
	mu   sync.Mutex
	f    *os.File
	path string
	now  func() time.Time
}

// Open opens (creating) the log at path for appending.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("querylog: open %s: %w", path, err)
	}
	return &Log{f: f, path: path, now: time.Now}, nil
}

// Close closes the log.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// Search logs a public search; queries that must not be logged (see Key)
// are not.
func (l *Log) Search(session, query string) { l.add(session, query, "") }

// Choose logs that a procedure was chosen among a query's results.
func (l *Log) Choose(session, query, code string) { l.add(session, query, code) }

func (l *Log) add(session, query, code string) {
	if l == nil {
		return
	}
	key, ok := Key(query)
	if !ok {
		return
	}
	b, _ := json.Marshal(Event{Day: l.now().UTC().Format(time.DateOnly), Query: key, Mark: mark(session, key), Code: code})
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write per line on an O_APPEND file: lines never interleave.
	if _, err := l.f.Write(b); err != nil {
		slog.Warn("query log: write failed", "file", l.path, "error", err)
	}
}

// Read reads the events of the log at path; a missing log has none. A line
// that is not an event (a write cut short by a crash) is skipped and
// counted in bad.
func Read(path string) (events []Event, bad int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("querylog: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Query == "" || e.Mark == "" {
			bad++
			continue
		}
		events = append(events, e)
	}
	if err := sc.Err(); err != nil {
		return nil, bad, fmt.Errorf("querylog: read %s: %w", path, err)
	}
	return events, bad, nil
}

// Learned is a procedure chosen for a query by enough distinct sessions.
type Learned struct {
	Query    string  `json:"q"`
	Code     string  `json:"c"`
	Sessions int     `json:"n"`
	Share    float64 `json:"share"` // of the sessions that chose a procedure for the query
}

// Learn returns the query → procedure pairs that at least minSessions
// distinct sessions chose, with their share of the query's choices; of a
// query, the pairs that hold less than minShare of its choices are
// dropped (a stray click). A pair chosen by fewer sessions is never kept:
// a query typed by one person (a name, an address) is never learnt.
func Learn(events []Event, minSessions int, minShare float64) []Learned {
	minSessions = max(minSessions, 1)
	pairs := map[[2]string]map[string]bool{}
	perQuery := map[string]map[string]bool{}
	for _, e := range events {
		if e.Code == "" {
			continue
		}
		k := [2]string{e.Query, e.Code}
		if pairs[k] == nil {
			pairs[k] = map[string]bool{}
		}
		pairs[k][e.Mark] = true
		if perQuery[e.Query] == nil {
			perQuery[e.Query] = map[string]bool{}
		}
		perQuery[e.Query][e.Mark+"\x00"+e.Code] = true
	}
	var out []Learned
	for k, marks := range pairs {
		n := len(marks)
		share := float64(n) / float64(len(perQuery[k[0]]))
		if n >= minSessions && share >= minShare {
			out = append(out, Learned{Query: k[0], Code: k[1], Sessions: n, Share: share})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Query != out[j].Query {
			return out[i].Query < out[j].Query
		}
		if out[i].Sessions != out[j].Sessions {
			return out[i].Sessions > out[j].Sessions
		}
		return out[i].Code < out[j].Code
	})
	return out
}
