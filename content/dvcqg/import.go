// Package dvcqg imports procedure records scraped from the national public
// service portal (dichvucong.gov.vn) into the catalogue's Markdown form.
package dvcqg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"motcua/content"
	"motcua/internal/atomicfile"
	"motcua/internal/vi"
)

// record is one portal JSON file. Only the keys the importer reads are listed.
type record struct {
	Code         *string `json:"ma_thu_tuc"`
	Name         *string `json:"ten_thu_tuc"`
	Decision     string  `json:"so_quyet_dinh"`
	Levels       string  `json:"cap_thuc_hien"`
	Kind         string  `json:"loai_thu_tuc"`
	Field        string  `json:"linh_vuc"`
	Applicants   string  `json:"doi_tuong_thuc_hien"`
	Competent    string  `json:"co_quan_co_tham_quyen"`
	Address      string  `json:"dia_chi_tiep_nhan"`
	Authorized   string  `json:"co_quan_duoc_uy_quyen"`
	Coordinating string  `json:"co_quan_phoi_hop"`
	Related      string  `json:"thu_tuc_lien_quan"`
	Steps        string  `json:"trinh_tu_thuc_hien"`
	Channels     *string `json:"cach_thuc_thuc_hien"`
	Documents    *string `json:"thanh_phan_ho_so"`
	LegalBasis   string  `json:"can_cu_phap_ly"`
	Executing    string  `json:"co_quan_thuc_hien"`
	Conditions   string  `json:"yeu_cau_dieu_kien"`
	Results      string  `json:"ket_qua_xu_ly"`
	DetailURL    string  `json:"detail_url"`
}

// Coverage gives, per table, the share of source records holding a row with
// a number (a time, a count, a code) for which the import extracted such a row.
type Coverage struct {
	Channels   float64 `json:"channels"`
	Documents  float64 `json:"documents"`
	LegalBasis float64 `json:"legal_basis"`
	Results    float64 `json:"results"`
}

// Failure is a source file that could not be imported.
type Failure struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"` // the line of File at fault; 0: not known
	Err  string `json:"error"`
}

// String is the failure in the FILE:LINE: form editors jump to.
func (f Failure) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f.File, f.Line, strings.TrimPrefix(f.Err, fmt.Sprintf("line %d: ", f.Line)))
	}
	return f.File + ": " + f.Err
}

// lineError is an error at a line of a source file.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

func failure(file string, err error) Failure {
	f := Failure{File: file, Err: err.Error()}
	if le := (*lineError)(nil); errors.As(err, &le) {
		f.Line = le.line
	}
	return f
}

// Report summarises an import.
type Report struct {
	Procedures int       `json:"procedures"`
	Failed     int       `json:"failed"`
	Written    int       `json:"written"`
	Coverage   Coverage  `json:"coverage"`
	Failures   []Failure `json:"failures,omitempty"`

	counts [4][2]int // per table: records with numbers, records extracted
}

// Options controls an import.
type Options struct {
	Out string // where the Markdown files go; nothing is written when empty
	// Progress, when set, is called after each source file.
	Progress func(done, total int)
}

// Import reads dir/<ministry>/<code>.json (and JSON files directly in dir),
// converts each record and writes one Markdown file per procedure. A bad file
// is reported in the Report and the import goes on with the rest; the error
// is for problems that stop the whole import.
func Import(dir string, opt Options) (*Report, []*content.Procedure, error) {
	files, err := sourceFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("dvcqg: no JSON records in %s: expected %s/<ministry>/<code>.json", dir, dir)
	}
	if opt.Out != "" {
		if err := os.MkdirAll(opt.Out, 0o755); err != nil {
			return nil, nil, fmt.Errorf("dvcqg: create output folder: %w", err)
		}
	}
	rep := &Report{}
	seen := map[string]string{}
	var procs []*content.Procedure
	for i, f := range files {
		rel, _ := filepath.Rel(dir, f)
		p, err := importFile(f, rep)
		if err == nil {
			if prev, dup := seen[p.Code]; dup {
				err = fmt.Errorf("code %s is already imported from %s: the same procedure appears twice; the first one is kept", p.Code, prev)
			}
		}
		if err == nil && opt.Out != "" {
			err = write(opt.Out, p, rep)
		}
		if err != nil {
			rep.Failed++
			rep.Failures = append(rep.Failures, failure(rel, err))
		} else {
			seen[p.Code] = rel
			procs = append(procs, p)
			rep.Procedures++
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(files))
		}
	}
	ratio := func(c [2]int) float64 {
		if c[0] == 0 {
			return 1
		}
		return float64(c[1]) / float64(c[0])
	}
	rep.Coverage = Coverage{ratio(rep.counts[0]), ratio(rep.counts[1]), ratio(rep.counts[2]), ratio(rep.counts[3])}
	return rep, procs, nil
}

func sourceFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if depth := strings.Count(strings.TrimPrefix(path, dir), string(filepath.Separator)); depth > 1 {
				return fs.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(path), ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dvcqg: read %s: %w", dir, err)
	}
	sort.Strings(files)
	return files, nil
}

func write(out string, p *content.Procedure, rep *Report) error {
	data, err := content.Marshal(p)
	if err != nil {
		return err
	}
	path := filepath.Join(out, p.Code+".md")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return err
	}
	rep.Written++
	return nil
}

var requiredKeys = []string{"ma_thu_tuc", "ten_thu_tuc", "cach_thuc_thuc_hien", "thanh_phan_ho_so"}

func importFile(path string, rep *Report) (*content.Procedure, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(data, err)
	}
	var missing []string
	for i, v := range []*string{r.Code, r.Name, r.Channels, r.Documents} {
		if v == nil {
			missing = append(missing, requiredKeys[i])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("unknown layout: no %s; expected a portal record with the keys %s", strings.Join(missing, ", "), strings.Join(requiredKeys, ", "))
	}
	p := convert(&r)
	if !vi.ProcedureCode.MatchString(p.Code) {
		return nil, fmt.Errorf("ma_thu_tuc %q is not a procedure code such as 1.001193", p.Code)
	}
	if p.Name == "" {
		return nil, errors.New("ten_thu_tuc (name) is empty")
	}
	if probs := content.Validate("", p, nil); len(probs) > 0 {
		for _, pr := range probs {
			if !pr.Warning {
				return nil, errors.New(pr.Msg)
			}
		}
	}
	rep.count(0, hasChannelNumber(*r.Channels), slices.ContainsFunc(p.Channels, func(c content.Channel) bool { return c.TimeValue != nil }))
	docs := ParseDocuments(*r.Documents)
	rep.count(1, countRe.MatchString(content.Normalize(*r.Documents)), slices.ContainsFunc(docs, func(d DocumentRow) bool { return d.Counted }))
	rep.count(2, legalCode.MatchString(content.Normalize(r.LegalBasis)), slices.ContainsFunc(p.LegalBasis, func(d content.LegalDoc) bool { return d.Code != "" }))
	rep.count(3, kqCode.MatchString(r.Results), slices.ContainsFunc(p.Results, func(r content.Result) bool { return r.Code != "" }))
	return p, nil
}

func (rep *Report) count(table int, hasNumber, extracted bool) {
	if hasNumber {
		rep.counts[table][0]++
		if extracted {
			rep.counts[table][1]++
		}
	}
}

var kqCode = regexp.MustCompile(`KQ\.[A-Z]\d{2}\.\d{6}`)
var channelNumber = regexp.MustCompile(`(?i)(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)\s*\d`)

func hasChannelNumber(s string) bool { return channelNumber.MatchString(content.Normalize(s)) }

func jsonError(data []byte, err error) error {
	line := func(offset int64) int {
		return 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n"))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &lineError{line(se.Offset), fmt.Errorf("malformed JSON: %w", se)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &lineError{line(te.Offset), fmt.Errorf("unknown layout: key %q holds %s where text was expected", te.Field, te.Value)}
	}
	return fmt.Errorf("malformed JSON: %w", err)
}

var procCode = regexp.MustCompile(`\b[1-9]\.\d{6}(?:\.\d{2})?\b`)

func convert(r *record) *content.Procedure {
	n := content.Normalize
	p := &content.Procedure{
		Code:       strings.TrimSpace(n(*r.Code)),
		Name:       oneLine(n(*r.Name)),
		Decision:   n(r.Decision),
		Kind:       n(r.Kind),
		Field:      oneLine(n(r.Field)),
		Applicants: n(r.Applicants),
		Agencies: content.Agencies{
			Competent:    agency(r.Competent),
			Executing:    agency(r.Executing),
			Authorized:   agency(r.Authorized),
			Coordinating: agency(r.Coordinating),
		},
		Address:    n(r.Address),
		Steps:      markdownText(r.Steps),
		Conditions: markdownText(r.Conditions),
		Channels:   ParseChannels(*r.Channels),
		LegalBasis: ParseLegalBasis(r.LegalBasis),
		SourceURL:  strings.TrimSpace(r.DetailURL),
	}
	for _, l := range strings.Split(n(r.Levels), ",") {
		if l = strings.TrimSpace(l); l != "" {
			p.Levels = append(p.Levels, l)
		}
	}
	for _, d := range ParseDocuments(*r.Documents) {
		p.Documents = append(p.Documents, d.Document)
	}
	p.Results, p.Keywords = ParseResults(r.Results)
	for _, c := range procCode.FindAllString(n(r.Related), -1) {
		if c != p.Code {
			p.Related = append(p.Related, c)
		}
	}
	return p
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// agency cleans an agency name: one line, without the trailing full stop.
func agency(s string) string {
	return strings.TrimRight(oneLine(content.Normalize(s)), ". ")
}

// markdownText turns the portal's free text into Markdown: one paragraph or
// list item a line, with marks that Markdown would read as headings or HTML
// escaped.
func markdownText(s string) string {
	s = content.Normalize(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "=") || strings.HasPrefix(l, "|") {
			l = `\` + l
		}
		l = strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(l)
		lines[i] = l
	}
	return strings.Join(lines, "\n\n")
}
