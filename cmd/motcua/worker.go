package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"motcua/pipeline"
	"motcua/queue"
	"motcua/store"
	"motcua/store/postgres"
)

// OCR as durable jobs on a shared PostgreSQL database (package queue):
// digitize --queue enqueues, worker takes jobs, queue shows where they are.

func init() {
	register(&command{
		name:    "worker",
		summary: "nhận dạng chữ các việc đã xếp hàng (digitize --queue), trên bao nhiêu máy cũng được: worker --db postgres://… [--workers N] [--data DIR]",
		run:     runWorker,
		ocr:     true,
	})
	register(&command{
		name:    "queue",
		summary: "hàng đợi nhận dạng: đang chờ, đang chạy, chờ thử lại, lỗi, xong và tốc độ: queue --db postgres://… [--json]",
		run:     runQueue,
	})
}

// openQueue opens the chosen database, which must be PostgreSQL.
func openQueue(data, command string) (*postgres.DB, store.Blobs, error) {
	c, err := chooseDB(data)
	if err != nil {
		return nil, nil, err
	}
	if c.postgres == "" {
		return nil, nil, usageError{command + " cần cơ sở dữ liệu PostgreSQL dùng chung: thêm --db postgres://người_dùng@máy:cổng/tên (hoặc đặt biến " + dbEnv +
			"); với cơ sở dữ liệu nhúng (SQLite) hãy chạy motcua digitize không có --queue, lệnh tự nhận dạng"}
	}
	db, blobs, err := openStore(data)
	if err != nil {
		return nil, blobs, err
	}
	return db.(*postgres.DB), blobs, nil
}

// enqueue is digitize --queue.
func enqueue(data string, paths []string, force bool, vis string) error {
	db, blobs, err := openQueue(data, "digitize --queue")
	if err != nil {
		return err
	}
	defer db.Close()
	opt := queue.EnqueueOptions{Force: force}
	if vis != "" {
		v, err := store.ParseVisibility(vis)
		if err != nil {
			return usageError{"--visibility phải là public hoặc restricted"}
		}
		opt.Visibility = v
	}
	sum, err := queue.Enqueue(context.Background(), db, blobs, paths, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Xếp hàng: %d tệp, %d việc mới; đã có từ trước (bỏ qua): %d; đang trong hàng đợi: %d; lỗi: %d\n",
		sum.Files, sum.Jobs, sum.Skipped, sum.Queued, sum.Failed)
	if sum.Ignored > 0 {
		fmt.Fprintf(stdout, "Bỏ qua %d tệp trong thư mục không phải ảnh hay PDF (theo tên và nội dung)\n", sum.Ignored)
	}
	fmt.Fprintln(stdout, "Các việc được nhận dạng bởi motcua worker --db … (xem tiến độ: motcua queue)")
	if sum.Failed > 0 {
		fmt.Fprintln(stdout, "Xem lại các tệp lỗi: motcua records failed")
		return exitError{1}
	}
	return nil
}

func runWorker(args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu (bản gốc)")
	workers := fs.Int("workers", runtime.NumCPU(), "số việc nhận dạng cùng lúc, mỗi việc một bộ Tesseract (mặc định: số nhân CPU)")
	timeout := fs.Duration("job-timeout", queue.DefaultJobTimeout, "thời gian tối đa cho một việc")
	rescue := fs.Duration("rescue-after", queue.DefaultRescueAfter, "một việc chạy lâu hơn (máy làm việc đã chết) được làm lại; không nhỏ hơn --job-timeout")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"worker không nhận đường dẫn: xếp hàng tệp bằng motcua digitize --queue ĐƯỜNG_DẪN..."}
	}
	if *rescue < *timeout {
		return usageError{fmt.Sprintf("--rescue-after (%s) không được nhỏ hơn --job-timeout (%s)", *rescue, *timeout)}
	}
	db, blobs, err := openQueue(*data, "worker")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var stored atomic.Int64
	start := time.Now()
	fmt.Fprintf(stderr, "motcua worker: %d luồng nhận dạng, hàng đợi trong %s; Ctrl-C để dừng sau các việc đang làm\n", max(*workers, 1), redacted(dbFlagOrEnv()))
	err = queue.Work(ctx, db, blobs, queue.Config{
		Workers:     *workers,
		JobTimeout:  *timeout,
		RescueAfter: *rescue,
		Options:     pipeline.Options{Limits: pipeline.DefaultLimits},
		Stored:      func(*store.Record) { stored.Add(1) },
	})
	fmt.Fprintf(stderr, "motcua worker: đã lưu %d bản ghi trong %s\n", stored.Load(), time.Since(start).Round(time.Second))
	return err
}

// dbFlagOrEnv is the database URL given, for messages.
func dbFlagOrEnv() string {
	if dbFlag != "" {
		return dbFlag
	}
	return os.Getenv(dbEnv)
}

func runQueue(args []string) error {
	fs := flag.NewFlagSet("queue", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	asJSON := fs.Bool("json", false, "in dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"cách dùng: motcua queue --db postgres://… [--json]"}
	}
	db, _, err := openQueue(*data, "queue")
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := queue.Stat(context.Background(), db.Pool())
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(stdout, "Đang chờ:     %d\nĐang chạy:    %d\nChờ thử lại:  %d\nLỗi:          %d\nXong:         %d\n", s.Waiting, s.Running, s.Retrying, s.Failed, s.Done)
	fmt.Fprintf(stdout, "Tốc độ:       %.1f văn bản/phút (%.0f phút qua)\n", s.PerMinute, s.WindowMin)
	if s.Failed > 0 {
		fmt.Fprintln(stdout, "Xem lý do lỗi: motcua records failed")
	}
	return nil
}
