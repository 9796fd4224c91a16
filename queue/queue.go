// Package queue runs OCR as durable jobs in River on the PostgreSQL store,
// so that any number of worker processes on any machines share the work:
// Enqueue stores the originals and inserts one job per file in one
// transaction; Work takes jobs, makes each record with the pipeline's own
// code (pipeline.Recognize) and stores it and completes its job in one
// transaction, so that a record is stored exactly once even when a worker
// is killed mid-job (the job is rescued and done again, nothing of the
// killed attempt stays).
package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"motcua/pipeline"
	"motcua/store"
	"motcua/store/postgres"
)

// Kind is River's name for an OCR job.
const Kind = "motcua_ocr"

// Defaults for OCR: a document takes seconds to a few minutes, so a job
// running for longer is cancelled, and one left running by a dead worker is
// taken again after minutes (River's default waits an hour).
const (
	DefaultJobTimeout   = 10 * time.Minute
	DefaultRescueAfter  = 15 * time.Minute
	DefaultMaxAttempts  = 5
	maxRetryDelay       = 5 * time.Minute
	stopTimeout         = 2 * time.Minute
	latencyWindow       = 5 * time.Minute
	migrationLockSuffix = ".motcua river"
)

// Doc is one job: an original, stored already, to digitize into a record.
type Doc struct {
	SHA256     string           `json:"sha256" river:"unique"`
	Path       string           `json:"path"` // where it was read from, as the record says
	Force      bool             `json:"force,omitempty"`
	Visibility store.Visibility `json:"visibility,omitempty"`
}

// Kind names the job for River.
func (Doc) Kind() string { return Kind }

// Migrate brings River's tables in the database's schema up to date, under
// a lock so that processes starting together take turns.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		return err
	}
	// River's migrations cannot share one transaction (a new enum value
	// is used after it is added): the lock is held on a connection of its
	// own while they run.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("queue: River migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext(current_schema() || $1))`, migrationLockSuffix); err != nil {
		return fmt.Errorf("queue: River migrations: %w", err)
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext(current_schema() || $1))`, migrationLockSuffix); uerr != nil && err == nil {
		err = uerr
	}
	if err != nil {
		return fmt.Errorf("queue: River migrations: %w", err)
	}
	return nil
}

// quietLogger passes on River's warnings and errors only.
func quietLogger() *slog.Logger {
	return slog.New(&levelHandler{slog.LevelWarn, slog.Default().Handler()})
}

type levelHandler struct {
	min slog.Level
	slog.Handler
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h *levelHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &levelHandler{h.min, h.Handler.WithAttrs(a)}
}

func (h *levelHandler) WithGroup(n string) slog.Handler {
	return &levelHandler{h.min, h.Handler.WithGroup(n)}
}

// EnqueueOptions control Enqueue.
type EnqueueOptions struct {
	Force       bool             // digitize again files already stored
	Visibility  store.Visibility // "" = by document kind
	MaxAttempts int              // 0 = DefaultMaxAttempts
	Limits      pipeline.Limits  // MaxBytes refuses a file too large to store; zero = default
}

// Enqueued reports Enqueue.
type Enqueued struct {
	Files   int // files found
	Jobs    int // jobs inserted
	Queued  int // queued already and not done yet: not queued again
	Skipped int // stored already
	Failed  int // paths that could not be read
	Ignored int // files in folders that are neither images nor PDFs
}

// Enqueue stores the original of every file under paths and, in one
// transaction, inserts a job for each file not stored yet (or each, with
// Force) and records the paths that could not be read as failures. An
// original is written before the transaction: a crash in between leaves
// only an unreferenced original, which the next run reuses.
func Enqueue(ctx context.Context, db *postgres.DB, blobs store.Blobs, paths []string, opt EnqueueOptions) (Enqueued, error) {
	var sum Enqueued
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.Limits == (pipeline.Limits{}) {
		opt.Limits = pipeline.DefaultLimits
	}
	files, bad, ignored := pipeline.Scans(paths)
	sum.Files, sum.Ignored = len(files), ignored
	var params []river.InsertManyParams
	for _, p := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		fi, err := os.Stat(p)
		if err == nil && fi.Size() > opt.Limits.MaxBytes {
			bad = append(bad, store.Failure{Path: p, Reason: fmt.Sprintf("tệp lớn %d MB, quá giới hạn %d MB", fi.Size()>>20, opt.Limits.MaxBytes>>20)})
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			bad = append(bad, store.Failure{Path: p, Reason: "không đọc được tệp: " + err.Error()})
			continue
		}
		sha := store.SHA256(data)
		if !opt.Force {
			if _, err := db.BySHA256(ctx, sha); err == nil {
				sum.Skipped++
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return sum, err
			}
		}
		if err := blobs.Put(sha, data); err != nil {
			return sum, err
		}
		ins := &river.InsertOpts{MaxAttempts: opt.MaxAttempts}
		if !opt.Force {
			// The same original queued twice is one job, until it is done.
			ins.UniqueOpts = river.UniqueOpts{ByArgs: true}
		}
		params = append(params, river.InsertManyParams{
			Args:       Doc{SHA256: sha, Path: p, Force: opt.Force, Visibility: opt.Visibility},
			InsertOpts: ins,
		})
	}
	client, err := river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{Logger: quietLogger()})
	if err != nil {
		return sum, err
	}
	err = pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
		for _, f := range bad {
			if err := db.FailTx(ctx, tx, f); err != nil {
				return err
			}
		}
		if len(params) == 0 {
			return nil
		}
		res, err := client.InsertManyTx(ctx, tx, params)
		for _, r := range res {
			if r.UniqueSkippedAsDuplicate {
				sum.Queued++
			} else {
				sum.Jobs++
			}
		}
		return err
	})
	if err != nil {
		return Enqueued{Files: sum.Files, Ignored: sum.Ignored}, fmt.Errorf("queue: unable to enqueue: %w", err)
	}
	sum.Failed = len(bad)
	return sum, nil
}

// Config sets up a worker process.
type Config struct {
	Workers     int           // jobs at once, one Tesseract engine each; 0 = 1
	JobTimeout  time.Duration // 0 = DefaultJobTimeout
	RescueAfter time.Duration // a job running longer is taken again; 0 = DefaultRescueAfter
	Options     pipeline.Options
	// Stored, when set, is called with each record stored (from the
	// worker's goroutines).
	Stored func(*store.Record)
}

// Work takes jobs until ctx is cancelled, then lets the jobs in hand
// finish (up to a stop timeout) and returns.
func Work(ctx context.Context, db *postgres.DB, blobs store.Blobs, cfg Config) error {
	cfg.Workers = max(cfg.Workers, 1)
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = DefaultRescueAfter
	}
	cfg.RescueAfter = max(cfg.RescueAfter, cfg.JobTimeout)
	w := &worker{db: db, blobs: blobs, opt: cfg.Options, stored: cfg.Stored, engines: make(chan *pipeline.Engine, cfg.Workers)}
	// The engines first: without Tesseract's model no job can be done,
	// and that is no fault of the jobs.
	for range cfg.Workers {
		eng, err := pipeline.NewEngine(cmpLang(cfg.Options.Lang))
		if err != nil {
			w.close()
			return fmt.Errorf("không khởi động được Tesseract: %w. Hãy cài: apt-get install tesseract-ocr tesseract-ocr-vie", err)
		}
		w.engines <- eng
	}
	defer w.close()
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	client, err := river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{
		ID:                   ClientID(),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          DefaultMaxAttempts,
		RetryPolicy:          retryPolicy{},
		Logger:               quietLogger(),
	})
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return fmt.Errorf("queue: unable to start the worker: %w", err)
	}
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	return client.Stop(stop)
}

// ClientID names this worker process in River's jobs (attempted_by):
// motcua-HOST-PID.
func ClientID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("motcua-%s-%d", host, os.Getpid())
}

func cmpLang(l string) string {
	if l == "" {
		return pipeline.Lang
	}
	return l
}

// retryPolicy retries an OCR job after 5 s, 20 s, 45 s… (5 s × attempt²,
// at most 5 minutes): the causes worth a retry (a worker killed, the
// database away for a moment) pass in seconds, not hours.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	a := time.Duration(max(job.Attempt, 1))
	return time.Now().Add(min(5*time.Second*a*a, maxRetryDelay))
}

type worker struct {
	river.WorkerDefaults[Doc]
	db      *postgres.DB
	blobs   store.Blobs
	opt     pipeline.Options
	stored  func(*store.Record)
	engines chan *pipeline.Engine
}

func (w *worker) close() {
	for {
		select {
		case e := <-w.engines:
			e.Close()
		default:
			return
		}
	}
}

// Work digitizes one original: the record and the job's completion are one
// transaction.
func (w *worker) Work(ctx context.Context, job *river.Job[Doc]) error {
	a := job.Args
	complete := func(put func(pgx.Tx) error) error {
		return pgx.BeginFunc(ctx, w.db.Pool(), func(tx pgx.Tx) error {
			if put != nil {
				if err := put(tx); err != nil {
					return err
				}
			}
			_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
			return err
		})
	}
	if !a.Force {
		if _, err := w.db.BySHA256(ctx, a.SHA256); err == nil {
			slog.Info("queue: stored already", "file", a.Path, "sha256", a.SHA256)
			return complete(nil)
		} else if !errors.Is(err, store.ErrNotFound) {
			return w.failed(ctx, job, err)
		}
	}
	data, err := w.original(a.SHA256)
	if err != nil {
		return w.failed(ctx, job, err)
	}
	var eng *pipeline.Engine
	select {
	case eng = <-w.engines:
	case <-ctx.Done():
		return w.failed(ctx, job, ctx.Err())
	}
	opt := w.opt
	opt.Visibility = a.Visibility
	rec, err := pipeline.Recognize(ctx, eng, a.Path, data, opt)
	w.engines <- eng
	if err != nil {
		return w.failed(ctx, job, err)
	}
	if err := complete(func(tx pgx.Tx) error { return w.db.PutTx(ctx, tx, rec) }); err != nil {
		return w.failed(ctx, job, fmt.Errorf("không lưu được bản ghi: %w", err))
	}
	slog.Debug("queue: digitized", "file", a.Path, "id", rec.ID, "status", rec.Status, "pages", len(rec.Pages), "attempt", job.Attempt)
	if w.stored != nil {
		w.stored(rec)
	}
	return nil
}

// original reads the stored original, checking its SHA-256.
func (w *worker) original(sha string) ([]byte, error) {
	r, err := w.blobs.Open(sha)
	if err != nil {
		return nil, fmt.Errorf("không đọc được bản gốc %s: %w", sha, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("không đọc được bản gốc %s: %w", sha, err)
	}
	if store.SHA256(data) != sha {
		return nil, fmt.Errorf("bản gốc %s bị hỏng (SHA-256 khác)", sha)
	}
	return data, nil
}

// failed decides what a failed attempt leaves: a document that cannot be
// read (pipeline.InputError) fails at once, as digitize stores it, since
// another attempt reads the same bytes; any other error is retried, and
// after the last attempt becomes a stored failure with its reason. The
// job is then cancelled or discarded (queue shows it as failed).
func (w *worker) failed(ctx context.Context, job *river.Job[Doc], err error) error {
	var ie *pipeline.InputError
	input := errors.As(err, &ie)
	reason := pipeline.Reason(err)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The job's timeout: a page that takes too long counts as an attempt.
		reason = "quá thời gian cho một việc nhận dạng (motcua worker --job-timeout): hãy kiểm tra tệp hoặc tăng thời gian"
	case ctx.Err() != nil:
		return err // the worker is stopping: the job is taken again
	}
	if !input && job.Attempt < job.MaxAttempts {
		slog.Warn("queue: attempt failed, will retry", "file", job.Args.Path, "attempt", job.Attempt, "of", job.MaxAttempts, "err", err)
		return err
	}
	f := store.Failure{Path: job.Args.Path, SHA256: job.Args.SHA256, Reason: reason}
	slog.Warn("digitize failed", "file", f.Path, "reason", f.Reason, "attempt", job.Attempt)
	if ferr := w.db.Fail(context.WithoutCancel(ctx), f); ferr != nil {
		return fmt.Errorf("queue: unable to store the failure of %s: %w (after: %v)", f.Path, ferr, err)
	}
	if input {
		return river.JobCancel(err)
	}
	return err
}
