package site

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"motcua/content"
)

// largeCatalogue returns n procedures copied from the fixture with new
// codes, spread over about 115 fields and 350 agencies like the national
// catalogue.
func largeCatalogue(tb testing.TB, n int) *content.Catalogue {
	fixture := loadFixture(tb)
	cat := &content.Catalogue{}
	for i := range n {
		p := *fixture.Procedures[i%len(fixture.Procedures)]
		p.Code = fmt.Sprintf("%d.%06d", 1+i%3, 100000+i)
		p.Name = fmt.Sprintf("%s số %d", p.Name, i)
		p.Field = fmt.Sprintf("Lĩnh vực đặc thù %d", i%115)
		p.Agencies.Competent = fmt.Sprintf("Sở Quản lý số %d", i%350)
		p.Related = []string{fmt.Sprintf("1.%06d", 100000+(i+3)%n)}
		cat.Procedures = append(cat.Procedures, &p)
	}
	return cat
}

// BenchmarkBuild builds a catalogue the size of the national one (2,102
// procedures). Run with: go test ./site/ -run '^$' -bench Build -benchtime 1x
func BenchmarkBuild(b *testing.B) {
	cat := largeCatalogue(b, 2102)
	tmp := b.TempDir()
	work, out := filepath.Join(tmp, "work"), filepath.Join(tmp, "public")
	var gen, hugo time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := Generate(cat, work); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := Hugo(work, out); err != nil {
			b.Fatal(err)
		}
		gen += t1.Sub(t0)
		hugo += time.Since(t1)
	}
	b.ReportMetric(gen.Seconds()/float64(b.N), "generate-s/op")
	b.ReportMetric(hugo.Seconds()/float64(b.N), "hugo-s/op")
}
