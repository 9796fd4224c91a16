package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"motcua/dossier"
)

func init() {
	register(&command{
		name:    "stats",
		summary: "chỉ số số hóa hồ sơ (QĐ 766): stats [--from NGÀY] [--to NGÀY] [--json|--csv]",
		run:     runStats,
	})
}

func runStats(args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	fromS := fs.String("from", "", "từ ngày tiếp nhận YYYY-MM-DD")
	toS := fs.String("to", "", "đến ngày tiếp nhận YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "in JSON")
	asCSV := fs.Bool("csv", false, "in CSV")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var from, to time.Time
	for _, d := range []struct {
		name, v string
		t       *time.Time
	}{{"--from", *fromS, &from}, {"--to", *toS, &to}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return usageError{fmt.Sprintf("%s %q: ngày có dạng YYYY-MM-DD", d.name, d.v)}
		}
		*d.t = t
	}
	cat, db, _, err := openWithCatalogue(*dir, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := dossier.Indicators(context.Background(), db, cat, from, to, time.Now())
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case *asCSV:
		return rep.WriteCSV(stdout)
	}
	t := rep.Total
	fmt.Fprintf(stdout, "Hồ sơ tiếp nhận: %d, đã giải quyết: %d\n\n", t.Counts.Received, t.Counts.Finished)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHỈ SỐ\tTỶ LỆ\tTỬ SỐ/MẪU SỐ\tĐIỂM")
	for _, row := range []struct {
		name string
		ind  dossier.Indicator
	}{
		{"2.1 Giải quyết đúng hạn", t.OnTime},
		{"4.1 Tỷ lệ số hóa kết quả", t.ResultDigitization},
		{"4.2 Tỷ lệ số hóa hồ sơ", t.DossierDigitization},
		{"4.3 Tỷ lệ tái sử dụng", t.Reuse},
		{"4.4 Kho dữ liệu quốc gia", t.NationalStore},
	} {
		pct, pts := "không áp dụng", "—"
		if row.ind.Applicable() {
			pct = row.ind.Percent() + " %"
			p, _ := row.ind.Points()
			pts = fmt.Sprintf("%.2f/%d", p, row.ind.Max)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", row.name, pct, row.ind.Num, row.ind.Den, pts)
	}
	return tw.Flush()
}
