package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"motcua/content"
)

func init() {
	register(&command{
		name:    "catalogue",
		summary: "xem một thủ tục trong danh mục: catalogue show CODE [--catalogue DIR] --json",
		run:     runCatalogue,
	})
}

func runCatalogue(args []string) error {
	fs := flag.NewFlagSet("catalogue", flag.ContinueOnError)
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	asJSON := fs.Bool("json", false, "in dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "show" {
		return usageError{"cách dùng: motcua catalogue show CODE [--catalogue DIR] --json"}
	}
	cat, err := loadCatalogue(*dir)
	if err != nil {
		return err
	}
	p, ok := cat.Get(pos[1])
	if !ok {
		return fmt.Errorf("không có thủ tục mã %s trong %s (procedure not found)", pos[1], *dir)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(p)
	}
	fmt.Fprintf(stdout, "%s  %s\nLĩnh vực: %s\nCấp thực hiện: %s\n", p.Code, p.Name, p.Field, strings.Join(p.Levels, ", "))
	return nil
}

// loadCatalogue loads dir and logs its warnings; files with errors are left
// out (and logged), which is enough for commands that read the catalogue.
func loadCatalogue(dir string) (*content.Catalogue, error) {
	cat, err := content.Load(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range cat.Problems {
		if p.Warning {
			slog.Debug("catalogue warning", "problem", p.Error())
		} else {
			slog.Error("catalogue error", "problem", p.Error())
		}
	}
	return cat, nil
}

// loadValidCatalogue loads dir and refuses a catalogue with errors: what
// is built or indexed from it must not silently leave procedures out.
func loadValidCatalogue(dir string) (*content.Catalogue, error) {
	cat, err := loadCatalogue(dir)
	if err != nil {
		return nil, err
	}
	if cat.Err() != nil {
		return nil, fmt.Errorf("danh mục có lỗi, xem: motcua check --catalogue %s (the catalogue has errors)", dir)
	}
	return cat, nil
}
