package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"motcua/archive/bagit"
	"motcua/internal/progress"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "export",
		summary: "chuyển bản ghi sang lưu trữ: export bagit (--record ID | --since NGÀY) --out DIR",
		run:     runExport,
		ocr:     true, // the searchable PDFs are recognised again
	})
}

const exportUsage = "cách dùng: motcua export bagit (--record ID | --since NGÀY) --out DIR [--data DIR] [--org TÊN]"

// runExport writes BagIt bags (RFC 8493) of records for an archive: one
// bag per record, with its original, its JSON and its searchable PDF.
func runExport(args []string) error {
	if len(args) == 0 || args[0] != "bagit" {
		return usageError{exportUsage}
	}
	fs := flag.NewFlagSet("export bagit", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	id := fs.Int64("record", 0, "xuất một bản ghi: mã của nó")
	since := fs.String("since", "", "xuất các bản ghi số hóa hoặc sửa từ lúc này: 2026-11-23, 2026-11-23T08:00:00+07:00 hoặc 24h")
	out := fs.String("out", "", "thư mục ghi các túi BagIt (mỗi bản ghi một túi)")
	org := fs.String("org", "Bộ phận một cửa", "cơ quan gửi (Source-Organization trong bag-info.txt)")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 || *out == "" || (*id != 0) == (*since != "") {
		return usageError{exportUsage}
	}
	if *id < 0 {
		return usageError{fmt.Sprintf("--record %d: mã bản ghi là một số nguyên dương", *id)}
	}
	from, err := parseSince(*since)
	if err != nil {
		return err
	}
	db, blobs, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var ids []int64
	opt := bagit.Options{Organization: *org}
	if *id != 0 {
		if _, err := db.Get(ctx, *id); errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "motcua export: không có bản ghi %d. Xem danh sách: motcua records list\n", *id)
			return exitError{1}
		} else if err != nil {
			return err
		}
		ids = []int64{*id}
	} else {
		recs, err := db.UpdatedSince(ctx, from)
		if err != nil {
			return err
		}
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
		opt.Group = "motcua-tu-" + from.Local().Format("2006-01-02") + "-" + time.Now().Format("20060102T150405")
	}
	if len(ids) == 0 {
		fmt.Fprintf(stdout, "Không có bản ghi nào số hóa hoặc sửa từ %s: không ghi túi nào.\n", from.Local().Format("2006-01-02 15:04"))
		return nil
	}
	// Exporting personal records is an access like any other: in the
	// audit log before anything is read.
	abs, _ := filepath.Abs(*out)
	for _, rid := range ids {
		if err := db.Log(ctx, store.Event{User: cliUser(), Action: store.ActExport, RecordID: rid, Detail: "BagIt → " + abs, Remote: "cli", OK: true}); err != nil {
			return err
		}
	}
	bar := progress.New(stderr, "đóng gói BagIt", "túi")
	opt.Progress = bar.Update
	bags, err := bagit.Export(ctx, db, blobs, ids, *out, opt)
	bar.Done()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "Đã dừng: chưa ghi túi nào.")
		return exitError{130}
	}
	var exists *bagit.ExistsError
	if errors.As(err, &exists) {
		fmt.Fprintf(stderr, "motcua export: đã có %s (túi không bao giờ bị ghi đè): hãy chuyển nó đi hoặc chọn --out khác. Chưa ghi túi nào.\n", exists.Path)
		return exitError{1}
	}
	if err != nil && len(bags) == 0 {
		return fmt.Errorf("%w (chưa ghi túi nào)", err)
	}
	if err != nil {
		return fmt.Errorf("%w (đã ghi %d túi: %v)", err, len(bags), bags)
	}
	for _, b := range bags {
		fmt.Fprintln(stdout, b)
	}
	fmt.Fprintf(stdout, "Đã ghi %d túi BagIt 1.0 vào %s.\n", len(bags), *out)
	return nil
}
