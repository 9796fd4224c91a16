package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/store"
)

func init() {
	register(&command{
		name:    "audit",
		summary: "nhật ký truy cập hồ sơ và đăng nhập: audit [--since T] [--user U] [--action A] [--json] | audit --verify",
		run:     runAudit,
	})
}

// parseSince accepts an RFC 3339 time, a day (YYYY-MM-DD, local time) or a
// duration back from now (24h, 90m).
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return time.Now().Add(-d), nil
	}
	return time.Time{}, usageError{fmt.Sprintf("--since %q: dùng một ngày (2026-11-23), một thời điểm RFC 3339 (2026-11-23T08:00:00+07:00) hoặc một khoảng lùi (24h)", s)}
}

func runAudit(args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	since := fs.String("since", "", "từ lúc: 2026-11-23, 2026-11-23T08:00:00+07:00 hoặc 24h")
	usr := fs.String("user", "", "chỉ tài khoản này")
	action := fs.String("action", "", "chỉ việc này: login, view, image, download, download_pdf, edit, approve, reuse, reuse_lookup, search, user")
	asJSON := fs.Bool("json", false, "JSON Lines, mỗi dòng một sự kiện")
	verify := fs.Bool("verify", false, "kiểm tra chuỗi băm của nhật ký: có sự kiện nào bị sửa, xóa hay chèn ngoài motcua không")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	t, err := parseSince(*since)
	if err != nil {
		return err
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if *verify {
		bad, n, err := db.VerifyAudit(context.Background())
		if err != nil {
			return err
		}
		if bad != 0 {
			fmt.Fprintf(stdout, "Nhật ký KHÔNG toàn vẹn: sự kiện %d (và mọi sự kiện sau nó) không khớp chuỗi băm; đã kiểm %d sự kiện.\n", bad, n)
			return exitError{1}
		}
		fmt.Fprintf(stdout, "Nhật ký toàn vẹn: %d sự kiện, chuỗi băm khớp.\n", n)
		return nil
	}
	f := store.AuditFilter{Since: t, User: *usr, Action: *action}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return db.Events(context.Background(), f, func(e store.Event) error { return enc.Encode(e) })
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LÚC\tTÀI KHOẢN\tVIỆC\tHỒ SƠ\tTỪ MÁY\tKẾT QUẢ\tCHI TIẾT")
	n := 0
	err = db.Events(context.Background(), f, func(e store.Event) error {
		n++
		res := "được"
		if !e.OK {
			res = "TỪ CHỐI"
		}
		rec := ""
		if e.RecordID != 0 {
			rec = fmt.Sprint(e.RecordID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format("2006-01-02 15:04:05"), dash(e.User), e.Action, dash(rec),
			dash(e.Remote), res, strings.ReplaceAll(e.Detail, "\t", " "))
		return nil
	})
	tw.Flush()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d sự kiện\n", n)
	return nil
}
