package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"motcua/search"
	"motcua/search/querylog"
	"motcua/server"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "phục vụ trang web và tìm kiếm: serve [--addr 127.0.0.1:8080] [--public DIR] [--data DIR]",
		run:     runServe,
		ocr:     true, // the staff area makes searchable PDFs
	})
}

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ lắng nghe (mặc định chỉ máy này)")
	cert := fs.String("tls-cert", "", "chứng chỉ TLS (PEM); cùng --tls-key thì phục vụ HTTPS, cookie chỉ gửi qua HTTPS")
	key := fs.String("tls-key", "", "khóa riêng TLS (PEM)")
	public := fs.String("public", defaultPublic, "thư mục trang web đã dựng (motcua build)")
	data := fs.String("data", defaultData, "thư mục dữ liệu (chỉ mục tìm kiếm)")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (lập chỉ mục nếu chỉ mục trống)")
	backupTo := fs.String("backup-to", "", "sao lưu định kỳ vào thư mục này (xem motcua backup)")
	backupEvery := fs.Duration("backup-every", 24*time.Hour, "chu kỳ sao lưu (với --backup-to)")
	backupKeep := fs.Int("backup-keep", 0, "giữ N bản sao lưu mới nhất (0: giữ tất cả)")
	verifyEvery := fs.Duration("verify-every", 24*time.Hour, "chu kỳ kiểm tra SHA-256 các bản gốc (0: không kiểm)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := os.Stat(*public + "/index.html"); err != nil {
		return fmt.Errorf("chưa có trang web trong %s: chạy motcua build trước (no built site: %w)", *public, err)
	}
	if *backupTo != "" && (*backupEvery <= 0 || inside(*backupTo, *data)) {
		return usageError{"--backup-to cần --backup-every > 0 và một thư mục ngoài thư mục dữ liệu (tốt nhất ở đĩa khác)"}
	}
	if *backupTo != "" {
		if err := sqliteOnly("--backup-to", "pg_dump"); err != nil {
			return err
		}
	}
	if (*cert == "") != (*key == "") {
		return usageError{"--tls-cert và --tls-key phải đi cùng nhau"}
	}
	ix, err := openSearchIndex(*data, *dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	if err := ix.Warm(); err != nil {
		return err
	}
	db, blobs, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := loadCatalogue(*dir)
	if err != nil {
		return err
	}
	qlog, err := querylog.Open(filepath.Join(*data, querylog.File))
	if err != nil {
		return fmt.Errorf("không mở được nhật ký tìm kiếm: %w", err)
	}
	defer qlog.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("không lắng nghe được trên %s: %w", *addr, err)
	}
	if _, err := localBlobs(blobs, "--backup-to"); err != nil && *backupTo != "" {
		return usageError{err.Error()}
	} else if err != nil && *verifyEvery > 0 {
		slog.Info("originals in an object store: no scheduled fixity check (the bucket keeps its own)", "blobs", blobs)
		*verifyEvery = 0
	}
	archive := &server.Archive{}
	srv := &http.Server{
		Handler: server.New(server.Config{Public: *public, Index: ix, Store: db, Blobs: blobs, Procedures: cat.Procedures,
			Archive: archive, QueryLog: qlog}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go followStore(ctx, db, ix)
	jobs := &archiveJobs{db: db, blobs: blobs, data: *data, backupTo: *backupTo, backupEvery: *backupEvery, keep: *backupKeep,
		verifyEvery: *verifyEvery, status: archive}
	jobs.run(ctx)
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	slog.Info("serving", "url", scheme+"://"+ln.Addr().String()+"/", "public", *public)
	fmt.Fprintf(stdout, "Trang web: %s://%s/ · khu vực cán bộ: %[1]s://%[2]s/staff/ (Ctrl-C để dừng)\n", scheme, ln.Addr())
	if n, _ := db.Users(context.Background()); len(n) == 0 {
		fmt.Fprintln(stdout, "Chưa có tài khoản cán bộ nào: tạo bằng motcua users add TÊN --role admin")
	}
	if *cert != "" {
		err = srv.ServeTLS(ln, *cert, *key)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// followStore indexes the records other processes save while the server
// holds the index (motcua digitize cannot open it then): at once when the
// store announces them (PostgreSQL), else every few seconds.
func followStore(ctx context.Context, db store.Store, ix *search.Index) {
	l, _ := db.(search.Listener)
	ix.Follow(ctx, db, l, followPoll)
}

// followPoll is how often a follower catches up with the store whatever it
// was told.
const followPoll = 5 * time.Second
