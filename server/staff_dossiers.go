package server

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/draw"

	"motcua/dossier"
	"motcua/internal/addr"
	"motcua/internal/vi"
	"motcua/store"
)

// The staff area's dossiers: the list, a dossier's page and JSON, moving a
// record to another component, and uploading a result.
const (
	dossierPageSize = 50
	thumbWidth      = 240
)

func (s *srv) dossierRoutes(route func(pattern, name string, h http.HandlerFunc)) {
	route("GET "+addr.StaffDossiers+"{$}", "staff_dossiers", s.staff(allStaff, s.staffDossiers))
	route("GET "+addr.StaffDossiers+"{code}/{$}", "staff_dossier", s.staff(allStaff, s.staffDossier))
	route("POST "+addr.StaffDossiers+"{code}/chuyen", "staff_dossier_move", s.staff(archivists, s.staffDossierMove))
	route("POST "+addr.StaffDossiers+"{code}/ket-qua", "staff_dossier_result",
		s.staffLimit(archivists, maxUploadBytes, s.staffDossierResult))
	route("GET "+addr.StaffDossierAPI+"{$}", "staff_api_dossiers", s.staff(allStaff, s.staffAPIDossiers))
	route("GET "+addr.StaffDossierAPI+"{code}", "staff_api_dossier", s.staff(allStaff, s.staffAPIDossier))
	route("GET /staff/ho-so/{id}/anh-nho", "staff_thumbnail", s.staff(allStaff, s.staffThumbnail))
}

// dossierData is what the dossier templates (and the search page's
// dossier block) show.
type dossierData struct {
	Rows []dossierRow

	View       *dossier.View
	ProcFound  bool
	Components []componentView
	Results    []resultView
	Unassigned []recordView
	Reuses     []reuseView
	Targets    []moveTarget
	History    []historyRow
	MaxUpload  string
	MaxPages   int
	CanChange  bool // move records, upload results
	CanReuse   bool
}

// dossierRow is a dossier in a list.
type dossierRow struct {
	dossier.View
	URL              string
	Missing, Records int // required components missing; records
}

// recordView is a record of a dossier as its page lists it.
type recordView struct {
	ID      int64
	URL     string
	Thumb   string // "" when the record has no page image
	DocType string
	Number  string
	Conf    float64
	HasConf bool
	Status  string
	Missing bool // the record cannot be read any more
	Move    *moveForm
}

// moveForm moves a record to another component (for those who may).
type moveForm struct {
	Action, CSRF string
	ID           int64
	Current      int // the component it is in, 0: none
	Targets      []moveTarget
}

type componentView struct {
	dossier.Component
	Mark     string // Vietnamese: đã số hóa, dùng lại, thiếu, không bắt buộc
	Docs     []recordView
	Reused   []recordView
	ReuseURL string // the reuse flow for this component, when it is missing
}

type resultView struct {
	Code   string
	Record recordView
}

type reuseView struct {
	store.Reuse
	Record recordView
}

type moveTarget struct {
	Index int
	Label string
}

type historyRow struct {
	At       time.Time
	User     string
	Label    string
	RecordID int64
	Detail   string
	OK       bool
}

// actionNames are the audit actions in Vietnamese.
var actionNames = map[string]string{
	store.ActView:        "xem văn bản",
	store.ActImage:       "xem ảnh trang",
	store.ActOriginal:    "tải bản gốc",
	store.ActPDF:         "tải PDF",
	store.ActEdit:        "sửa thông tin",
	store.ActApprove:     "duyệt",
	store.ActReuse:       "dùng lại giấy tờ",
	store.ActReuseLookup: "tra giấy tờ dùng lại",
	store.ActSearch:      "tìm kiếm",
	store.ActExport:      "xuất dữ liệu",
	store.ActDossierView: "xem hồ sơ",
	store.ActDossierMove: "chuyển thành phần",
	store.ActDossierEdit: "lập, cập nhật hồ sơ",
}

func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// dossierQuery reads the list's filters from the URL: the store's filter,
// the completeness wanted ("du", "thieu" or ""), the page, and a message
// when a filter is malformed.
func dossierQuery(v url.Values) (f store.DossierFilter, complete string, page int, msg string) {
	f = store.DossierFilter{Procedure: strings.TrimSpace(v.Get("thu_tuc")), OwnerID: strings.TrimSpace(v.Get("so_dinh_danh")),
		Month: strings.TrimSpace(v.Get("thang")), Code: strings.TrimSpace(v.Get("ma"))}
	complete, page = v.Get("thanh_phan"), 1
	if p := v.Get("trang"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			return f, complete, 1, "Số trang phải là số nguyên dương."
		}
		page = n
	}
	switch {
	case f.Procedure != "" && !vi.ProcedureCode.MatchString(f.Procedure):
		msg = "Mã thủ tục có dạng 1.001193."
	case f.OwnerID != "" && !vi.IsPersonID(f.OwnerID):
		msg = "Số định danh cá nhân gồm đúng 12 chữ số."
	case f.Month != "" && !monthPattern.MatchString(f.Month):
		msg = "Tháng tiếp nhận có dạng NNNN-TT, ví dụ 2024-05."
	case len(f.Code) > 40:
		msg = "Mã hồ sơ quá dài."
	case complete != "" && complete != "du" && complete != "thieu":
		msg = "Thành phần hồ sơ: chọn đủ hoặc thiếu."
	}
	return f, complete, page, msg
}

// views reads the dossiers f selects, each against its procedure.
func (s *srv) views(ctx context.Context, f store.DossierFilter) ([]dossier.View, error) {
	ds, err := s.store.ListDossiers(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]dossier.View, 0, len(ds))
	for i := range ds {
		out = append(out, dossier.Build(&ds[i], s.procs[ds[i].Procedure]))
	}
	return out, nil
}

func rowOf(v dossier.View) dossierRow {
	row := dossierRow{View: v, URL: addr.StaffDossier(v.Code), Records: len(v.Unassigned) + len(v.Results)}
	for _, c := range v.Components {
		row.Records += len(c.Records)
		if c.Required && c.Status == dossier.Missing {
			row.Missing++
		}
	}
	return row
}

func (s *srv) staffDossiers(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	d := pageData{Title: "Danh sách hồ sơ", Nav: "dossiers", Query: v, Dossiers: &dossierData{}}
	f, complete, page, msg := dossierQuery(v)
	if msg != "" {
		d.Error = msg
		s.page(w, r, http.StatusBadRequest, "dossiers", u, d)
		return
	}
	if complete == "" {
		f.Limit = page*dossierPageSize + 1 // the store has no offset: enough to know there is a next page
	}
	// The list shows owners' IDs and names: it is audited as a view.
	if err := s.audit(r.Context(), r, u.Name, store.ActDossierView, 0, "danh sách hồ sơ "+v.Encode(), true); err != nil {
		internalError(w, r, err)
		return
	}
	vs, err := s.views(r.Context(), f)
	if err != nil {
		internalError(w, r, err)
		return
	}
	var rows []dossierRow
	for _, dv := range vs {
		if complete == "" || dv.Complete == (complete == "du") {
			rows = append(rows, rowOf(dv))
		}
	}
	pageURL := func(n int) string {
		q := url.Values{}
		for k, vs := range v {
			q[k] = vs
		}
		q.Set("trang", strconv.Itoa(n))
		return addr.StaffDossiers + "?" + q.Encode()
	}
	from := min((page-1)*dossierPageSize, len(rows))
	to := min(from+dossierPageSize, len(rows))
	if page > 1 {
		d.PrevPage = pageURL(page - 1)
	}
	if len(rows) > to {
		d.NextPage = pageURL(page + 1)
	}
	d.Dossiers.Rows = rows[from:to]
	s.page(w, r, http.StatusOK, "dossiers", u, d)
}

// dossierFor loads the dossier named in the path, or answers 404.
func (s *srv) dossierFor(w http.ResponseWriter, r *http.Request, u *staffUser) *store.Dossier {
	code := r.PathValue("code")
	notFound := func() {
		if strings.HasPrefix(r.URL.Path, "/staff/api/") {
			apiError(w, http.StatusNotFound, "Không có hồ sơ này.")
			return
		}
		s.page(w, r, http.StatusNotFound, "error", u, pageData{Title: "Không có hồ sơ", Message: "Không có hồ sơ mã " + code + "."})
	}
	if !vi.IsDossierCode(code) {
		notFound()
		return nil
	}
	d, err := s.store.Dossier(r.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return nil
	}
	if err != nil {
		internalError(w, r, err)
		return nil
	}
	return d
}

// recordView reads a record for a dossier's page.
func (s *srv) recordView(ctx context.Context, id int64) (recordView, error) {
	rv := recordView{ID: id, URL: fmt.Sprintf("/staff/ho-so/%d", id)}
	rec, err := s.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		rv.Missing = true
		return rv, nil
	}
	if err != nil {
		return rv, err
	}
	rv.DocType, rv.Number, rv.Status = rec.Fields.DocType, rec.Fields.NumberSymbol, rec.Status.Name()
	if rv.DocType == "" {
		rv.DocType = rec.DocType
	}
	rv.Conf, rv.HasConf = rec.Confidence[store.DocType]
	if !rec.TextLayer && len(rec.Pages) > 0 {
		rv.Thumb = fmt.Sprintf("/staff/ho-so/%d/anh-nho", id)
	}
	return rv, nil
}

// componentMark says in Vietnamese how a component stands.
func componentMark(c dossier.Component) string {
	switch {
	case c.Status == dossier.Digitized:
		return "đã số hóa"
	case c.Status == dossier.Reused:
		return "dùng lại"
	case !c.Required:
		return "không bắt buộc"
	}
	return "thiếu"
}

// dossierPage gathers what a dossier's page shows.
func (s *srv) dossierPage(ctx context.Context, d *store.Dossier, u *staffUser) (*dossierData, error) {
	p := s.procs[d.Procedure]
	v := dossier.Build(d, p)
	dd := &dossierData{View: &v, ProcFound: p != nil, MaxUpload: fmt.Sprintf("%d MB", maxUploadBytes>>20), MaxPages: maxResultPages}
	cache := map[int64]recordView{}
	rv := func(id int64) (recordView, error) {
		if r, ok := cache[id]; ok {
			return r, nil
		}
		r, err := s.recordView(ctx, id)
		cache[id] = r
		return r, err
	}
	dd.Targets = append(dd.Targets, moveTarget{0, "Chưa xếp vào thành phần nào"})
	for _, c := range v.Components {
		dd.Targets = append(dd.Targets, moveTarget{c.Index, fmt.Sprintf("%d. %s", c.Index, shorten(c.Requirement, 80))})
	}
	// The forms and links shown are those the routes allow.
	dd.CanChange = u != nil && slices.Contains(archivists, u.Role)
	dd.CanReuse = u != nil && slices.Contains(reusers, u.Role)
	movable := func(r recordView, at int) recordView {
		if dd.CanChange {
			r.Move = &moveForm{Action: addr.StaffDossier(d.Code) + "chuyen", CSRF: u.csrf, ID: r.ID, Current: at, Targets: dd.Targets}
		}
		return r
	}
	for _, c := range v.Components {
		cv := componentView{Component: c, Mark: componentMark(c)}
		for _, id := range c.Records {
			r, err := rv(id)
			if err != nil {
				return nil, err
			}
			cv.Docs = append(cv.Docs, movable(r, c.Index))
		}
		for _, id := range c.ReusedFrom {
			r, err := rv(id)
			if err != nil {
				return nil, err
			}
			cv.Reused = append(cv.Reused, r)
		}
		if c.Status == dossier.Missing {
			q := url.Values{"thu_tuc": {d.Procedure}, "so_dinh_danh": {d.OwnerID}, "ma_ho_so": {d.Code},
				"thanh_phan": {strconv.Itoa(c.Index)}}
			cv.ReuseURL = fmt.Sprintf("/staff/dung-lai/?%s#giay-to-%d", q.Encode(), c.Index)
		}
		dd.Components = append(dd.Components, cv)
	}
	for _, res := range v.Results {
		r, err := rv(res.Record)
		if err != nil {
			return nil, err
		}
		dd.Results = append(dd.Results, resultView{Code: res.Code, Record: r})
	}
	for _, id := range v.Unassigned {
		r, err := rv(id)
		if err != nil {
			return nil, err
		}
		dd.Unassigned = append(dd.Unassigned, movable(r, 0))
	}
	for _, ru := range d.Reuses {
		r, err := rv(ru.RecordID)
		if err != nil {
			return nil, err
		}
		dd.Reuses = append(dd.Reuses, reuseView{Reuse: ru, Record: r})
	}
	// The history: events naming the dossier, and those about its records
	// since it was opened.
	ids := make([]int64, 0, len(d.Records))
	for _, a := range d.Records {
		ids = append(ids, a.RecordID)
	}
	f := store.AuditFilter{Since: d.CreatedAt.Add(-time.Second), Records: ids, Mentions: d.Code, Limit: 200}
	err := s.store.Events(ctx, f, func(e store.Event) error {
		dd.History = append(dd.History, historyRow{At: e.At, User: e.User, Label: actionName(e.Action), RecordID: e.RecordID,
			Detail: e.Detail, OK: e.OK})
		return nil
	})
	return dd, err
}

func (s *srv) staffDossier(w http.ResponseWriter, r *http.Request, u *staffUser) {
	d := s.dossierFor(w, r, u)
	if d == nil {
		return
	}
	ctx := r.Context()
	// Logged before anything of it is served; a failure to log refuses.
	if err := s.audit(ctx, r, u.Name, store.ActDossierView, 0, "hồ sơ "+d.Code, true); err != nil {
		internalError(w, r, err)
		return
	}
	dd, err := s.dossierPage(ctx, d, u)
	if err != nil {
		internalError(w, r, err)
		return
	}
	pd := pageData{Title: "Hồ sơ " + d.Code, Nav: "dossiers", Dossiers: dd, Query: r.URL.Query()}
	// Only numbers come from the URL: a link cannot put words in the page.
	q := r.URL.Query()
	if n, err := strconv.ParseInt(q.Get("da_chuyen"), 10, 64); err == nil && n > 0 {
		pd.Message = fmt.Sprintf("Đã chuyển văn bản %d.", n)
	}
	if n, err := strconv.Atoi(q.Get("ket_qua")); err == nil && n > 0 {
		pd.Message = "Đã số hóa kết quả " + store.ResultCode(d.Code, n) + "."
	}
	s.page(w, r, http.StatusOK, "dossier", u, pd)
}

func (s *srv) staffAPIDossier(w http.ResponseWriter, r *http.Request, u *staffUser) {
	d := s.dossierFor(w, r, u)
	if d == nil {
		return
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActDossierView, 0, "hồ sơ "+d.Code+" (JSON)", true); err != nil {
		apiError(w, http.StatusInternalServerError, "Lỗi nội bộ.")
		return
	}
	writeJSON(w, dossier.Build(d, s.procs[d.Procedure]))
}

func (s *srv) staffAPIDossiers(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	f, complete, page, msg := dossierQuery(v)
	if msg != "" {
		apiError(w, http.StatusBadRequest, msg)
		return
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActDossierView, 0, "danh sách hồ sơ (JSON) "+v.Encode(), true); err != nil {
		apiError(w, http.StatusInternalServerError, "Lỗi nội bộ.")
		return
	}
	vs, err := s.views(r.Context(), f)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Lỗi nội bộ.")
		return
	}
	out := []dossier.View{}
	for _, dv := range vs {
		if complete == "" || dv.Complete == (complete == "du") {
			out = append(out, dv)
		}
	}
	from := min((page-1)*dossierPageSize, len(out))
	writeJSON(w, out[from:min(from+dossierPageSize, len(out))])
}

// staffDossierMove moves a record of the dossier to another component;
// the store writes the audit event with the move.
func (s *srv) staffDossierMove(w http.ResponseWriter, r *http.Request, u *staffUser) {
	d := s.dossierFor(w, r, u)
	if d == nil {
		return
	}
	id, err1 := strconv.ParseInt(r.PostFormValue("van_ban"), 10, 64)
	to, err2 := strconv.Atoi(r.PostFormValue("thanh_phan"))
	v := dossier.Build(d, s.procs[d.Procedure])
	valid := to == 0
	for _, c := range v.Components {
		valid = valid || c.Index == to
	}
	refuse := func(msg string) {
		s.audit(r.Context(), r, u.Name, store.ActDossierMove, max(id, 0), fmt.Sprintf("hồ sơ %s: %s", d.Code, msg), false)
		s.page(w, r, http.StatusBadRequest, "error", u, pageData{Title: "Không chuyển được", Message: msg})
	}
	if err1 != nil || err2 != nil || id <= 0 || !valid {
		refuse("Chọn một văn bản của hồ sơ và một thành phần của thủ tục.")
		return
	}
	err := s.store.MoveRecord(r.Context(), d.Code, id, to, u.Name, remote(r))
	switch {
	case errors.Is(err, store.ErrNotFound):
		refuse(fmt.Sprintf("Văn bản %d không thuộc hồ sơ %s.", id, d.Code))
		return
	case errors.Is(err, store.ErrTaken):
		refuse(fmt.Sprintf("Văn bản %d là kết quả của hồ sơ, không phải giấy tờ nộp: không chuyển được.", id))
		return
	case err != nil:
		internalError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s?da_chuyen=%d", addr.StaffDossier(d.Code), id), http.StatusSeeOther)
}

// staffThumbnail serves a small image of a record's first page.
func (s *srv) staffThumbnail(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.record(w, r, u)
	if rec == nil {
		return
	}
	if rec.TextLayer || len(rec.Pages) == 0 {
		http.NotFound(w, r)
		return
	}
	s.servePage(w, r, u, rec, 1, "ảnh thu nhỏ trang 1", func(g *image.Gray) image.Image {
		b := g.Bounds()
		small := image.NewGray(image.Rect(0, 0, thumbWidth, max(1, b.Dy()*thumbWidth/max(b.Dx(), 1))))
		draw.ApproxBiLinear.Scale(small, small.Bounds(), g, b, draw.Src, nil)
		return small
	})
}

// searchDossiers lists, above a staff search's records, the dossiers the
// query names: by its code, or by the owner's 12-digit ID (the query or
// the ID filter). Nil when the query names none.
func (s *srv) searchDossiers(r *http.Request, u *staffUser, v url.Values) (*dossierData, error) {
	q := strings.TrimSpace(v.Get("q"))
	var f store.DossierFilter
	switch {
	case vi.IsDossierCode(q):
		f.Code = q
	case vi.IsPersonID(q):
		f.OwnerID = q
	case vi.IsPersonID(strings.TrimSpace(v.Get("so_dinh_danh"))):
		f.OwnerID = strings.TrimSpace(v.Get("so_dinh_danh"))
	default:
		return nil, nil
	}
	f.Limit = 20
	vs, err := s.views(r.Context(), f)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	detail := "tìm hồ sơ theo mã " + f.Code
	if f.OwnerID != "" {
		detail = "tìm hồ sơ theo số định danh " + f.OwnerID
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActDossierView, 0, detail, true); err != nil {
		return nil, err
	}
	dd := &dossierData{}
	for _, dv := range vs {
		dd.Rows = append(dd.Rows, rowOf(dv))
	}
	return dd, nil
}
