// Command demoscans renders the demo scans: every tools/demoscans/docs/*.scan
// (documents written for motcua, see internal/scanmaker for the markup)
// becomes a degraded page image in testdata/scans. The first line of a
// source says how it is "scanned":
//
//	@ png|jpeg|tiff|pdf [angle=DEG] [blur] [noise=SIGMA] [paper] [stamp] [quality=Q] [seed=N]
//
// Usage: go run ./tools/demoscans [-src tools/demoscans/docs] [-out testdata/scans]
package main

import (
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"motcua/internal/scanmaker"
)

func main() {
	src := flag.String("src", "tools/demoscans/docs", "source folder")
	out := flag.String("out", "testdata/scans", "output folder")
	flag.Parse()
	files, _ := filepath.Glob(filepath.Join(*src, "*.scan"))
	if len(files) == 0 {
		fmt.Fprintf(os.Stderr, "demoscans: không có tệp .scan trong %s\n", *src)
		os.Exit(1)
	}
	for _, f := range files {
		name, err := make1(f, *out)
		if err != nil {
			fmt.Fprintf(os.Stderr, "demoscans: %s: %v\n", f, err)
			os.Exit(1)
		}
		fmt.Println(name)
	}
}

func make1(path, outDir string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	head, body, _ := strings.Cut(string(data), "\n")
	opts := strings.Fields(strings.TrimPrefix(head, "@"))
	if !strings.HasPrefix(head, "@") || len(opts) == 0 {
		return "", fmt.Errorf("the first line must be '@ FORMAT options'")
	}
	format := opts[0]
	var s scanmaker.Scan
	quality := 80
	for _, o := range opts[1:] {
		k, v, _ := strings.Cut(o, "=")
		n, _ := strconv.ParseFloat(v, 64)
		switch k {
		case "angle":
			s.Angle = n
		case "blur":
			s.Blur = true
		case "noise":
			s.Noise = n
		case "paper":
			s.Paper = true
		case "stamp":
			s.Stamp = true
		case "quality":
			quality = int(n)
		case "seed":
			s.Seed = uint64(n)
		default:
			return "", fmt.Errorf("unknown option %q", o)
		}
	}
	pages, err := scanmaker.Render(body)
	if err != nil {
		return "", err
	}
	var scans []image.Image
	for i, p := range pages {
		s.Seed += uint64(i)
		scans = append(scans, scanmaker.Degrade(p, s))
	}
	base := strings.TrimSuffix(filepath.Base(path), ".scan")
	var outData []byte
	ext := format
	switch format {
	case "png":
		if len(scans) != 1 {
			return "", fmt.Errorf("png holds one page")
		}
		outData, err = scanmaker.PNG(scans[0], scanmaker.DPI)
	case "jpeg":
		if len(scans) != 1 {
			return "", fmt.Errorf("jpeg holds one page")
		}
		ext = "jpg"
		outData, err = scanmaker.JPEG(scans[0], scanmaker.DPI, quality)
	case "tiff":
		var grays []*image.Gray
		for _, sc := range scans {
			g, ok := sc.(*image.Gray)
			if !ok {
				return "", fmt.Errorf("tiff pages must be gray (no paper, no stamp)")
			}
			grays = append(grays, g)
		}
		ext = "tif"
		outData, err = scanmaker.TIFF(grays, scanmaker.DPI)
	case "pdf":
		var jpegs [][]byte
		for _, sc := range scans {
			j, err := scanmaker.JPEG(sc, scanmaker.DPI, quality)
			if err != nil {
				return "", err
			}
			jpegs = append(jpegs, j)
		}
		outData, err = scanmaker.PDF(jpegs)
	default:
		return "", fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return "", err
	}
	name := filepath.Join(outDir, base+"."+ext)
	return name, os.WriteFile(name, outData, 0o644)
}
