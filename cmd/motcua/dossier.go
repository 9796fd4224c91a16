package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/content"
	"motcua/dossier"
	"motcua/internal/vi"
	"motcua/pipeline"
	"motcua/pipeline/cover"
	"motcua/store"
)

func init() {
	register(&command{
		name: "dossier",
		summary: "hồ sơ: dossier new MÃ --procedure P --owner SỐ | list [--json] | show MÃ [--json] | " +
			"cover MÃ --procedure P --owner SỐ --out F.pdf | result MÃ TỆP... | move MÃ --record N --component K | finish MÃ | reuse MÃ",
		run: runDossier,
		ocr: true,
	})
}

func runDossier(args []string) error {
	if len(args) == 0 {
		return usageError{"thiếu lệnh con: new, list, show, cover, result, move, finish hoặc reuse"}
	}
	switch args[0] {
	case "new":
		return dossierNew(args[1:])
	case "list":
		return dossierList(args[1:])
	case "show":
		return dossierShow(args[1:])
	case "cover":
		return dossierCover(args[1:])
	case "result":
		return dossierResult(args[1:])
	case "move":
		return dossierMove(args[1:])
	case "finish":
		return dossierFinish(args[1:])
	case "reuse":
		return dossierReuse(args[1:])
	}
	return usageError{fmt.Sprintf("không có lệnh con %q: dùng new, list, show, cover, result, move, finish hoặc reuse", args[0])}
}

// dossierHeader reads the flags that describe a dossier (new, digitize
// --dossier) and checks them against the rules and the catalogue.
type dossierHeader struct {
	procedure, owner, name, channel, received, due *string
}

func dossierFlags(fs *flag.FlagSet) dossierHeader {
	return dossierHeader{
		procedure: fs.String("procedure", "", "mã thủ tục, ví dụ 1.001193"),
		owner:     fs.String("owner", "", "số định danh cá nhân (12 chữ số) của người nộp"),
		name:      fs.String("name", "", "họ và tên người nộp"),
		channel:   fs.String("channel", "direct", "kênh nộp: direct (trực tiếp), online (trực tuyến), postal (bưu chính)"),
		received:  fs.String("received", "", "ngày tiếp nhận YYYY-MM-DD (mặc định: ngày trong mã hồ sơ)"),
		due:       fs.String("due", "", "ngày hẹn trả YYYY-MM-DD"),
	}
}

// read checks the dossier code and the header flags, against the rules
// and the catalogue in dir, and returns the dossier with its procedure.
func (h dossierHeader) read(dir, code string) (*store.Dossier, *content.Procedure, error) {
	if !vi.IsDossierCode(code) {
		return nil, nil, usageError{fmt.Sprintf("mã hồ sơ %q không đúng dạng quốc gia, ví dụ 000.42.27.H09-240515-0087", code)}
	}
	cat, err := loadCatalogue(dir)
	if err != nil {
		return nil, nil, err
	}
	p, ok := cat.Get(*h.procedure)
	if !ok {
		return nil, nil, usageError{fmt.Sprintf("--procedure %q: danh mục không có thủ tục này (mã có dạng 1.001193)", *h.procedure)}
	}
	if !vi.IsPersonID(*h.owner) {
		return nil, nil, usageError{fmt.Sprintf("--owner %q: số định danh cá nhân gồm đúng 12 chữ số", *h.owner)}
	}
	ch, err := store.ParseChannel(*h.channel)
	if err != nil {
		return nil, nil, usageError{"--channel: " + err.Error()}
	}
	d := &store.Dossier{Code: code, Procedure: p.Code, OwnerID: *h.owner, OwnerName: norm.NFC.String(strings.TrimSpace(*h.name)),
		Channel: ch, Received: *h.received, Due: *h.due}
	if d.Received == "" {
		d.Received = vi.DossierDate(code)
	}
	for _, f := range []struct{ name, v string }{{"--received", d.Received}, {"--due", d.Due}} {
		if _, err := time.Parse(time.DateOnly, f.v); f.v != "" && err != nil {
			return nil, nil, usageError{fmt.Sprintf("%s %q: ngày có dạng YYYY-MM-DD", f.name, f.v)}
		}
	}
	return d, p, nil
}

// openWithCatalogue loads the catalogue, then opens the store.
func openWithCatalogue(dir, data string) (*content.Catalogue, store.Store, store.Blobs, error) {
	cat, err := loadCatalogue(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	db, blobs, err := openStore(data)
	return cat, db, blobs, err
}

func dossierNew(args []string) error {
	fs := flag.NewFlagSet("dossier new", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	h := dossierFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cách dùng: motcua dossier new MÃ_HỒ_SƠ --procedure P --owner SỐ_ĐỊNH_DANH [--name …]"}
	}
	d, _, err := h.read(*dir, pos[0])
	if err != nil {
		return err
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	// A dossier already stored is left as it is (its dates and status may
	// have moved on since): new on it only checks that it is the same.
	if _, err := db.Dossier(context.Background(), d.Code); err == nil {
		if err := openDossier(db, d); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Hồ sơ %s đã có (thủ tục %s); không thay đổi.\n", d.Code, d.Procedure)
		return nil
	}
	if err := openDossier(db, d); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã lưu hồ sơ %s (thủ tục %s).\n", d.Code, d.Procedure)
	return nil
}

// listItem is one dossier in `dossier list --json`.
type listItem struct {
	Code      string `json:"code"`
	Procedure string `json:"procedure"`
	OwnerID   string `json:"owner_id"`
	Records   int    `json:"records"`
	Complete  bool   `json:"complete"`
}

func dossierList(args []string) error {
	fs := flag.NewFlagSet("dossier list", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	asJSON := fs.Bool("json", false, "in JSON")
	var f store.DossierFilter
	fs.StringVar(&f.Procedure, "procedure", "", "chỉ hồ sơ của thủ tục này")
	fs.StringVar(&f.OwnerID, "owner", "", "chỉ hồ sơ của số định danh này")
	fs.StringVar(&f.Month, "month", "", "chỉ hồ sơ tiếp nhận trong tháng YYYY-MM")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cat, db, _, err := openWithCatalogue(*dir, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	vs, err := dossier.List(ctx, db, cat, f)
	if err != nil {
		return err
	}
	if f.OwnerID != "" {
		if err := db.Log(ctx, store.Event{User: cliUser(), Action: store.ActDossierView, Remote: "cli", OK: true,
			Detail: "danh sách hồ sơ của số định danh " + f.OwnerID}); err != nil {
			return err
		}
	}
	items := make([]listItem, 0, len(vs))
	for _, v := range vs {
		n := len(v.Unassigned) + len(v.Results)
		for _, c := range v.Components {
			n += len(c.Records)
		}
		items = append(items, listItem{v.Code, v.Procedure, v.OwnerID, n, v.Complete})
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(items)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ HỒ SƠ\tTHỦ TỤC\tSỐ ĐỊNH DANH\tVĂN BẢN\tĐỦ")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", it.Code, it.Procedure, it.OwnerID, it.Records, yesNo(it.Complete))
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "đủ"
	}
	return "thiếu"
}

// showJSON is `dossier show --json`.
type showJSON struct {
	Code       string          `json:"code"`
	Procedure  string          `json:"procedure"`
	OwnerID    string          `json:"owner_id"`
	OwnerName  string          `json:"owner_name,omitempty"`
	Channel    store.Channel   `json:"channel"`
	Status     string          `json:"status"`
	Received   string          `json:"received"`
	Due        string          `json:"due"`
	Finished   string          `json:"finished"`
	Complete   bool            `json:"complete"`
	Components []componentJSON `json:"components"`
	Results    []resultJSON    `json:"results"`
	Unassigned []int64         `json:"unassigned"`
}

type componentJSON struct {
	Requirement string  `json:"requirement"`
	Group       string  `json:"group"`
	Required    bool    `json:"required"`
	Status      string  `json:"status"`
	Records     []int64 `json:"records"`
	ReusedFrom  []int64 `json:"reused_from,omitempty"`
}

type resultJSON struct {
	Code   string `json:"code"`
	Record int64  `json:"record"`
}

func dossierShow(args []string) error {
	fs := flag.NewFlagSet("dossier show", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	asJSON := fs.Bool("json", false, "in JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cách dùng: motcua dossier show MÃ_HỒ_SƠ [--json]"}
	}
	cat, db, _, err := openWithCatalogue(*dir, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	v, err := dossier.Load(ctx, db, cat, pos[0])
	if err != nil {
		return err
	}
	if err := db.Log(ctx, store.Event{User: cliUser(), Action: store.ActDossierView, Remote: "cli", OK: true,
		Detail: "hồ sơ " + v.Code}); err != nil {
		return err
	}
	if *asJSON {
		out := showJSON{Code: v.Code, Procedure: v.Procedure, OwnerID: v.OwnerID, OwnerName: v.OwnerName,
			Channel: v.Channel, Status: string(v.Status), Received: v.Received, Due: v.Due, Finished: v.Finished,
			Complete: v.Complete, Components: []componentJSON{}, Results: []resultJSON{}, Unassigned: v.Unassigned}
		for _, c := range v.Components {
			out.Components = append(out.Components, componentJSON{c.Requirement, c.Group, c.Required, c.Status, c.Records, c.ReusedFrom})
		}
		for _, r := range v.Results {
			out.Results = append(out.Results, resultJSON(r))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "Hồ sơ %s — %s\n", v.Code, v.Status.Name())
	fmt.Fprintf(stdout, "Thủ tục %s: %s\n", v.Procedure, v.ProcedureName)
	fmt.Fprintf(stdout, "Người nộp: %s (%s), kênh %s\n", v.OwnerName, v.OwnerID, v.Channel.Name())
	fmt.Fprintf(stdout, "Tiếp nhận %s, hẹn trả %s, hoàn thành %s\n", dash(v.Received), dash(v.Due), dash(v.Finished))
	fmt.Fprintf(stdout, "Thành phần hồ sơ: %s\n", yesNo(v.Complete))
	for _, c := range v.Components {
		mark := map[string]string{dossier.Digitized: "đã số hóa", dossier.Reused: "tái sử dụng", dossier.Missing: "thiếu"}[c.Status]
		if !c.Required && c.Status == dossier.Missing {
			mark = "không bắt buộc"
		}
		fmt.Fprintf(stdout, "  [%s] %s %v\n", mark, shorten(c.Requirement, 90), append(c.Records, c.ReusedFrom...))
	}
	for _, r := range v.Results {
		fmt.Fprintf(stdout, "Kết quả %s: văn bản %d\n", r.Code, r.Record)
	}
	if len(v.Unassigned) > 0 {
		fmt.Fprintf(stdout, "Chưa xếp vào thành phần nào: %v\n", v.Unassigned)
	}
	return nil
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func dossierMove(args []string) error {
	fs := flag.NewFlagSet("dossier move", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	rec := fs.Int64("record", 0, "mã văn bản cần chuyển")
	comp := fs.Int("component", 0, "số thứ tự (từ 1) của thành phần trong danh mục giấy tờ của thủ tục; 0: chưa xếp")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *rec <= 0 || *comp < 0 {
		return usageError{"cách dùng: motcua dossier move MÃ_HỒ_SƠ --record N --component K"}
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.MoveRecord(context.Background(), pos[0], *rec, *comp, cliUser(), "cli")
}

func dossierFinish(args []string) error {
	fs := flag.NewFlagSet("dossier finish", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	date := fs.String("date", time.Now().Format(time.DateOnly), "ngày hoàn thành YYYY-MM-DD")
	status := fs.String("status", string(store.DossierReturned), "trạng thái: finished, returned, stopped, withdrawn")
	supplements := fs.Int("supplements", -1, "số lần yêu cầu bổ sung (mặc định: giữ nguyên)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cách dùng: motcua dossier finish MÃ_HỒ_SƠ [--date YYYY-MM-DD] [--status returned]"}
	}
	if _, err := time.Parse(time.DateOnly, *date); err != nil {
		return usageError{fmt.Sprintf("--date %q: ngày có dạng YYYY-MM-DD", *date)}
	}
	st, err := store.ParseDossierStatus(*status)
	if err != nil {
		return usageError{err.Error()}
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	d, err := db.Dossier(ctx, pos[0])
	if err != nil {
		return err
	}
	d.Finished, d.Status = *date, st
	if *supplements >= 0 {
		d.Supplements = *supplements
	}
	if err := db.PutDossier(ctx, d); err != nil {
		return err
	}
	return db.Log(ctx, store.Event{User: cliUser(), Action: store.ActDossierEdit, Remote: "cli", OK: true,
		Detail: fmt.Sprintf("hồ sơ %s: %s ngày %s", d.Code, st.Name(), *date)})
}

func dossierCover(args []string) error {
	fs := flag.NewFlagSet("dossier cover", flag.ContinueOnError)
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	out := fs.String("out", "", "tệp PDF cần ghi, ví dụ phieu.pdf")
	h := dossierFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !strings.HasSuffix(strings.ToLower(*out), ".pdf") {
		return usageError{"cách dùng: motcua dossier cover MÃ_HỒ_SƠ --procedure P --owner SỐ_ĐỊNH_DANH [--name …] --out PHIẾU.pdf"}
	}
	d, _, err := h.read(*dir, pos[0])
	if err != nil {
		return err
	}
	if err := cover.WritePDF(*out, cover.Sheet{Code: d.Code, Procedure: d.Procedure, OwnerID: d.OwnerID, OwnerName: d.OwnerName}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã ghi phiếu ngăn hồ sơ %s vào %s: in ra và đặt trước các giấy tờ của hồ sơ khi quét.\n", d.Code, *out)
	return nil
}

func dossierResult(args []string) error {
	fs := flag.NewFlagSet("dossier result", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	workers := fs.Int("workers", runtime.NumCPU(), "số luồng nhận dạng chữ")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usageError{"cách dùng: motcua dossier result MÃ_HỒ_SƠ TỆP..."}
	}
	cat, db, blobs, err := openWithCatalogue(*dir, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.Dossier(context.Background(), pos[0])
	if err != nil {
		return fmt.Errorf("hồ sơ %s chưa có: tạo bằng motcua dossier new hoặc digitize --dossier (%w)", pos[0], err)
	}
	p, _ := cat.Get(d.Procedure)
	opt := pipeline.Options{Workers: *workers, Limits: pipeline.DefaultLimits, Place: dossier.Place(d, p, true)}
	return digitizeFiles(db, blobs, *data, pos[1:], opt)
}
