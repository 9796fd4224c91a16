package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"time"

	"motcua/dossier"
	"motcua/reuse"
	"motcua/store"
)

// dossierReuse fills a dossier's missing components with the owner's
// stored records instead of asking the citizen for the paper again: the
// one named (--component K --record N), or for each missing component
// the newest stored record that may stand for it.
func dossierReuse(args []string) error {
	fs := flag.NewFlagSet("dossier reuse", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	dir := fs.String("catalogue", defaultCatalogue, "thư mục danh mục thủ tục")
	comp := fs.Int("component", 0, "số thứ tự (từ 1) của thành phần hồ sơ cần thay")
	rec := fs.Int64("record", 0, "--component: bản ghi đã lưu dùng thay cho giấy tờ")
	dry := fs.Bool("dry-run", false, "chỉ in các bản ghi có thể dùng lại, không ghi nhận")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*comp == 0) != (*rec == 0) {
		return usageError{"cách dùng: motcua dossier reuse MÃ_HỒ_SƠ [--component K --record N] [--dry-run]"}
	}
	cat, db, _, err := openWithCatalogue(*dir, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	v, err := dossier.Load(ctx, db, cat, pos[0])
	if err != nil {
		return fmt.Errorf("hồ sơ %s: %w", pos[0], err)
	}
	p, ok := cat.Get(v.Procedure)
	if !ok {
		return fmt.Errorf("hồ sơ %s: danh mục %s không còn thủ tục %s", v.Code, *dir, v.Procedure)
	}
	if err := db.Log(ctx, store.Event{User: cliUser(), Action: store.ActReuseLookup, Remote: "cli", OK: true,
		Detail: "hồ sơ " + v.Code + ", thủ tục " + p.Code + ", số định danh " + v.OwnerID}); err != nil {
		return err
	}
	needs, err := reuse.Find(ctx, db, p, v.OwnerID, time.Now())
	if err != nil {
		return err
	}
	picks := map[int]int64{*comp: *rec}
	if *comp == 0 {
		picks = dossier.Suggest(v, p, needs)
	} else if *comp > len(needs) || !dossier.IsComponent(needs[*comp-1].Document) {
		return usageError{fmt.Sprintf("--component %d: thủ tục %s không có thành phần hồ sơ số %d", *comp, p.Code, *comp)}
	} else if !reuse.MayReuse(needs, *comp-1, *rec) {
		return fmt.Errorf("bản ghi %d không thay được thành phần %d (%q) của hồ sơ %s: không đúng chủ giấy tờ, loại giấy tờ, hoặc đã hết giá trị",
			*rec, *comp, needs[*comp-1].Document.Name, v.Code)
	}
	if len(picks) == 0 {
		fmt.Fprintf(stdout, "Hồ sơ %s: không có thành phần còn thiếu nào lấy được từ bản ghi đã lưu của %s.\n", v.Code, v.OwnerID)
		return nil
	}
	comps := make([]int, 0, len(picks))
	for k := range picks {
		comps = append(comps, k)
	}
	sort.Ints(comps)
	for _, k := range comps {
		name := needs[k-1].Document.Name
		if *dry {
			fmt.Fprintf(stdout, "Có thể dùng lại bản ghi %d cho thành phần %d: %s\n", picks[k], k, shorten(name, 80))
			continue
		}
		u := &store.Reuse{User: cliUser(), RecordID: picks[k], Procedure: p.Code, Document: name, Dossier: v.Code}
		if err := db.AddReuse(ctx, u, "cli"); errors.Is(err, store.ErrExists) {
			fmt.Fprintf(stdout, "Bản ghi %d đã được dùng lại cho thành phần %d của hồ sơ %s từ trước (lần dùng lại số %d): không ghi thêm.\n", picks[k], k, v.Code, u.ID)
			continue
		} else if err != nil {
			return fmt.Errorf("hồ sơ %s, thành phần %d: %w", v.Code, k, err)
		}
		fmt.Fprintf(stdout, "Đã dùng lại bản ghi %d cho thành phần %d của hồ sơ %s: %s\n", picks[k], k, v.Code, shorten(name, 80))
	}
	return nil
}
