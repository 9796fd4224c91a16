package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"motcua/content"
	"motcua/dossier"
	"motcua/internal/addr"
	"motcua/internal/vi"
	"motcua/reuse"
	"motcua/store"
)

// isDocument reports whether a procedure's document is a paper, not a
// note ("Số lượng hồ sơ: 01 bộ"): dossier.IsComponent, under a name the
// handlers' dossier codes do not shadow.
var isDocument = dossier.IsComponent

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

// reuseDossier checks the dossier a reuse names against the procedure and
// the citizen: a dossier kept here must be theirs (its page's address is
// returned); one this office does not keep is taken as given.
func (s *srv) reuseDossier(ctx context.Context, p *content.Procedure, id, code string) (page, msg string, err error) {
	if code == "" {
		return "", "", nil
	}
	d, err := s.store.Dossier(ctx, code)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", "", nil
	case err != nil:
		return "", "", err
	case d.Procedure != p.Code || d.OwnerID != id:
		return "", fmt.Sprintf("Hồ sơ %s là hồ sơ thủ tục %s của số định danh %s: kiểm tra lại mã thủ tục, số định danh hoặc mã hồ sơ.",
			d.Code, d.Procedure, d.OwnerID), nil
	}
	return addr.StaffDossier(d.Code), "", nil
}

func (s *srv) staffReuse(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	d := pageData{Title: "Dùng lại giấy tờ đã số hóa", Nav: "reuse", Query: v}
	if v.Get("thu_tuc") == "" && v.Get("so_dinh_danh") == "" {
		s.page(w, r, http.StatusOK, "reuse", u, d)
		return
	}
	p, id, dossier, msg := s.reuseForm(v)
	if msg == "" {
		var err error
		if d.DossierURL, msg, err = s.reuseDossier(r.Context(), p, id, dossier); err != nil {
			internalError(w, r, err)
			return
		}
	}
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
	d.Procedure, d.ProcName, d.PersonID, d.Dossier = p.Code, p.Name, id, dossier
	for i, n := range needs {
		if !isDocument(n.Document) { // a note, not a paper
			continue
		}
		d.Needs, d.Wanted = append(d.Needs, needView{Need: n, I: i}), d.Wanted+1
		if slices.ContainsFunc(n.Candidates, func(c reuse.Candidate) bool { return c.Usable }) {
			d.Usable++
		}
	}
	s.page(w, r, http.StatusOK, "reuse", u, d)
}

func (s *srv) staffReusePost(w http.ResponseWriter, r *http.Request, u *staffUser) {
	p, id, dossier, msg := s.reuseForm(r.PostForm)
	var page string
	if msg == "" {
		var err error
		if page, msg, err = s.reuseDossier(r.Context(), p, id, dossier); err != nil {
			internalError(w, r, err)
			return
		}
	}
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
	if !reuse.MayReuse(needs, doc, recID) || !isDocument(needs[doc].Document) {
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
	if done == "da_co" {
		msg = fmt.Sprintf("Lần dùng lại này đã được ghi nhận từ trước (số %d): không ghi thêm.", ru.ID)
	} else if dossier != "" {
		msg = fmt.Sprintf("Đã dùng lại hồ sơ %d cho giấy tờ “%s” của hồ sơ %s.", recID, clip(ru.Document, 90), dossier)
	} else {
		msg = fmt.Sprintf("Đã dùng lại hồ sơ %d cho giấy tờ “%s” của thủ tục %s.", recID, clip(ru.Document, 90), p.Code)
	}
	s.flash(w, r, u.csrf, msg)
	if page != "" { // back to the dossier, which now shows the reuse
		http.Redirect(w, r, page, http.StatusSeeOther)
		return
	}
	q := url.Values{"thu_tuc": {p.Code}, "so_dinh_danh": {id}, "ma_ho_so": {dossier}}
	http.Redirect(w, r, "/staff/dung-lai/?"+q.Encode(), http.StatusSeeOther)
}
