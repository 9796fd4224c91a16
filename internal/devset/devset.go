// Package devset makes motcua's OCR development set from templates of
// document kinds (tools/devset/docs): each template is filled with
// fictional people, places, numbers and dates drawn from a seeded
// generator, set in a typeface and size drawn from it too, and degraded
// by internal/scanmaker's conditions. Ground-truth text comes from the
// composer, fields from the template's "% key: value" lines. Kinds are
// split by the seed into a tuning half and a test half.
package devset

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/scanmaker"
)

// Seed is the development set's default seed.
const Seed = 13

// Halves of the set.
const (
	Tuning = "tuning"
	Test   = "test"
)

// Fields is a document's expected fields, in the shared OCR bench's
// schema (its fields/README.md).
type Fields struct {
	DocType        *string  `json:"doc_type"`
	NumberSymbol   *string  `json:"number_symbol"`
	IssueDate      *string  `json:"issue_date"`
	IssuePlace     *string  `json:"issue_place"`
	Issuer         *string  `json:"issuer"`
	Summary        *string  `json:"summary"`
	SignerName     *string  `json:"signer_name"`
	SignerTitle    *string  `json:"signer_title"`
	PersonIDs      []string `json:"person_ids"`
	DossierCodes   []string `json:"dossier_codes"`
	ProcedureCodes []string `json:"procedure_codes"`
	MoneyVND       []int64  `json:"money_vnd"`
}

// Doc is one document of the set.
type Doc struct {
	Name, Kind, Half string
	Src              string // the filled markup
	Style            scanmaker.Style
	Fields           Fields
	Seed             uint64
}

// typefaces are drawn for each document: three families besides the
// shared bench's Liberation Serif, two of them sans.
var typefaces = []scanmaker.Typeface{scanmaker.LiberationSerif, scanmaker.DejaVuSerif, scanmaker.DejaVuSans, scanmaker.LiberationSans}

// Generate fills every template in dir variants times. The result is in
// name order and depends only on the templates, seed and variants.
func Generate(dir string, seed uint64, variants int) ([]Doc, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.scan"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no templates (*.scan) in %s", dir)
	}
	slices.Sort(files)
	var kinds []string
	for _, f := range files {
		kinds = append(kinds, strings.TrimSuffix(filepath.Base(f), ".scan"))
	}
	half := Split(kinds, seed)
	var docs []Doc
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for v := 1; v <= variants; v++ {
			name := fmt.Sprintf("%s-%d", kinds[i], v)
			s := docSeed(seed, name)
			rng := rand.New(rand.NewPCG(s, 1))
			tmpl, err := template.New(filepath.Base(f)).Funcs(funcs(rng)).Option("missingkey=error").Parse(string(data))
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			d := Doc{Name: name, Kind: kinds[i], Half: half[kinds[i]], Src: norm.NFC.String(buf.String()), Seed: s}
			d.Style = scanmaker.Style{Face: typefaces[rng.IntN(len(typefaces))], BodyPt: 12 + float64(rng.IntN(5))*0.5, DPI: 300}
			if d.Fields, err = parseFields(d.Src); err != nil {
				return nil, fmt.Errorf("%s (%s): %w", f, name, err)
			}
			docs = append(docs, d)
		}
	}
	return docs, nil
}

// Split assigns each kind to a half by a hash of the seed and the kind's
// name alone, so that a kind added later moves no other kind. Every
// variant of a kind lands in the same half, so that the test half's
// layouts are never tuned on.
func Split(kinds []string, seed uint64) map[string]string {
	half := map[string]string{}
	for _, kind := range kinds {
		half[kind] = Tuning
		if docSeed(seed, "split/"+kind)%2 == 1 {
			half[kind] = Test
		}
	}
	return half
}

func docSeed(seed uint64, name string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, name)
	return h.Sum64()
}

// Compose sets d in its style, set a half point smaller (down to 11 pt)
// while it overflows its page.
func Compose(d Doc) (*scanmaker.Composed, error) {
	st := d.Style
	for {
		c, err := scanmaker.Compose(d.Src, st)
		if err == nil || st.BodyPt <= 11 || !strings.Contains(err.Error(), "overflows") {
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if len(c.Pages) != 1 {
				return nil, fmt.Errorf("%s: %d pages, the bench takes one", d.Name, len(c.Pages))
			}
			return c, nil
		}
		st.BodyPt -= 0.5
	}
}

// WritePage writes d's page in condition cond, with its ground truth,
// under out/<half>/pages/<cond>/, through a temporary file and a rename.
func WritePage(out string, d Doc, cond string) error {
	c, err := Compose(d)
	if err != nil {
		return err
	}
	data, ext, err := scanmaker.Condition(cond, c, 0, d.Seed^uint64(slices.Index(scanmaker.Conditions, cond)+1))
	if err != nil {
		return fmt.Errorf("%s, %s: %w", d.Name, cond, err)
	}
	dir := filepath.Join(out, d.Half, "pages", cond)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, d.Name+ext), data); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, d.Name+".gt.txt"), []byte(c.Text[0]+"\n"))
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// parseFields reads the "% key: value" lines; a missing or "null" value
// is null, lists are comma-separated.
func parseFields(src string) (Fields, error) {
	f := Fields{PersonIDs: []string{}, DossierCodes: []string{}, ProcedureCodes: []string{}, MoneyVND: []int64{}}
	strs := map[string]**string{
		"doc_type": &f.DocType, "number_symbol": &f.NumberSymbol, "issue_date": &f.IssueDate,
		"issue_place": &f.IssuePlace, "issuer": &f.Issuer, "summary": &f.Summary,
		"signer_name": &f.SignerName, "signer_title": &f.SignerTitle,
	}
	lists := map[string]*[]string{"person_ids": &f.PersonIDs, "dossier_codes": &f.DossierCodes, "procedure_codes": &f.ProcedureCodes}
	for i, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "%") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "%"), ":")
		k, v = strings.TrimSpace(k), strings.Join(strings.Fields(v), " ")
		if !ok {
			return f, fmt.Errorf("line %d: a field line is %% key: value", i+1)
		}
		var items []string
		for _, it := range strings.Split(v, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		switch {
		case strs[k] != nil:
			if v != "" && v != "null" {
				s := v
				*strs[k] = &s
			}
		case lists[k] != nil:
			*lists[k] = append(*lists[k], items...)
		case k == "money_vnd":
			for _, it := range items {
				n, err := strconv.ParseInt(strings.ReplaceAll(it, ".", ""), 10, 64)
				if err != nil {
					return f, fmt.Errorf("line %d: money_vnd %q is not a number", i+1, it)
				}
				f.MoneyVND = append(f.MoneyVND, n)
			}
		default:
			return f, fmt.Errorf("line %d: unknown field %q", i+1, k)
		}
	}
	if f.DocType == nil {
		return f, fmt.Errorf("no %% doc_type line")
	}
	return f, nil
}
