package server

import (
	"net/http"
	"time"

	"motcua/store"
)

func (s *srv) staffAudit(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	f := store.AuditFilter{User: v.Get("nguoi"), Limit: 500}
	d := pageData{Title: "Nhật ký truy cập", Nav: "audit", Query: v}
	if t := v.Get("tu"); t != "" {
		day, err := time.ParseInLocation("2006-01-02", t, time.Local)
		if err != nil {
			d.Error = "Ngày phải có dạng NNNN-TT-NN."
			s.page(w, r, http.StatusBadRequest, "audit", u, d)
			return
		}
		f.Since = day
	}
	err := s.store.Events(r.Context(), f, func(e store.Event) error { d.Events = append(d.Events, e); return nil })
	if err != nil {
		internalError(w, r, err)
		return
	}
	s.page(w, r, http.StatusOK, "audit", u, d)
}
