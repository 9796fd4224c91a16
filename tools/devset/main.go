// Command devset makes the OCR development set: every
// tools/devset/docs/*.scan is a template of one kind of document (Go
// text/template over internal/scanmaker's markup, with "% key: value"
// lines giving its fields); each is filled -variants times with
// fictional people, places, numbers and dates from a seeded generator,
// set in a typeface and body size the generator picks, and degraded in
// every scanmaker condition. The kinds are split by the seed into a
// tuning half and a test half, each written in the shared OCR bench's
// layout:
//
//	OUT/tuning|test/pages/<condition>/<doc>.png|.jpg   the page
//	OUT/tuning|test/pages/<condition>/<doc>.gt.txt     its text, in reading order
//	OUT/tuning|test/fields/<doc>.json                  its fields
//	OUT/split.tsv                                      doc, kind, half, typeface, size
//
// The same seed makes the same bytes. Never tune anything on the test half.
//
// Usage: go run ./tools/devset -out build/devset [-seed 13] [-variants 2] [-docs N] [-half test] [-conds clean,fax] [-workers N]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"motcua/internal/progress"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"motcua/internal/devset"
	"motcua/internal/scanmaker"
)

func main() {
	src := flag.String("src", "tools/devset/docs", "the templates' folder")
	out := flag.String("out", "build/devset", "output folder")
	seed := flag.Uint64("seed", devset.Seed, "seed of the variants, typefaces and the split")
	variants := flag.Int("variants", 2, "documents per kind")
	conds := flag.String("conds", strings.Join(scanmaker.Conditions, ","), "conditions to make")
	workers := flag.Int("workers", runtime.NumCPU(), "pages made at once")
	limit := flag.Int("docs", 0, "only the first N documents of each half, in name order (0: all)")
	only := flag.String("half", "", "only this half (tuning or test)")
	flag.Parse()
	if err := run(*src, *out, *seed, *variants, *limit, *only, strings.Split(*conds, ","), *workers); err != nil {
		fmt.Fprintln(os.Stderr, "devset:", err)
		os.Exit(1)
	}
}

func run(src, out string, seed uint64, variants, limit int, only string, conds []string, workers int) error {
	all, err := devset.Generate(src, seed, variants)
	if err != nil {
		return err
	}
	var docs []devset.Doc
	perHalf := map[string]int{}
	for _, d := range all {
		if perHalf[d.Half]++; (limit == 0 || perHalf[d.Half] <= limit) && (only == "" || only == d.Half) {
			docs = append(docs, d)
		}
	}
	var tsv strings.Builder
	tsv.WriteString("doc\tkind\thalf\ttypeface\tbody_pt\n")
	for _, d := range all { // the whole set's split, whatever is made
		fmt.Fprintf(&tsv, "%s\t%s\t%s\t%s\t%.1f\n", d.Name, d.Kind, d.Half, d.Style.Face.Name, d.Style.BodyPt)
	}
	for _, d := range docs {
		fdir := filepath.Join(out, d.Half, "fields")
		if err := os.MkdirAll(fdir, 0o755); err != nil {
			return err
		}
		js, err := json.MarshalIndent(d.Fields, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(fdir, d.Name+".json"), append(js, '\n'), 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "split.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	type job struct {
		d    devset.Doc
		cond string
	}
	jobs := make(chan job)
	errs := make(chan error, len(docs)*len(conds))
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				errs <- devset.WritePage(out, j.d, j.cond)
			}
		}()
	}
	bar := progress.New(os.Stderr, "tạo bộ phát triển", "trang")
	n := 0
	for _, d := range docs {
		for _, c := range conds {
			jobs <- job{d, c}
			n++
			bar.Update(n, len(docs)*len(conds))
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	bar.Done()
	for err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("devset: %d tài liệu × %d điều kiện trong %s\n", len(docs), len(conds), out)
	return nil
}
