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
	"motcua/pipeline/cover"
)

func main() {
	src := flag.String("src", "tools/demoscans/docs", "source folder")
	out := flag.String("out", "testdata/scans", "output folder")
	stack := flag.String("stack", "tools/demoscans/stack/phien-quet.txt", "a scanning session to render as one PDF (\"\" for none)")
	stackOut := flag.String("stack-out", "testdata/phien-quet", "output folder of the session's PDF and its results")
	flag.Parse()
	defer func() {
		if *stack == "" {
			return
		}
		names, err := makeStack(*stack, *stackOut)
		if err != nil {
			fmt.Fprintf(os.Stderr, "demoscans: %s: %v\n", *stack, err)
			os.Exit(1)
		}
		fmt.Println(strings.Join(names, "\n"))
	}()
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
	scans, format, quality, err := scanDoc(path)
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(path), ".scan")
	return write(scans, format, quality, filepath.Join(outDir, base))
}

// scanDoc renders a .scan source into degraded page images, with the
// format and JPEG quality its first line asks for.
func scanDoc(path string) (scans []image.Image, format string, quality int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", 0, err
	}
	head, body, _ := strings.Cut(string(data), "\n")
	opts := strings.Fields(strings.TrimPrefix(head, "@"))
	if !strings.HasPrefix(head, "@") || len(opts) == 0 {
		return nil, "", 0, fmt.Errorf("the first line must be '@ FORMAT options'")
	}
	format = opts[0]
	var s scanmaker.Scan
	quality = 80
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
			return nil, "", 0, fmt.Errorf("unknown option %q", o)
		}
	}
	pages, err := scanmaker.Render(body)
	if err != nil {
		return nil, "", 0, err
	}
	for i, p := range pages {
		s.Seed += uint64(i)
		scans = append(scans, scanmaker.Degrade(p, s))
	}
	return scans, format, quality, nil
}

// write encodes pages as format into base plus the format's extension.
func write(scans []image.Image, format string, quality int, base string) (string, error) {
	var outData []byte
	var err error
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
	name := base + "." + ext
	return name, os.WriteFile(name, outData, 0o644)
}

// makeStack renders a scanning session: each line of the listing is
// "cover CODE PROCEDURE OWNER_ID OWNER NAME…" (a cover sheet as `motcua
// dossier cover` prints it, scanned) or "doc FILE.scan" (a document's
// pages); the pages go, in order, into one PDF named after the listing.
// The listing's ket-qua-*.scan files are the dossiers' results, scanned
// later on their own, one file each, into outDir/ket-qua.
func makeStack(listing, outDir string) ([]string, error) {
	data, err := os.ReadFile(listing)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(listing)
	var pages [][]byte
	for n, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		var scans []image.Image
		switch {
		case f[0] == "cover" && len(f) >= 5:
			g, err := cover.Render(cover.Sheet{Code: f[1], Procedure: f[2], OwnerID: f[3], OwnerName: strings.Join(f[4:], " ")}, scanmaker.DPI)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			scans = []image.Image{scanmaker.Degrade(g, scanmaker.Scan{Angle: 0.7, Noise: 5, Seed: uint64(n)})}
		case f[0] == "doc" && len(f) == 2:
			if scans, _, _, err = scanDoc(filepath.Join(dir, f[1])); err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", n+1, f[1], err)
			}
		default:
			return nil, fmt.Errorf("line %d: want \"cover CODE PROCEDURE OWNER_ID NAME\" or \"doc FILE.scan\", got %q", n+1, line)
		}
		for _, sc := range scans {
			j, err := scanmaker.JPEG(sc, scanmaker.DPI, 60)
			if err != nil {
				return nil, err
			}
			pages = append(pages, j)
		}
	}
	pdf, err := scanmaker.PDF(pages)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(outDir, "ket-qua"), 0o755); err != nil {
		return nil, err
	}
	name := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(listing), ".txt")+".pdf")
	if err := os.WriteFile(name, pdf, 0o644); err != nil {
		return nil, err
	}
	names := []string{name}
	results, _ := filepath.Glob(filepath.Join(dir, "ket-qua-*.scan"))
	for _, r := range results {
		out, err := make1(r, filepath.Join(outDir, "ket-qua"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r, err)
		}
		names = append(names, out)
	}
	return names, nil
}
