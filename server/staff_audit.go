package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua/internal/vi"
	"motcua/store"
)

// auditPage is how many events one page of the audit log shows.
const auditPage = 50

// staffAudit lists the audit log newest first, filtered by account,
// action and days, a page at a time: "truoc" names the event the next
// page starts below.
func (s *srv) staffAudit(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	f := store.AuditFilter{User: strings.TrimSpace(v.Get("nguoi")), Action: v.Get("viec"), Limit: auditPage + 1, NewestFirst: true}
	d := pageData{Title: "Nhật ký truy cập", Nav: "audit", Query: v, Actions: store.Actions}
	bad := func(msg string) {
		d.Error = msg
		s.page(w, r, http.StatusBadRequest, "audit", u, d)
	}
	day := func(key string) (time.Time, bool) {
		t := v.Get(key)
		if t == "" {
			return time.Time{}, true
		}
		if !vi.ISODate.MatchString(t) {
			return time.Time{}, false
		}
		at, err := time.ParseInLocation("2006-01-02", t, time.Local)
		return at, err == nil
	}
	var ok bool
	if f.Since, ok = day("tu"); !ok {
		bad("Ngày phải có dạng NNNN-TT-NN, ví dụ 2026-11-23.")
		return
	}
	if f.Until, ok = day("den"); !ok {
		bad("Ngày phải có dạng NNNN-TT-NN, ví dụ 2026-11-23.")
		return
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the whole last day
	}
	if f.Action != "" && !slices.Contains(store.Actions, f.Action) {
		bad("Không có việc này trong nhật ký.")
		return
	}
	if t := v.Get("truoc"); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			bad("Trang nhật ký không hợp lệ.")
			return
		}
		f.Before = n
	}
	err := s.store.Events(r.Context(), f, func(e store.Event) error { d.Events = append(d.Events, e); return nil })
	if err != nil {
		internalError(w, r, err)
		return
	}
	link := func(before int64) string {
		q := url.Values{}
		for _, k := range []string{"nguoi", "viec", "tu", "den"} {
			if v.Get(k) != "" {
				q.Set(k, v.Get(k))
			}
		}
		if before > 0 {
			q.Set("truoc", strconv.FormatInt(before, 10))
		}
		if len(q) == 0 {
			return "/staff/nhat-ky/"
		}
		return "/staff/nhat-ky/?" + q.Encode()
	}
	if len(d.Events) > auditPage {
		d.Events = d.Events[:auditPage]
		d.NextPage = link(d.Events[auditPage-1].ID)
	}
	if f.Before > 0 {
		d.PrevPage = link(0) // back to the newest
	}
	s.page(w, r, http.StatusOK, "audit", u, d)
}

// searchParams name a staff search's parameters on the audit page.
var searchParams = []struct{ key, name string }{
	{"q", "từ khóa"}, {"loai_van_ban", "loại văn bản"}, {"co_quan_ban_hanh", "cơ quan ban hành"}, {"trang_thai", "trạng thái"},
	{"so_dinh_danh", "số định danh"}, {"tu_ngay", "từ ngày"}, {"den_ngay", "đến ngày"}, {"page", "trang"},
}

// eventDetail is an event's detail for people: a search's parameters by
// their names, anything else as the store names it.
func eventDetail(e store.Event) string {
	if e.Action != store.ActSearch {
		return e.DetailName()
	}
	v, err := url.ParseQuery(e.Detail)
	if err != nil {
		return e.Detail
	}
	var parts []string
	for _, p := range searchParams {
		if x := v.Get(p.key); x != "" {
			if p.key == "trang_thai" {
				x = store.Status(x).Name()
			}
			parts = append(parts, p.name+": "+x)
		}
	}
	return strings.Join(parts, "; ")
}
