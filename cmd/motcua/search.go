package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"regexp"
	"time"

	"motcua/search"
)

func init() {
	register(&command{
		name:    "search",
		summary: "tìm thủ tục và hồ sơ công khai: search [--data DIR] [--catalogue DIR] [--json] [--limit N] QUERY",
		run:     runSearch,
	})
}

func runSearch(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (lập chỉ mục nếu chưa có)")
	asJSON := fs.Bool("json", false, "in dạng JSON")
	limit := fs.Int("limit", 10, "số kết quả")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"cách dùng: motcua search [--json] [--limit N] QUERY"}
	}
	q := joinArgs(pos)
	ix, err := openSearchIndex(*data, *dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := ix.Search(ctx, search.Request{Query: q, Size: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "%d kết quả cho %q\n", res.Total, q)
	if res.Loose {
		fmt.Fprintln(stdout, "Không có kết quả chứa đủ các từ; hiển thị kết quả gần đúng.")
	}
	for i, h := range res.Hits {
		fmt.Fprintf(stdout, "%2d. %s  %s\n    %s\n", i+1, h.Code, h.Title, plainSnippet(h.Snippet))
	}
	return nil
}

var tags = regexp.MustCompile(`</?mark>`)

// plainSnippet turns a highlighted HTML snippet into terminal text.
func plainSnippet(s string) string {
	return html.UnescapeString(tags.ReplaceAllString(s, ""))
}

func joinArgs(a []string) string {
	s := ""
	for i, x := range a {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
