package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"motcua/content/dvcqg"
	"motcua/internal/progress"
)

func init() {
	register(&command{
		name:    "import",
		summary: "nhập dữ liệu thủ tục từ Cổng DVC quốc gia: import dvcqg DIR [--out DIR] [--json]",
		run:     runImport,
	})
}

func runImport(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	out := fs.String("out", defaultCatalogue, "thư mục ghi các tệp Markdown của danh mục")
	asJSON := fs.Bool("json", false, "in tóm tắt dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "dvcqg" {
		return usageError{"cách dùng: motcua import dvcqg DIR [--out DIR] [--json]"}
	}
	start := time.Now()
	bar := progress.New(os.Stderr, "nhập", "bản ghi")
	rep, _, err := dvcqg.Import(pos[1], dvcqg.Options{Out: *out, Progress: bar.Update})
	bar.Done()
	if err != nil {
		return err
	}
	for _, f := range rep.Failures {
		f.File = filepath.Join(pos[1], f.File)
		fmt.Fprintln(stderr, f)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Đã nhập %d thủ tục vào %s (%d tệp thay đổi), %d lỗi, trong %.1f s.\n",
			rep.Procedures, *out, rep.Written, rep.Failed, time.Since(start).Seconds())
		fmt.Fprintf(stdout, "Độ phủ: cách thức %.1f %%, thành phần hồ sơ %.1f %%, căn cứ pháp lý %.1f %%, kết quả %.1f %%.\n",
			100*rep.Coverage.Channels, 100*rep.Coverage.Documents, 100*rep.Coverage.LegalBasis, 100*rep.Coverage.Results)
	}
	if rep.Failed > 0 {
		return exitError{1}
	}
	return nil
}
