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
	"syscall"
	"time"

	"motcua/search"
	"motcua/search/querylog"
)

func init() {
	register(&command{
		name:    "index",
		summary: "dựng hoặc cập nhật chỉ mục tìm kiếm: index [--data DIR] [--catalogue DIR] [--rebuild] [--follow]",
		run:     runIndex,
	})
}

const defaultData = "data"

// indexPath is where the search index lives inside the data directory.
func indexPath(data string) string { return filepath.Join(data, "index.bleve") }

func runIndex(args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	rebuild := fs.Bool("rebuild", false, "dựng lại chỉ mục từ đầu")
	learnMin := fs.Int("learn-sessions", defaultLearnSessions, "số phiên tìm kiếm khác nhau tối thiểu đã chọn một thủ tục cho một câu tìm để tìm kiếm học theo")
	follow := fs.Bool("follow", false, "sau đó tiếp tục cập nhật chỉ mục theo kho hồ sơ (ngay khi PostgreSQL báo, và mỗi 5 giây) tới khi Ctrl-C")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *learnMin < 1 {
		return usageError{"--learn-sessions phải từ 1 trở lên"}
	}
	learnSessions = *learnMin
	start := time.Now()
	rep, err := buildIndex(*data, *dir, *rebuild)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Chỉ mục %s: %d thủ tục và %d hồ sơ số hóa được lập chỉ mục, %d mục cũ bị xóa, tổng %d mục, trong %.1f s.\n",
		indexPath(*data), rep.Procedures, rep.Records, rep.Removed, rep.Total, time.Since(start).Seconds())
	if rep.Learned > 0 {
		fmt.Fprintf(stdout, "Học từ nhật ký tìm kiếm: %d cặp câu tìm → thủ tục được ít nhất %d phiên chọn.\n", rep.Learned, learnSessions)
	}
	if *follow {
		return followIndex(*data)
	}
	return nil
}

// followIndex keeps the index in data current with the store until Ctrl-C.
func followIndex(data string) error {
	ix, err := openIndex(search.Open, data)
	if err != nil {
		return err
	}
	defer ix.Close()
	db, _, err := openStore(data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	how := "mỗi 5 giây"
	if _, ok := db.(search.Listener); ok {
		how = "ngay khi cơ sở dữ liệu báo (LISTEN/NOTIFY), và mỗi 5 giây"
	}
	c, _ := chooseDB(data)
	fmt.Fprintf(stdout, "Đang theo kho hồ sơ %s: cập nhật chỉ mục %s (Ctrl-C để dừng).\n", c, how)
	followStore(ctx, db, ix)
	return nil
}

// indexReport says what buildIndex did.
type indexReport struct{ Procedures, Records, Removed, Total, Learned int }

// buildIndex brings the index in data up to date with the catalogue in dir
// and the records store in data, or makes it anew (rebuild).
func buildIndex(data, dir string, rebuild bool) (indexReport, error) {
	var rep indexReport
	cat, err := loadValidCatalogue(dir)
	if err != nil {
		return rep, err
	}
	open := search.Open
	if rebuild {
		open = search.Create
	}
	ix, err := openIndex(open, data)
	if err != nil {
		return rep, err
	}
	defer ix.Close()
	added, removed, err := ix.SyncProcedures(cat.Procedures)
	if err != nil {
		return rep, err
	}
	rep.Procedures, rep.Removed = added, removed
	if storeExists(data) {
		db, _, err := openStore(data)
		if err != nil {
			return rep, err
		}
		defer db.Close()
		synced, err := ix.IndexSince(context.Background(), db, time.Time{})
		if err != nil {
			return rep, err
		}
		rep.Records, rep.Removed = synced.Indexed, rep.Removed+synced.Removed
	}
	if rep.Learned, err = learnQueryLog(ix, data); err != nil {
		return rep, err
	}
	if err := ix.Compact(context.Background()); err != nil {
		return rep, err
	}
	n, _ := ix.Count()
	rep.Total = int(n)
	return rep, nil
}

// What the search learns from serve's query log: a query → procedure
// pair chosen in at least learnSessions distinct sessions, holding at
// least learnShare of the query's choices.
const (
	defaultLearnSessions = 3
	learnShare           = 0.2
)

var learnSessions = defaultLearnSessions

// learnQueryLog teaches the index the procedures chosen for queries in
// the query log of data (see querylog.Learn); it returns how many pairs.
func learnQueryLog(ix *search.Index, data string) (int, error) {
	path := filepath.Join(data, querylog.File)
	events, bad, err := querylog.Read(path)
	if err != nil {
		return 0, err
	}
	if bad > 0 {
		slog.Warn("query log: lines skipped", "file", path, "lines", bad)
	}
	learned := querylog.Learn(events, learnSessions, learnShare)
	return len(learned), ix.Learn(learned)
}

// storeFile is the records database inside the data directory.
const storeFile = "motcua.db"

// openIndex opens the index in data, creating the folder.
func openIndex(open func(string) (*search.Index, error), data string) (*search.Index, error) {
	if err := mkdirAll(data); err != nil {
		return nil, err
	}
	ix, err := open(indexPath(data))
	if errors.Is(err, search.ErrSchema) {
		// The index is derived: rebuild it rather than fail.
		fmt.Fprintf(stderr, "Chỉ mục %s do phiên bản motcua khác dựng: dựng lại từ danh mục và kho hồ sơ.\n", indexPath(data))
		ix, err = search.Create(indexPath(data))
	}
	if errors.Is(err, search.ErrLocked) {
		return nil, fmt.Errorf("chỉ mục đang được một tiến trình motcua khác dùng (motcua serve?): dừng nó rồi thử lại (%w)", err)
	}
	return ix, err
}

// openSearchIndex opens the index in data for search and serve; a fresh
// data folder gets the catalogue in dir indexed first.
func openSearchIndex(data, dir string) (*search.Index, error) {
	ix, err := openIndex(search.Open, data)
	if err != nil {
		return nil, err
	}
	if n, _ := ix.CountKind(search.KindProcedure); n == 0 {
		cat, err := loadCatalogue(dir)
		if err == nil {
			_, _, err = ix.SyncProcedures(cat.Procedures)
		}
		if err != nil {
			ix.Close()
			return nil, err
		}
		slog.Info("indexed the catalogue", "procedures", len(cat.Procedures))
	}
	if n, _ := ix.CountKind(search.KindRecord); n == 0 {
		if storeExists(data) {
			db, _, err := openStore(data)
			if err == nil {
				_, err = ix.IndexSince(context.Background(), db, time.Time{})
				db.Close()
			}
			if err != nil {
				ix.Close()
				return nil, err
			}
		}
	}
	return ix, nil
}
