package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"motcua/internal/testenv"
)

// Benchmarks of each stage on the shared OCR bench's pages (make bench
// runs the whole-pipeline figures through motcua bench ocr).

func benchSource(b *testing.B, rel string) *Source {
	data, err := os.ReadFile(filepath.Join(testenv.Shared(b, "ocr-bench"), "pages", rel))
	if err != nil {
		b.Fatal(err)
	}
	src, err := OpenSource(rel, data, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func BenchmarkDecode(b *testing.B) {
	for _, rel := range []string{"clean/doc01_qd_tinh.png", "combo/doc01_qd_tinh.jpg"} {
		src := benchSource(b, rel)
		b.Run(rel, func(b *testing.B) {
			for b.Loop() {
				src.Page(0)
			}
		})
	}
}

func BenchmarkPrepare(b *testing.B) {
	for _, rel := range []string{"clean/doc01_qd_tinh.png", "rot3/doc01_qd_tinh.png", "combo/doc01_qd_tinh.jpg"} {
		img, dpi, err := benchSource(b, rel).Page(0)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(rel, func(b *testing.B) {
			for b.Loop() {
				Prepare(img, dpi)
			}
		})
	}
}

func BenchmarkRecognize(b *testing.B) {
	img, dpi, err := benchSource(b, "clean/doc01_qd_tinh.png").Page(0)
	if err != nil {
		b.Fatal(err)
	}
	p := Prepare(img, dpi)
	eng, err := NewEngine(Lang)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	for b.Loop() {
		if _, err := eng.Recognize(p); err != nil {
			b.Fatal(err)
		}
	}
}
