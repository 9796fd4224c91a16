package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"motcua/store"
)

func (s *srv) staffReview(w http.ResponseWriter, r *http.Request, u *staffUser) {
	recs, err := s.store.Review(r.Context(), 200)
	if err != nil {
		internalError(w, r, err)
		return
	}
	s.page(w, r, http.StatusOK, "review", u, pageData{Title: "Hàng chờ duyệt", Nav: "review", Review: recs})
}

func (s *srv) staffEdit(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.recordFor(w, r, u, store.ActView, "edit form")
	if rec == nil {
		return
	}
	s.page(w, r, http.StatusOK, "edit", u, pageData{Title: fmt.Sprintf("Sửa hồ sơ %d", rec.ID), Nav: "review", Record: rec, Fields: fieldViews(rec)})
}

// staffSave applies an archivist's correction, then updates the index at
// once so that searches see it.
func (s *srv) staffSave(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.record(w, r, u)
	if rec == nil {
		return
	}
	// Every field is checked before anything is saved. A rejected value
	// comes back as typed, marked invalid with its message beside it, so
	// that saving again cannot store an empty value over the real one.
	f := rec.Fields
	var msgs []string
	invalid := map[store.Field]fieldView{}
	for _, k := range store.AllFields {
		if v, ok := r.PostForm[string(k)]; ok {
			if err := f.Set(k, v[0]); err != nil {
				msgs = append(msgs, err.Error())
				invalid[k] = fieldView{Value: v[0], Error: err.Error()}
			}
		}
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	edited := *rec
	edited.Fields = f
	if len(msgs) > 0 {
		views := fieldViews(&edited)
		focus := true
		for i, v := range views {
			if bad, ok := invalid[v.Field]; ok {
				views[i].Value, views[i].Error, views[i].Focus = bad.Value, bad.Error, focus
				focus = false
			}
		}
		s.page(w, r, http.StatusBadRequest, "edit", u, pageData{Title: fmt.Sprintf("Sửa hồ sơ %d", rec.ID), Nav: "review",
			Record: rec, Fields: views, Error: fmt.Sprintf("Chưa lưu: %d trường chưa hợp lệ. Hãy sửa các trường được đánh dấu rồi lưu lại.", len(msgs))})
		return
	}
	mark := time.Now() // the index follows the store from here
	saved, err := s.store.ApplyEdit(r.Context(), store.Edit{RecordID: rec.ID, Version: version, User: u.Name, Remote: remote(r),
		Fields: f, Approve: r.PostFormValue("duyet") != ""})
	if errors.Is(err, store.ErrConflict) {
		s.page(w, r, http.StatusConflict, "edit", u, pageData{Title: fmt.Sprintf("Sửa hồ sơ %d", rec.ID), Nav: "review",
			Record: rec, Fields: fieldViews(rec), Error: "Hồ sơ vừa được người khác sửa. Đây là bản mới nhất: hãy xem lại rồi sửa tiếp."})
		return
	}
	if err != nil {
		internalError(w, r, err)
		return
	}
	if s.index != nil {
		if _, err := s.index.IndexSince(r.Context(), s.store, mark); err != nil {
			slog.Error("index after edit", "record", saved.ID, "error", err)
		}
	}
	switch {
	case saved.Version == rec.Version:
		s.flash(w, r, u.csrf, fmt.Sprintf("Hồ sơ %d không có gì thay đổi nên chưa lưu.", rec.ID))
	case saved.Status == store.StatusVerified && rec.Status != store.StatusVerified:
		s.flash(w, r, u.csrf, fmt.Sprintf("Đã lưu và duyệt hồ sơ %d.", rec.ID))
	default:
		s.flash(w, r, u.csrf, fmt.Sprintf("Đã lưu hồ sơ %d.", rec.ID))
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/ho-so/%d", rec.ID), http.StatusSeeOther)
}
