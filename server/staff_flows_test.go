package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/store"
)

// follow posts form to path and then opens the page it redirects to, as a
// browser does; it returns the post's status and the page.
func (e *staffEnv) follow(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	r, err := c.PostForm(e.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, r)
	if r.StatusCode != http.StatusSeeOther {
		return r.StatusCode, b
	}
	code, page := e.do(t, c, "GET", r.Header.Get("Location"), nil)
	if code != 200 {
		t.Fatalf("after %s: %s answers %d", path, r.Header.Get("Location"), code)
	}
	return r.StatusCode, page
}

// The edit form shows the page beside the fields with the doubtful
// field's words outlined where they are; saving confirms what was done,
// once; after approval nothing is flagged, on the form or the record page.
func TestEditFormScanAndFlash(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	_, tok := e.login(t, c, "luutru", testPassword)
	id := fmt.Sprint(e.rec.ID)
	_, b := e.do(t, c, "GET", "/staff/ho-so/"+id+"/sua", nil)
	for _, want := range []string{
		`<div class="editor with-scan">`, `<image href="/staff/ho-so/` + id + `/trang/1.png"`,
		// "215/TLKS-BS" (confidence 0.5) is the word at 370,350–610,390.
		`<rect class="fieldword" data-field="number_symbol" x="370" y="350" width="240" height="40"><title>Số, ký hiệu</title></rect>`,
		"cần kiểm tra, tin cậy 50 %; khoanh trên ảnh",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}
	if n := strings.Count(b, `class="fieldword"`); n != 1 {
		t.Errorf("%d outlined words, want 1 (only the doubtful field's)", n)
	}

	form := url.Values{"csrf": {tok}, "version": {"1"}}
	for _, k := range store.AllFields {
		form.Set(string(k), e.rec.Fields.Value(k))
	}
	if _, page := e.follow(t, c, "/staff/ho-so/"+id+"/sua", form); !strings.Contains(page, "Hồ sơ "+id+" không có gì thay đổi") {
		t.Error("a save without changes does not say so")
	}
	form.Set("duyet", "1")
	_, page := e.follow(t, c, "/staff/ho-so/"+id+"/sua", form)
	if !strings.Contains(page, `<p class="notice ok" role="status">Đã lưu và duyệt hồ sơ `+id+`.</p>`) {
		t.Errorf("no confirmation of the approval:\n%s", page)
	}
	for _, p := range []string{"/staff/ho-so/" + id, "/staff/ho-so/" + id + "/sua"} {
		_, b := e.do(t, c, "GET", p, nil)
		if strings.Contains(b, "cần kiểm tra") || strings.Contains(b, `class="fieldword"`) {
			t.Errorf("%s still flags a field after approval", p)
		}
		if strings.Contains(b, "Đã lưu và duyệt") {
			t.Errorf("%s repeats the confirmation", p)
		}
	}
	// History in words: the status change by its names, not its codes.
	_, b = e.do(t, c, "GET", "/staff/ho-so/"+id, nil)
	if !strings.Contains(b, "<td>Trạng thái</td><td>cần duyệt</td><td>đã duyệt</td>") || strings.Contains(b, "<td>review</td>") {
		t.Error("the history does not name the status change in Vietnamese")
	}

	// A flash cookie made up by someone else is not shown.
	u, _ := url.Parse(e.ts.URL + "/staff/")
	for _, v := range []string{"SMOhaSBn4buNaSBz4buRIDA5MDA.x", "garbage", ""} {
		c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: v, Path: "/staff/"}})
		if _, b := e.do(t, c, "GET", "/staff/", nil); strings.Contains(b, `class="notice ok"`) {
			t.Errorf("a forged flash %q is shown", v)
		}
	}
}

// The reuse page counts the documents a stored record can stand for,
// leaves out lines that are not documents, and a reuse confirms itself.
func TestReusePageCountAndFlash(t *testing.T) {
	e := newStaffEnv(t)
	if _, err := e.db.ApplyEdit(context.Background(), store.Edit{RecordID: e.rec.ID, Version: 1, User: "luutru", Fields: e.rec.Fields, Approve: true}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	_, tok := e.login(t, c, "motcua", testPassword)
	_, b := e.do(t, c, "GET", "/staff/dung-lai/?thu_tuc=1.001471&so_dinh_danh=026223001234", nil)
	if !strings.Contains(b, "Lấy được 1 trong 2 giấy tờ</strong> thủ tục yêu cầu") {
		t.Errorf("no count at the top of the reuse page:\n%s", b)
	}
	if strings.Contains(b, "Số lượng hồ sơ") {
		t.Error("the reuse page lists a line that is not a document")
	}
	if !strings.Contains(b, `<li value="2" id="giay-to-2"><p>Bản sao giấy khai sinh`) {
		t.Error("the documents are not numbered as in the catalogue")
	}
	form := url.Values{"csrf": {tok}, "thu_tuc": {"1.001471"}, "so_dinh_danh": {"026223001234"}, "ma_ho_so": {"000.00.11.H62-231027-0001"},
		"giay_to": {"1"}, "ho_so": {fmt.Sprint(e.rec.ID)}}
	_, page := e.follow(t, c, "/staff/dung-lai/", form)
	want := fmt.Sprintf("Đã dùng lại hồ sơ %d cho giấy tờ “Bản sao giấy khai sinh hoặc trích lục khai sinh đối với người chưa đủ 14 tuổi” của hồ sơ 000.00.11.H62-231027-0001.", e.rec.ID)
	if !strings.Contains(page, want) {
		t.Errorf("no confirmation of the reuse; want %q", want)
	}
	// The note line cannot be chosen by posting its number.
	form.Set("giay_to", "2")
	if code, _ := e.do(t, c, "POST", "/staff/dung-lai/", form); code != http.StatusBadRequest {
		t.Errorf("reuse for a note line: %d, want 400", code)
	}
	// Logging out says so.
	if _, page := e.follow(t, c, "/staff/dang-xuat", url.Values{"csrf": {tok}}); !strings.Contains(page, "Đã đăng xuất.") {
		t.Error("no confirmation of the logout")
	}
}

var auditRow = regexp.MustCompile(`<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>`)

// The audit log page: Vietnamese labels, newest first, filters and pages.
func TestAuditPage(t *testing.T) {
	e := newStaffEnv(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	for i := range 120 { // u000 … u119, a day apart from 2026-03-01
		ev := store.Event{At: day.AddDate(0, 0, i), User: fmt.Sprintf("u%03d", i), Action: store.ActReuseLookup, Remote: "127.0.0.1", OK: true}
		switch {
		case i%10 == 0:
			ev.Action, ev.RecordID, ev.Detail = store.ActEdit, e.rec.ID, "number_symbol,issue_date"
		case i == 119:
			ev.Action, ev.Detail = store.ActSearch, "q=khai+sinh&trang_thai=review"
		case i == 118:
			ev.Action, ev.Detail, ev.OK = store.ActLogin, "bad credentials", false
		}
		if err := e.db.Log(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	e.login(t, c, "quantri", testPassword)
	rows := func(path string) (users, actions []string, b string) {
		t.Helper()
		code, b := e.do(t, c, "GET", path, nil)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		for _, m := range auditRow.FindAllStringSubmatch(b, -1) {
			users, actions = append(users, m[1]), append(actions, m[2])
		}
		return users, actions, b
	}
	users, actions, b := rows("/staff/nhat-ky/")
	if len(users) != 50 || users[0] != "quantri" || users[1] != "u119" || users[2] != "u118" {
		t.Errorf("first page: %d rows from %.3v, want 50, newest (the login) first", len(users), users)
	}
	for _, a := range actions {
		if strings.Contains(a, "_") || a == "login" || a == "edit" {
			t.Errorf("an internal code on the audit page: %q", a)
		}
	}
	for _, want := range []string{"<td>tra cứu giấy tờ dùng lại</td>", "<td>Số, ký hiệu, Ngày ban hành</td>",
		"<td>từ khóa: khai sinh; trạng thái: cần duyệt</td>", "<td>sai tên hoặc mật khẩu</td>"} {
		if !strings.Contains(b, want) {
			t.Errorf("the audit page lacks %s", want)
		}
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">Cũ hơn</a>`).FindStringSubmatch(b)
	if next == nil {
		t.Fatal("no link to older events")
	}
	users, _, _ = rows(strings.ReplaceAll(next[1], "&amp;", "&"))
	if len(users) != 50 || users[0] != "u070" {
		t.Errorf("second page: %d rows from %.2v, want 50 from u070", len(users), users)
	}
	// Filters: account, action, days (both ends included), together.
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"nguoi=u007", []string{"u007"}},
		{"viec=edit", []string{"u110", "u100", "u090", "u080", "u070", "u060", "u050", "u040", "u030", "u020", "u010", "u000"}},
		{"tu=2026-03-03&den=2026-03-05", []string{"u004", "u003", "u002"}},
		{"viec=edit&tu=2026-03-11&den=2026-03-31", []string{"u030", "u020", "u010"}},
	} {
		if users, _, _ := rows("/staff/nhat-ky/?" + c.query); strings.Join(users, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: %v, want %v", c.query, users, c.want)
		}
	}
	for _, q := range []string{"tu=03/03/2026", "den=2026-02-30", "viec=drop_table", "truoc=-1"} {
		if code, _ := e.do(t, c, "GET", "/staff/nhat-ky/?"+q, nil); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, code)
		}
	}
}

// A refused login keeps the name typed and puts the cursor in the
// password.
func TestLoginKeepsUsername(t *testing.T) {
	e := newStaffEnv(t)
	c := e.client()
	r, _ := c.Get(e.ts.URL + "/staff/dang-nhap")
	tok := csrfField.FindStringSubmatch(body(t, r))[1]
	code, b := e.do(t, c, "POST", "/staff/dang-nhap", url.Values{"csrf": {tok}, "ten": {"luutru"}, "mat_khau": {"sai"}})
	if code != http.StatusUnauthorized || !strings.Contains(b, `name="ten" value="luutru"`) || !strings.Contains(b, "autofocus") {
		t.Errorf("wrong password: %d, the name typed is not kept", code)
	}
	if _, b := e.do(t, c, "POST", "/staff/dang-nhap", url.Values{"csrf": {tok}, "ten": {`"><script>x</script>`}, "mat_khau": {"sai"}}); strings.Contains(b, "<script>x") {
		t.Error("the name typed is not escaped")
	}
	_, tok = e.login(t, c, "luutru", testPassword)
	if tok == "" {
		t.Fatal("login failed")
	}
}
