package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"motcua/content"
	"motcua/content/dvcqg"
	"motcua/site"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "đo hiệu năng: bench site [--source DIR] | bench ocr DIR | bench search [--records N] | bench dossier [DIR] | bench backup [--records N] | bench scale [--pages N] | bench blobs [--blobs URL]",
		run:     runBench,
		ocr:     true,
	})
}

func runBench(args []string) error {
	if len(args) > 0 && args[0] == "ocr" {
		return runBenchOCR(args[1:])
	}
	if len(args) > 0 && args[0] == "dossier" {
		return runBenchDossier(args[1:])
	}
	if len(args) > 0 && args[0] == "search" {
		return runBenchSearch(args[1:])
	}
	if len(args) > 0 && args[0] == "scale" {
		return runBenchScale(args[1:])
	}
	if len(args) > 0 && args[0] == "backup" {
		return runBenchBackup(args[1:])
	}
	if len(args) > 0 && args[0] == "blobs" {
		return runBenchBlobs(args[1:])
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	source := fs.String("source", "../shared/data/dvcqg", "dữ liệu Cổng DVC quốc gia (DIR/<bộ>/<mã>.json)")
	runs := fs.Int("runs", 3, "số lần dựng trang cho mỗi phép đo")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "site" {
		return usageError{"cách dùng: motcua bench site [--source DIR] [--runs N] | motcua bench ocr DIR [--workers N]"}
	}
	return benchSite(*source, max(*runs, 1))
}

// benchSite measures, in one process: importing the full portal sample,
// building the site from it with motcua build (load, generate, Hugo), and
// Hugo alone on the same generated project, as a ratio.
func benchSite(source string, runs int) error {
	tmp, err := os.MkdirTemp("", "motcua-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	catDir := filepath.Join(tmp, "catalogue")

	start := time.Now()
	rep, _, err := dvcqg.Import(source, dvcqg.Options{Out: catDir})
	if err != nil {
		return err
	}
	importTime := time.Since(start)
	fmt.Fprintf(stdout, "import   %d procedures, %d failed, %.2f s (coverage: channels %.4f, documents %.4f, legal_basis %.4f, results %.4f)\n",
		rep.Procedures, rep.Failed, importTime.Seconds(),
		rep.Coverage.Channels, rep.Coverage.Documents, rep.Coverage.LegalBasis, rep.Coverage.Results)

	// Hugo alone builds the project motcua build generates, written to disk
	// once, as the hugo command would read it.
	work := filepath.Join(tmp, "work")
	cat, err := content.Load(catDir)
	if err != nil {
		return err
	}
	if err := site.Generate(cat, work); err != nil {
		return err
	}
	var loads, builds, hugos []time.Duration
	var heaps []uint64
	for i := range runs {
		start = time.Now()
		cat, err := content.Load(catDir)
		if err != nil {
			return err
		}
		if err := cat.Err(); err != nil {
			return err
		}
		loads = append(loads, time.Since(start))
		if err := site.Build(cat, site.Options{Out: filepath.Join(tmp, "public")}); err != nil {
			return err
		}
		builds = append(builds, time.Since(start))

		start = time.Now()
		if err := site.Hugo(work, filepath.Join(tmp, "public-hugo")); err != nil {
			return err
		}
		hugos = append(hugos, time.Since(start))
		heaps = append(heaps, heapAfterGC())
		fmt.Fprintf(stdout, "run %d    motcua build %.2f s (load and check %.2f s), hugo alone %.2f s, live heap after GC %.0f MiB\n",
			i+1, builds[i].Seconds(), loads[i].Seconds(), hugos[i].Seconds(), mib(heaps[i]))
	}
	b, h := median(builds), median(hugos)
	pages, _ := countFiles(filepath.Join(tmp, "public"), ".html")
	fmt.Fprintf(stdout, "build    median of %d: motcua build %.2f s, Hugo alone on the generated project %.2f s, ratio %.2f (%d HTML pages)\n",
		runs, b.Seconds(), h.Seconds(), b.Seconds()/h.Seconds(), pages)
	fmt.Fprintf(stdout, "memory   peak RSS %.0f MiB; live heap after GC from first to last run %.0f → %.0f MiB\n",
		peakRSS(), mib(heaps[0]), mib(heaps[len(heaps)-1]))
	fmt.Fprintf(stdout, "targets  import < 10 s: %s; build < 10 s: %s\n", pass(importTime < 10*time.Second), pass(b < 10*time.Second))
	return nil
}

func pass(ok bool) string {
	if ok {
		return "đạt"
	}
	return "KHÔNG ĐẠT"
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// peakRSS is the process's maximum resident set size so far.
func peakRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

// rssParts is the process's resident memory now, in MiB: its own (heap,
// stacks) and mapped files (an index's segments).
func rssParts() (anon, file float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb float64
		if _, err := fmt.Sscanf(line, "RssAnon: %f kB", &kb); err == nil {
			anon = kb / 1024
		} else if _, err := fmt.Sscanf(line, "RssFile: %f kB", &kb); err == nil {
			file = kb / 1024
		}
	}
	return anon, file
}

func countFiles(dir, ext string) (int, error) {
	n := 0
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && filepath.Ext(p) == ext {
			n++
		}
		return err
	})
	return n, err
}
