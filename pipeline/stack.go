package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
	"motcua/pipeline/cover"
	"motcua/store"
)

// A stack is one scanning session: the files (a folder in name order, a
// multi-page PDF or TIFF, or several of these) are its pages, in order.
//
//   - A page with a cover sheet's QR code starts a dossier and is no record.
//   - SplitStack finds where documents start; each document is one record,
//     placed in the current dossier at the component dossier.Assign picks.
//   - A receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả") always opens
//     a document, and names its dossier: when no cover opened the current one, a
//     receipt with another dossier code starts that dossier (and the
//     documents after it go to no dossier if it cannot be opened); after a
//     cover, a receipt of the same code fills the header fields the cover
//     left empty (appointment date, name). The receipt itself is a record
//     of its dossier, as the office keeps it (unassigned: it answers no
//     required document).
//   - Pages before any cover or receipt go to the --dossier of the command
//     line, or to no dossier, with a warning.
//
// A stack document's record is keyed by its pages' sources (StackSHA), and
// each page remembers the original file and page it came from, so that a
// rerun skips the pages already stored without recognising them again.
// Documents are stored in stack order, each once the page after it is
// known: an interrupted run stores no half document, and the rerun goes on
// from the first page not stored. Every cover is read and checked before
// anything is stored: a bad cover stops the run with nothing stored.

// Placer says which dossier a record joins and where.
type Placer = func(*store.Record) (dossier string, a *store.Attachment)

// StackOptions control a stack run. Options.Place, when set, places the
// pages before any cover or receipt (digitize --dossier CODE --stack).
type StackOptions struct {
	Options
	// Dossier is the code of the dossier Options.Place places in.
	Dossier string
	// Open checks a dossier named by a cover sheet, a receipt or a stored
	// record against the catalogue and the store. With check it only
	// checks; otherwise it creates the dossier (or accepts the stored one)
	// and returns its placer. Required.
	Open func(d *store.Dossier, check bool) (Placer, error)
}

// StackSHA is the key of a stack document's record: the SHA-256 of its
// pages' sources, one "sha:page\n" line each.
func StackSHA(pages []store.Page) string {
	h := sha256.New()
	for _, p := range pages {
		fmt.Fprintf(h, "%s:%d\n", p.Source, p.SourcePage)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// stackFile is one file of a stack.
type stackFile struct {
	path  string
	sha   string
	kind  string
	size  int64
	count int     // pages
	src   *Source // while its pages are recognised
	left  int     // pages still to recognise
}

// stackPage is one page of a stack, in stack order.
type stackPage struct {
	file   *stackFile
	n      int          // from 0 in its file
	record int64        // the record that holds it, stored by an earlier run
	sheet  *cover.Sheet // a cover sheet
	page   store.Page
	done   bool // recognised, or needs no recognition
	err    error
}

func (p *stackPage) where() string { return fmt.Sprintf("%s, trang %d", p.file.path, p.n+1) }

// current is the dossier the next documents join.
type current struct {
	code    string
	place   Placer
	covered bool // opened by a cover sheet
}

// DigitizeStack digitizes the files under paths as one scanning session.
// A file that cannot be read is stored as a failure and its pages left
// out; a cover that cannot be read or names a dossier the catalogue or
// the store refuses is an error, before anything is stored.
func DigitizeStack(ctx context.Context, st store.Store, blobs store.Blobs, paths []string, opt StackOptions) (Summary, error) {
	start := time.Now()
	opt.Options = opt.Options.withDefaults()
	if opt.Open == nil {
		return Summary{}, errors.New("pipeline: DigitizeStack needs Open")
	}
	var sum Summary
	fail := func(f store.Failure) error {
		slog.Warn("digitize failed", "file", f.Path, "reason", f.Reason)
		sum.Failed++
		sum.Failures = append(sum.Failures, f)
		return st.Fail(context.WithoutCancel(ctx), f)
	}

	// First pass: hash each file, find its pages stored already, look for
	// cover sheets on the others and check the dossiers they name.
	files, bad := Collect(paths)
	for _, f := range bad {
		if err := fail(f); err != nil {
			return sum, err
		}
	}
	named := map[string]bool{}
	for _, p := range paths {
		named[p] = true
	}
	var pages []*stackPage
	total := 0
	records := map[int64]bool{}
	for _, p := range files {
		if ctx.Err() != nil {
			sum.Interrupted = true
			sum.Elapsed = time.Since(start)
			return sum, nil
		}
		if !named[p] && extKind(p) == "" && !looksLikeScan(p) {
			sum.Ignored++
			continue
		}
		sum.Files++
		f, src, err := openStackFile(p, opt.Limits)
		if err == nil && src.TextLayer != nil {
			err = &InputError{Path: p, Reason: reasonStackText}
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				return sum, err
			}
			if err := fail(store.Failure{Path: p, SHA256: f.sha, Reason: ie.Reason}); err != nil {
				return sum, err
			}
			continue
		}
		stored := map[int]int64{}
		if !opt.Force {
			if stored, err = st.SourcePages(ctx, f.sha); err != nil {
				return sum, err
			}
		}
		fp := make([]*stackPage, src.Pages)
		var look []int // pages to look at for a cover
		for n := range src.Pages {
			fp[n] = &stackPage{file: f, n: n}
			if id, ok := stored[n+1]; ok {
				fp[n].record, fp[n].done = id, true
				records[id] = true
				continue
			}
			look = append(look, n)
		}
		found := findCovers(src, look, opt.Workers)
		for _, n := range look {
			sp, c := fp[n], found[n]
			switch {
			case c.err != nil:
				sp.err, sp.done = c.err, true // the file fails where the page comes
			case c.bad != nil:
				return sum, fmt.Errorf("%s: tờ bìa hồ sơ không đọc được (%v): hãy in lại tờ bìa (motcua dossier cover) và quét lại trang này", sp.where(), c.bad)
			case c.sheet != nil:
				if _, err := opt.Open(sheetDossier(*c.sheet), true); err != nil {
					return sum, fmt.Errorf("%s: tờ bìa hồ sơ %s: %w", sp.where(), c.sheet.Code, err)
				}
				sp.sheet, sp.done = c.sheet, true
			default:
				f.left++
			}
		}
		pages = append(pages, fp...)
		total += f.left
	}
	sum.Skipped = len(records)
	slog.Debug("digitize --stack: first pass", "pages", len(pages), "to recognise", total, "elapsed", time.Since(start))
	if opt.Progress != nil {
		opt.Progress(0, total)
	}

	// The engines, then the pages: the workers recognise them in any
	// order; the collector takes them in stack order, splits and stores.
	engines, err := startEngines(opt.Lang, min(opt.Workers, total))
	if err != nil {
		return sum, err
	}
	type stackResult struct {
		i    int
		page store.Page
		err  error
	}
	jobs := make(chan int)
	results := make(chan stackResult, opt.Workers)
	var wg sync.WaitGroup
	recognizeOn(ctx, engines, &wg, jobs, func(i int) (*Source, int) { return pages[i].file.src, pages[i].n },
		func(i int, pg store.Page, err error) { results <- stackResult{i: i, page: pg, err: err} })
	// The feeder reads each file again, stores it as an original (before
	// any record can name it) and hands out its pages to recognise.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		var f *stackFile
		opened := false // f is open: its pages can be recognised
		for i, sp := range pages {
			if sp.done && sp.sheet == nil {
				continue // stored already, or failed
			}
			if sp.file != f {
				// A file holding only covers is kept too, as every original.
				f = sp.file
				ocr := f.left > 0 // read before any of its pages is handed out
				err := reopenStack(f, blobs, opt.Limits)
				opened = err == nil && ocr
				switch {
				case err != nil && !ocr:
					slog.Warn("digitize --stack: could not keep the original of a cover sheet", "file", f.path, "err", err)
				case err != nil:
					// Every page of the file fails with it.
					for j := i; j < len(pages) && pages[j].file == f; j++ {
						if !pages[j].done {
							results <- stackResult{i: j, err: err}
						}
					}
				case !ocr:
					f.src = nil
				}
			}
			if !opened || sp.done {
				continue
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	sp := &splitter{ctx: context.WithoutCancel(ctx), st: st, opt: opt, sum: &sum, failed: map[*stackFile]bool{}}
	if opt.Place != nil {
		sp.cur = &current{code: opt.Dossier, place: opt.Place}
	}
	next, done := 0, 0
	for r := range results {
		p := pages[r.i]
		if errors.Is(r.err, context.Canceled) {
			continue // interrupted: not done, not stored
		}
		p.done, p.page, p.err = true, r.page, r.err
		p.page.N = p.n + 1
		done++
		if r.err == nil {
			sum.Pages++
		}
		if p.file.left--; p.file.left == 0 {
			p.file.src = nil // let the memory go
		}
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		// Once interrupted, nothing more is taken: what is stored is what
		// was complete when the run was stopped.
		for sp.err == nil && ctx.Err() == nil && next < len(pages) && pages[next].done {
			sp.take(pages[next])
			next++
		}
	}
	// Before the engines: with nothing to recognise the loop above did
	// not run.
	for sp.err == nil && ctx.Err() == nil && next < len(pages) && pages[next].done {
		sp.take(pages[next])
		next++
	}
	if sp.err == nil && ctx.Err() == nil && next == len(pages) {
		sp.flush()
	}
	sum.Interrupted = ctx.Err() != nil
	sum.Elapsed = time.Since(start)
	return sum, sp.err
}

// coverLook is what a page shows: a cover sheet, an unreadable one
// (bad), or a page that cannot be decoded (err).
type coverLook struct {
	sheet    *cover.Sheet
	bad, err error
}

// findCovers decodes the pages look of src and looks for a cover sheet
// on each, on workers goroutines (a few tenths of a second a page).
func findCovers(src *Source, look []int, workers int) map[int]coverLook {
	out := make(map[int]coverLook, len(look))
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(workers, len(look))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				var c coverLook
				img, _, err := src.Page(n)
				if err != nil {
					c.err = err
				} else if sheet, ok, err := cover.Detect(img); err != nil {
					c.bad = err
				} else if ok {
					c.sheet = &sheet
				}
				mu.Lock()
				out[n] = c
				mu.Unlock()
			}
		}()
	}
	for _, n := range look {
		next <- n
	}
	close(next)
	wg.Wait()
	return out
}

const reasonStackText = "PDF có lớp chữ sẵn, không phải bản quét: hãy số hóa riêng tệp này, không kèm --stack"

// openStackFile reads a file of a stack, checks it and counts its pages.
func openStackFile(path string, lim Limits) (*stackFile, *Source, error) {
	f := &stackFile{path: path}
	fh, err := os.Open(path)
	if err != nil {
		return f, nil, &InputError{Path: path, Reason: reasonRead, Err: err}
	}
	data, err := readAllLimit(fh, lim.MaxBytes)
	fh.Close()
	if err != nil {
		if errors.Is(err, errTooLarge) {
			fi, _ := os.Stat(path)
			return f, nil, &InputError{Path: path, Reason: fmt.Sprintf(reasonFileSize, fi.Size()>>20, lim.MaxBytes>>20)}
		}
		return f, nil, &InputError{Path: path, Reason: reasonRead, Err: err}
	}
	f.sha, f.size = store.SHA256(data), int64(len(data))
	src, err := OpenSource(path, data, lim)
	if err != nil {
		return f, nil, err
	}
	if src.Warning != "" {
		slog.Warn("digitize", "file", path, "warning", src.Warning)
	}
	f.kind, f.count = src.Kind, src.Pages
	return f, src, nil
}

// reopenStack reads a stack's file again, checks it has not changed and
// stores it as an original.
func reopenStack(f *stackFile, blobs store.Blobs, lim Limits) error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return &InputError{Path: f.path, Reason: reasonRead, Err: err}
	}
	if store.SHA256(data) != f.sha {
		return &InputError{Path: f.path, Reason: "tệp đã thay đổi trong khi số hóa: hãy chạy lại lệnh"}
	}
	src, err := OpenSource(f.path, data, lim)
	if err != nil {
		return err
	}
	if err := blobs.Put(f.sha, data); err != nil {
		return err
	}
	f.src = src
	return nil
}

// sheetDossier is the dossier a cover sheet names.
func sheetDossier(s cover.Sheet) *store.Dossier {
	return &store.Dossier{Code: s.Code, Procedure: s.Procedure, OwnerID: s.OwnerID, OwnerName: s.OwnerName}
}

// splitter takes the pages of a stack in order and stores its documents.
type splitter struct {
	ctx     context.Context
	st      store.Store
	opt     StackOptions
	sum     *Summary
	cur     *current
	pending []*stackPage // the pages since the last document stored
	last    int64        // the stored record of the page before
	cover   string       // the code of the last cover met
	failed  map[*stackFile]bool
	warned  bool
	err     error
}

func (s *splitter) take(p *stackPage) {
	switch {
	case p.err != nil:
		s.flush()
		if !s.failed[p.file] {
			s.failed[p.file] = true
			reason := "lỗi khi nhận dạng trang " + fmt.Sprint(p.n+1) + ": " + p.err.Error()
			var ie *InputError
			if errors.As(p.err, &ie) {
				reason = ie.Reason
			}
			s.sum.Failed++
			f := store.Failure{Path: p.file.path, SHA256: p.file.sha, Reason: reason}
			s.sum.Failures = append(s.sum.Failures, f)
			slog.Warn("digitize failed", "file", f.Path, "page", p.n+1, "reason", reason)
			if err := s.st.Fail(s.ctx, f); err != nil {
				s.err = err
			}
		}
	case p.record != 0:
		s.flush()
		if p.record != s.last {
			s.last = p.record
			s.resume(p.record)
		}
	case p.sheet != nil:
		s.flush()
		s.last = 0
		d := sheetDossier(*p.sheet)
		place, err := s.opt.Open(d, false)
		if err != nil {
			s.err = fmt.Errorf("%s: tờ bìa hồ sơ %s: %w", p.where(), d.Code, err)
			return
		}
		s.cur = &current{code: d.Code, place: place, covered: true}
		s.cover = d.Code
		s.sum.Dossiers = append(s.sum.Dossiers, d.Code)
	default:
		s.last = 0
		if _, ok := ParseReceipt(p.page); ok {
			s.flush() // a receipt always opens a document, header or not
		}
		s.pending = append(s.pending, p)
		docs := SplitStack(pagesOf(s.pending), nil)
		if len(docs) > 1 {
			// Every document but the last is complete.
			for _, d := range docs[:len(docs)-1] {
				s.store(pick(s.pending, d))
			}
			s.pending = pick(s.pending, docs[len(docs)-1])
		}
	}
}

// flush stores the documents of the pages pending.
func (s *splitter) flush() {
	if len(s.pending) == 0 {
		return
	}
	for _, d := range SplitStack(pagesOf(s.pending), nil) {
		s.store(pick(s.pending, d))
	}
	s.pending = nil
}

// resume makes the dossier of a record stored by an earlier run current,
// so that the pages after it join it as they did then.
func (s *splitter) resume(id int64) {
	code, err := s.st.DossierOf(s.ctx, id)
	if err != nil {
		s.err = err
		return
	}
	if code == "" {
		s.cur = nil
		return
	}
	if s.cur != nil && s.cur.code == code {
		return
	}
	d, err := s.st.Dossier(s.ctx, code)
	if err != nil {
		s.err = err
		return
	}
	place, err := s.opt.Open(d, false)
	if err != nil {
		s.err = fmt.Errorf("hồ sơ %s: %w", code, err)
		return
	}
	s.cur = &current{code: code, place: place, covered: code == s.cover}
}

func pagesOf(ps []*stackPage) []store.Page {
	out := make([]store.Page, len(ps))
	for i, p := range ps {
		out[i] = p.page
	}
	return out
}

func pick(ps []*stackPage, idx []int) []*stackPage {
	out := make([]*stackPage, len(idx))
	for i, j := range idx {
		out[i] = ps[j]
	}
	return out
}

// store makes one record of a document's pages and stores it in the
// current dossier.
func (s *splitter) store(doc []*stackPage) {
	if s.err != nil {
		return
	}
	pages := make([]store.Page, len(doc))
	for i, p := range doc {
		pages[i] = p.page
		pages[i].N = i + 1
		pages[i].Source, pages[i].SourcePage = p.file.sha, p.n+1
	}
	if r, ok := ParseReceipt(pages[0]); ok {
		s.receipt(r, doc[0])
		if s.err != nil {
			return
		}
	}
	rec := newRecord(pages, s.opt.Options)
	rec.SHA256 = StackSHA(pages)
	rec.SourceName, rec.SourcePath = stackName(doc), doc[0].file.path
	// Its size is its pages' share of their originals (exact for a whole
	// file); it downloads as a PDF of its pages unless it is a whole file.
	rec.MediaType, rec.Size = "application/pdf", 0
	for _, p := range doc {
		rec.Size += p.file.size / int64(p.file.count)
	}
	if f := doc[0].file; doc[0].n == 0 && len(doc) == f.count && doc[len(doc)-1].file == f {
		rec.MediaType, rec.Size = MediaType(f.kind), f.size
	}
	if s.cur != nil {
		rec.Dossier, rec.Place = s.cur.place(rec)
	} else if !s.warned {
		s.warned = true
		slog.Warn("digitize --stack: các trang trước tờ bìa hay giấy tiếp nhận đầu tiên được lưu thành bản ghi không thuộc hồ sơ nào", "from", doc[0].where())
	}
	if err := s.st.Put(s.ctx, rec); err != nil {
		s.err = err
		return
	}
	if s.opt.Stored != nil {
		s.opt.Stored(rec)
	}
	if rec.Status == store.StatusAuto {
		s.sum.Auto++
	} else {
		s.sum.Review++
	}
	slog.Debug("digitized", "document", rec.SourceName, "id", rec.ID, "dossier", rec.Dossier, "pages", len(rec.Pages))
}

// receipt lets a receipt open or complete the dossier it names.
func (s *splitter) receipt(r Receipt, p *stackPage) {
	if !vi.IsDossierCode(r.DossierCode) {
		slog.Warn("digitize --stack: giấy tiếp nhận không đọc được mã hồ sơ; xếp vào hồ sơ hiện tại", "page", p.where())
		return
	}
	if s.cur != nil && s.cur.code == r.DossierCode {
		s.complete(r)
		return
	}
	if s.cur != nil && s.cur.covered {
		slog.Warn("digitize --stack: giấy tiếp nhận mang mã hồ sơ khác tờ bìa; xếp vào hồ sơ của tờ bìa",
			"page", p.where(), "receipt", r.DossierCode, "cover", s.cur.code)
		return
	}
	d := &store.Dossier{Code: r.DossierCode, Procedure: r.ProcedureCode, OwnerID: r.OwnerID,
		OwnerName: norm.NFC.String(r.OwnerName), Received: r.Received, Due: r.Due}
	place, err := s.opt.Open(d, false)
	if err != nil {
		slog.Warn("digitize --stack: không mở được hồ sơ theo giấy tiếp nhận; các văn bản sau được lưu ngoài hồ sơ cho đến tờ bìa hay giấy tiếp nhận kế tiếp",
			"page", p.where(), "dossier", r.DossierCode, "error", err)
		s.cur = nil
		return
	}
	s.cur = &current{code: d.Code, place: place}
	s.sum.Dossiers = append(s.sum.Dossiers, d.Code)
}

// complete fills the header fields of the current dossier that a receipt
// of the same code gives and the dossier lacks.
func (s *splitter) complete(r Receipt) {
	d, err := s.st.Dossier(s.ctx, r.DossierCode)
	if err != nil {
		s.err = err
		return
	}
	changed := false
	for _, f := range []struct {
		dst *string
		v   string
	}{{&d.Due, r.Due}, {&d.Received, r.Received}, {&d.OwnerName, norm.NFC.String(r.OwnerName)}} {
		if *f.dst == "" && f.v != "" {
			*f.dst, changed = f.v, true
		}
	}
	if changed {
		s.err = s.st.PutDossier(s.ctx, d)
	}
}

// stackName names a stack document by its files and pages: "a.pdf",
// "a.pdf (trang 3–4)", "p01.png + p02.png".
func stackName(doc []*stackPage) string {
	var parts []string
	for i := 0; i < len(doc); {
		f := doc[i].file
		j := i
		for j+1 < len(doc) && doc[j+1].file == f && doc[j+1].n == doc[j].n+1 {
			j++
		}
		name := norm.NFC.String(filepath.Base(f.path))
		switch {
		case doc[i].n == 0 && doc[j].n == f.count-1:
		case i == j:
			name += fmt.Sprintf(" (trang %d)", doc[i].n+1)
		default:
			name += fmt.Sprintf(" (trang %d–%d)", doc[i].n+1, doc[j].n+1)
		}
		parts = append(parts, name)
		i = j + 1
	}
	if len(parts) > 3 {
		return fmt.Sprintf("%s … %s (%d tệp)", parts[0], parts[len(parts)-1], len(parts))
	}
	return strings.Join(parts, " + ")
}
