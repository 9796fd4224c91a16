package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"motcua/content"
	"motcua/dossier"
	"motcua/internal/addr"
	"motcua/store"
)

const (
	testDossier = "000.42.27.H09-240515-0087" // procedure 1.001193, owner 026223001234
	otherOwner  = "001190000001"
)

// dossierEnv is the staff server with the fixture catalogue and one
// dossier of Đăng ký khai sinh: the form digitized (component 1), the
// birth certificate missing (2), the ID card only to be shown (3), the
// staff env's restricted record unassigned, and a result (-KQ1).
type dossierEnv struct {
	*staffEnv
	form, result, birthCert *store.Record
}

func newDossierEnv(t *testing.T) *dossierEnv {
	t.Helper()
	e := &dossierEnv{staffEnv: newStaffEnv(t)}
	cat, err := content.Load("../site/testdata/catalogue")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Procedures {
		e.s.procs[p.Code] = p
	}
	ctx := context.Background()
	d := &store.Dossier{Code: testDossier, Procedure: "1.001193", OwnerID: "026223001234", OwnerName: "Nguyễn Văn An",
		Channel: store.Direct, Received: "2024-05-15", Due: "2024-05-16"}
	if err := e.db.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	put := func(sha, docType string) *store.Record {
		r := &store.Record{SHA256: strings.Repeat(sha, 32), SourceName: sha + ".png", MediaType: "image/png", DocType: docType,
			Status: store.StatusAuto, Visibility: store.Restricted, Fields: store.Fields{DocType: docType, OwnerID: "026223001234"},
			Confidence: store.Confidence{store.DocType: 0.93}}
		if err := e.db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	e.form, e.result = put("a1", "Tờ khai đăng ký khai sinh"), put("a2", "Giấy khai sinh")
	e.birthCert = put("a3", "Giấy chứng sinh") // stored, in no dossier: reusable
	for _, a := range []store.Attachment{{RecordID: e.form.ID, Component: 1}, {RecordID: e.rec.ID}, {RecordID: e.result.ID, Result: -1}} {
		if err := e.db.Attach(ctx, testDossier, &a); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// logins signs in one client per role; "anon" stays anonymous.
func (e *dossierEnv) logins(t *testing.T) (map[string]*http.Client, map[string]string) {
	t.Helper()
	clients := map[string]*http.Client{"anon": e.client()}
	tokens := map[string]string{}
	for _, name := range []string{"quantri", "luutru", "motcua"} {
		clients[name] = e.client()
		code, tok := e.login(t, clients[name], name, testPassword)
		if code != http.StatusSeeOther {
			t.Fatalf("login %s: %d", name, code)
		}
		tokens[name] = tok
	}
	return clients, tokens
}

// upload posts a file to a dossier's result form.
func (e *dossierEnv) upload(t *testing.T, c *http.Client, token, name string, data []byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", token)
	fw, _ := mw.CreateFormFile("tep", name)
	fw.Write(data)
	mw.Close()
	r, err := c.Post(e.ts.URL+addr.StaffDossier(testDossier)+"ket-qua", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return r.StatusCode, r.Header.Get("Location"), body(t, r)
}

// Staff access: every dossier page and API, and every method, is refused
// to anonymous users (401, the login form) and to the wrong role (403).
func TestDossierAccess(t *testing.T) {
	e := newDossierEnv(t)
	clients, tokens := e.logins(t)
	page := addr.StaffDossier(testDossier)
	missing := addr.StaffDossier("000.42.27.H09-240516-0001")
	all := map[string]int{"anon": 401, "quantri": 200, "luutru": 200, "motcua": 200}
	changers := func(ok int) map[string]int {
		return map[string]int{"anon": 401, "motcua": 403, "luutru": ok, "quantri": ok}
	}
	move := url.Values{"van_ban": {fmt.Sprint(e.rec.ID)}, "thanh_phan": {"0"}}
	for _, c := range []struct {
		method, path string
		form         url.Values
		want         map[string]int
	}{
		{"GET", "/staff/ho-so/", nil, all},
		{"GET", "/staff/ho-so/?thanh_phan=thieu&so_dinh_danh=026223001234", nil, all},
		{"GET", page, nil, all},
		{"GET", strings.TrimSuffix(page, "/"), nil, map[string]int{"anon": 401, "motcua": http.StatusMovedPermanently}},
		{"GET", missing, nil, map[string]int{"anon": 401, "motcua": 404}},
		{"GET", "/staff/ho-so/khong-phai-ma/", nil, map[string]int{"anon": 401, "motcua": 404}},
		{"GET", "/staff/api/ho-so/", nil, all},
		{"GET", "/staff/api/ho-so/" + testDossier, nil, all},
		{"GET", "/staff/api/ho-so/000.42.27.H09-240516-0001", nil, map[string]int{"anon": 401, "motcua": 404}},
		{"GET", fmt.Sprintf("/staff/ho-so/%d/anh-nho", e.rec.ID), nil, all},
		{"POST", page + "chuyen", move, changers(http.StatusSeeOther)},
		{"POST", page + "ket-qua", url.Values{}, changers(http.StatusBadRequest)}, // no file
		{"POST", missing + "chuyen", move, map[string]int{"anon": 401, "motcua": 403, "luutru": 404}},
		{"GET", page + "chuyen", nil, map[string]int{"anon": 401, "motcua": 404}}, // no such page for GET
		{"POST", page, url.Values{}, map[string]int{"anon": 401, "luutru": 404}},
	} {
		for who, want := range c.want {
			form := url.Values{}
			for k, v := range c.form {
				form[k] = v
			}
			if tok := tokens[who]; tok != "" {
				form.Set("csrf", tok)
			}
			got, b := e.do(t, clients[who], c.method, c.path, form)
			if got != want {
				t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, who, got, want)
			}
			if who == "anon" && (strings.Contains(b, "026223001234") && !strings.Contains(c.path, "026223001234") ||
				strings.Contains(b, "Nguyễn Văn An") || strings.Contains(b, "Tờ khai đăng ký")) {
				t.Errorf("%s %s leaks the dossier to an anonymous user", c.method, c.path)
			}
			if who == "anon" && c.method == "GET" && !strings.HasPrefix(c.path, "/staff/api/") && !strings.Contains(b, `action="/staff/dang-nhap"`) {
				t.Errorf("%s %s: an anonymous user does not get the login form", c.method, c.path)
			}
		}
	}
	// A move or an upload without the session's token is refused.
	for _, p := range []string{page + "chuyen", page + "ket-qua"} {
		if code, _ := e.do(t, clients["luutru"], "POST", p, move); code != http.StatusForbidden {
			t.Errorf("POST %s without the CSRF token: %d, want 403", p, code)
		}
	}
	// Every view was audited as a dossier view.
	views := 0
	e.db.Events(context.Background(), store.AuditFilter{Action: store.ActDossierView}, func(ev store.Event) error { views++; return nil })
	if views < 12 {
		t.Errorf("%d dossier view events, want one per page and API served (12)", views)
	}
}

func TestDossierPage(t *testing.T) {
	e := newDossierEnv(t)
	clients, tokens := e.logins(t)
	page := addr.StaffDossier(testDossier)
	code, b := e.do(t, clients["luutru"], "GET", page, nil)
	if code != 200 {
		t.Fatalf("dossier page: %d", code)
	}
	for _, want := range []string{
		"<h1>Hồ sơ " + testDossier + "</h1>", "1.001193: Đăng ký khai sinh", "Nguyễn Văn An, số định danh 026223001234",
		"trực tiếp", "2024-05-16", "được tiếp nhận",
		"[đã số hóa]</strong> Tờ khai đăng ký khai sinh", `class="flag">[thiếu]</strong> Giấy chứng sinh`,
		"[không bắt buộc]</strong> Căn cước công dân",
		"<strong>" + testDossier + "-KQ1</strong>: <a href=\"/staff/ho-so/" + fmt.Sprint(e.result.ID) + "\">",
		fmt.Sprintf(`<img class="thumb" src="/staff/ho-so/%d/anh-nho"`, e.rec.ID), "độ tin cậy 93 %",
		"Văn bản chưa xếp vào thành phần nào", `action="` + page + `chuyen"`, `action="` + page + `ket-qua"`,
		"<td>xem hồ sơ</td>", `<option value="1" selected>1. Tờ khai đăng ký khai sinh</option>`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("dossier page lacks %q", want)
		}
	}
	if strings.Contains(b, "<script>alert") {
		t.Error("dossier page shows OCR text unescaped")
	}
	// The record's page leads back to its dossier.
	if _, b := e.do(t, clients["luutru"], "GET", fmt.Sprintf("/staff/ho-so/%d", e.rec.ID), nil); !strings.Contains(b, `thuộc hồ sơ <a href="`+page+`">`) {
		t.Errorf("the record's page does not link to its dossier %s", page)
	}
	// An officer sees the page without the archivists' forms, with the way
	// to reuse a stored paper for the missing component.
	_, b = e.do(t, clients["motcua"], "GET", page, nil)
	if strings.Contains(b, `action="`+page+`chuyen"`) || strings.Contains(b, `action="`+page+`ket-qua"`) {
		t.Error("an officer is offered the move or upload form")
	}
	link := regexp.MustCompile(`href="(/staff/dung-lai/\?[^"]+)"`).FindStringSubmatch(b)
	if link == nil {
		t.Fatal("no reuse link for the missing component")
	}
	reuseURL := strings.ReplaceAll(link[1], "&amp;", "&")
	if !strings.Contains(reuseURL, "thanh_phan=2") || !strings.Contains(reuseURL, "ma_ho_so="+url.QueryEscape(testDossier)) {
		t.Errorf("reuse link %s", reuseURL)
	}
	_, b = e.do(t, clients["motcua"], "GET", reuseURL, nil)
	if !strings.Contains(b, `id="giay-to-2" class="chosen"`) || !strings.Contains(b, `href="`+page+`"`) {
		t.Errorf("the reuse page does not point at the component and its dossier:\n%s", b)
	}
	// Reusing the stored birth certificate fills the component.
	form := url.Values{"csrf": {tokens["motcua"]}, "thu_tuc": {"1.001193"}, "so_dinh_danh": {"026223001234"},
		"ma_ho_so": {testDossier}, "giay_to": {"1"}, "ho_so": {fmt.Sprint(e.birthCert.ID)}}
	r, err := clients["motcua"].PostForm(e.ts.URL+"/staff/dung-lai/", form)
	if err != nil {
		t.Fatal(err)
	}
	body(t, r)
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != page {
		t.Fatalf("reuse for the dossier: %d → %s", r.StatusCode, loc)
	}
	_, b = e.do(t, clients["motcua"], "GET", r.Header.Get("Location"), nil)
	if !strings.Contains(b, "[dùng lại]</strong> Giấy chứng sinh") || !strings.Contains(b, "Đã dùng lại hồ sơ "+fmt.Sprint(e.birthCert.ID)+" cho giấy tờ “Giấy chứng sinh") ||
		!strings.Contains(b, fmt.Sprintf(`Dùng lại: <a href="/staff/ho-so/%d">`, e.birthCert.ID)) || !strings.Contains(b, "<td>dùng lại giấy tờ</td>") {
		t.Errorf("the dossier does not show the reuse:\n%s", b)
	}
	// A reuse naming this dossier for another citizen is refused.
	form.Set("so_dinh_danh", otherOwner)
	if code, b := e.do(t, clients["motcua"], "POST", "/staff/dung-lai/", form); code != 400 || !strings.Contains(b, "kiểm tra lại") {
		t.Errorf("reuse into another citizen's dossier: %d", code)
	}

	// The JSON is the dossier against its procedure.
	code, b = e.do(t, clients["motcua"], "GET", "/staff/api/ho-so/"+testDossier, nil)
	var v dossier.View
	if err := json.Unmarshal([]byte(b), &v); code != 200 || err != nil {
		t.Fatalf("dossier JSON: %d %v", code, err)
	}
	if !v.Complete || len(v.Components) != 3 || v.Components[1].Status != dossier.Reused || len(v.Results) != 1 ||
		v.Results[0].Code != testDossier+"-KQ1" || len(v.Unassigned) != 1 {
		t.Errorf("dossier JSON: %+v", v)
	}

	// The thumbnail is a small PNG of the first page.
	r, _ = clients["motcua"].Get(fmt.Sprintf("%s/staff/ho-so/%d/anh-nho", e.ts.URL, e.rec.ID))
	cfg, err := png.DecodeConfig(r.Body)
	r.Body.Close()
	if err != nil || cfg.Width != thumbWidth || cfg.Height < thumbWidth {
		t.Errorf("thumbnail: %+v %v", cfg, err)
	}
	if code, _ := e.do(t, clients["motcua"], "GET", fmt.Sprintf("/staff/ho-so/%d/anh-nho", e.form.ID), nil); code != 404 {
		t.Errorf("thumbnail of a record without pages: %d, want 404", code)
	}
}

func TestDossierMove(t *testing.T) {
	e := newDossierEnv(t)
	clients, tokens := e.logins(t)
	c, page := clients["luutru"], addr.StaffDossier(testDossier)
	form := func(rec int64, comp string) url.Values {
		return url.Values{"csrf": {tokens["luutru"]}, "van_ban": {fmt.Sprint(rec)}, "thanh_phan": {comp}}
	}
	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{form(e.rec.ID, "9"), "một thành phần"},          // not a component of the procedure
		{form(e.rec.ID, "x"), "một thành phần"},          //
		{form(e.birthCert.ID, "2"), "không thuộc hồ sơ"}, // in no dossier
		{form(e.result.ID, "2"), "là kết quả"},           // a result stays a result
	} {
		if code, b := e.do(t, c, "POST", page+"chuyen", bad.form); code != 400 || !strings.Contains(b, bad.want) {
			t.Errorf("move %v: %d, want 400 saying %q", bad.form, code, bad.want)
		}
	}
	r, err := c.PostForm(e.ts.URL+page+"chuyen", form(e.rec.ID, "2"))
	if err != nil {
		t.Fatal(err)
	}
	body(t, r)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", r.StatusCode)
	}
	_, b := e.do(t, c, "GET", r.Header.Get("Location"), nil)
	if !strings.Contains(b, fmt.Sprintf("Đã chuyển văn bản %d.", e.rec.ID)) || !strings.Contains(b, "[đã số hóa]</strong> Giấy chứng sinh") ||
		strings.Contains(b, "Văn bản chưa xếp") || !strings.Contains(b, "<td>chuyển thành phần</td>") {
		t.Errorf("after the move:\n%s", b)
	}
	// The move and the refusals are in the audit log.
	var ok, refused int
	e.db.Events(context.Background(), store.AuditFilter{Action: store.ActDossierMove}, func(ev store.Event) error {
		if ev.OK && ev.RecordID == e.rec.ID && ev.User == "luutru" {
			ok++
		} else if !ev.OK {
			refused++
		}
		return nil
	})
	if ok != 1 || refused != 4 {
		t.Errorf("move events: %d done, %d refused; want 1 and 4", ok, refused)
	}
}

func TestDossierList(t *testing.T) {
	e := newDossierEnv(t)
	ctx := context.Background()
	// 55 more dossiers in June, one of them complete.
	for i := range 55 {
		d := &store.Dossier{Code: fmt.Sprintf("000.42.27.H09-240601-%04d", i+1), Procedure: "1.000894", OwnerID: otherOwner,
			Received: "2024-06-01"}
		if err := e.db.PutDossier(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	clients, _ := e.logins(t)
	c := clients["motcua"]
	rows := regexp.MustCompile(`<tr><td><a href="/staff/ho-so/([^/]+)/">`)
	for _, q := range []struct {
		query string
		want  int // rows on the page
		code  string
	}{
		{"", dossierPageSize, ""},
		{"trang=2", 6, testDossier},
		{"thang=2024-05", 1, testDossier},
		{"thang=2024-06", dossierPageSize, ""},
		{"so_dinh_danh=026223001234", 1, testDossier},
		{"thu_tuc=1.001193", 1, testDossier},
		{"thu_tuc=1.001193&thanh_phan=du", 0, ""},
		{"thu_tuc=1.001193&thanh_phan=thieu", 1, testDossier},
		{"ma=000.42.27.H09-2405", 1, testDossier},
		{"thanh_phan=thieu&trang=2", 6, testDossier},
	} {
		code, b := e.do(t, c, "GET", "/staff/ho-so/?"+q.query, nil)
		got := rows.FindAllStringSubmatch(b, -1)
		if code != 200 || len(got) != q.want || (q.code != "" && !strings.Contains(b, `href="/staff/ho-so/`+q.code+`/"`)) {
			t.Errorf("list ?%s: %d, %d rows, want %d (with %q)", q.query, code, len(got), q.want, q.code)
		}
	}
	_, b := e.do(t, c, "GET", "/staff/ho-so/", nil)
	if !strings.Contains(b, `rel="next"`) || strings.Contains(b, `rel="prev"`) || !strings.Contains(b, "Thành phần hồ sơ") {
		t.Error("first page: pager or labels missing")
	}
	for _, bad := range []string{"thang=2024-13", "so_dinh_danh=123", "thu_tuc=khai+sinh", "thanh_phan=co", "trang=0"} {
		if code, _ := e.do(t, c, "GET", "/staff/ho-so/?"+bad, nil); code != 400 {
			t.Errorf("list ?%s: %d, want 400", bad, code)
		}
	}
	// The API pages the same way.
	code, b := e.do(t, c, "GET", "/staff/api/ho-so/?thanh_phan=thieu&trang=2", nil)
	var vs []dossier.View
	if err := json.Unmarshal([]byte(b), &vs); code != 200 || err != nil || len(vs) != 6 {
		t.Errorf("API list page 2: %d, %d dossiers, %v", code, len(vs), err)
	}
	// The staff search finds dossiers by code and by the owner's ID.
	for _, q := range []string{"q=" + testDossier, "q=026223001234", "q=khai+sinh&so_dinh_danh=026223001234"} {
		_, b := e.do(t, c, "GET", "/staff/?"+q, nil)
		if !strings.Contains(b, "Hồ sơ thủ tục (1)") || !strings.Contains(b, `<a href="/staff/ho-so/`+testDossier+`/">`) {
			t.Errorf("staff search ?%s does not list the dossier", q)
		}
	}
	if _, b := e.do(t, c, "GET", "/staff/?q="+otherOwner, nil); !strings.Contains(b, "Hồ sơ thủ tục (20)") {
		t.Error("staff search by an owner with 55 dossiers does not list the first 20")
	}
	if _, b := e.do(t, c, "GET", "/staff/?q=khai+sinh", nil); strings.Contains(b, "Hồ sơ thủ tục") {
		t.Error("a plain query lists dossiers")
	}
}

// The result upload digitizes a real scan with Tesseract and numbers it.
func TestDossierResultUpload(t *testing.T) {
	e := newDossierEnv(t)
	clients, tokens := e.logins(t)
	c, tok := clients["luutru"], tokens["luutru"]
	if code, _, b := e.upload(t, c, tok, "ket-qua.pdf", []byte("không phải PDF")); code != 400 || !strings.Contains(b, "ket-qua.pdf") {
		t.Errorf("a text file named .pdf: %d\n%s", code, b)
	}
	scan := headOfScan(t, "../testdata/scans/01-quyet-dinh-hoa-giai.png")
	code, loc, b := e.upload(t, c, tok, "../../quyết định.png", scan)
	if code != http.StatusSeeOther || loc != addr.StaffDossier(testDossier)+"?ket_qua=2" {
		t.Fatalf("upload: %d → %q\n%s", code, loc, b)
	}
	_, b = e.do(t, c, "GET", loc, nil)
	if !strings.Contains(b, "Đã số hóa kết quả "+testDossier+"-KQ2.") || !strings.Contains(b, "<strong>"+testDossier+"-KQ2</strong>") {
		t.Errorf("the dossier does not show the new result")
	}
	rec, err := e.db.BySHA256(context.Background(), store.SHA256(scan))
	if err != nil || rec.SourceName != "quyết định.png" || rec.Fields.OwnerID != "026223001234" || len(rec.Pages) != 1 || rec.Text == "" {
		t.Fatalf("the stored result: %v %+v", err, rec)
	}
	// Uploading it again does not number it twice.
	if code, _, b := e.upload(t, c, tok, "lan-hai.png", scan); code != http.StatusSeeOther || strings.Contains(b, "KQ3") {
		t.Errorf("the same file again: %d", code)
	}
	if d, _ := e.db.Dossier(context.Background(), testDossier); len(d.Records) != 4 {
		t.Errorf("dossier has %d records after two uploads of one file, want 4", len(d.Records))
	}
	var audited bool
	e.db.Events(context.Background(), store.AuditFilter{Action: store.ActDossierEdit}, func(ev store.Event) error {
		audited = audited || (ev.OK && ev.RecordID == rec.ID && strings.Contains(ev.Detail, testDossier+"-KQ2"))
		return nil
	})
	if !audited {
		t.Error("the upload is not in the audit log")
	}
	// An upload over the limit is refused before it is read whole.
	head := "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + tok +
		"\r\n--x\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"lon.png\"\r\n\r\n"
	big := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, maxUploadBytes+1<<20))
	r, err := http.NewRequest("POST", e.ts.URL+addr.StaffDossier(testDossier)+"ket-qua", big)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "64 MB") {
		t.Errorf("an upload over the limit: %d", resp.StatusCode)
	}
}

// headOfScan is the top third of a real scan (the national motto, the
// issuing body, the number and the title) as a PNG: a real page that
// Tesseract reads in a third of the time.
func headOfScan(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	head := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+b.Dy()/3))
	var buf bytes.Buffer
	if err := png.Encode(&buf, head); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
