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

	"motcua/internal/devset"
	"motcua/internal/scanmaker"
	"motcua/pipeline"
	"motcua/store"
)

// benchConds is the bench's condition order: the shared bench's, then
// the development set's own (internal/scanmaker.Conditions).
var benchConds = func() []string {
	c := []string{"clean", "rot1", "rot3", "noise", "blur", "dpi200", "dpi150", "jpeg", "paper", "stamp", "combo"}
	for _, d := range scanmaker.Conditions {
		if !slices.Contains(c, d) {
			c = append(c, d)
		}
	}
	return c
}()

func runBenchOCR(args []string) error {
	fs := flag.NewFlagSet("bench ocr", flag.ContinueOnError)
	workers := fs.Int("workers", runtime.NumCPU(), "số luồng nhận dạng (cả motcua lẫn tesseract CLI)")
	conds := fs.String("conds", "", "chỉ đo các điều kiện này (phân cách bằng dấu phẩy)")
	noCLI := fs.Bool("no-cli", false, "bỏ qua phép đo tesseract CLI")
	keep := fs.String("keep", "", "giữ thư mục dữ liệu của lần chạy ở đây")
	dev := fs.String("dev", "", "bộ phát triển (go run ./tools/devset): đo cả nửa kiểm tra DIR/test và nửa tinh chỉnh DIR/tuning")
	docs := fs.Int("docs", 0, "chỉ đo N tài liệu đầu của mỗi bộ (0: tất cả)")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	once := fs.Bool("once", false, "mỗi bên chạy một lượt (nhanh gấp đôi; thông lượng kém tin cậy hơn)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var sets []string
	for _, d := range pos {
		if _, err := os.Stat(filepath.Join(d, "pages")); err != nil {
			if _, err := os.Stat(filepath.Join(d, "test", "pages")); err == nil {
				sets = append(sets, filepath.Join(d, "test"), filepath.Join(d, "tuning"))
				continue
			}
		}
		sets = append(sets, d)
	}
	if *dev != "" {
		sets = append(sets, filepath.Join(*dev, "test"), filepath.Join(*dev, "tuning"))
	}
	if len(sets) == 0 {
		return usageError{"cách dùng: motcua bench ocr DIR... [--dev DIR] [--workers N] [--conds clean,fax] [--docs N] [--no-cli] [--once] [--json]"}
	}
	var results []*benchResult
	for i, dir := range sets {
		keepDir := ""
		if *keep != "" {
			keepDir = filepath.Join(*keep, fmt.Sprint(i))
		}
		r, err := benchOCR(dir, *workers, *conds, *docs, !*noCLI, *once, keepDir)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		if !*asJSON {
			r.print()
		}
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	return nil
}

type benchPage struct {
	path, cond, doc string
}

// benchPages lists the pages of a bench folder in condition order, of
// the first limit documents by name (0: all).
func benchPages(dir, only string, limit int) ([]benchPage, error) {
	var pages []benchPage
	want := map[string]bool{}
	for _, c := range strings.Split(only, ",") {
		if c != "" {
			want[c] = true
		}
	}
	docs := map[string]bool{}
	if limit > 0 {
		files, _ := filepath.Glob(filepath.Join(dir, "fields", "*.json"))
		sort.Strings(files)
		for _, f := range files[:min(limit, len(files))] {
			docs[strings.TrimSuffix(filepath.Base(f), ".json")] = true
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
			doc := strings.TrimSuffix(filepath.Base(f), ext)
			if limit > 0 && !docs[doc] {
				continue
			}
			pages = append(pages, benchPage{path: f, cond: c, doc: doc})
		}
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("không thấy trang nào trong %s/pages/<điều kiện>/ (cần bộ đo ../shared/ocr-bench)", dir)
	}
	return pages, nil
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
func fieldMatches(got store.Fields, want devset.Fields) map[store.Field]bool {
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

// benchResult is one bench folder's figures.
type benchResult struct {
	Name      string                  `json:"name"`
	Dir       string                  `json:"dir"`
	Pages     int                     `json:"pages"`
	Workers   int                     `json:"workers"`
	Motcua    map[string]ocrErrors    `json:"motcua"` // per condition, and "ALL"
	CLI       map[string]ocrErrors    `json:"cli,omitempty"`
	Fields    map[store.Field]float64 `json:"fields"`         // share of pages with the field right
	Auto      int                     `json:"auto"`           // records marked auto
	AutoRight int                     `json:"auto_right"`     // of which the four key fields are right
	AutoShare float64                 `json:"auto_share"`     // Auto / Pages
	AutoPrec  float64                 `json:"auto_precision"` // AutoRight / Auto
	MotcuaPPM float64                 `json:"motcua_pages_per_min"`
	CLIPPM    float64                 `json:"cli_pages_per_min,omitempty"`
	Ratio     float64                 `json:"ratio,omitempty"`
	Runs      []string                `json:"runs"`
	Misses    []string                `json:"misses,omitempty"`
}

// benchName names a bench folder: "shared" for the shared bench, the
// half for a development set's.
func benchName(dir string) string {
	base := filepath.Base(filepath.Clean(dir))
	if base == devset.Test || base == devset.Tuning {
		return "dev/" + base
	}
	return base
}

func benchOCR(dir string, workers int, only string, limit int, cli, once bool, keep string) (*benchResult, error) {
	pages, err := benchPages(dir, only, limit)
	if err != nil {
		return nil, err
	}
	truth := map[string]devset.Fields{}
	for _, p := range pages {
		if _, ok := truth[p.doc]; ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "fields", p.doc+".json"))
		if err != nil {
			return nil, err
		}
		var t devset.Fields
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", p.doc, err)
		}
		truth[p.doc] = t
	}
	data := keep
	if data == "" {
		tmp, err := os.MkdirTemp("", "motcua-bench-ocr-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		data = tmp
	}
	db, blobs, err := openSQLite(data)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	paths := make([]string, len(pages))
	for i, p := range pages {
		paths[i] = p.path
	}
	res := &benchResult{Name: benchName(dir), Dir: dir, Pages: len(pages), Workers: workers,
		Motcua: map[string]ocrErrors{}, Fields: map[store.Field]float64{}}
	fmt.Fprintf(stderr, "bench ocr %s: %d trang, %d luồng, Tesseract %s, mô hình %s, OMP_THREAD_LIMIT=%s\n",
		dir, len(pages), workers, tesseractVersion(), pipeline.Lang, os.Getenv(pipeline.OMPEnv))

	// Throughput runs in the order motcua, CLI, CLI, motcua, so that a
	// load that drifts during the bench weighs on both sides alike.
	digitize := func(db store.Store, blobs store.Blobs) (time.Duration, error) {
		start := time.Now()
		sum, err := pipeline.Digitize(context.Background(), db, blobs, paths, pipeline.Options{Workers: workers, Force: true})
		if err == nil && sum.Failed > 0 {
			err = fmt.Errorf("%d trang lỗi: %v", sum.Failed, sum.Failures)
		}
		return time.Since(start), err
	}
	motcuaTime, err := digitize(db, blobs)
	if err != nil {
		return nil, err
	}
	res.Runs = append(res.Runs, fmt.Sprintf("motcua %.1f s", motcuaTime.Seconds()))

	byPath := map[string]benchPage{}
	for _, p := range pages {
		byPath[p.path] = p
	}
	hits := map[store.Field]int{}
	n := 0
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
		addErrors(res.Motcua, p.cond, e)
		n++
		right := fieldMatches(r.Fields, truth[p.doc])
		for k, ok := range right {
			if ok {
				hits[k]++
			} else {
				res.Misses = append(res.Misses, fmt.Sprintf("%s/%s %s: %q", p.cond, p.doc, k, r.Fields.Value(k)))
			}
		}
		if r.Status == store.StatusAuto {
			res.Auto++
			all := true
			for _, k := range store.KeyFields {
				all = all && right[k]
			}
			if all {
				res.AutoRight++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range store.ExtractedFields {
		res.Fields[k] = float64(hits[k]) / float64(max(n, 1))
	}
	res.AutoShare = float64(res.Auto) / float64(max(n, 1))
	res.AutoPrec = float64(res.AutoRight) / float64(max(res.Auto, 1))

	var cliTime time.Duration
	if cli {
		res.CLI = map[string]ocrErrors{}
		for i := range 2 {
			if once && i > 0 {
				break
			}
			t, err := benchCLI(pages, workers, dir, res.CLI, i == 0)
			if err != nil {
				return nil, err
			}
			cliTime += t
			res.Runs = append(res.Runs, fmt.Sprintf("CLI %.1f s", t.Seconds()))
		}
	}
	if cli && !once {
		tmp, err := os.MkdirTemp("", "motcua-bench-ocr-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		db2, blobs2, err := openSQLite(tmp)
		if err != nil {
			return nil, err
		}
		t, err := digitize(db2, blobs2)
		db2.Close()
		if err != nil {
			return nil, err
		}
		motcuaTime += t
		res.Runs = append(res.Runs, fmt.Sprintf("motcua %.1f s", t.Seconds()))
	}
	npages := float64(len(pages))
	if cli && !once {
		npages *= 2
	}
	res.MotcuaPPM = npages / motcuaTime.Minutes()
	if cli {
		res.CLIPPM = npages / cliTime.Minutes()
		res.Ratio = res.MotcuaPPM / res.CLIPPM
	}
	return res, nil
}

// addErrors adds one page's counts to its condition and to "ALL".
func addErrors(m map[string]ocrErrors, cond string, e ocrErrors) {
	for _, k := range []string{cond, "ALL"} {
		v := m[k]
		v.Add(e)
		m[k] = v
	}
}

func (r *benchResult) print() {
	w := stdout
	fmt.Fprintf(w, "\n== %s (%s): %d trang ==\n", r.Name, r.Dir, r.Pages)
	fmt.Fprintln(w, "CER/WER/lỗi dấu theo điều kiện (%, như tools/score của bộ đo)")
	fmt.Fprintln(w, "điều kiện    motcua CER    WER  dấu   | tesseract CLI CER    WER  dấu")
	for _, c := range append(slices.Clone(benchConds), "ALL") {
		e, ok := r.Motcua[c]
		if !ok {
			continue
		}
		line := fmt.Sprintf("%-11s  %6.2f  %6.2f  %5.2f", c, e.CER(), e.WER(), e.DiaWER())
		if ce, ok := r.CLI[c]; ok {
			line += fmt.Sprintf("  |        %6.2f  %6.2f  %5.2f", ce.CER(), ce.WER(), ce.DiaWER())
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "Trường trích xuất: tỉ lệ khớp chính xác trên %d trang\n", r.Pages)
	for _, k := range store.ExtractedFields {
		key := ""
		if slices.Contains(store.KeyFields, k) {
			key = " (trường chính, mục tiêu ≥ 95 %)"
		}
		fmt.Fprintf(w, "  %-16s %6.1f %%%s\n", k, 100*r.Fields[k], key)
	}
	fmt.Fprintf(w, "Tự động: %d/%d trang (%.1f %%); độ chính xác tự động %.1f %% (%d/%d đúng cả bốn trường chính; mục tiêu ≥ 99 %%)\n",
		r.Auto, r.Pages, 100*r.AutoShare, 100*r.AutoPrec, r.AutoRight, r.Auto)
	if len(r.Misses) > 0 && os.Getenv("MOTCUA_BENCH_MISSES") != "" {
		fmt.Fprintln(w, "Trường sai:")
		for _, m := range r.Misses {
			fmt.Fprintln(w, "  "+m)
		}
	}
	fmt.Fprintf(w, "Thông lượng (%d luồng; các lượt: %s): motcua digitize %.1f trang/phút", r.Workers, strings.Join(r.Runs, ", "), r.MotcuaPPM)
	if r.CLI == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "; tesseract CLI %.1f trang/phút; tỉ lệ %.2f\n", r.CLIPPM, r.Ratio)
	all, cliAll := r.Motcua["ALL"], r.CLI["ALL"]
	if strings.HasPrefix(r.Name, "dev/") {
		fax, cliFax := r.Motcua["fax"], r.CLI["fax"]
		keys := true
		for _, k := range store.KeyFields {
			keys = keys && r.Fields[k] >= 0.95
		}
		fmt.Fprintf(w, "Mục tiêu: CER ≤ ½ CLI: %s; fax ≤ ½ CLI: %s; trường chính ≥ 95 %%: %s; tự động đúng ≥ 99 %%: %s; tỉ lệ ≥ 1,10: %s\n",
			pass(all.CER() <= cliAll.CER()/2), pass(fax.Chars > 0 && fax.CER() <= cliFax.CER()/2), pass(keys), pass(r.AutoPrec >= 0.99), pass(r.Ratio >= 1.10))
		return
	}
	fmt.Fprintf(w, "Mục tiêu: tỉ lệ ≥ 1,0: %s; CER tổng ≤ 0,3 %%: %s\n", pass(r.Ratio >= 1), pass(all.CER() <= 0.3))
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
func benchCLI(pages []benchPage, workers int, dir string, per map[string]ocrErrors, scoreIt bool) (time.Duration, error) {
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
		addErrors(per, r.p.cond, scoreOCR(string(gt), r.text))
	}
	return elapsed, firstErr
}
