package pipeline

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"motcua/internal/scanmaker"
)

// TestConcurrentRuns: two digitize runs on one data directory at once
// (two processes, each its own database handle) recognise each file once
// and store it once: no file is OCR'd twice, no spurious version 2.
func TestConcurrentRuns(t *testing.T) {
	in := t.TempDir()
	dec := render(t, shortDecision)
	var paths []string
	for i := range 2 {
		b, err := scanmaker.PNG(scanmaker.Degrade(dec[0], scanmaker.Scan{Angle: 0.5 + 0.3*float64(i), Seed: uint64(i + 1)}), 200)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(in, "quyết định "+string(rune('a'+i))+".png")
		write(t, p, b)
		paths = append(paths, p)
	}
	data := t.TempDir()
	var sums [2]Summary
	var wg sync.WaitGroup
	for r := range 2 {
		st := openTestStore(t, data)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			sums[r], err = Digitize(context.Background(), st, st.blobs, paths,
				Options{Workers: 1, ClaimDir: filepath.Join(data, "claims")})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs := records(t, openTestStore(t, data))
	if len(recs) != 2 {
		t.Errorf("%d records, want 2", len(recs))
	}
	for name, r := range recs {
		if r.Version != 1 {
			t.Errorf("%s: version %d, want 1", name, r.Version)
		}
	}
	pages := sums[0].Pages + sums[1].Pages
	stored := sums[0].Records() + sums[1].Records()
	skipped := sums[0].Skipped + sums[1].Skipped
	if pages != 2 || stored != 2 || skipped != 2 {
		t.Errorf("%d pages recognised, %d records stored, %d skipped; want 2, 2, 2 (runs: %+v, %+v)", pages, stored, skipped, sums[0], sums[1])
	}
}
