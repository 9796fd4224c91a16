package main

import (
	"flag"
	"fmt"
	"log/slog"
	"time"

	"motcua/site"
)

func init() {
	register(&command{
		name:    "build",
		summary: "dựng trang web danh mục thủ tục (Hugo): build [--catalogue DIR] [--out DIR]",
		run:     runBuild,
	})
}

func runBuild(args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	out := fs.String("out", defaultPublic, "thư mục xuất trang web")
	baseURL := fs.String("base-url", "/", "địa chỉ gốc của trang web")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	start := time.Now()
	cat, err := loadValidCatalogue(*dir)
	if err != nil {
		return err
	}
	if err := site.Build(cat, site.Options{Out: *out, BaseURL: *baseURL}); err != nil {
		return err
	}
	slog.Info("site built", "procedures", len(cat.Procedures), "out", *out, "seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))
	fmt.Fprintf(stdout, "Đã dựng trang web %d thủ tục vào %s trong %.1f s.\n", len(cat.Procedures), *out, time.Since(start).Seconds())
	return nil
}
