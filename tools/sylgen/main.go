// Command sylgen counts the syllables and syllable pairs of the procedure
// catalogue for internal/vi/syllable (run by go generate there):
//
//	go run ./tools/sylgen -out internal/vi/syllable/syllables.txt.gz site/content/thu-tuc [MORE_DIRS...]
//
// Every *.md and *.json file under the folders is read as text; the
// output is gzipped and deterministic (sorted), so regenerating from the
// same catalogue gives the same bytes.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"motcua/internal/atomicfile"
	"motcua/internal/vi/syllable"
)

func main() {
	out := flag.String("out", "syllables.txt.gz", "tệp dữ liệu ghi ra")
	minPair := flag.Int("min-pair", 2, "bỏ các cặp âm tiết gặp ít hơn số lần này")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "cách dùng: sylgen -out FILE DIR...")
		os.Exit(2)
	}
	if err := run(*out, *minPair, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "sylgen:", err)
		os.Exit(1)
	}
}

func run(out string, minPair int, dirs []string) error {
	count := map[string]int{}
	spell := map[string]map[string]int{}
	pairs := map[[2]string]int{}
	skips := map[[2]string]int{}
	files := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(path); ext != ".md" && ext != ".json" {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			text := string(data)
			if filepath.Ext(path) == ".json" {
				// JSON escapes: only \n matters for line ends.
				text = strings.ReplaceAll(text, `\n`, "\n")
			}
			toks := syllable.Tokens(text)
			for i, t := range toks {
				count[t]++
				if len(t) > 1 {
					if spell[t] == nil {
						spell[t] = map[string]int{}
					}
				}
				if i > 0 {
					pairs[[2]string{toks[i-1], t}]++
				}
				if i > 1 {
					skips[[2]string{toks[i-2], t}]++
				}
			}
			// Spellings: the words as written, lowercased.
			for _, w := range strings.Fields(text) {
				_, core, _ := syllable.Cut(w)
				if c := syllable.Class(core); len(c) > 1 {
					spell[c][strings.ToLower(core)]++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	tokens := make([]string, 0, len(count))
	for t := range count {
		if len(t) > 1 {
			tokens = append(tokens, t)
		}
	}
	sort.Slice(tokens, func(i, j int) bool {
		if count[tokens[i]] != count[tokens[j]] {
			return count[tokens[i]] > count[tokens[j]]
		}
		return tokens[i] < tokens[j]
	})
	tokens = append([]string{syllable.Boundary, syllable.Number, syllable.Other}, tokens...)
	id := map[string]int{}
	for i, t := range tokens {
		id[t] = i
	}
	type pair struct{ a, b, n int }
	sorted := func(pairs map[[2]string]int) []pair {
		var ps []pair
		for k, n := range pairs {
			if n >= minPair {
				ps = append(ps, pair{id[k[0]], id[k[1]], n})
			}
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].a != ps[j].a {
				return ps[i].a < ps[j].a
			}
			return ps[i].b < ps[j].b
		})
		return ps
	}
	ps, ss := sorted(pairs), sorted(skips)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintln(w, syllable.Header)
	for _, t := range tokens {
		fmt.Fprintf(w, "%s\t%s\t%d\n", t, usual(t, spell[t]), count[t])
	}
	fmt.Fprintln(w, "--")
	for _, p := range ps {
		fmt.Fprintf(w, "%d %d %d\n", p.a, p.b, p.n)
	}
	fmt.Fprintln(w, "--")
	for _, p := range ss {
		fmt.Fprintf(w, "%d %d %d\n", p.a, p.b, p.n)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	slog.Info("sylgen", "files", files, "tokens", len(tokens), "pairs", len(ps), "skips", len(ss), "bytes", buf.Len(), "out", out)
	return atomicfile.Write(out, buf.Bytes(), 0o644)
}

// usual is the most frequent spelling (ties: the smallest).
func usual(token string, spellings map[string]int) string {
	best, n := token, -1
	for s, c := range spellings {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}
