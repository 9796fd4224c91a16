package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/pipeline"
	"motcua/store"
)

// benchConds is the bench's condition order.
var benchConds = []string{"clean", "rot1", "rot3", "noise", "blur", "dpi200", "dpi150", "jpeg", "paper", "stamp", "combo"}

func runBenchOCR(args []string) error {
	fs := flag.NewFlagSet("bench ocr", flag.ContinueOnError)
	workers := fs.Int("workers", runtime.NumCPU(), "số luồng nhận dạng (cả motcua lẫn tesseract CLI)")
	conds := fs.String("conds", "", "chỉ đo các điều kiện này (phân cách bằng dấu phẩy)")
	noCLI := fs.Bool("no-cli", false, "bỏ qua phép đo tesseract CLI")
	keep := fs.String("keep", "", "giữ thư mục dữ liệu của lần chạy ở đây")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cách dùng: motcua bench ocr DIR [--workers N] [--conds clean,rot3] [--no-cli]"}
	}
	return benchOCR(pos[0], *workers, *conds, !*noCLI, *keep)
}

type benchPage struct {
	path, cond, doc string
}

func benchPages(dir, only string) ([]benchPage, error) {
	var pages []benchPage
	want := map[string]bool{}
	for _, c := range strings.Split(only, ",") {
		if c != "" {
			want[c] = true
		}
	}
	for _, c := range benchConds {
		if len(want) > 0 && !want[c] {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "pages", c, "*"))
		sort.Strings(files)
		for _, f := range files {
			ext := filepath.Ext(f)
			if ext != ".png" && ext != ".jpg" {
				continue
			}
			pages = append(pages, benchPage{path: f, cond: c, doc: strings.TrimSuffix(filepath.Base(f), ext)})
		}
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("không thấy trang nào trong %s/pages/<điều kiện>/ (cần bộ đo ../shared/ocr-bench)", dir)
	}
	return pages, nil
}

// fieldTruth is one document's expected fields (fields/<doc>.json).
type fieldTruth struct {
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

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func normField(s string, fold bool) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if fold {
		s = strings.ToLower(s)
	}
	return s
}

func sameSet[T comparable](a, b []T) bool {
	m := map[T]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// fieldMatches compares extracted fields with the truth as the bench's
// fields/README.md suggests.
func fieldMatches(got store.Fields, want fieldTruth) map[store.Field]bool {
	eq := func(a string, b *string, fold bool) bool { return normField(a, fold) == normField(str(b), fold) }
	return map[store.Field]bool{
		store.DocType:        eq(got.DocType, want.DocType, false),
		store.NumberSymbol:   eq(got.NumberSymbol, want.NumberSymbol, false),
		store.IssueDate:      eq(got.IssueDate, want.IssueDate, false),
		store.IssuePlace:     eq(got.IssuePlace, want.IssuePlace, false),
		store.Issuer:         eq(got.Issuer, want.Issuer, true),
		store.Summary:        eq(got.Summary, want.Summary, true),
		store.SignerName:     eq(got.SignerName, want.SignerName, false),
		store.SignerTitle:    eq(got.SignerTitle, want.SignerTitle, true),
		store.PersonIDs:      sameSet(got.PersonIDs, want.PersonIDs),
		store.DossierCodes:   sameSet(got.DossierCodes, want.DossierCodes),
		store.ProcedureCodes: sameSet(got.ProcedureCodes, want.ProcedureCodes),
		store.MoneyVND:       sameSet(got.MoneyVND, want.MoneyVND),
	}
}

func benchOCR(dir string, workers int, only string, cli bool, keep string) error {
	pages, err := benchPages(dir, only)
	if err != nil {
		return err
	}
	truth := map[string]fieldTruth{}
	for _, p := range pages {
		if _, ok := truth[p.doc]; ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "fields", p.doc+".json"))
		if err != nil {
			return err
		}
		var t fieldTruth
		if err := json.Unmarshal(data, &t); err != nil {
			return fmt.Errorf("%s: %w", p.doc, err)
		}
		truth[p.doc] = t
	}
	data := keep
	if data == "" {
		tmp, err := os.MkdirTemp("", "motcua-bench-ocr-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		data = tmp
	}
	db, blobs, err := openSQLite(data)
	if err != nil {
		return err
	}
	defer db.Close()
	paths := make([]string, len(pages))
	for i, p := range pages {
		paths[i] = p.path
	}
	fmt.Fprintf(stdout, "bench ocr: %d trang, %d luồng, Tesseract %s, mô hình %s, OMP_THREAD_LIMIT=%s\n",
		len(pages), workers, tesseractVersion(), pipeline.Lang, os.Getenv(pipeline.OMPEnv))

	// Throughput runs in the order motcua, CLI, CLI, motcua, so that a
	// load that drifts during the bench weighs on both sides alike.
	digitize := func(db store.Store, blobs store.Blobs) (time.Duration, pipeline.Summary, error) {
		start := time.Now()
		sum, err := pipeline.Digitize(context.Background(), db, blobs, paths, pipeline.Options{Workers: workers, Force: true})
		if err == nil && sum.Failed > 0 {
			err = fmt.Errorf("%d trang lỗi: %v", sum.Failed, sum.Failures)
		}
		return time.Since(start), sum, err
	}
	motcuaTime, sum, err := digitize(db, blobs)
	if err != nil {
		return err
	}
	runs := []string{fmt.Sprintf("motcua %.1f s", motcuaTime.Seconds())}

	byPath := map[string]benchPage{}
	for _, p := range pages {
		byPath[p.path] = p
	}
	per := map[string]*ocrErrors{}
	var all ocrErrors
	hits := map[store.Field]int{}
	n := 0
	var misses []string
	err = db.All(context.Background(), false, func(r *store.Record) error {
		p, ok := byPath[r.SourcePath]
		if !ok {
			return nil
		}
		gt, err := os.ReadFile(filepath.Join(dir, "pages", p.cond, p.doc+".gt.txt"))
		if err != nil {
			return err
		}
		e := scoreOCR(string(gt), r.Text)
		if per[p.cond] == nil {
			per[p.cond] = &ocrErrors{}
		}
		per[p.cond].Add(e)
		all.Add(e)
		n++
		for k, ok := range fieldMatches(r.Fields, truth[p.doc]) {
			if ok {
				hits[k]++
			} else {
				misses = append(misses, fmt.Sprintf("%s/%s %s: %q", p.cond, p.doc, k, r.Fields.Value(k)))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	var cliTime time.Duration
	cliErr := map[string]*ocrErrors{}
	var cliAll ocrErrors
	if cli {
		for i := range 2 {
			t, err := benchCLI(pages, workers, dir, cliErr, &cliAll, i == 0)
			if err != nil {
				return err
			}
			cliTime += t
			runs = append(runs, fmt.Sprintf("CLI %.1f s", t.Seconds()))
		}
		tmp, err := os.MkdirTemp("", "motcua-bench-ocr-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		db2, blobs2, err := openSQLite(tmp)
		if err != nil {
			return err
		}
		t, _, err := digitize(db2, blobs2)
		db2.Close()
		if err != nil {
			return err
		}
		motcuaTime += t
		runs = append(runs, fmt.Sprintf("motcua %.1f s", t.Seconds()))
	}

	fmt.Fprintln(stdout, "\nCER/WER theo điều kiện (%, như tools/score của bộ đo)")
	fmt.Fprintln(stdout, "điều kiện  motcua CER  WER    | tesseract CLI CER  WER")
	for _, c := range benchConds {
		e := per[c]
		if e == nil {
			continue
		}
		line := fmt.Sprintf("%-9s  %6.2f  %6.2f", c, e.CER(), e.WER())
		if ce := cliErr[c]; ce != nil {
			line += fmt.Sprintf("     | %6.2f  %6.2f", ce.CER(), ce.WER())
		}
		fmt.Fprintln(stdout, line)
	}
	line := fmt.Sprintf("%-9s  %6.2f  %6.2f", "ALL", all.CER(), all.WER())
	if cli {
		line += fmt.Sprintf("     | %6.2f  %6.2f", cliAll.CER(), cliAll.WER())
	}
	fmt.Fprintln(stdout, line)

	fmt.Fprintf(stdout, "\nTrường trích xuất: tỉ lệ khớp chính xác trên %d trang\n", n)
	for _, k := range store.ExtractedFields {
		key := ""
		if slices.Contains(store.KeyFields, k) {
			key = " (trường chính, mục tiêu ≥ 95 %)"
		}
		fmt.Fprintf(stdout, "  %-16s %6.1f %%%s\n", k, 100*float64(hits[k])/float64(max(n, 1)), key)
	}
	fmt.Fprintf(stdout, "Trạng thái: %d tự động, %d cần duyệt\n", sum.Auto, sum.Review)
	if len(misses) > 0 && os.Getenv("MOTCUA_BENCH_MISSES") != "" {
		fmt.Fprintln(stdout, "\nTrường sai:")
		for _, m := range misses {
			fmt.Fprintln(stdout, "  "+m)
		}
	}

	npages := float64(len(pages))
	if cli {
		npages *= 2
	}
	mp := npages / motcuaTime.Minutes()
	fmt.Fprintf(stdout, "\nThông lượng (%d luồng; các lượt: %s): motcua digitize %.1f trang/phút", workers, strings.Join(runs, ", "), mp)
	if cli {
		cp := npages / cliTime.Minutes()
		fmt.Fprintf(stdout, "; tesseract CLI %.1f trang/phút; tỉ lệ %.2f\n", cp, mp/cp)
		fmt.Fprintf(stdout, "Mục tiêu: tỉ lệ ≥ 1,0: %s; CER tổng ≤ 0,3 %%: %s\n", pass(mp/cp >= 1), pass(all.CER() <= 0.3))
	} else {
		fmt.Fprintln(stdout)
	}
	return nil
}

func tesseractVersion() string {
	out, err := exec.Command("tesseract", "--version").Output()
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(out))
	if len(f) >= 2 {
		return f[1]
	}
	return "?"
}

// benchCLI runs the bare tesseract CLI on the same pages with the same
// model and parallelism, one process per page, OMP_THREAD_LIMIT=1.
func benchCLI(pages []benchPage, workers int, dir string, per map[string]*ocrErrors, all *ocrErrors, scoreIt bool) (time.Duration, error) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return 0, fmt.Errorf("cần lệnh tesseract để so sánh: apt-get install tesseract-ocr tesseract-ocr-vie")
	}
	type out struct {
		p    benchPage
		text string
		err  error
	}
	jobs := make(chan benchPage)
	results := make(chan out)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				cmd := exec.Command("tesseract", p.path, "stdout", "-l", pipeline.Lang, "--psm", "3")
				cmd.Env = append(os.Environ(), pipeline.OMPEnv+"=1")
				b, err := cmd.Output()
				results <- out{p, string(b), err}
			}
		}()
	}
	go func() {
		for _, p := range pages {
			jobs <- p
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var firstErr error
	var rs []out
	for r := range results {
		rs = append(rs, r)
	}
	elapsed := time.Since(start)
	for _, r := range rs {
		if r.err != nil && firstErr == nil {
			firstErr = fmt.Errorf("tesseract %s: %w", r.p.path, r.err)
		}
		if !scoreIt {
			continue
		}
		gt, err := os.ReadFile(filepath.Join(dir, "pages", r.p.cond, r.p.doc+".gt.txt"))
		if err != nil {
			return 0, err
		}
		e := scoreOCR(string(gt), r.text)
		if per[r.p.cond] == nil {
			per[r.p.cond] = &ocrErrors{}
		}
		per[r.p.cond].Add(e)
		all.Add(e)
	}
	return elapsed, firstErr
}
