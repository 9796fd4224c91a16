package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"motcua/backup"
	"motcua/internal/progress"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "restore",
		summary: "khôi phục từ bản sao lưu vào thư mục dữ liệu mới: restore --from ĐÍCH[/BẢN] --data THƯ_MỤC_MỚI [--force]",
		run:     runRestore,
	})
}

// restoreReport is what restore --json prints.
type restoreReport struct {
	*backup.Restored
	Index  indexReport   `json:"index"`
	Fixity *store.Fixity `json:"fixity"`
	Took   time.Duration `json:"took_ns"`
}

func runRestore(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "thư mục sao lưu (lấy bản mới nhất) hoặc một bản trong đó")
	data := fs.String("data", "", "thư mục dữ liệu để khôi phục vào (mới, hoặc trống)")
	force := fs.Bool("force", false, "khôi phục cả vào thư mục không trống: thay cơ sở dữ liệu và chỉ mục trong đó")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (để dựng lại chỉ mục tìm kiếm)")
	asJSON := fs.Bool("json", false, "kết quả dạng JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("thừa tham số %q: motcua restore --from ĐÍCH --data THƯ_MỤC_MỚI", pos[0])}
	}
	if *from == "" || *data == "" {
		return usageError{"cần --from ĐÍCH (thư mục sao lưu hoặc một bản trong đó) và --data THƯ_MỤC_MỚI"}
	}
	if err := sqliteOnly("motcua restore", "pg_restore"); err != nil {
		return err
	}
	bar := progress.New(stderr, "khôi phục", "bản gốc")
	rep, err := restoreData(*from, *data, *dir, *force, bar.Update)
	bar.Done()
	if err != nil {
		if errors.Is(err, backup.ErrNotEmpty) {
			return usageError{err.Error()}
		}
		var de *backup.DamagedError
		if errors.As(err, &de) {
			return fmt.Errorf("%w\nCác bản khác: motcua backup --list --to THƯ_MỤC_SAO_LƯU; khôi phục một bản: --from THƯ_MỤC_SAO_LƯU/BẢN", err)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Đã khôi phục bản %s vào %s: %d hồ sơ, %d bản gốc (%s), mọi tệp khớp SHA-256.\n",
			rep.Snapshot, *data, rep.Records, len(rep.Manifest.Originals), humanBytes(rep.Bytes))
		fmt.Fprintf(stdout, "Chỉ mục dựng lại: %d thủ tục, %d hồ sơ.\n", rep.Index.Procedures, rep.Index.Records)
		db, blobs, err := openSQLite(*data)
		if err != nil {
			return err
		}
		defer db.Close()
		printFixity(db, blobs, rep.Fixity)
		fmt.Fprintf(stdout, "Xong trong %.1f s.\n", rep.Took.Seconds())
	}
	if !rep.Fixity.OK() {
		return exitError{1}
	}
	return nil
}

// restoreData restores a snapshot into data, rebuilds the search index
// from it and the catalogue in dir, and checks every original (audited).
func restoreData(from, data, dir string, force bool, prog func(done, total int)) (*restoreReport, error) {
	start := time.Now()
	// The catalogue is needed for the index: check it before writing anything.
	if _, err := loadValidCatalogue(dir); err != nil {
		return nil, fmt.Errorf("cần danh mục thủ tục để dựng lại chỉ mục (--catalogue): %w", err)
	}
	res, err := backup.Restore(context.Background(), from, data, backup.RestoreOptions{Force: force, Progress: prog, User: cliUser()})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "Đã chép và kiểm %d bản gốc; đang dựng lại chỉ mục tìm kiếm…\n", len(res.Manifest.Originals))
	ix, err := buildIndex(data, dir, true)
	if err != nil {
		return nil, fmt.Errorf("đã khôi phục dữ liệu nhưng chưa dựng được chỉ mục (chạy lại motcua index --rebuild --data %s): %w", data, err)
	}
	db, blobs, err := openSQLite(data)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	f, err := checkFixity(context.Background(), db, blobs, cliUser(), "cli", nil)
	if err != nil {
		return nil, err
	}
	return &restoreReport{Restored: res, Index: ix, Fixity: f, Took: time.Since(start)}, nil
}
