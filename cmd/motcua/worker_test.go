package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/internal/scanmaker"
	"motcua/queue"
	"motcua/search"
	"motcua/store"
	"motcua/store/postgres"
	"motcua/store/storetest"
)

// letters writes n small letters (scanmaker.Letter) into a new folder.
func letters(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		b, err := scanmaker.Letter(i + 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("cv%03d.png", i+1)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestQueueNeedsPostgres: with the embedded database, --queue, worker,
// queue and bench scale say that they need a PostgreSQL URL.
func TestQueueNeedsPostgres(t *testing.T) {
	t.Setenv(dbEnv, "")
	t.Setenv(testPostgresEnv, "")
	data := t.TempDir()
	for _, args := range [][]string{
		{"digitize", "--queue", "--data", data, "x.png"},
		{"worker", "--data", data},
		{"queue", "--data", data},
		{"bench", "scale"},
	} {
		code, out := runCLI(t, args...)
		if code != 2 || !strings.Contains(out, "--db postgres://") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}

// TestQueueJSON: digitize --queue, then queue --json counts the jobs
// waiting; a file queued twice is one job.
func TestQueueJSON(t *testing.T) {
	url := storetest.Postgres(t)
	data := t.TempDir()
	in := letters(t, 3)
	if code, out := runCLI(t, "digitize", "--queue", "--db", url, "--data", data, in); code != 0 || !strings.Contains(out, "3 việc mới") {
		t.Fatalf("digitize --queue: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "digitize", "--queue", "--db", url, "--data", data, filepath.Join(in, "cv001.png")); code != 0 || !strings.Contains(out, "0 việc mới") || !strings.Contains(out, "đang trong hàng đợi: 1") {
		t.Errorf("queued again: exit %d\n%s", code, out)
	}
	code, out := runCLI(t, "queue", "--json", "--db", url, "--data", data)
	var s queue.Status
	if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil {
		t.Fatalf("queue --json: exit %d, %v\n%s", code, err, out)
	}
	if s.Waiting != 3 || s.Running+s.Retrying+s.Failed+s.Done != 0 || s.WindowMin != 5 {
		t.Errorf("queue --json: %+v, want 3 waiting", s)
	}
	if code, out := runCLI(t, "queue", "--db", url, "--data", data); code != 0 || !strings.Contains(out, "Đang chờ:     3") {
		t.Errorf("queue: exit %d\n%s", code, out)
	}
}

// TestWorkersKilled is the crash test: three worker processes digitize
// 60 pages from one PostgreSQL queue while one of them, at random, is
// killed with SIGKILL mid-job and started again, at least five times.
// Every page is stored exactly once (version 1, no history), no failure is
// recorded, the audit chain verifies and the index holds every record.
func TestWorkersKilled(t *testing.T) {
	const pages, kills = 60, 5
	url := storetest.Postgres(t)
	data := t.TempDir()
	in := letters(t, pages)
	if code, out := runCLI(t, "digitize", "--queue", "--db", url, "--data", data, in); code != 0 {
		t.Fatalf("digitize --queue: exit %d\n%s", code, out)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 14))

	type proc struct {
		cmd  *exec.Cmd
		done chan error
		out  *strings.Builder
	}
	start := func() *proc {
		// A killed job is taken again after --rescue-after (checked every
		// 30 s by River's rescuer); a page takes well under a second.
		cmd := exec.Command(os.Args[0], "worker", "--db", url, "--data", data, "--workers", "1",
			"--job-timeout", "8s", "--rescue-after", "8s")
		cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
		p := &proc{cmd: cmd, done: make(chan error, 1), out: &strings.Builder{}}
		cmd.Stdout, cmd.Stderr = p.out, p.out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.done <- cmd.Wait() }()
		return p
	}
	workers := []*proc{start(), start(), start()}
	defer func() {
		for _, p := range workers {
			p.cmd.Process.Signal(syscall.SIGKILL)
		}
	}()
	stat := func() queue.Status {
		s, err := queue.Stat(ctx, db.Pool())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	host, _ := os.Hostname()
	began := time.Now()
	killed := 0
	for killed < kills {
		time.Sleep(time.Duration(100+rng.IntN(700)) * time.Millisecond)
		i := rng.IntN(len(workers))
		s := stat()
		if s.Waiting == 0 {
			t.Fatalf("the queue ran dry after %d kills: too few pages to kill mid-job (%+v)", killed, s)
		}
		var job int64
		err := db.Pool().QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM river_job WHERE state = 'running'
			AND attempted_by[cardinality(attempted_by)] = $1`, fmt.Sprintf("motcua-%s-%d", host, workers[i].cmd.Process.Pid)).Scan(&job)
		if err != nil {
			t.Fatal(err)
		}
		if job == 0 {
			continue // starting, or between jobs: not mid-job
		}
		workers[i].cmd.Process.Signal(syscall.SIGKILL)
		<-workers[i].done
		killed++
		t.Logf("%.1fs: kill -9 worker %d in job %d (%+v)", time.Since(began).Seconds(), i, job, s)
		workers[i] = start()
	}
	deadline := time.Now().Add(100 * time.Second)
	for s := stat(); s.Waiting+s.Running+s.Retrying > 0; s = stat() {
		if time.Now().After(deadline) {
			t.Fatalf("not done after the kills: %+v", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%.1fs: queue done", time.Since(began).Seconds())
	for _, p := range workers {
		p.cmd.Process.Signal(os.Interrupt)
		if err := <-p.done; err != nil {
			t.Errorf("worker stopped with %v\n%s", err, p.out)
		}
	}
	if s := stat(); s.Done != pages || s.Failed != 0 {
		t.Errorf("queue: %+v, want %d done, none failed", s, pages)
	}
	var retried int
	if err := db.Pool().QueryRow(ctx, `SELECT coalesce(sum(attempt - 1), 0) FROM river_job`).Scan(&retried); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d attempts again after a kill or a timeout", retried)
	if retried < kills {
		t.Errorf("%d attempts again after %d kills mid-job", retried, kills)
	}

	names := map[string]int{}
	err = db.All(ctx, false, func(r *store.Record) error {
		names[r.SourceName]++
		if r.Version != 1 {
			t.Errorf("%s: version %d: stored more than once", r.SourceName, r.Version)
		}
		if !strings.Contains(r.Fields.NumberSymbol, "/STP-HCTP") {
			t.Errorf("%s: number %q", r.SourceName, r.Fields.NumberSymbol)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pages {
		if n := names[fmt.Sprintf("cv%03d.png", i+1)]; n != 1 {
			t.Errorf("cv%03d.png stored %d times", i+1, n)
		}
	}
	var history int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM record_history`).Scan(&history); err != nil || history != 0 {
		t.Errorf("record history: %d rows, %v: a record was stored twice", history, err)
	}
	if fails, err := db.Failures(ctx); err != nil || len(fails) != 0 {
		t.Errorf("failures %v, %v: a killed job is no failure", fails, err)
	}
	t.Logf("%.1fs: workers stopped, records checked", time.Since(began).Seconds())
	if code, out := runCLI(t, "audit", "--verify", "--db", url, "--data", data); code != 0 {
		t.Errorf("audit --verify: exit %d\n%s", code, out)
	}
	cat := t.TempDir()
	if code, out := runCLI(t, "index", "--db", url, "--data", data, "--catalogue", cat); code != 0 {
		t.Fatalf("index: exit %d\n%s", code, out)
	}
	ix, err := search.Open(indexPath(data))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.CountKind(search.KindRecord); err != nil || n != pages {
		t.Errorf("index holds %d records, %v; want %d", n, err, pages)
	}
}
