package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua/store"
)

// runBenchBlobs measures writing and reading N originals in the data
// folder's layout (file://, a temporary folder) and, with --blobs, in the
// store it names (an S3 bucket), with the same originals and parallelism.
func runBenchBlobs(args []string) error {
	fls := flag.NewFlagSet("bench blobs", flag.ContinueOnError)
	n := fls.Int("originals", 100, "số bản gốc")
	size := fls.Int("size", 1<<20, "cỡ mỗi bản gốc (byte)")
	workers := fls.Int("workers", 4, "số bản gốc ghi/đọc cùng lúc")
	fls.String("data", "", "không dùng (để có --blobs)")
	if pos, err := parseFlags(fls, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("thừa tham số %q: motcua bench blobs [--blobs URL] [--originals N] [--size BYTES] [--workers N]", pos[0])}
	}
	tmp, err := os.MkdirTemp("", "motcua-bench-blobs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	originals := make([][]byte, *n)
	for i := range originals {
		originals[i] = make([]byte, *size)
		rand.Read(originals[i])
	}
	targets := []struct {
		name  string
		blobs store.Blobs
	}{{"file:// (thư mục)", store.DirBlobs{Dir: filepath.Join(tmp, "blobs")}}}
	if blobsFlag != "" || os.Getenv(blobsEnv) != "" {
		b, err := openBlobs(tmp)
		if err != nil {
			return err
		}
		targets = append(targets, struct {
			name  string
			blobs store.Blobs
		}{strings.SplitN(fmt.Sprint(b), "?", 2)[0], b})
	}
	fmt.Fprintf(stdout, "%d bản gốc × %s, %d luồng:\n", *n, humanBytes(int64(*size)), *workers)
	var ref [2]time.Duration
	for i, t := range targets {
		w, err := eachOriginal(originals, *workers, func(data []byte) error { return t.blobs.Put(store.SHA256(data), data) })
		if err != nil {
			return fmt.Errorf("%s: ghi: %w", t.name, err)
		}
		r, err := eachOriginal(originals, *workers, func(data []byte) error {
			rc, err := t.blobs.Open(store.SHA256(data))
			if err != nil {
				return err
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err == nil && len(got) != len(data) {
				err = fmt.Errorf("đọc được %d byte, cần %d", len(got), len(data))
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: đọc: %w", t.name, err)
		}
		total := float64(*n) * float64(*size) / (1 << 20)
		fmt.Fprintf(stdout, "  %-40s ghi %6.1f MiB/s (%5.0f bản/s)  đọc %6.1f MiB/s (%5.0f bản/s)", t.name,
			total/w.Seconds(), float64(*n)/w.Seconds(), total/r.Seconds(), float64(*n)/r.Seconds())
		if i == 0 {
			ref = [2]time.Duration{w, r}
			fmt.Fprintln(stdout)
		} else {
			fmt.Fprintf(stdout, "  (so với thư mục: ghi ×%.2f, đọc ×%.2f)\n", ref[0].Seconds()/w.Seconds(), ref[1].Seconds()/r.Seconds())
		}
	}
	return nil
}

// eachOriginal runs fn on every original with the given parallelism and
// returns the time taken.
func eachOriginal(originals [][]byte, workers int, fn func([]byte) error) (time.Duration, error) {
	start := time.Now()
	next := make(chan []byte)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for data := range next {
				if err := fn(data); err != nil {
					errs <- err
					for range next {
					}
					return
				}
			}
		}()
	}
	for _, o := range originals {
		next <- o
	}
	close(next)
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}
