package main

import (
	"flag"
	"fmt"

	"motcua/content"
)

func init() {
	register(&command{
		name:    "check",
		summary: "kiểm tra danh mục thủ tục, thoát với mã 1 nếu có lỗi: check [--catalogue DIR]",
		run:     runCheck,
	})
}

func runCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	quiet := fs.Bool("q", false, "không in cảnh báo")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cat, err := content.Load(*dir)
	if err != nil {
		return err
	}
	errs, warns := 0, 0
	for _, p := range cat.Problems {
		if p.Warning {
			warns++
			if *quiet {
				continue
			}
			fmt.Fprintln(stderr, "cảnh báo:", p.Error())
		} else {
			errs++
			fmt.Fprintln(stderr, "lỗi:", p.Error())
		}
	}
	fmt.Fprintf(stdout, "%s: %d thủ tục hợp lệ, %d lỗi, %d cảnh báo.\n", *dir, len(cat.Procedures), errs, warns)
	if errs > 0 {
		return exitError{1}
	}
	return nil
}
