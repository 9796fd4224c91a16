package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"motcua/content"
	"motcua/internal/vi"
	"motcua/reuse"
	"motcua/store"
)

func (s *srv) reuseForm(v url.Values) (p *content.Procedure, id, dossier, msg string) {
	code := strings.TrimSpace(v.Get("thu_tuc"))
	id = strings.TrimSpace(v.Get("so_dinh_danh"))
	dossier = strings.TrimSpace(v.Get("ma_ho_so"))
	switch {
	case !vi.ProcedureCode.MatchString(code):
		return nil, id, dossier, "Mã thủ tục có dạng 1.001193."
	case s.procs[code] == nil:
		return nil, id, dossier, "Danh mục không có thủ tục " + code + "."
	case !vi.IsPersonID(id):
		return nil, id, dossier, "Số định danh cá nhân gồm đúng 12 chữ số."
	case dossier != "" && !vi.IsDossierCode(dossier):
		return nil, id, dossier, "Mã hồ sơ có dạng 000.00.06.H56-231027-0361."
	}
	return s.procs[code], id, dossier, ""
}

func (s *srv) staffReuse(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	d := pageData{Title: "Dùng lại giấy tờ đã số hóa", Nav: "reuse", Query: v}
	// Only a number comes from the URL: a link cannot put words in the
	// page's mouth.
	if n, err := strconv.ParseInt(v.Get("da_ghi"), 10, 64); err == nil && n > 0 {
		d.Message = fmt.Sprintf("Đã ghi nhận lần dùng lại số %d.", n)
	}
	if n, err := strconv.ParseInt(v.Get("da_co"), 10, 64); err == nil && n > 0 {
		d.Message = fmt.Sprintf("Lần dùng lại này đã được ghi nhận từ trước (số %d): không ghi thêm.", n)
	}
	if v.Get("thu_tuc") == "" && v.Get("so_dinh_danh") == "" {
		s.page(w, r, http.StatusOK, "reuse", u, d)
		return
	}
	p, id, dossier, msg := s.reuseForm(v)
	if msg != "" {
		d.Error = msg
		s.page(w, r, http.StatusBadRequest, "reuse", u, d)
		return
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActReuseLookup, 0, "thủ tục "+p.Code+", số định danh "+id, true); err != nil {
		internalError(w, r, err)
		return
	}
	needs, err := reuse.Find(r.Context(), s.store, p, id, s.now())
	if err != nil {
		internalError(w, r, err)
		return
	}
	d.Procedure, d.ProcName, d.PersonID, d.Dossier, d.Needs = p.Code, p.Name, id, dossier, needs
	s.page(w, r, http.StatusOK, "reuse", u, d)
}

func (s *srv) staffReusePost(w http.ResponseWriter, r *http.Request, u *staffUser) {
	p, id, dossier, msg := s.reuseForm(r.PostForm)
	if msg != "" {
		s.page(w, r, http.StatusBadRequest, "reuse", u, pageData{Title: "Dùng lại giấy tờ đã số hóa", Nav: "reuse", Query: r.PostForm, Error: msg})
		return
	}
	recID, _ := strconv.ParseInt(r.PostFormValue("ho_so"), 10, 64)
	doc, _ := strconv.Atoi(r.PostFormValue("giay_to"))
	needs, err := reuse.Find(r.Context(), s.store, p, id, s.now())
	if err != nil {
		internalError(w, r, err)
		return
	}
	// The form numbers documents from 0, as reuse does.
	if !reuse.MayReuse(needs, doc, recID) {
		s.page(w, r, http.StatusBadRequest, "error", u, pageData{Title: "Không dùng lại được",
			Message: "Hồ sơ này không thay được giấy tờ đã chọn cho công dân này (không đúng chủ, loại, hoặc đã hết giá trị)."})
		return
	}
	ru := &store.Reuse{User: u.Name, RecordID: recID, Procedure: p.Code, Document: needs[doc].Document.Name, Dossier: dossier}
	done := "da_ghi"
	if err := s.store.AddReuse(r.Context(), ru, remote(r)); errors.Is(err, store.ErrExists) {
		done = "da_co" // pressed twice: shown as already done
	} else if err != nil {
		internalError(w, r, err)
		return
	}
	q := url.Values{"thu_tuc": {p.Code}, "so_dinh_danh": {id}, "ma_ho_so": {dossier}, done: {strconv.FormatInt(ru.ID, 10)}}
	http.Redirect(w, r, "/staff/dung-lai/?"+q.Encode(), http.StatusSeeOther)
}
