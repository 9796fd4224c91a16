package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/content"
	"motcua/internal/addr"
	"motcua/store"
	"motcua/store/sqlite"
)

// statsFixture is a real store holding six dossiers of two procedures,
// as they stand on 10 June 2024:
//
//	A 1.001193 rec. 02/05 due 10/05 fin. 08/05: early; 2/2 components, result KQ1
//	B 1.001193 rec. 03/05 due 10/05 fin. 10/05: on the day; 1 digitized + 1 reused, no result
//	C 2.000123 rec. 20/05 due 22/05 fin. 24/05: late; 1/1 (no paper result)
//	D 1.001193 rec. 03/06 due 12/06 pending: in time; 0/2
//	E 2.000123 rec. 04/06 due 05/06 pending: overdue; 1/1
//	F 1.001193 rec. 20/04 due 25/04 fin. 24/04: early; 2/2, result KQ1 (outside May–June)
type statsFixture struct {
	h      http.Handler
	cfg    Config
	clock  *testClock
	owners []string // owners' IDs and names: never on the public page
	codes  []string // dossier codes: never on the public page either
}

func newStatsFixture(t *testing.T) statsFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	procs := []*content.Procedure{
		{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch",
			Documents: []content.Document{{Name: "Tờ khai đăng ký khai sinh", Originals: 1}, {Name: "Giấy chứng sinh", Originals: 1}},
			Results:   []content.Result{{Name: "Giấy khai sinh"}}},
		{Code: "2.000123", Name: "Đăng ký thường trú", Field: "Đăng ký, quản lý cư trú",
			Documents: []content.Document{{Name: "Tờ khai thay đổi thông tin cư trú", Originals: 1}}},
	}
	type dossierSpec struct {
		code, proc, received, due, finished string
		status                              store.DossierStatus
		components                          []int // the components digitized
		result, reuse                       bool
	}
	specs := []dossierSpec{
		{"000.00.11.H62-240502-0001", "1.001193", "2024-05-02", "2024-05-10", "2024-05-08", store.DossierReturned, []int{1, 2}, true, false},
		{"000.00.11.H62-240503-0002", "1.001193", "2024-05-03", "2024-05-10", "2024-05-10", store.DossierFinished, []int{1}, false, true},
		{"000.00.11.H62-240520-0003", "2.000123", "2024-05-20", "2024-05-22", "2024-05-24", store.DossierFinished, []int{1}, false, false},
		{"000.00.11.H62-240603-0004", "1.001193", "2024-06-03", "2024-06-12", "", store.DossierProcessing, nil, false, false},
		{"000.00.11.H62-240604-0005", "2.000123", "2024-06-04", "2024-06-05", "", store.DossierProcessing, []int{1}, false, false},
		{"000.00.11.H62-240420-0006", "1.001193", "2024-04-20", "2024-04-25", "2024-04-24", store.DossierReturned, []int{1, 2}, true, false},
	}
	f := statsFixture{}
	n := 0
	put := func(code string, place store.Attachment, owner string) *store.Record {
		n++
		r := &store.Record{SHA256: fmt.Sprintf("%064x", n), SourceName: fmt.Sprintf("trang-%d.png", n), MediaType: "image/png",
			Size: 1, DocType: "Tờ khai", Status: store.StatusVerified, Visibility: store.Restricted, Text: "Số định danh cá nhân: " + owner,
			Fields:  store.Fields{DocType: "Tờ khai", OwnerID: owner, PersonIDs: []string{owner}},
			Dossier: code, Place: &place}
		if err := db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	var stored *store.Record // a record of F's, reused for B
	for i, sp := range specs {
		owner, name := fmt.Sprintf("0010900123%02d", 40+i), fmt.Sprintf("Nguyễn Thị Bích%d", i)
		f.owners = append(f.owners, owner, name)
		f.codes = append(f.codes, sp.code)
		d := &store.Dossier{Code: sp.code, Procedure: sp.proc, OwnerID: owner, OwnerName: name, Channel: store.Direct,
			Received: sp.received, Due: sp.due, Finished: sp.finished, Status: sp.status}
		if err := db.PutDossier(ctx, d); err != nil {
			t.Fatal(err)
		}
		for _, c := range sp.components {
			stored = put(sp.code, store.Attachment{Component: c}, owner)
		}
		if sp.result {
			put(sp.code, store.Attachment{Result: -1}, owner)
		}
	}
	// B's birth certificate is reused from a stored record.
	if err := db.AddReuse(ctx, &store.Reuse{User: "motcua", RecordID: stored.ID, Procedure: "1.001193",
		Document: "Giấy chứng sinh", Dossier: specs[1].code}, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(dir, "public")
	os.MkdirAll(filepath.Join(public, "thong-ke"), 0o755)
	os.WriteFile(filepath.Join(public, "thong-ke", "index.html"),
		[]byte(`<!doctype html><html lang="vi"><main><h1>Thống kê</h1><!--motcua:stats--><p>tĩnh</p><!--/motcua:stats--></main>`), 0o644)
	f.clock = &testClock{t: time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)}
	f.cfg = Config{Public: public, Store: db, Blobs: store.DirBlobs{Dir: filepath.Join(dir, "blobs")},
		Procedures: procs, Now: f.clock.now}
	f.h = New(f.cfg)
	return f
}

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
)

// text is a page's text as a reader sees it, one space between words.
func text(html string) string {
	return spaces.ReplaceAllString(tags.ReplaceAllString(html, " "), " ")
}

func TestStatsIndicators(t *testing.T) {
	f := newStatsFixture(t)
	rec := get(t, f.h, addr.Stats+"?tu=05/2024&den=2024-06")
	if rec.Code != 200 {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body)
	}
	page := rec.Body.String()
	got := text(page)
	// Computed by hand from the fixture (points: rate ≥ 80 % earns the
	// maximum, else rate × max ÷ 80 %).
	for _, want := range []string{
		"Hồ sơ tiếp nhận: 5 ; đã giải quyết: 3 ; đang giải quyết: 2",
		// Whole period: 4.2 A, C, E of 5; 4.1 A of A, B; 4.3 B of 5;
		// 2.1 A, B, D of 5.
		"4.2 Số hóa hồ sơ 60,0 % 3/5 3,00/4",
		"4.1 Số hóa kết quả 50,0 % 1/2 3,75/6",
		"4.3 Tái sử dụng 20,0 % 1/5 0,50/2",
		"2.1 Giải quyết đúng hạn 60,0 % 3/5 15,00/20",
		"Trước hạn 1 Đúng hạn 1 Quá hạn 1 Đang giải quyết trong hạn 1 Đang giải quyết quá hạn 1",
		// May: A, B, C. June: D, E, no finished paper result.
		"Tháng 05/2024 3 66,7 % (2/3) 3,33/4 điểm 50,0 % (1/2) 3,75/6 điểm 33,3 % (1/3) 0,83/2 điểm 66,7 % (2/3) 16,67/20 điểm",
		"Tháng 06/2024 2 50,0 % (1/2) 2,50/4 điểm không áp dụng 0,0 % (0/2) 0,00/2 điểm 50,0 % (1/2) 12,50/20 điểm",
		"Tháng 05/2024 1 1 1 0 0 0",
		"Tháng 06/2024 0 0 0 1 1 0",
		// Lĩnh vực: Hộ tịch A, B, D; cư trú C, E.
		"Hộ tịch 3 33,3 % (1/3) 1,67/4 điểm 50,0 % (1/2) 3,75/6 điểm 33,3 % (1/3) 0,83/2 điểm 100,0 % (3/3) 20,00/20 điểm",
		"Đăng ký, quản lý cư trú 2 100,0 % (2/2) 4,00/4 điểm không áp dụng 0,0 % (0/2) 0,00/2 điểm 0,0 % (0/2) 0,00/20 điểm",
		// Procedures, by code and name.
		"1.001193 Đăng ký khai sinh 3 33,3 % (1/3)",
		"2.000123 Đăng ký thường trú 2 100,0 % (2/2)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Charts are SVG with a title and description, and say their values
	// in words, not only by colour.
	for _, want := range []string{`<svg viewBox="0 0 400`, `<title id="tk-cs-thang-bd-t">`, `<desc id="tk-cs-thang-bd-d">`,
		`Số hóa hồ sơ (4.2): 66,7 % — 3,33/4 điểm`, "Đã giải quyết: trước hạn 1; đúng hạn 1; quá hạn 1",
		`<caption id="tk-cs-thang-ty-le">Tỷ lệ và điểm theo tháng tiếp nhận</caption>`,
		`value="05/2024"`, `value="06/2024"`, `href="/thong-ke/chi-so.csv?den=2024-06&amp;tu=2024-05"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// Every table has its caption; headings do not skip a level.
	if n := strings.Count(page, "<table"); n == 0 || n != strings.Count(page, "<caption") {
		t.Errorf("%d tables, %d captions", n, strings.Count(page, "<caption"))
	}
	prev := 0
	for _, m := range regexp.MustCompile(`<h([1-6])[ >]`).FindAllStringSubmatch(page, -1) {
		if l := int(m[1][0] - '0'); l > prev+1 {
			t.Errorf("heading level skips from h%d to h%d", prev, l)
		} else {
			prev = l
		}
	}
	if n := strings.Count(page, `<svg viewBox="0 0 400`); n != 4 || n != strings.Count(page, "<desc") {
		t.Errorf("%d charts, %d descriptions, want 4 of each", n, strings.Count(page, "<desc"))
	}

	// Without a period F counts too; from June, only D and E.
	for _, tt := range []struct{ query, want string }{
		{"", "Hồ sơ tiếp nhận: 6 ;"},
		{"?tu=2024-06", "Hồ sơ tiếp nhận: 2 ;"},
		{"?den=04/2024", "Hồ sơ tiếp nhận: 1 ;"},
		{"?tu=01/2023&den=02/2023", "Không có hồ sơ nào tiếp nhận trong kỳ này"},
	} {
		rec := get(t, f.h, addr.Stats+tt.query)
		if rec.Code != 200 || !strings.Contains(text(rec.Body.String()), tt.want) {
			t.Errorf("GET %s: %d, want %q in\n%s", tt.query, rec.Code, tt.want, text(rec.Body.String()))
		}
	}
}

func TestStatsCSV(t *testing.T) {
	f := newStatsFixture(t)
	rec := get(t, f.h, addr.StatsCSV+"?tu=2024-05&den=2024-06")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="chi-so-so-hoa-tu-2024-05-den-2024-06.csv"`) {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	body := rec.Body.Bytes()
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("no byte order mark: Excel would not read the Vietnamese as UTF-8")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// total, 2 months, 2 lĩnh vực, 2 procedures
	if len(rows) != 8 {
		t.Fatalf("%d rows, want a header and 7:\n%q", len(rows), rows)
	}
	want := []struct {
		kind, key                                        string
		received, digitized, digitizedPts, reuse, onTime string
	}{
		{"tổng", "", "5", "60.0", "3.00", "20.0", "60.0"},
		{"tháng", "2024-05", "3", "66.7", "3.33", "33.3", "66.7"},
		{"tháng", "2024-06", "2", "50.0", "2.50", "0.0", "50.0"},
		{"lĩnh vực", "Hộ tịch", "3", "33.3", "1.67", "33.3", "100.0"},
		{"thủ tục", "2.000123", "2", "100.0", "4.00", "0.0", "0.0"},
	}
	for _, w := range want {
		found := false
		for _, r := range rows[1:] {
			if r[0] != w.kind || r[1] != w.key {
				continue
			}
			found = true
			g := []string{r[col["Tiếp nhận"]], r[col["Tỷ lệ số hóa hồ sơ (%)"]], r[col["Điểm số hóa hồ sơ"]],
				r[col["Tỷ lệ tái sử dụng (%)"]], r[col["Tỷ lệ đúng hạn (%)"]]}
			if fmt.Sprint(g) != fmt.Sprint([]string{w.received, w.digitized, w.digitizedPts, w.reuse, w.onTime}) {
				t.Errorf("%s %s: %v", w.kind, w.key, g)
			}
		}
		if !found {
			t.Errorf("no row %s %q", w.kind, w.key)
		}
	}
}

func TestStatsNoPersonalData(t *testing.T) {
	f := newStatsFixture(t)
	for _, path := range []string{addr.Stats, addr.Stats + "?tu=2024-05", addr.StatsCSV, addr.StatsCSV + "?den=2024-05"} {
		rec := get(t, f.h, path)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		for _, s := range append(f.owners, f.codes...) {
			if strings.Contains(rec.Body.String(), s) {
				t.Errorf("GET %s shows %q", path, s)
			}
		}
	}
}

func TestStatsBadPeriod(t *testing.T) {
	f := newStatsFixture(t)
	for _, tt := range []struct{ query, want string }{
		{"?tu=2024-13", "Tháng «2024-13» không hợp lệ"},
		{"?den=31/12/2024", "Tháng «31/12/2024» không hợp lệ"},
		{"?tu=abc", "hãy nhập tháng dạng MM/YYYY"},
		{"?tu=06/2024&den=05/2024", "Tháng bắt đầu (06/2024) sau tháng kết thúc (05/2024)"},
		{"?tu=%3Cscript%3E", "Tháng «&lt;script&gt;» không hợp lệ"},
	} {
		rec := get(t, f.h, addr.Stats+tt.query)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tt.want) ||
			!strings.Contains(rec.Body.String(), `aria-invalid="true"`) || strings.Contains(rec.Body.String(), "<script>") {
			t.Errorf("GET %s: %d, want 400 with %q\n%s", tt.query, rec.Code, tt.want, rec.Body)
		}
		rec = get(t, f.h, addr.StatsCSV+tt.query)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Tháng") {
			t.Errorf("GET CSV %s: %d %s", tt.query, rec.Code, rec.Body)
		}
	}
}

// countingStore counts the reads of the dossiers' list.
type countingStore struct {
	store.Store
	lists int
}

func (c *countingStore) ListDossiers(ctx context.Context, f store.DossierFilter) ([]store.Dossier, error) {
	c.lists++
	return c.Store.ListDossiers(ctx, f)
}

// TestStatsReadsOnce: any number of periods asked for within a minute
// cost one read of the dossiers, not one per period.
func TestStatsReadsOnce(t *testing.T) {
	f := newStatsFixture(t)
	cs := &countingStore{Store: f.cfg.Store}
	cfg := f.cfg
	cfg.Store = cs
	h := New(cfg)
	for m := 1; m <= 12; m++ {
		for _, path := range []string{addr.Stats, addr.StatsCSV} {
			if rec := get(t, h, fmt.Sprintf("%s?tu=%02d/2024", path, m)); rec.Code != 200 {
				t.Fatalf("GET %s: %d", path, rec.Code)
			}
		}
	}
	if cs.lists != 1 {
		t.Errorf("%d reads of the dossiers for 24 requests within a minute, want 1", cs.lists)
	}
	f.clock.add(statsTTL)
	get(t, h, addr.Stats+"?tu=05/2024")
	if cs.lists != 2 {
		t.Errorf("%d reads after a minute, want 2", cs.lists)
	}
}

func TestChartSubset(t *testing.T) {
	var rows []rateGroup
	for i := range 15 {
		rows = append(rows, rateGroup{Label: fmt.Sprint(i), Received: 1 + i%4})
	}
	labels := func(gs []rateGroup) string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Label)
		}
		return strings.Join(out, " ")
	}
	if got, cut := chartSubset(rows, true); cut != 3 || labels(got) != "3 4 5 6 7 8 9 10 11 12 13 14" {
		t.Errorf("months: %q, cut %d", labels(got), cut)
	}
	// Received 1 2 3 4 1 2 3 4 …: four have 1 dossier; of them the first stays.
	if got, cut := chartSubset(rows, false); cut != 3 || labels(got) != "0 1 2 3 5 6 7 9 10 11 13 14" {
		t.Errorf("largest: %q, cut %d", labels(got), cut)
	}
	if got, cut := chartSubset(rows[:4], false); cut != 0 || labels(got) != "0 1 2 3" {
		t.Errorf("few: %q, cut %d", labels(got), cut)
	}
}
