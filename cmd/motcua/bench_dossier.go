package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"motcua/internal/scanmaker"
	"motcua/pipeline"
	"motcua/pipeline/cover"
	"motcua/pipeline/extract"
	"motcua/store"
)

// bench dossier: stacks built from the documents of DIR (scanmaker
// sources, *.scan), with cover sheets before their dossiers except where a
// receipt leads one, clean (one multi-page TIFF) and degraded (a folder of
// JPEG pages); each is digitized with --stack into its own data folder and
// its split compared with the golden one; the same pages are then
// digitized plainly (one record per file) in the same run, for speed.

// benchScans are the degraded conditions, one per stack in turn.
var benchScans = []scanmaker.Scan{
	{Angle: 1.5, Blur: true, Noise: 10, Seed: 11},
	{Angle: -0.7, Paper: true, Stamp: true, Noise: 3, Seed: 21},
	{Angle: 2.2, Noise: 6, Seed: 31},
	{Angle: 0.6, Blur: true, Noise: 4, Seed: 41},
}

func runBenchDossier(args []string) error {
	fs := flag.NewFlagSet("bench dossier", flag.ContinueOnError)
	workers := fs.Int("workers", runtime.NumCPU(), "số luồng nhận dạng")
	cat := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	stacks := fs.Int("stacks", 4, "số lô quét gốc (mỗi lô đo hai lần: sạch và xuống cấp)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := "pipeline/testdata/stacks"
	if len(pos) == 1 {
		dir = pos[0]
	} else if len(pos) > 1 {
		return usageError{"cách dùng: motcua bench dossier [DIR] [--workers N] [--stacks N]"}
	}
	return benchDossiers(dir, *cat, *workers, max(*stacks, 1))
}

// benchStack is a stack written to disk with its golden split.
type benchStack struct {
	name  string
	paths []string // in scanning order
	pages int
	docs  [][]int // golden documents: stack page indexes
	doss  []goldenDossier
}

type goldenDossier struct {
	code string
	docs []int // indexes in docs
}

func benchDossiers(dir, catDir string, workers, n int) error {
	cat, err := loadCatalogue(catDir)
	if err != nil {
		return err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.scan"))
	if err != nil || len(names) < 3 {
		return fmt.Errorf("%s: cần ít nhất 3 văn bản nguồn *.scan để dựng lô quét (có %d)", dir, len(names))
	}
	sort.Strings(names)
	tmp, err := os.MkdirTemp("", "motcua-bench-dossier-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var stacks []benchStack
	for i := range n {
		pick := func(k int) string { return names[(3*i+k)%len(names)] }
		dossiers := [][]string{{pick(0), pick(1)}, {pick(2)}}
		for _, degraded := range []bool{false, true} {
			var sc scanmaker.Scan
			if degraded {
				sc = benchScans[i%len(benchScans)]
			}
			bs, err := writeBenchStack(filepath.Join(tmp, "in", fmt.Sprintf("lo-%d-%v", i+1, degraded)), i, dossiers, sc)
			if err != nil {
				return err
			}
			bs.name = fmt.Sprintf("lô %d, sạch", i+1)
			if degraded {
				bs.name = fmt.Sprintf("lô %d, xuống cấp", i+1)
			}
			stacks = append(stacks, bs)
		}
	}

	ctx := context.Background()
	var docsOK, docsAll, dossOK, dossAll, pages int
	var stackTime, plainTime time.Duration
	for i := range n {
		var ds []string
		for _, d := range stacks[2*i].doss {
			ds = append(ds, fmt.Sprintf("%d văn bản", len(d.docs)))
		}
		fmt.Fprintf(stdout, "lô %d: %s + %s + %s; hồ sơ: %s\n", i+1, filepath.Base(names[(3*i)%len(names)]),
			filepath.Base(names[(3*i+1)%len(names)]), filepath.Base(names[(3*i+2)%len(names)]), strings.Join(ds, ", "))
	}
	fmt.Fprintf(stdout, "%-20s %5s %12s %12s\n", "lô quét", "trang", "văn bản", "hồ sơ")
	for k, bs := range stacks {
		data := filepath.Join(tmp, "data", strconv.Itoa(k))
		db, blobs, err := openStore(data)
		if err != nil {
			return err
		}
		opt := pipeline.StackOptions{Options: pipeline.Options{Workers: workers}, Open: stackDossiers(db, cat, store.Direct)}
		sum, err := pipeline.DigitizeStack(ctx, db, blobs, bs.paths, opt)
		if err != nil {
			db.Close()
			return fmt.Errorf("%s: %w", bs.name, err)
		}
		stackTime += sum.Elapsed
		pages += bs.pages
		dOK, sOK, err := scoreBenchStack(ctx, db, bs)
		db.Close()
		if err != nil {
			return err
		}
		docsOK, docsAll, dossOK, dossAll = docsOK+dOK, docsAll+len(bs.docs), dossOK+sOK, dossAll+len(bs.doss)
		fmt.Fprintf(stdout, "%-20s %5d %9d/%-2d %9d/%-2d\n", bs.name, bs.pages, dOK, len(bs.docs), sOK, len(bs.doss))
	}
	// The same pages, digitized plainly (one record per file), stack by
	// stack as above, so that both pay for loading the engines alike.
	db, blobs, err := openStore(filepath.Join(tmp, "plain"))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, bs := range stacks {
		sum, err := pipeline.Digitize(ctx, db, blobs, bs.paths, pipeline.Options{Workers: workers})
		if err != nil {
			return err
		}
		plainTime += sum.Elapsed
	}
	rate := func(d time.Duration) float64 { return float64(pages) / d.Minutes() }
	fmt.Fprintf(stdout, "văn bản tách đúng: %d/%d; hồ sơ tách đúng: %d/%d (%d lô, %d trang, %d luồng)\n",
		docsOK, docsAll, dossOK, dossAll, len(stacks), pages, workers)
	fmt.Fprintf(stdout, "digitize --stack: %.1f s, %.1f trang/phút; digitize thường cùng các trang: %.1f s, %.1f trang/phút\n",
		stackTime.Seconds(), rate(stackTime), plainTime.Seconds(), rate(plainTime))
	return nil
}

// writeBenchStack renders the dossiers of one stack: a cover before each
// dossier unless a receipt leads it; clean as one TIFF, degraded as one
// JPEG per page.
func writeBenchStack(dir string, i int, dossiers [][]string, sc scanmaker.Scan) (benchStack, error) {
	bs := benchStack{name: filepath.Base(dir)}
	spec := scanmaker.StackSpec{Name: bs.name, Scan: sc}
	var sheets []*cover.Sheet
	for j, d := range dossiers {
		var docs []scanmaker.Doc
		for _, path := range d {
			b, err := os.ReadFile(path)
			if err != nil {
				return bs, err
			}
			docs = append(docs, scanmaker.Doc{Name: filepath.Base(path), Src: string(b)})
		}
		// A receipt leads its dossier, without a cover, when it is the
		// stack's first dossier (after a cover, a receipt joins it).
		bd := goldenDossier{code: fmt.Sprintf("000.00.15.H46-2404%02d-%04d", 1+i%28, 10*i+j+1)}
		var sheet *cover.Sheet
		for k, doc := range docs {
			if codes := extract.DossierCodes(doc.Src); j == 0 && strings.Contains(doc.Name, "tiep-nhan") && len(codes) > 0 {
				docs[0], docs[k] = docs[k], docs[0]
				bd.code = codes[0]
				sheet = nil
				break
			}
			sheet = &cover.Sheet{Code: bd.code, Procedure: "1.000894", OwnerID: "025194006281"}
		}
		sheets = append(sheets, sheet)
		spec.Dossiers = append(spec.Dossiers, docs)
		bs.doss = append(bs.doss, bd)
	}
	var coverErr error
	st, err := scanmaker.BuildStack(spec, func(j int) image.Image {
		if sheets[j] == nil {
			return nil
		}
		img, err := cover.Render(*sheets[j], scanmaker.DPI)
		if err != nil {
			coverErr = err
			return nil
		}
		if sc != (scanmaker.Scan{}) {
			s := sc
			s.Seed += 1000 + uint64(j)
			return scanmaker.Degrade(img, s)
		}
		return img
	})
	if err == nil {
		err = coverErr
	}
	if err != nil {
		return bs, err
	}
	// The golden split: documents by their first page, dossiers by covers
	// and by the document names of each dossier, in order.
	dossier := -1
	seen := 0
	for p := range st.Pages {
		if st.Covers[p] {
			continue
		}
		if st.Starts[p] {
			bs.docs = append(bs.docs, []int{p})
			if dossier < 0 || seen == len(spec.Dossiers[dossier]) {
				dossier, seen = dossier+1, 0
			}
			seen++
			bs.doss[dossier].docs = append(bs.doss[dossier].docs, len(bs.docs)-1)
		} else {
			bs.docs[len(bs.docs)-1] = append(bs.docs[len(bs.docs)-1], p)
		}
	}
	bs.pages = len(st.Pages)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return bs, err
	}
	if sc == (scanmaker.Scan{}) {
		var grays []*image.Gray
		for _, p := range st.Pages {
			grays = append(grays, p.(*image.Gray))
		}
		b, err := scanmaker.TIFF(grays, scanmaker.DPI)
		if err != nil {
			return bs, err
		}
		path := filepath.Join(dir, "lo.tif")
		bs.paths = []string{path}
		return bs, os.WriteFile(path, b, 0o644)
	}
	for p, img := range st.Pages {
		b, err := scanmaker.JPEG(img, scanmaker.DPI, 85)
		if err != nil {
			return bs, err
		}
		path := filepath.Join(dir, fmt.Sprintf("trang-%03d.jpg", p+1))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return bs, err
		}
		bs.paths = append(bs.paths, path)
	}
	return bs, nil
}

// scoreBenchStack counts the golden documents stored as exactly one record
// each, and the golden dossiers holding exactly their documents.
func scoreBenchStack(ctx context.Context, db store.Store, bs benchStack) (docsOK, dossOK int, err error) {
	// Stack page index of each (original, page).
	index := map[string]int{}
	p := 0
	for _, path := range bs.paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0, 0, err
		}
		src, err := pipeline.OpenSource(path, b, pipeline.DefaultLimits)
		if err != nil {
			return 0, 0, err
		}
		sha := store.SHA256(b)
		for n := range src.Pages {
			index[sha+":"+strconv.Itoa(n+1)] = p
			p++
		}
	}
	key := func(pages []int) string {
		return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(pages)), ","), "[]")
	}
	got := map[int64]string{} // record → its pages' key
	if err := db.All(ctx, false, func(r *store.Record) error {
		var ps []int
		for _, pg := range r.Pages {
			ps = append(ps, index[pg.Source+":"+strconv.Itoa(pg.SourcePage)])
		}
		got[r.ID] = key(ps)
		return nil
	}); err != nil {
		return 0, 0, err
	}
	found := map[string]bool{}
	for _, k := range got {
		found[k] = true
	}
	for _, d := range bs.docs {
		if found[key(d)] {
			docsOK++
		}
	}
	for _, bd := range bs.doss {
		d, err := db.Dossier(ctx, bd.code)
		if err != nil {
			continue
		}
		var want, have []string
		for _, k := range bd.docs {
			want = append(want, key(bs.docs[k]))
		}
		for _, a := range d.Records {
			have = append(have, got[a.RecordID])
		}
		slices.Sort(want)
		slices.Sort(have)
		if slices.Equal(want, have) {
			dossOK++
		}
	}
	return docsOK, dossOK, nil
}
