package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"motcua/content"
	"motcua/dossier"
	"motcua/internal/progress"
	"motcua/internal/vi"
	"motcua/pipeline"
	"motcua/search"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "digitize",
		summary: "số hóa bản quét (PNG, JPEG, TIFF, PDF): digitize [--data DIR] [--workers N] [--queue --db postgres://…] [--stack] [--dossier MÃ --procedure P --owner SỐ] ĐƯỜNG_DẪN...",
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
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (với --dossier, --stack)")
	stack := fs.Bool("stack", false, "các tệp là các trang của một lượt quét: tờ bìa (mã QR) và giấy tiếp nhận tách hồ sơ, mỗi văn bản một bản ghi")
	queued := fs.Bool("queue", false, "chỉ lưu bản gốc và xếp hàng việc nhận dạng (mỗi tệp một việc) cho motcua worker; cần --db postgres://…")
	h := dossierFlags(fs)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageError{"cần ít nhất một tệp hoặc thư mục: motcua digitize [--data DIR] ĐƯỜNG_DẪN..."}
	}
	if *queued {
		if *stack || *dossierCode != "" {
			return usageError{"--queue chưa dùng được với --stack hay --dossier: hãy số hóa các tệp đó không có --queue"}
		}
		return enqueue(*data, paths, *force, *vis)
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
	var cat *content.Catalogue
	var ch store.Channel
	if *stack {
		if ch, err = store.ParseChannel(*h.channel); err != nil {
			return usageError{"--channel: " + err.Error()}
		}
		if cat, err = loadCatalogue(*dir); err != nil {
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
	run := func(ctx context.Context, opt pipeline.Options) (pipeline.Summary, error) {
		return pipeline.Digitize(ctx, db, blobs, paths, opt)
	}
	if *stack {
		so := pipeline.StackOptions{Open: stackDossiers(db, cat, ch)}
		if d != nil {
			so.Dossier = d.Code
		}
		run = func(ctx context.Context, opt pipeline.Options) (pipeline.Summary, error) {
			so.Options = opt
			return pipeline.DigitizeStack(ctx, db, blobs, paths, so)
		}
	}
	return digitizeWith(db, *data, run, opt)
}

// stackDossiers checks and opens the dossiers that a stack's cover sheets
// and receipts name (pipeline.StackOptions.Open): a valid code, a
// procedure of the catalogue, a 12-digit owner ID, and the same procedure
// and owner as the stored dossier of that code.
func stackDossiers(db store.Store, cat *content.Catalogue, ch store.Channel) func(*store.Dossier, bool) (pipeline.Placer, error) {
	return func(d *store.Dossier, check bool) (pipeline.Placer, error) {
		if !vi.IsDossierCode(d.Code) {
			return nil, fmt.Errorf("mã hồ sơ %q không đúng dạng quốc gia, ví dụ 000.42.27.H09-240515-0087", d.Code)
		}
		p, ok := cat.Get(d.Procedure)
		if !ok {
			return nil, fmt.Errorf("danh mục không có thủ tục %q: kiểm tra mã thủ tục trên tờ bìa hay giấy tiếp nhận, hoặc thêm thủ tục vào danh mục (--catalogue)", d.Procedure)
		}
		if !vi.IsPersonID(d.OwnerID) {
			return nil, fmt.Errorf("số định danh %q của người nộp không đủ 12 chữ số", d.OwnerID)
		}
		if d.Channel == "" {
			d.Channel = ch
		}
		if d.Received == "" {
			d.Received = vi.DossierDate(d.Code)
		}
		if d.Status == "" {
			d.Status = store.DossierReceived
		}
		if check {
			old, err := db.Dossier(context.Background(), d.Code)
			if err == nil && (old.Procedure != d.Procedure || old.OwnerID != d.OwnerID) {
				return nil, fmt.Errorf("hồ sơ %s đã có với thủ tục %s, số định danh %s", d.Code, old.Procedure, old.OwnerID)
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			return nil, nil
		}
		if err := openDossier(db, d); err != nil {
			return nil, err
		}
		slog.Debug("digitize --stack: hồ sơ", "code", d.Code, "procedure", d.Procedure)
		return dossier.Place(d, p, false), nil
	}
}

// digitizeFiles runs the pipeline on paths with a progress bar, prints the
// summary and indexes what it stored.
func digitizeFiles(db store.Store, blobs store.Blobs, data string, paths []string, opt pipeline.Options) error {
	return digitizeWith(db, data, func(ctx context.Context, opt pipeline.Options) (pipeline.Summary, error) {
		return pipeline.Digitize(ctx, db, blobs, paths, opt)
	}, opt)
}

// digitizeWith is digitizeFiles for a run of Digitize or DigitizeStack.
func digitizeWith(db store.Store, data string, run func(context.Context, pipeline.Options) (pipeline.Summary, error), opt pipeline.Options) error {
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

	opt.ClaimDir = filepath.Join(data, "claims") // two runs on one data directory share the work
	bar := progress.New(stderr, "số hóa", "trang")
	opt.Progress = bar.Update
	sum, err := run(ctx, opt)
	bar.Done()
	printSummary(sum)
	indexStored(db, data, sum.Records() > 0)
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
	if len(s.Dossiers) > 0 {
		fmt.Fprintf(stdout, "Hồ sơ theo tờ bìa và giấy tiếp nhận: %s\n", strings.Join(s.Dossiers, ", "))
	}
	if s.Ignored > 0 {
		fmt.Fprintf(stdout, "Bỏ qua %d tệp trong thư mục không phải ảnh hay PDF (theo tên và nội dung)\n", s.Ignored)
	}
	for _, f := range s.Failures {
		fmt.Fprintf(stdout, "  lỗi  %s: %s\n", termSafe(f.Path), termSafe(f.Reason))
	}
	if s.Failed > 0 {
		fmt.Fprintln(stdout, "Xem lại các tệp lỗi: motcua records failed")
	}
}

// indexStored adds to the search index what the store holds and the index
// lacks: the records this run stored (or redid), and those of a run killed
// before it indexed them. The store is the truth and the index a derived
// view: when the index cannot be opened (motcua serve holds it), the
// records are safe and `motcua index` adds them later, which the message
// says.
func indexStored(db search.Records, data string, stored bool) {
	ix, err := openIndex(search.Open, data)
	var synced search.Synced
	if err == nil {
		synced, err = ix.CatchUp(context.Background(), db)
		ix.Close()
	}
	if err != nil && !stored {
		slog.Debug("index not caught up", "error", err) // nothing new: the next run or serve does it
		return
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
