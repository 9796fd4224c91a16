package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/reuse"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "reuse",
		summary: "giấy tờ đã số hóa dùng lại được: reuse --procedure MÃ --id SỐ_ĐỊNH_DANH [--json] [--use HỒ_SƠ --document N [--dossier MÃ]]",
		run:     runReuse,
	})
}

func runReuse(args []string) error {
	fs := flag.NewFlagSet("reuse", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	code := fs.String("procedure", "", "mã thủ tục, ví dụ 1.001471")
	id := fs.String("id", "", "số định danh cá nhân (12 chữ số) của chủ giấy tờ")
	asJSON := fs.Bool("json", false, "in JSON")
	use := fs.Int64("use", 0, "ghi nhận dùng lại hồ sơ này")
	doc := fs.Int("document", 0, "--use: số thứ tự (từ 1) của giấy tờ được thay")
	dossier := fs.String("dossier", "", "--use: mã hồ sơ, ví dụ 000.00.11.H62-231027-0001")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if !vi.ProcedureCode.MatchString(*code) {
		return usageError{fmt.Sprintf("--procedure %q: mã thủ tục có dạng 1.001471", *code)}
	}
	if !vi.IsPersonID(*id) {
		return usageError{fmt.Sprintf("--id %q: số định danh cá nhân gồm đúng 12 chữ số", *id)}
	}
	cat, err := loadCatalogue(*dir)
	if err != nil {
		return err
	}
	p, ok := cat.Get(*code)
	if !ok {
		return fmt.Errorf("danh mục %s không có thủ tục %s", *dir, *code)
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Log(ctx, store.Event{User: cliUser(), Action: store.ActReuseLookup, Remote: "cli", OK: true,
		Detail: "thủ tục " + p.Code + ", số định danh " + *id}); err != nil {
		return err
	}
	needs, err := reuse.Find(ctx, db, p, *id, time.Now())
	if err != nil {
		return err
	}
	if *use != 0 {
		return recordReuse(ctx, db, p, needs, *use, *doc, *dossier)
	}
	if *asJSON {
		for i := range needs {
			for j := range needs[i].Candidates {
				needs[i].Candidates[j].Record.Pages = nil
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"procedure": p.Code, "name": p.Name, "id": *id, "documents": needs})
	}
	fmt.Fprintf(stdout, "Thủ tục %s: %s\nChủ giấy tờ: %s\n\n", p.Code, p.Name, *id)
	usable := 0
	for i, n := range needs {
		fmt.Fprintf(stdout, "%d. %s\n", i+1, n.Document.Name)
		if len(n.Candidates) == 0 {
			fmt.Fprintln(stdout, "   chưa có hồ sơ số hóa thay được")
		}
		for _, c := range n.Candidates {
			f := c.Record.Fields
			state := "DÙNG LẠI ĐƯỢC"
			if !c.Usable {
				state = "không dùng được: " + c.Reason
			} else {
				usable++
			}
			fmt.Fprintf(stdout, "   hồ sơ %d: %s %s, ngày %s, %s — %s\n", c.Record.ID, f.DocType, dash(f.NumberSymbol), dash(f.IssueDate), dash(f.Issuer), state)
		}
	}
	if usable > 0 {
		fmt.Fprintf(stdout, "\nGhi nhận dùng lại: motcua reuse --procedure %s --id %s --use HỒ_SƠ --document N [--dossier MÃ]\n", p.Code, *id)
	}
	return nil
}

func recordReuse(ctx context.Context, db store.Store, p *content.Procedure, needs []reuse.Need, rec int64, doc int, dossier string) error {
	if doc < 1 || doc > len(needs) {
		return usageError{fmt.Sprintf("--document phải từ 1 đến %d (số thứ tự giấy tờ của thủ tục)", len(needs))}
	}
	if !reuse.MayReuse(needs, doc-1, rec) {
		return fmt.Errorf("hồ sơ %d không thay được giấy tờ %d (%q) cho công dân này: không đúng chủ, loại, hoặc đã hết giá trị", rec, doc, needs[doc-1].Document.Name)
	}
	u := &store.Reuse{User: cliUser(), RecordID: rec, Procedure: p.Code, Document: needs[doc-1].Document.Name, Dossier: dossier}
	if err := db.AddReuse(ctx, u, "cli"); errors.Is(err, store.ErrExists) {
		fmt.Fprintf(stdout, "Lần dùng lại này đã được ghi nhận từ trước (số %d, lúc %s): không ghi thêm.\n", u.ID, u.At.Local().Format("02/01/2006 15:04"))
		return nil
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã ghi nhận dùng lại hồ sơ %d cho giấy tờ %d của thủ tục %s (lần dùng lại số %s).\n", rec, doc, p.Code, strconv.FormatInt(u.ID, 10))
	return nil
}
