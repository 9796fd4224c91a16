package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"motcua/content"
	"motcua/dossier"
	"motcua/internal/progress"
	"motcua/pipeline"
	"motcua/search"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "digitize",
		summary: "số hóa bản quét (PNG, JPEG, TIFF, PDF): digitize [--data DIR] [--workers N] ĐƯỜNG_DẪN...",
		run:     runDigitize,
		ocr:     true,
	})
}

func runDigitize(args []string) error {
	fs := flag.NewFlagSet("digitize", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu (cơ sở dữ liệu và bản gốc)")
	workers := fs.Int("workers", runtime.NumCPU(), "số luồng nhận dạng chữ (mặc định: số nhân CPU)")
	force := fs.Bool("force", false, "số hóa lại cả tệp đã có (giữ lịch sử bản ghi)")
	vis := fs.String("visibility", "", "public hoặc restricted cho mọi bản ghi (mặc định: theo loại văn bản)")
	maxMP := fs.Int("max-megapixels", pipeline.DefaultLimits.MaxPixels/1_000_000, "từ chối ảnh lớn hơn (megapixel), trước khi giải mã")
	dossierCode := fs.String("dossier", "", "đưa các văn bản vào hồ sơ có mã này (cần --procedure và --owner)")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (với --dossier)")
	h := dossierFlags(fs)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageError{"cần ít nhất một tệp hoặc thư mục: motcua digitize [--data DIR] ĐƯỜNG_DẪN..."}
	}
	opt := pipeline.Options{Workers: *workers, Force: *force, Limits: pipeline.DefaultLimits}
	opt.Limits.MaxPixels = *maxMP * 1_000_000
	if *vis != "" {
		v, err := store.ParseVisibility(*vis)
		if err != nil {
			return usageError{"--visibility phải là public hoặc restricted"}
		}
		opt.Visibility = v
	}
	var d *store.Dossier
	var p *content.Procedure
	if *dossierCode != "" {
		if d, p, err = h.read(*dir, *dossierCode); err != nil {
			return err
		}
	}
	db, blobs, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if d != nil {
		if err := openDossier(db, d); err != nil {
			return err
		}
		opt.Place = dossier.Place(d, p, false)
	}
	return digitizeFiles(db, blobs, *data, paths, opt)
}

// digitizeFiles runs the pipeline on paths with a progress bar, prints the
// summary and indexes what it stored.
func digitizeFiles(db store.Store, blobs store.DirBlobs, data string, paths []string, opt pipeline.Options) error {
	// Ctrl-C: finish the pages in flight, store nothing half-done, report.
	// A second Ctrl-C quits at once (the database stays consistent).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		fmt.Fprintln(stderr, "\nĐang dừng: hoàn tất các trang đang nhận dạng… (nhấn Ctrl-C lần nữa để thoát ngay)")
		cancel()
		if _, ok := <-sigs; ok {
			os.Exit(130)
		}
	}()

	bar := progress.New(stderr, "số hóa", "trang")
	opt.Progress = bar.Update
	stored, mark := 0, time.Now()
	opt.Stored = func(*store.Record) { stored++ }
	sum, err := pipeline.Digitize(ctx, db, blobs, paths, opt)
	bar.Done()
	printSummary(sum)
	if stored > 0 {
		indexStored(db, mark, data)
	}
	if err != nil {
		return err
	}
	switch {
	case sum.Interrupted:
		fmt.Fprintln(stderr, "Đã dừng theo yêu cầu. Chạy lại cùng lệnh để số hóa tiếp các tệp còn lại.")
		return exitError{130}
	case sum.Failed > 0:
		return exitError{1}
	}
	return nil
}

// openDossier creates the dossier, or checks that the stored one is the
// same procedure and owner, and audits it.
func openDossier(db store.Store, d *store.Dossier) error {
	ctx := context.Background()
	old, err := db.Dossier(ctx, d.Code)
	switch {
	case err == nil:
		if old.Procedure != d.Procedure || old.OwnerID != d.OwnerID {
			return fmt.Errorf("hồ sơ %s đã có với thủ tục %s, số định danh %s: kiểm tra lại --procedure và --owner",
				d.Code, old.Procedure, old.OwnerID)
		}
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if err := db.PutDossier(ctx, d); err != nil {
		return err
	}
	return db.Log(ctx, store.Event{User: cliUser(), Action: store.ActDossierEdit, Remote: "cli", OK: true,
		Detail: "hồ sơ " + d.Code + ", thủ tục " + d.Procedure})
}

func printSummary(s pipeline.Summary) {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Pages) / s.Elapsed.Minutes()
	}
	fmt.Fprintf(stdout, "Số hóa: %d tệp, %d trang trong %s (%.1f trang/phút)\n", s.Files, s.Pages, s.Elapsed.Round(100e6), rate)
	fmt.Fprintf(stdout, "Bản ghi: %d tự động, %d cần duyệt; đã có từ trước (bỏ qua): %d; lỗi: %d\n", s.Auto, s.Review, s.Skipped, s.Failed)
	if s.Ignored > 0 {
		fmt.Fprintf(stdout, "Bỏ qua %d tệp trong thư mục không phải ảnh hay PDF (theo tên và nội dung)\n", s.Ignored)
	}
	for _, f := range s.Failures {
		fmt.Fprintf(stdout, "  lỗi  %s: %s\n", f.Path, f.Reason)
	}
	if s.Failed > 0 {
		fmt.Fprintln(stdout, "Xem lại các tệp lỗi: motcua records failed")
	}
}

// indexStored adds the records this run stored (or redid) since mark to
// the search index. The store is the truth and the index a derived view:
// when the index cannot be opened (motcua serve holds it), the records are
// safe and `motcua index` adds them later, which the message says.
func indexStored(db search.Records, mark time.Time, data string) {
	ix, err := openIndex(search.Open, data)
	var synced search.Synced
	if err == nil {
		synced, err = ix.IndexSince(context.Background(), db, mark)
		ix.Close()
	}
	if err != nil {
		slog.Warn("records stored but not yet searchable", "error", err)
		if errors.Is(err, search.ErrLocked) {
			fmt.Fprintln(stderr, "Các hồ sơ đã được lưu. motcua serve đang giữ chỉ mục tìm kiếm và sẽ tự thêm chúng trong vài giây.")
			return
		}
		fmt.Fprintf(stderr, "Các hồ sơ đã được lưu nhưng chưa được lập chỉ mục tìm kiếm (%v). Chạy lại: motcua index --data %s\n", err, data)
		return
	}
	slog.Debug("indexed records", "count", synced.Indexed)
}
