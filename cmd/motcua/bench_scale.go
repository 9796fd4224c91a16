package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/scanmaker"
	"motcua/pipeline"
	"motcua/queue"
	"motcua/store"
	"motcua/store/postgres"
)

// bench scale: the same pages digitized three ways in one run, at the
// same parallelism: embedded (digitize on SQLite, its own workers), one
// worker process with all the threads, and as many worker processes as
// threads, one each, on a PostgreSQL queue. Every run is a process of
// its own, as in production, in a data folder (and a PostgreSQL schema)
// of its own.

// testPostgresEnv is the tests' PostgreSQL (storetest.PostgresEnv), which
// bench scale uses when --db is not given.
const testPostgresEnv = "MOTCUA_TEST_POSTGRES"

func runBenchScale(args []string) error {
	fs := flag.NewFlagSet("bench scale", flag.ContinueOnError)
	pages := fs.Int("pages", 60, "số trang (thư công vụ ngắn, scanmaker.Letter)")
	par := fs.Int("workers", 2, "số luồng nhận dạng tổng cộng trong mỗi lượt đo")
	dbURL := fs.String("db", "", "PostgreSQL cho hàng đợi: postgres://người_dùng@máy:cổng/tên (mặc định: biến "+testPostgresEnv+")")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *pages < 1 || *par < 1 {
		return usageError{"cách dùng: motcua bench scale [--pages N] [--workers N] [--db postgres://…]"}
	}
	base := *dbURL
	if base == "" {
		base = os.Getenv(testPostgresEnv)
	}
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return usageError{"bench scale cần một cơ sở dữ liệu PostgreSQL để đo hàng đợi: --db postgres://người_dùng@máy:cổng/tên hoặc biến " +
			testPostgresEnv + " (.ci/run khởi động một cụm tạm); lệnh tạo một schema riêng và xóa nó khi xong"}
	}
	tmp, err := os.MkdirTemp("", "motcua-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	in := filepath.Join(tmp, "in")
	if err := mkdirAll(in); err != nil {
		return err
	}
	for i := range *pages {
		b, err := scanmaker.Letter(i + 1)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("cv%04d.png", i+1)), b, 0o644); err != nil {
			return err
		}
	}
	exe, err := os.Executable() // the worker processes
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench scale: %d trang (thư công vụ, %d×700 px), %d luồng nhận dạng mỗi lượt, PostgreSQL %s\n",
		*pages, scanmaker.Width, *par, redacted(base))

	// Embedded: digitize's own pipeline on SQLite with its own workers,
	// timed as digitize times itself (engines loaded, every page stored).
	db, blobs, err := openSQLite(filepath.Join(tmp, "embedded"))
	if err != nil {
		return err
	}
	sum, err := pipeline.Digitize(context.Background(), db, blobs, []string{in}, pipeline.Options{Workers: *par})
	db.Close()
	if err != nil {
		return err
	}
	if sum.Records() != *pages {
		return fmt.Errorf("digitize (nhúng): %d bản ghi, cần %d", sum.Records(), *pages)
	}
	embedded := float64(sum.Pages) / sum.Elapsed.Minutes()
	fmt.Fprintf(stdout, "nhúng (digitize, SQLite, %d luồng):          %6.1f trang/phút\n", *par, embedded)

	for _, procs := range []int{1, *par} {
		r, err := benchQueued(exe, base, tmp, in, *pages, procs, *par/procs)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "hàng đợi, %d tiến trình worker × %d luồng:    %6.1f trang/phút (so với nhúng %.2f); độ trễ xếp hàng→lưu p50 %s p95 %s; một việc (nhận→lưu) p50 %s p95 %s\n",
			procs, *par/procs, r.rate, r.rate/embedded, pct(r.latency, 50), pct(r.latency, 95), pct(r.run, 50), pct(r.run, 95))
		if *par == 1 {
			break
		}
	}
	fmt.Fprintln(stdout, "(mọi trang được xếp hàng cùng lúc: độ trễ gồm cả thời gian chờ trong hàng)")
	return nil
}

type queuedRun struct {
	rate    float64         // pages per minute, from the first enqueue to the last record stored
	latency []time.Duration // enqueue to stored
	run     []time.Duration // taken to stored
}

// benchQueued starts procs worker processes of threads threads each on a
// schema of its own, waits until they have loaded Tesseract, enqueues the
// pages and waits until all are stored.
func benchQueued(exe, base, tmp, in string, pages, procs, threads int) (queuedRun, error) {
	var r queuedRun
	ctx := context.Background()
	u, drop, err := benchSchema(ctx, base)
	if err != nil {
		return r, err
	}
	defer drop()
	data := filepath.Join(tmp, fmt.Sprintf("queue-%d", procs))
	db, err := postgres.Open(ctx, u)
	if err != nil {
		return r, err
	}
	defer db.Close()
	if err := queue.Migrate(ctx, db.Pool()); err != nil {
		return r, err
	}
	var cmds []*exec.Cmd
	var logs []*strings.Builder
	defer func() {
		for _, c := range cmds {
			c.Process.Signal(os.Interrupt)
			c.Wait()
		}
	}()
	for range procs {
		c := exec.Command(exe, "worker", "--db", u, "--data", data, "--workers", fmt.Sprint(threads))
		var b strings.Builder
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			return r, err
		}
		cmds, logs = append(cmds, c), append(logs, &b)
	}
	// Tesseract loads its model in well under a few seconds; the workers
	// then wait on the queue.
	time.Sleep(3 * time.Second)
	start := time.Now()
	blobs, err := openBlobs(data)
	if err != nil {
		return r, err
	}
	if _, err := queue.Enqueue(ctx, db, blobs, []string{in}, queue.EnqueueOptions{}); err != nil {
		return r, err
	}
	deadline := start.Add(time.Duration(pages) * time.Minute)
	for {
		s, err := queue.Stat(ctx, db.Pool())
		if err != nil {
			return r, err
		}
		if s.Failed > 0 {
			return r, fmt.Errorf("hàng đợi: %d việc lỗi (xem motcua records failed --db %s)", s.Failed, redacted(u))
		}
		if s.Done == pages {
			break
		}
		if time.Now().After(deadline) {
			return r, fmt.Errorf("hàng đợi chưa xong sau %s: %+v\n%s", time.Since(start).Round(time.Second), s, logs[0])
		}
		time.Sleep(100 * time.Millisecond)
	}
	var last time.Time
	if err := db.Pool().QueryRow(ctx, `SELECT max(finalized_at) FROM river_job`).Scan(&last); err != nil {
		return r, err
	}
	r.rate = float64(pages) / last.Sub(start).Minutes()
	r.latency, r.run, err = queue.Latencies(ctx, db.Pool(), start)
	if n, _ := countRecords(ctx, db); n != pages {
		return r, fmt.Errorf("hàng đợi: %d bản ghi, cần %d", n, pages)
	}
	return r, err
}

func countRecords(ctx context.Context, db store.Records) (int, error) {
	n := 0
	err := db.All(ctx, false, func(*store.Record) error { n++; return nil })
	return n, err
}

// benchSchema makes a schema of its own in the database at base and
// returns its URL and a function that drops it.
func benchSchema(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("--db: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "motcua_bench_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("không kết nối được PostgreSQL %s: %w", redacted(base), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
			conn.Close(ctx)
		}
	}, nil
}
