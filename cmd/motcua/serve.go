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
	"syscall"
	"time"

	"motcua/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "phục vụ trang web và tìm kiếm: serve [--addr 127.0.0.1:8080] [--public DIR] [--data DIR]",
		run:     runServe,
	})
}

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ lắng nghe (mặc định chỉ máy này)")
	public := fs.String("public", defaultPublic, "thư mục trang web đã dựng (motcua build)")
	data := fs.String("data", defaultData, "thư mục dữ liệu (chỉ mục tìm kiếm)")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục (lập chỉ mục nếu chỉ mục trống)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := os.Stat(*public + "/index.html"); err != nil {
		return fmt.Errorf("chưa có trang web trong %s: chạy motcua build trước (no built site: %w)", *public, err)
	}
	ix, err := openSearchIndex(*data, *dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("không lắng nghe được trên %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           server.New(server.Config{Public: *public, Index: ix}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	slog.Info("serving", "url", "http://"+ln.Addr().String()+"/", "public", *public)
	fmt.Fprintf(stdout, "Trang web: http://%s/ (Ctrl-C để dừng)\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
