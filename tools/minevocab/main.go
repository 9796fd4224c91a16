// Command minevocab mines the search's vocabulary (search.Mine) from the
// national portal's procedures into the committed file the search embeds:
// go generate ./search.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"motcua/content/dvcqg"
	"motcua/search"
)

func main() {
	src := flag.String("src", "../../shared/data/dvcqg", "the portal's procedures: DIR/<ministry>/<code>.json")
	out := flag.String("out", "mined.tsv", "the file to write")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "minevocab:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	_, procs, err := dvcqg.Import(src, dvcqg.Options{})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := search.Mine(procs).WriteTSV(&b, filepath.Base(filepath.Clean(src))); err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
