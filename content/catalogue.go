package content

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"motcua/internal/vi"
)

// Error is a problem in one catalogue file, at one line.
type Error struct {
	File    string
	Line    int
	Msg     string
	Warning bool // reported, but the catalogue is still usable
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("content: %s line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("content: %s: %s", e.File, e.Msg)
}

// Catalogue is the set of procedures loaded from a directory.
type Catalogue struct {
	Dir        string
	Procedures []*Procedure // sorted by code
	byCode     map[string]*Procedure
	// Problems holds every error and warning found while loading.
	Problems []*Error
}

// Get returns the procedure with the given code.
func (c *Catalogue) Get(code string) (*Procedure, bool) {
	p, ok := c.byCode[code]
	return p, ok
}

// NewCatalogue is a catalogue of procedures already loaded (a server's,
// a test's): Get finds them by code.
func NewCatalogue(ps []*Procedure) *Catalogue {
	c := &Catalogue{Procedures: slices.Clone(ps), byCode: map[string]*Procedure{}}
	for _, p := range ps {
		c.byCode[p.Code] = p
	}
	sort.Slice(c.Procedures, func(i, j int) bool { return c.Procedures[i].Code < c.Procedures[j].Code })
	return c
}

// Err returns the catalogue's errors (not warnings) joined, or nil.
func (c *Catalogue) Err() error {
	var errs []error
	for _, p := range c.Problems {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}

// Load reads every *.md file in dir (not recursive), validates each, and
// returns the catalogue. Files with errors are left out of Procedures and
// reported in Problems; Load itself fails only when dir cannot be read.
func Load(dir string) (*Catalogue, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("content: read catalogue: %w", err)
	}
	c := &Catalogue{Dir: dir, byCode: map[string]*Procedure{}}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && filepath.Ext(name) == ".md" && !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	// Parse and validate files in parallel; merge in name order.
	results := make([]fileResult, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = loadFile(dir, names[i])
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()

	var all []loaded
	for _, r := range results {
		c.Problems = append(c.Problems, r.probs...)
		if r.p == nil {
			continue
		}
		c.byCode[r.p.Code] = r.p
		all = append(all, r.loaded)
	}
	for _, l := range all {
		for i, r := range l.p.Related {
			if _, ok := c.byCode[r]; !ok {
				c.Problems = append(c.Problems, &Error{File: l.file, Line: keyLine(l.root, "related", i), Warning: true,
					Msg: fmt.Sprintf("related procedure %s is not in the catalogue", r)})
			}
		}
		c.Procedures = append(c.Procedures, l.p)
	}
	sort.Slice(c.Procedures, func(i, j int) bool { return c.Procedures[i].Code < c.Procedures[j].Code })
	sort.SliceStable(c.Problems, func(i, j int) bool {
		if c.Problems[i].File != c.Problems[j].File {
			return c.Problems[i].File < c.Problems[j].File
		}
		return c.Problems[i].Line < c.Problems[j].Line
	})
	return c, nil
}

type loaded struct {
	p    *Procedure
	root *yaml.Node
	file string
}

type fileResult struct {
	loaded
	probs []*Error
}

// loadFile reads, parses and validates one file. p is nil when the file has
// errors; warnings come with a usable procedure.
func loadFile(dir, name string) (r fileResult) {
	r.file = name
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		r.probs = []*Error{{File: name, Msg: err.Error()}}
		return r
	}
	p, root, err := Parse(name, data)
	if err != nil {
		r.probs = []*Error{asError(name, err)}
		return r
	}
	r.probs = Validate(name, p, root)
	if !hasError(r.probs) {
		r.p, r.root = p, root
	}
	return r
}

func asError(name string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{File: name, Msg: err.Error()}
}

func hasError(probs []*Error) bool {
	for _, p := range probs {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Validate checks one procedure read from file name. root is its front
// matter, used to find lines; it may be nil.
func Validate(name string, p *Procedure, root *yaml.Node) []*Error {
	var probs []*Error
	bad := func(warn bool, msg string, path ...any) {
		probs = append(probs, &Error{File: name, Line: keyLine(root, path...), Msg: msg, Warning: warn})
	}
	switch {
	case p.Code == "":
		bad(false, "code is missing: add a line such as \"code: 1.001193\"", "code")
	case !vi.ProcedureCode.MatchString(p.Code):
		bad(false, fmt.Sprintf("code %q is not a procedure code such as 1.001193 or 1.000894.01", p.Code), "code")
	case name != "" && strings.TrimSuffix(name, ".md") != p.Code:
		bad(false, fmt.Sprintf("code %s does not match the file name: rename the file to %s.md", p.Code, p.Code), "code")
	}
	if strings.TrimSpace(p.Name) == "" {
		bad(false, "name (tên thủ tục) is missing", "name")
	}
	if strings.TrimSpace(p.Field) == "" {
		bad(false, "field (lĩnh vực) is missing", "field")
	}
	for i, l := range p.Levels {
		if !slices.Contains(Levels, l) {
			bad(true, fmt.Sprintf("level %q is not one of %s", l, strings.Join(Levels, ", ")), "levels", i)
		}
	}
	for i, ch := range p.Channels {
		if _, ok := ChannelNames[ch.Channel]; !ok {
			bad(false, fmt.Sprintf("channel %q is not one of truc-tiep, truc-tuyen, buu-chinh", ch.Channel), "channels", i, "channel")
		}
		if ch.TimeValue != nil && *ch.TimeValue <= 0 {
			bad(false, fmt.Sprintf("time_value %v is not a positive number of %s", *ch.TimeValue, unitName(ch.TimeUnit)), "channels", i, "time_value")
		}
		if ch.TimeUnit != "" {
			if _, ok := TimeUnits[ch.TimeUnit]; !ok {
				bad(false, fmt.Sprintf("time_unit %q is not one of %s", ch.TimeUnit, strings.Join(sortedKeys(TimeUnits), ", ")), "channels", i, "time_unit")
			}
		}
		if ch.FeeVND != nil && *ch.FeeVND < 0 {
			bad(false, fmt.Sprintf("fee_vnd %d is negative", *ch.FeeVND), "channels", i, "fee_vnd")
		}
	}
	for i, d := range p.Documents {
		if strings.TrimSpace(d.Name) == "" {
			bad(false, "document name is empty", "documents", i, "name")
		}
		if d.Originals < 0 || d.Copies < 0 {
			bad(false, fmt.Sprintf("document %q has a negative count", d.Name), "documents", i)
		}
	}
	for i, r := range p.Results {
		if r.Code != "" && !ResultCodePattern.MatchString(r.Code) {
			bad(true, fmt.Sprintf("result code %q is not of the form KQ.G15.000031", r.Code), "results", i, "code")
		}
	}
	for i, r := range p.Related {
		if !vi.ProcedureCode.MatchString(r) {
			bad(false, fmt.Sprintf("related code %q is not a procedure code", r), "related", i)
		}
	}
	return probs
}

func unitName(u string) string {
	if n, ok := TimeUnits[u]; ok {
		return n
	}
	return "days"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
