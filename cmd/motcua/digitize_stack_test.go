package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/internal/scanmaker"
	"motcua/pipeline/cover"
	"motcua/store"
	"motcua/store/sqlite"
)

// writeStack renders documents of pipeline/testdata/stacks, with a cover
// before dossier i when sheets[i] has a code, into a folder of PNG pages
// named in scanning order.
func writeStack(t *testing.T, dir string, sheets []cover.Sheet, dossiers ...[]string) {
	t.Helper()
	spec := scanmaker.StackSpec{Name: filepath.Base(dir)}
	for _, d := range dossiers {
		var docs []scanmaker.Doc
		for _, name := range d {
			b, err := os.ReadFile("../../pipeline/testdata/stacks/" + name + ".scan")
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, scanmaker.Doc{Name: name, Src: string(b)})
		}
		spec.Dossiers = append(spec.Dossiers, docs)
	}
	st, err := scanmaker.BuildStack(spec, func(i int) image.Image {
		if i >= len(sheets) || sheets[i].Code == "" {
			return nil
		}
		img, err := cover.Render(sheets[i], scanmaker.DPI)
		if err != nil {
			t.Fatal(err)
		}
		return img
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, p := range st.Pages {
		b, err := scanmaker.PNG(p, scanmaker.DPI)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("trang-%02d.png", i+1)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDigitizeStack runs the real digitize --stack with the real
// catalogue: a session of two dossiers with cover sheets, a marriage
// declaration of two pages (the second without a header) and a birth
// certificate, each filed under the requirement it satisfies; then a
// session with only a receipt, which opens its dossier from what it says.
func TestDigitizeStack(t *testing.T) {
	root := t.TempDir()
	data, cat := filepath.Join(root, "data"), "../../site/content/thu-tuc"
	a := cover.Sheet{Code: "000.00.15.H46-240408-0413", Procedure: "1.000894", OwnerID: "025194006281", OwnerName: "Hà Thị Thu Trang"}
	b := cover.Sheet{Code: "000.00.15.H46-250123-0007", Procedure: "1.001193", OwnerID: "025194006281"}
	in := filepath.Join(root, "lo-1")
	writeStack(t, in, []cover.Sheet{a, b}, []string{"t-to-khai-ket-hon"}, []string{"t-giay-chung-sinh"})
	if c, out := runCLI(t, "digitize", "--stack", "--data", data, "--catalogue", cat, "--workers", "2", in); c != 0 {
		t.Fatalf("digitize --stack: exit %d\n%s", c, out)
	}
	receipt := filepath.Join(root, "lo-2")
	writeStack(t, receipt, nil, []string{"t-tiep-nhan"})
	c, out := runCLI(t, "digitize", "--stack", "--data", data, "--catalogue", cat, receipt)
	if c != 0 || !strings.Contains(out, "000.00.15.H46-240408-0412") {
		t.Fatalf("digitize --stack (receipt): exit %d\n%s", c, out)
	}

	db, err := sqlite.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	cl, err := loadCatalogue(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		code, procedure string
		pages           int    // of its one record
		requirement     string // that the record fills, "" unassigned
		received, due   string
	}{
		{a.Code, a.Procedure, 2, "tờ khai đăng ký kết hôn", "2024-04-08", ""},
		{b.Code, b.Procedure, 1, "giấy chứng sinh", "2025-01-23", ""},
		{"000.00.15.H46-240408-0412", "1.000894", 1, "", "2024-04-08", "2024-04-10"},
	} {
		d, err := db.Dossier(ctx, w.code)
		if err != nil {
			t.Errorf("dossier %s: %v", w.code, err)
			continue
		}
		if d.Procedure != w.procedure || d.OwnerID != "025194006281" || d.Received != w.received || d.Due != w.due {
			t.Errorf("dossier %s: %s %s received %s due %s; want %s, received %s, due %s",
				w.code, d.Procedure, d.OwnerID, d.Received, d.Due, w.procedure, w.received, w.due)
		}
		if len(d.Records) != 1 {
			t.Errorf("dossier %s: %d records, want 1", w.code, len(d.Records))
			continue
		}
		r, err := db.Get(ctx, d.Records[0].RecordID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Pages) != w.pages {
			t.Errorf("dossier %s: its record %q has %d pages, want %d", w.code, r.SourceName, len(r.Pages), w.pages)
		}
		got := ""
		if k := d.Records[0].Component; k > 0 {
			p, _ := cl.Get(d.Procedure)
			got = strings.ToLower(p.Documents[k-1].Name)
		}
		if !strings.HasPrefix(got, w.requirement) {
			t.Errorf("dossier %s: its record fills %q, want %q", w.code, got, w.requirement)
		}
	}
	n := 0
	db.All(ctx, false, func(r *store.Record) error { n++; return nil })
	if n != 3 {
		t.Errorf("%d records stored, want 3 (no cover is a record)", n)
	}
	// A rerun finds everything stored and recognises nothing.
	c, out = runCLI(t, "digitize", "--stack", "--data", data, "--catalogue", cat, in)
	if c != 0 || !strings.Contains(out, "0 trang") || !strings.Contains(out, "(bỏ qua): 2") {
		t.Errorf("rerun: exit %d\n%s", c, out)
	}
}

// TestDigitizeStackBadCover: a cover naming a procedure the catalogue
// lacks stops the run with the file and page named, nothing stored.
func TestDigitizeStackBadCover(t *testing.T) {
	root := t.TempDir()
	data, cat := filepath.Join(root, "data"), "../../site/content/thu-tuc"
	in := filepath.Join(root, "lo")
	bad := cover.Sheet{Code: "000.00.15.H46-250123-0007", Procedure: "1.999999", OwnerID: "025194006281"}
	writeStack(t, in, []cover.Sheet{{}, bad}, []string{"t-giay-chung-sinh"}, []string{"t-giay-chung-sinh"})
	c, out := runCLI(t, "digitize", "--stack", "--data", data, "--catalogue", cat, in)
	if c == 0 || !strings.Contains(out, "trang-02.png, trang 1") || !strings.Contains(out, "1.999999") {
		t.Fatalf("exit %d, %s; want an error naming trang-02.png and the procedure", c, out)
	}
	c, out = runCLI(t, "dossier", "list", "--data", data, "--catalogue", cat, "--json")
	if c != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("dossiers after a bad cover: %s", out)
	}
	c, out = runCLI(t, "records", "list", "--data", data)
	if c != 0 || strings.Contains(out, "trang-01") {
		t.Errorf("records after a bad cover: %s", out)
	}
}
