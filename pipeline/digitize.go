// Package pipeline turns scans into records: it reads PNG, JPEG, TIFF and
// PDF files, prepares each page (red channel, about 200 dpi, deskew), runs
// Tesseract on a pool of workers (one engine each, loaded once), extracts
// the fields and stores the record with its original.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"motcua/store"
)

// Options control a run.
type Options struct {
	Workers    int              // OCR workers; 0 = number of cores
	Force      bool             // redo files already stored (history is kept)
	Visibility store.Visibility // "" = by document kind
	Limits     Limits
	Lang       string                // Tesseract model, default Lang
	Progress   func(done, total int) // pages done of total; called from one goroutine
	Stored     func(*store.Record)   // each record once stored; called from one goroutine
	// Place, when set, says which dossier a record joins and where (nil:
	// none); the record is stored and attached in one transaction. A file
	// already stored outside any dossier is attached as it is. Called from
	// one goroutine.
	Place func(*store.Record) (dossier string, a *store.Attachment)
	// ClaimDir, when set, holds the claims that keep runs on one data
	// directory from digitizing the same file at once (claim.go).
	ClaimDir string
}

// Summary reports a run.
type Summary struct {
	Files       int // files found
	Skipped     int // already stored
	Pages       int // pages recognised (or read from a text layer)
	Auto        int // records stored as auto
	Review      int // records stored for review
	Failed      int // files that failed
	Ignored     int // files in folders that are neither images nor PDFs by name or content
	Interrupted bool
	Dossiers    []string // dossiers opened by cover sheets and receipts (digitize --stack)
	Elapsed     time.Duration
	Failures    []store.Failure
}

// Records is the number of records stored.
func (s Summary) Records() int { return s.Auto + s.Review }

// file is one source in flight.
type file struct {
	path  string
	sha   string
	src   *Source
	pages []store.Page
	left  int
	err   error
	// release lets go of the file's claim (claim.go), once it is stored
	// or failed.
	release func()
}

type job struct {
	f *file
	i int
}

type result struct {
	f    *file
	i    int
	page store.Page
	err  error
}

// withDefaults fills what o leaves zero: a worker per core, the
// Vietnamese model, the default limits.
func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Lang == "" {
		o.Lang = Lang
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	return o
}

// Digitize stores a record for every file under paths. Bad input is
// stored as a failure and the rest goes on. When ctx is cancelled the
// pages in flight finish, files not complete are not stored, and the
// summary says Interrupted.
func Digitize(ctx context.Context, st store.Store, blobs store.Blobs, paths []string, opt Options) (Summary, error) {
	start := time.Now()
	opt = opt.withDefaults()
	var sum Summary
	fail := func(f store.Failure) error {
		slog.Warn("digitize failed", "file", f.Path, "reason", f.Reason)
		sum.Failed++
		sum.Failures = append(sum.Failures, f)
		return st.Fail(context.WithoutCancel(ctx), f)
	}

	files, bad, ignored := Scans(paths)
	sum.Ignored = ignored
	for _, f := range bad {
		if err := fail(f); err != nil {
			return sum, err
		}
	}

	// First pass: hash, skip what is stored, check and count pages. Only
	// the counts are kept; the files are read again when their turn comes.
	var todo []*file
	total := 0
	for _, p := range files {
		if ctx.Err() != nil {
			sum.Interrupted = true
			break
		}
		sum.Files++
		f, err := scan(ctx, st, p, opt)
		if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				if err := fail(store.Failure{Path: p, SHA256: f.sha, Reason: ie.Reason}); err != nil {
					return sum, err
				}
				continue
			}
			return sum, err
		}
		if f == nil {
			sum.Skipped++
			continue
		}
		todo = append(todo, f)
		total += f.left
	}
	if opt.Progress != nil {
		opt.Progress(0, total)
	}
	if sum.Interrupted || len(todo) == 0 {
		sum.Elapsed = time.Since(start)
		return sum, nil
	}

	// The engines first: without Tesseract's model nothing can be done,
	// and that is no fault of the files.
	engines, err := startEngines(opt.Lang, min(opt.Workers, max(total, 1)))
	if err != nil {
		return sum, err
	}
	jobs := make(chan job)
	results := make(chan result, opt.Workers)
	var wg sync.WaitGroup
	recognizeOn(ctx, engines, &wg, jobs, func(j job) (*Source, int) { return j.f.src, j.i },
		func(j job, pg store.Page, err error) { results <- result{f: j.f, i: j.i, page: pg, err: err} })
	// The feeder reads each file again and hands out its pages; a file
	// that fails to open, or has a text layer, goes to the collector whole
	// (i = -1).
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for _, f := range todo {
			if ctx.Err() != nil {
				return
			}
			release, err := claim(ctx, st, f, opt)
			if err != nil {
				results <- result{f: f, i: -1, err: err}
				continue
			}
			f.release = release
			if err := reopen(f, opt); err != nil {
				results <- result{f: f, i: -1, err: err}
				continue
			}
			if f.src.TextLayer != nil {
				f.textPages()
				results <- result{f: f, i: -1}
				continue
			}
			for i := range f.src.Pages {
				select {
				case jobs <- job{f, i}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var storeErr error
	done := 0
	finish := func(f *file) {
		defer func() {
			f.src = nil // let the memory go
			if f.release != nil {
				f.release()
				f.release = nil
			}
		}()
		if storeErr != nil {
			return
		}
		if f.err != nil {
			if errors.Is(f.err, context.Canceled) {
				return // interrupted: nothing of it is stored
			}
			if errors.Is(f.err, errClaimed) {
				sum.Skipped++
				slog.Info("digitize: another run is digitizing the file or has stored it; skipped", "file", f.path)
				return
			}
			storeErr = fail(store.Failure{Path: f.path, SHA256: f.sha, Reason: Reason(f.err)})
			return
		}
		// The original first (written whole or not at all), then the
		// record in one transaction: a crash in between leaves only an
		// unreferenced blob, which the next run reuses.
		if err := blobs.Put(f.sha, f.src.Data); err != nil {
			storeErr = err
			return
		}
		rec := buildRecord(f, opt)
		if opt.Place != nil {
			rec.Dossier, rec.Place = opt.Place(rec)
		}
		if err := st.Put(context.WithoutCancel(ctx), rec); err != nil {
			storeErr = err
			return
		}
		if opt.Stored != nil {
			opt.Stored(rec)
		}
		if rec.Status == store.StatusAuto {
			sum.Auto++
		} else {
			sum.Review++
		}
		slog.Debug("digitized", "file", f.path, "id", rec.ID, "status", rec.Status, "pages", len(rec.Pages))
	}
	for r := range results {
		f := r.f
		// Pages count as done when handled, recognised or failed; an
		// interrupted page does not.
		if r.i < 0 {
			f.err = r.err
			if r.err == nil {
				sum.Pages += f.left
			}
			done += f.left
			f.left = 0
		} else {
			f.left--
			switch {
			case r.err == nil:
				r.page.N = r.i + 1
				f.pages[r.i] = r.page
				sum.Pages++
				done++
			case errors.Is(r.err, context.Canceled):
				if f.err == nil {
					f.err = r.err
				}
			default:
				if f.err == nil || errors.Is(f.err, context.Canceled) {
					f.err = r.err
				}
				done++
			}
		}
		if opt.Progress != nil && !errors.Is(r.err, context.Canceled) {
			opt.Progress(done, total)
		}
		if f.left == 0 {
			finish(f)
		}
	}
	for _, f := range todo { // claims of files interrupted half-way
		if f.release != nil {
			f.release()
		}
	}
	sum.Interrupted = ctx.Err() != nil
	sum.Elapsed = time.Since(start)
	return sum, storeErr
}

// Scans lists the files under paths to digitize (Collect), the paths
// that cannot be read, and how many files met in folders were passed over.
// A file named on the command line is digitized or fails; a file met in a
// folder (a scanner's sidecar, notes) is passed over when neither its name
// nor its content is a scan's.
func Scans(paths []string) (files []string, bad []store.Failure, ignored int) {
	all, bad := Collect(paths)
	named := map[string]bool{}
	for _, p := range paths {
		named[p] = true
	}
	for _, p := range all {
		if !named[p] && extKind(p) == "" && !looksLikeScan(p) {
			ignored++
			slog.Debug("digitize: not a scan, passed over", "file", p)
			continue
		}
		files = append(files, p)
	}
	return files, bad, ignored
}

// Reason is the stored failure's reason for an error of digitizing a file:
// the input's own reason, or the error.
func Reason(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return "lỗi khi nhận dạng: " + err.Error()
}

// Recognize makes the record of one original, data read from path: every
// page recognised in turn with eng (or read from the PDF's text layer),
// the fields extracted. The record is not stored: a queue worker (package
// queue) stores it with its job's completion. Digitize does the same work
// with a file's pages spread over its engines.
func Recognize(ctx context.Context, eng *Engine, path string, data []byte, opt Options) (*store.Record, error) {
	opt = opt.withDefaults()
	src, err := OpenSource(path, data, opt.Limits)
	if err != nil {
		return nil, err
	}
	if src.Warning != "" {
		slog.Warn("digitize", "file", path, "warning", src.Warning)
	}
	f := &file{path: path, sha: store.SHA256(data), src: src, pages: make([]store.Page, src.Pages)}
	if src.TextLayer != nil {
		f.textPages()
		return buildRecord(f, opt), nil
	}
	for i := range src.Pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pg, err := recognizePage(eng, src, i)
		if err != nil {
			return nil, err
		}
		pg.N = i + 1
		f.pages[i] = pg
	}
	return buildRecord(f, opt), nil
}

// textPages fills the file's pages from its PDF's text layer.
func (f *file) textPages() {
	for i, t := range f.src.TextLayer {
		f.pages[i] = store.Page{N: i + 1, Text: t}
	}
}

// reopen reads a scanned file again for processing and checks that it
// has not changed since the first pass.
func reopen(f *file, opt Options) error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return &InputError{Path: f.path, Reason: reasonRead, Err: err}
	}
	if store.SHA256(data) != f.sha {
		return &InputError{Path: f.path, Reason: "tệp đã thay đổi trong khi số hóa: hãy chạy lại lệnh"}
	}
	src, err := OpenSource(f.path, data, opt.Limits)
	if err != nil {
		return err
	}
	f.src = src
	return nil
}

// scan reads a file, returns nil when it is stored already, and checks it.
func scan(ctx context.Context, st store.Store, path string, opt Options) (*file, error) {
	f := &file{path: path}
	fh, err := os.Open(path)
	if err != nil {
		return f, &InputError{Path: path, Reason: reasonRead, Err: err}
	}
	data, err := readAllLimit(fh, opt.Limits.MaxBytes)
	fh.Close()
	if err != nil {
		if errors.Is(err, errTooLarge) {
			fi, _ := os.Stat(path)
			return f, &InputError{Path: path, Reason: fmt.Sprintf(reasonFileSize, fi.Size()>>20, opt.Limits.MaxBytes>>20)}
		}
		return f, &InputError{Path: path, Reason: reasonRead, Err: err}
	}
	f.sha = store.SHA256(data)
	if !opt.Force {
		if old, err := st.BySHA256(ctx, f.sha); err == nil {
			return nil, placeStored(ctx, st, old, opt)
		} else if !errors.Is(err, store.ErrNotFound) {
			return f, err
		}
		// A file digitized as part of a stack is stored too, page by page.
		if ps, ok := st.(store.PageSources); ok {
			if pages, err := ps.SourcePages(ctx, f.sha); err != nil {
				return f, err
			} else if len(pages) > 0 {
				slog.Info("digitize: the file's pages are stored already as stack documents (digitize --stack)", "file", path, "pages", len(pages))
				return nil, nil
			}
		}
	}
	src, err := OpenSource(path, data, opt.Limits)
	if err != nil {
		return f, err
	}
	if src.Warning != "" {
		slog.Warn("digitize", "file", path, "warning", src.Warning)
	}
	f.left = src.Pages
	f.pages = make([]store.Page, src.Pages)
	return f, nil
}

// startEngines starts n Tesseract engines, or none: without Tesseract's
// model nothing can be done, and that is no fault of the files.
func startEngines(lang string, n int) ([]*Engine, error) {
	var engines []*Engine
	for range n {
		eng, err := NewEngine(lang)
		if err != nil {
			for _, e := range engines {
				e.Close()
			}
			return nil, fmt.Errorf("không khởi động được Tesseract: %w. Hãy cài: apt-get install tesseract-ocr tesseract-ocr-vie", err)
		}
		engines = append(engines, eng)
	}
	return engines, nil
}

// recognizeOn starts one worker per engine (counted in wg): each takes
// jobs, recognises the page that page names and hands it (or the error,
// the context's once it is cancelled) to out, and closes its engine when
// jobs is closed.
func recognizeOn[J any](ctx context.Context, engines []*Engine, wg *sync.WaitGroup, jobs <-chan J,
	page func(J) (*Source, int), out func(J, store.Page, error)) {
	for _, eng := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer eng.Close()
			for j := range jobs {
				if ctx.Err() != nil {
					out(j, store.Page{}, ctx.Err())
					continue
				}
				src, i := page(j)
				pg, err := recognizePage(eng, src, i)
				out(j, pg, err)
			}
		}()
	}
}

func recognizePage(eng *Engine, src *Source, i int) (store.Page, error) {
	p, err := src.Prepared(i)
	if err != nil {
		return store.Page{}, err
	}
	pg, turn, err := eng.RecognizeUpright(p)
	pg.Turn = turn
	if turn != 0 {
		slog.Info("page turned upright", "file", src.Path, "page", i+1, "degrees", turn)
	}
	return pg, err
}

// placeStored attaches a record stored by an earlier run to the dossier
// opt.Place gives it, when it is in none yet.
func placeStored(ctx context.Context, st store.Store, r *store.Record, opt Options) error {
	if opt.Place == nil || r.Dossier != "" {
		return nil
	}
	code, a := opt.Place(r)
	if code == "" || a == nil {
		return nil
	}
	a.RecordID = r.ID
	if err := st.Attach(ctx, code, a); errors.Is(err, store.ErrTaken) {
		slog.Warn("digitize: the file is stored in another dossier and stays there", "file", r.SourcePath, "err", err)
	} else if err != nil {
		return err
	}
	return nil
}
