package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/backup"
	"motcua/internal/progress"
	"motcua/server"
	"motcua/store"
	"motcua/store/sqlite"
)

func init() {
	register(&command{
		name:    "backup",
		summary: "sao lưu cơ sở dữ liệu và bản gốc khi đang chạy: backup --data DIR --to ĐÍCH [--keep N] [--json] | backup --list|--check --to ĐÍCH",
		run:     runBackup,
	})
}

func runBackup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu cần sao lưu")
	to := fs.String("to", "", "thư mục sao lưu (một ổ USB, một thư mục dùng chung), nên ở đĩa khác")
	keep := fs.Int("keep", 0, "giữ N bản mới nhất, xóa bản cũ hơn (0: giữ tất cả)")
	asJSON := fs.Bool("json", false, "kết quả dạng JSON")
	list := fs.Bool("list", false, "liệt kê các bản sao lưu trong --to")
	check := fs.Bool("check", false, "đọc lại mọi tệp của mọi bản sao lưu trong --to và kiểm SHA-256 (không khôi phục)")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("thừa tham số %q: motcua backup --data DIR --to ĐÍCH", pos[0])}
	}
	if *to == "" {
		return usageError{"cần --to ĐÍCH: thư mục sao lưu, nên ở một đĩa khác thư mục dữ liệu"}
	}
	if *keep < 0 {
		return usageError{"--keep phải ≥ 0"}
	}
	if *list {
		return listBackups(*to, *asJSON)
	}
	if *check {
		return checkBackups(*to, *asJSON)
	}
	if err := sqliteOnly("motcua backup", "pg_dump (bản gốc vẫn ở --data: sao lưu thư mục blobs/ kèm theo)"); err != nil {
		return err
	}
	db, blobs, err := openExistingStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := progress.New(stderr, "sao lưu", "bản gốc")
	res, err := runBackupOnce(context.Background(), db, blobs, *data, *to, *keep, cliUser(), "cli", bar.Update)
	bar.Done()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "Đã sao lưu %s: %d hồ sơ, %d bản gốc (%d chép mới, các bản khác đã có), %s, trong %.1f s.\n",
		res.Dir, res.Records, res.Originals, res.Copied, humanBytes(res.Bytes), res.Took.Seconds())
	if len(res.Pruned.Snapshots) > 0 || res.Pruned.Originals > 0 {
		fmt.Fprintf(stdout, "Đã xóa %d bản sao lưu cũ (%s) và %d bản gốc không bản nào còn cần (%s).\n",
			len(res.Pruned.Snapshots), strings.Join(res.Pruned.Snapshots, ", "), res.Pruned.Originals, humanBytes(res.Pruned.Bytes))
	}
	fmt.Fprintf(stdout, "Khôi phục: motcua restore --from %s --data THƯ_MỤC_MỚI\n", res.Dir)
	return nil
}

// runBackupOnce backs up the store in data to target and writes the
// outcome, success or failure, to the audit log.
func runBackupOnce(ctx context.Context, db store.Store, originals store.Blobs, data, target string, keep int,
	user, remote string, prog func(done, total int)) (*backup.Result, error) {
	blobs, err := localBlobs(originals, "motcua backup")
	if err != nil {
		return nil, err
	}
	if inside(target, data) {
		return nil, fmt.Errorf("thư mục sao lưu %s nằm trong thư mục dữ liệu %s: một lần hỏng đĩa sẽ mất cả hai; chọn một đĩa khác", target, data)
	}
	sdb, ok := db.(*sqlite.DB)
	if !ok {
		return nil, errors.New("motcua backup chỉ sao lưu cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump")
	}
	res, err := backup.Backup(ctx, sdb, blobs, target, backup.Options{Keep: keep, Version: motcuaVersion(), Progress: prog})
	e := store.Event{User: user, Action: store.ActBackup, Remote: remote, OK: err == nil}
	if res != nil {
		e.Detail = fmt.Sprintf("%s: %d hồ sơ, %d bản gốc (%d chép mới), %d byte", res.Dir, res.Records, res.Originals, res.Copied, res.Bytes)
	}
	if err != nil {
		e.Detail = strings.TrimPrefix(e.Detail+"; ", "; ") + "lỗi: " + err.Error()
		if len(e.Detail) > 1000 {
			e.Detail = e.Detail[:1000]
		}
	}
	if lerr := db.Log(context.WithoutCancel(ctx), e); lerr != nil {
		slog.Error("audit log", "action", store.ActBackup, "error", lerr)
	}
	return res, err
}

// openExistingStore opens the store in data, which must hold one: a
// mistyped --data is an error, not a new empty store.
func openExistingStore(data string) (store.Store, store.Blobs, error) {
	if !storeExists(data) {
		return nil, nil, fmt.Errorf("không có cơ sở dữ liệu motcua trong %s: kiểm tra --data (hoặc --db)", data)
	}
	return openStore(data)
}

// inside says whether dir is parent or lies under it.
func inside(dir, parent string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(parent)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(p, d)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."))
}

func listBackups(target string, asJSON bool) error {
	snaps, err := backup.List(target)
	if err != nil {
		return err
	}
	if asJSON {
		type row struct {
			Snapshot string           `json:"snapshot"`
			Dir      string           `json:"dir"`
			Manifest *backup.Manifest `json:"manifest,omitempty"`
			Error    string           `json:"error,omitempty"`
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, s := range snaps {
			r := row{Snapshot: s.Name, Dir: s.Dir, Manifest: s.Manifest}
			if r.Manifest != nil {
				m := *r.Manifest
				m.Originals = nil // the list is for people and scripts, not the file-by-file manifest
				r.Manifest = &m
			}
			if s.Err != nil {
				r.Error = s.Err.Error()
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BẢN SAO LƯU\tLÚC\tHỒ SƠ\tBẢN GỐC\tDUNG LƯỢNG\tMOTCUA\tTÌNH TRẠNG")
	for _, s := range snaps {
		if s.Err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\tHỎNG: %v\n", s.Name, s.Err)
			continue
		}
		m := s.Manifest
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\tmanifest đúng\n", s.Name, m.CreatedAt.Local().Format("2006-01-02 15:04:05"),
			m.Records, len(m.Originals), humanBytes(m.Bytes), m.Motcua)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d bản sao lưu trong %s\n", len(snaps), target)
	return nil
}

// checkBackups reads back every snapshot in target; exit 1 on damage.
func checkBackups(target string, asJSON bool) error {
	bar := progress.New(stderr, "kiểm tra bản sao lưu", "tệp")
	c, err := backup.Check(context.Background(), target, bar.Update)
	bar.Done()
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c); err != nil {
			return err
		}
	} else {
		for _, p := range c.Problems {
			fmt.Fprintln(stdout, p.Error())
		}
		fmt.Fprintf(stdout, "Đã kiểm %d bản sao lưu, %d bản gốc (%s đọc lại): %d tệp có vấn đề.\n", c.Snapshots, c.Originals,
			humanBytes(c.Bytes), len(c.Problems))
		if len(c.Damaged) > 0 {
			fmt.Fprintf(stdout, "Bản sao lưu không khôi phục được lúc này: %s.\n", strings.Join(c.Damaged, ", "))
		}
		if c.Moved > 0 {
			fmt.Fprintf(stdout, "%d bản gốc hỏng đã chuyển vào %s/.damaged/: lần sao lưu sau sẽ chép lại chúng từ kho, và các bản sao lưu cần chúng sẽ lại đầy đủ.\n",
				c.Moved, target)
		}
	}
	if len(c.Problems) > 0 {
		return exitError{1}
	}
	return nil
}

// motcuaVersion is the module's version and commit, as the build recorded
// them.
func motcuaVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	return v
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// archiveJobs are serve's scheduled fixity checks and backups.
type archiveJobs struct {
	db          store.Store
	blobs       store.Blobs
	data        string
	backupTo    string
	backupEvery time.Duration
	keep        int
	verifyEvery time.Duration
	status      *server.Archive
}

// run runs each job once after a short delay, then at its interval, until
// ctx ends. A failure is logged and audited, and the next run tries again.
func (j *archiveJobs) run(ctx context.Context) {
	every := func(d time.Duration, job func(context.Context)) {
		if d <= 0 {
			return
		}
		go func() {
			t := time.NewTimer(min(d, time.Minute))
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				job(ctx)
				t.Reset(d)
			}
		}()
	}
	if j.backupTo != "" {
		every(j.backupEvery, j.backup)
	}
	every(j.verifyEvery, j.fixity)
}

func (j *archiveJobs) backup(ctx context.Context) {
	res, err := runBackupOnce(ctx, j.db, j.blobs, j.data, j.backupTo, j.keep, "motcua", "serve", nil)
	now := time.Now()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		slog.Error("scheduled backup failed", "to", j.backupTo, "error", err)
		j.status.BackupDone(now, 0, 0, err)
		return
	}
	slog.Info("backup written", "snapshot", res.Dir, "records", res.Records, "originals", res.Originals,
		"copied", res.Copied, "bytes", res.Bytes, "took", res.Took.Round(time.Millisecond))
	j.status.BackupDone(now, res.Bytes, res.CopiedBytes, nil)
}

func (j *archiveJobs) fixity(ctx context.Context) {
	f, err := checkFixity(ctx, j.db, j.blobs, "motcua", "serve", nil)
	now := time.Now()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		slog.Error("scheduled fixity check failed", "error", err)
		j.status.FixityDone(now, 0, 0, 0, 0, err)
		return
	}
	if f.OK() {
		slog.Info("fixity check", "checked", f.Checked, "orphans", len(f.Orphans))
	} else {
		slog.Error("fixity check: originals missing or corrupt", "checked", f.Checked, "missing", f.Missing, "corrupt", f.Corrupt)
	}
	j.status.FixityDone(now, f.Checked, len(f.Missing), len(f.Corrupt), len(f.Orphans), nil)
}
