package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode"

	"motcua/internal/progress"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "verify",
		summary: "kiểm tra SHA-256 của mọi bản gốc (thiếu, hỏng, tệp lạ): verify [--data DIR] [--json]",
		run:     runVerify,
	})
}

func runVerify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	asJSON := fs.Bool("json", false, "kết quả dạng JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("thừa tham số %q: motcua verify [--data DIR] [--json]", pos[0])}
	}
	db, blobs, err := openExistingStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := progress.New(stderr, "kiểm tra bản gốc", "bản gốc")
	f, err := checkFixity(context.Background(), db, blobs, cliUser(), "cli", bar.Update)
	bar.Done()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			*store.Fixity
			OK bool `json:"ok"`
		}{f, f.OK()}); err != nil {
			return err
		}
	} else {
		printFixity(db, blobs.(store.DirBlobs), f)
	}
	if !f.OK() {
		return exitError{1}
	}
	return nil
}

// checkFixity checks every original and writes the result to the audit log.
func checkFixity(ctx context.Context, db store.Store, originals store.Blobs, user, remote string, prog func(done, total int)) (*store.Fixity, error) {
	blobs, err := localBlobs(originals, "motcua verify")
	if err != nil {
		return nil, err
	}
	f, err := store.CheckFixity(ctx, db, blobs, prog)
	e := store.Event{User: user, Action: store.ActFixity, Remote: remote, OK: err == nil && f.OK()}
	if err != nil {
		e.Detail = "lỗi: " + err.Error()
	} else {
		e.Detail = fmt.Sprintf("%d bản gốc, %d byte: thiếu %d, hỏng %d, tệp lạ %d", f.Checked, f.Bytes, len(f.Missing), len(f.Corrupt), len(f.Orphans))
	}
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	if lerr := db.Log(context.WithoutCancel(ctx), e); lerr != nil {
		slog.Error("audit log", "action", store.ActFixity, "error", lerr)
	}
	return f, err
}

// printFixity says what is wrong, naming each original's record.
func printFixity(db store.Store, blobs store.DirBlobs, f *store.Fixity) {
	name := func(sha string) string {
		p, _ := blobs.Path(sha)
		if r, err := db.BySHA256(context.Background(), sha); err == nil {
			return fmt.Sprintf("%s (hồ sơ %d, %s)", p, r.ID, safeText(r.SourceName))
		}
		return p
	}
	for _, sha := range f.Missing {
		fmt.Fprintf(stdout, "THIẾU  %s\n", name(sha))
	}
	for _, sha := range f.Corrupt {
		fmt.Fprintf(stdout, "HỎNG   %s: nội dung không còn khớp SHA-256\n", name(sha))
	}
	for _, rel := range f.Orphans {
		fmt.Fprintf(stdout, "TỆP LẠ %s/%s: không hồ sơ nào dùng\n", blobs.Dir, safeText(rel))
	}
	fmt.Fprintf(stdout, "Đã kiểm %d bản gốc (%s): thiếu %d, hỏng %d, tệp lạ %d.\n", f.Checked, humanBytes(f.Bytes),
		len(f.Missing), len(f.Corrupt), len(f.Orphans))
	if !f.OK() {
		fmt.Fprintln(stdout, "Có bản gốc thiếu hoặc hỏng: khôi phục chúng từ bản sao lưu (motcua backup --list --to ĐÍCH).")
	} else if len(f.Orphans) > 0 {
		fmt.Fprintln(stdout, "Tệp lạ không phải hư hỏng (có thể do một lần số hóa bị ngắt); xem rồi xóa nếu không cần.")
	}
}

// safeText shows a name from a file or the database on a terminal with its
// control characters escaped.
func safeText(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
