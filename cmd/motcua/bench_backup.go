package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"motcua/backup"
	"motcua/internal/benchmark/synthetic"
)

// runBenchBackup measures backup and restore of the demo scans (digitized
// into a temp folder first) and of N synthetic records: a full backup, a
// second one after 5 more records, and a restore in its three parts
// (copy and check, index rebuild, fixity check).
func runBenchBackup(args []string) error {
	fls := flag.NewFlagSet("bench backup", flag.ContinueOnError)
	n := fls.Int("records", 1000, "số hồ sơ tổng hợp")
	size := fls.Int("size", 200<<10, "cỡ mỗi bản gốc tổng hợp (byte)")
	scans := fls.String("scans", "testdata/scans", "các bản quét mẫu để số hóa (rỗng: bỏ qua)")
	dir := fls.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (cho chỉ mục)")
	if _, err := parseFlags(fls, args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "motcua-bench-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	if *scans != "" {
		data := filepath.Join(tmp, "demo")
		if err := runDigitize([]string{"--data", data, *scans}); err != nil {
			return fmt.Errorf("digitize %s: %w", *scans, err)
		}
		if err := benchBackup(ctx, "demo", data, filepath.Join(tmp, "demo-backup"), *dir, *size); err != nil {
			return err
		}
	}
	if *n > 0 {
		data := filepath.Join(tmp, "synthetic")
		db, blobs, err := openSQLite(data)
		if err != nil {
			return err
		}
		start := time.Now()
		err = synthetic.Put(ctx, db, blobs, 1, *n, *size)
		db.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "synthetic: %d records of %s written in %.1f s\n", *n, humanBytes(int64(*size)), time.Since(start).Seconds())
		if err := benchBackup(ctx, fmt.Sprintf("%d records", *n), data, filepath.Join(tmp, "synthetic-backup"), *dir, *size); err != nil {
			return err
		}
	}
	return nil
}

func benchBackup(ctx context.Context, label, data, target, catDir string, size int) error {
	// The reference: a plain copy of what backup copies (the database
	// and the originals, not the index) with cp -a, then sync: what an
	// office would do by hand, with the server stopped.
	start := time.Now()
	ref := target + "-cp"
	if err := os.MkdirAll(ref, 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("cp", "-a", filepath.Join(data, "motcua.db"), filepath.Join(data, "blobs"), ref).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a: %v: %s", err, out)
	}
	exec.Command("sync").Run()
	cpTime := time.Since(start)
	os.RemoveAll(ref)

	db, blobs, err := openSQLite(data)
	if err != nil {
		return err
	}
	defer db.Close()
	start = time.Now()
	full, err := backup.Backup(ctx, db, blobs, target, backup.Options{Version: motcuaVersion()})
	if err != nil {
		return err
	}
	fullTime := time.Since(start)
	// Five more records, then the nightly backup again.
	if err := synthetic.Put(ctx, db, blobs, 1_000_000, 5, size); err != nil {
		return err
	}
	start = time.Now()
	again, err := backup.Backup(ctx, db, blobs, target, backup.Options{Version: motcuaVersion()})
	if err != nil {
		return err
	}
	againTime := time.Since(start)
	onDisk, err := treeSize(target)
	if err != nil {
		return err
	}

	into := filepath.Join(filepath.Dir(target), filepath.Base(target)+"-restored")
	start = time.Now()
	res, err := backup.Restore(ctx, again.Dir, into, backup.RestoreOptions{User: cliUser()})
	if err != nil {
		return err
	}
	copyTime := time.Since(start)
	start = time.Now()
	ix, err := buildIndex(into, catDir, true)
	if err != nil {
		return err
	}
	indexTime := time.Since(start)
	rdb, rblobs, err := openSQLite(into)
	if err != nil {
		return err
	}
	defer rdb.Close()
	start = time.Now()
	f, err := checkFixity(ctx, rdb, rblobs, cliUser(), "cli", nil)
	if err != nil {
		return err
	}
	fixTime := time.Since(start)
	if !f.OK() || f.Checked != again.Originals {
		return fmt.Errorf("%s: the restored originals do not check: %+v", label, f)
	}
	fmt.Fprintf(stdout, "%-13s backup  %d records, %d originals, %s (database %s): %.2f s, %.1f MiB/s\n", label,
		full.Records, full.Originals, humanBytes(full.Bytes), humanBytes(full.DatabaseBytes), fullTime.Seconds(),
		float64(full.Bytes)/(1<<20)/fullTime.Seconds())
	fmt.Fprintf(stdout, "%-13s cp -a   of motcua.db and blobs/, then sync: %.2f s (backup/cp = %.2f)\n", label, cpTime.Seconds(), fullTime.Seconds()/cpTime.Seconds())
	fmt.Fprintf(stdout, "%-13s again   +5 records: copied %d originals, %s, in %.2f s; backup folder %s on disk for 2 snapshots\n", label,
		again.Copied, humanBytes(again.CopiedBytes), againTime.Seconds(), humanBytes(onDisk))
	fmt.Fprintf(stdout, "%-13s restore %d records, %s: copy and check %.2f s, index %.2f s (%d procedures, %d records), fixity %.2f s; total %.2f s\n",
		label, res.Records, humanBytes(res.Bytes), copyTime.Seconds(), indexTime.Seconds(), ix.Procedures, ix.Records, fixTime.Seconds(),
		(copyTime + indexTime + fixTime).Seconds())
	return nil
}

// treeSize adds up the sizes of the files under dir.
func treeSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	return n, err
}
