package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"motcua/pipeline"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "records",
		summary: "bản ghi đã số hóa: records list | show ID | export [--json] | failed | pdf ID",
		run:     runRecords,
		ocr:     true,
	})
}

const recordsUsage = "cách dùng: motcua records list | show ID [--json] | export [--json] [--words] | failed | pdf ID [--out TỆP.pdf] [--data DIR]"

func runRecords(args []string) error {
	fs := flag.NewFlagSet("records", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	asJSON := fs.Bool("json", false, "xuất JSON (export: JSON Lines, mỗi dòng một bản ghi)")
	words := fs.Bool("words", false, "export: kèm các trang với từng từ và khung chữ")
	out := fs.String("out", "", "pdf: tệp PDF ghi ra (mặc định: ban-ghi-ID.pdf)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{recordsUsage}
	}
	needID := pos[0] == "show" || pos[0] == "pdf"
	if needID != (len(pos) == 2) || len(pos) > 2 {
		return usageError{recordsUsage}
	}
	var id int64
	if needID {
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil || id <= 0 {
			return usageError{fmt.Sprintf("mã bản ghi %q không hợp lệ: cần một số nguyên dương", pos[1])}
		}
	}
	db, blobs, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	// Every access to records from the command line is in the audit log
	// too, before anything is shown.
	audit := func(action string, id int64, detail string) error {
		return db.Log(ctx, store.Event{User: cliUser(), Action: action, RecordID: id, Detail: detail, Remote: "cli", OK: true})
	}
	get := func(action string) (*store.Record, error) {
		r, err := db.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "motcua records: không có bản ghi %d. Xem danh sách: motcua records list\n", id)
			return nil, exitError{1}
		}
		if err != nil {
			return nil, err
		}
		return r, audit(action, r.ID, "")
	}
	switch pos[0] {
	case "list":
		return listRecords(ctx, db)
	case "show":
		r, err := get(store.ActView)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		return showRecord(ctx, db, r)
	case "export":
		if err := audit(store.ActExport, 0, "all records"); err != nil {
			return err
		}
		return exportRecords(ctx, db, *asJSON, *words)
	case "failed":
		ff, err := db.Failures(ctx)
		if err != nil {
			return err
		}
		if len(ff) == 0 {
			fmt.Fprintln(stdout, "Không có tệp lỗi.")
			return nil
		}
		for _, f := range ff {
			fmt.Fprintf(stdout, "%s  %s\n    %s\n", f.At.Local().Format("2006-01-02 15:04"), termSafe(f.Path), termSafe(f.Reason))
		}
		return nil
	case "pdf":
		r, err := get(store.ActPDF)
		if err != nil {
			return err
		}
		if *out == "" {
			*out = fmt.Sprintf("ban-ghi-%d.pdf", r.ID)
		}
		return recordPDF(r, blobs, *out)
	}
	return usageError{recordsUsage}
}

func listRecords(ctx context.Context, db store.Store) error {
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ\tTRẠNG THÁI\tPHẠM VI\tLOẠI\tSỐ, KÝ HIỆU\tNGÀY\tTỆP GỐC")
	n := 0
	err := db.All(ctx, false, func(r *store.Record) error {
		n++
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status.Name(), visibilityVI(r.Visibility),
			termSafe(dash(r.DocType)), termSafe(dash(r.Fields.NumberSymbol)), termSafe(dash(r.Fields.IssueDate)), termSafe(r.SourceName))
		return nil
	})
	if err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d bản ghi\n", n)
	return nil
}

func visibilityVI(v store.Visibility) string {
	if v == store.Public {
		return "công khai"
	}
	return "hạn chế"
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func showRecord(ctx context.Context, db store.Store, r *store.Record) error {
	w := stdout
	fmt.Fprintf(w, "Bản ghi %d (phiên bản %d): %s\n", r.ID, r.Version, termSafe(r.SourceName))
	fmt.Fprintf(w, "Trạng thái: %s; phạm vi: %s; %d trang; SHA-256 %s\n", r.Status.Name(), visibilityVI(r.Visibility), len(r.Pages), r.SHA256)
	if r.TextLayer {
		fmt.Fprintln(w, "Nội dung lấy từ lớp chữ có sẵn của tệp PDF (không nhận dạng).")
	}
	fmt.Fprintf(w, "Số hóa lúc %s, cập nhật %s\n\n", r.CreatedAt.Local().Format("2006-01-02 15:04"), r.UpdatedAt.Local().Format("2006-01-02 15:04"))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, k := range store.AllFields {
		c, ok := r.Confidence[k]
		if !ok { // set by a person or derived: no OCR confidence
			fmt.Fprintf(tw, "%s\t%s\t\n", store.FieldNames[k], termSafe(dash(r.Fields.Value(k))))
			continue
		}
		mark := ""
		if r.Doubtful(k) {
			mark = "  ← cần kiểm tra"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f %%%s\n", store.FieldNames[k], termSafe(dash(r.Fields.Value(k))), 100*c, mark)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nVăn bản:\n%s\n", termText(r.Text))
	changes, err := db.Changes(ctx, r.ID)
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		fmt.Fprintln(w, "\nLịch sử chỉnh sửa:")
		for _, c := range changes {
			fmt.Fprintf(w, "  %s  %s  %s: %q → %q\n", c.At.Local().Format("2006-01-02 15:04"), c.User, c.Field.Name(),
				c.Field.ValueName(c.Old), c.Field.ValueName(c.New))
		}
	}
	reuses, err := db.Reuses(ctx, r.ID)
	if err != nil {
		return err
	}
	if len(reuses) > 0 {
		fmt.Fprintln(w, "\nĐã dùng lại:")
		for _, u := range reuses {
			fmt.Fprintf(w, "  %s  %s  thủ tục %s  %s\n", u.At.Local().Format("2006-01-02 15:04"), termSafe(u.User), u.Procedure, termSafe(u.Dossier))
		}
	}
	return nil
}

func exportRecords(ctx context.Context, db store.Store, asJSON, words bool) error {
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	if asJSON {
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return db.All(ctx, words, func(r *store.Record) error {
			if !words {
				r.Pages = nil
			}
			return enc.Encode(r)
		})
	}
	cw := csv.NewWriter(bw)
	head := []string{"id", "sha256", "source_name", "status", "visibility"}
	for _, k := range store.AllFields {
		head = append(head, string(k))
	}
	cw.Write(head)
	err := db.All(ctx, false, func(r *store.Record) error {
		row := []string{strconv.FormatInt(r.ID, 10), r.SHA256, r.SourceName, string(r.Status), string(r.Visibility)}
		for _, k := range store.AllFields {
			row = append(row, r.Fields.Value(k))
		}
		return cw.Write(row)
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// recordPDF writes a searchable PDF of a record from its stored original.
func recordPDF(r *store.Record, blobs store.Blobs, out string) error {
	if r.TextLayer {
		fmt.Fprintf(stderr, "Bản ghi %d là PDF đã có lớp chữ; tệp gốc đã tìm kiếm được.\n", r.ID)
		return exitError{1}
	}
	if !strings.HasSuffix(strings.ToLower(out), ".pdf") {
		return usageError{"--out phải là tệp .pdf"}
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	pages, err := pipeline.RecordPDF(abs, r, pipeline.BlobOpener(blobs))
	if err != nil {
		return fmt.Errorf("không dựng được PDF của bản ghi %d từ bản gốc: %w", r.ID, err)
	}
	fmt.Fprintf(stdout, "Đã ghi %s (%d trang, ảnh kèm lớp chữ tìm kiếm được)\n", out, pages)
	return nil
}
