package server

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"motcua/internal/addr"
	"motcua/internal/vi"
	"motcua/pipeline"
	"motcua/pipeline/extract"
	"motcua/search"
	"motcua/store"
)

// staffRequest reads a staff search from the URL: restricted records
// included, records only.
func staffRequest(v url.Values) (search.Request, string) {
	req, msg := publicRequest(v)
	if msg != "" {
		return req, msg
	}
	req.Restricted, req.Kind = true, search.KindRecord
	req.DocType = v.Get("loai_van_ban")
	req.Issuer = v.Get("co_quan_ban_hanh")
	req.Status = v.Get("trang_thai")
	req.PersonID = strings.TrimSpace(v.Get("so_dinh_danh"))
	req.DateFrom, req.DateTo = v.Get("tu_ngay"), v.Get("den_ngay")
	req.Size = 20
	if _, err := store.ParseStatus(req.Status); req.Status != "" && err != nil {
		return req, "Trạng thái phải là auto, review hoặc verified."
	}
	switch {
	case req.PersonID != "" && !vi.IsPersonID(req.PersonID):
		return req, "Số định danh cá nhân gồm đúng 12 chữ số."
	case req.DateFrom != "" && !vi.ISODate.MatchString(req.DateFrom), req.DateTo != "" && !vi.ISODate.MatchString(req.DateTo):
		return req, "Ngày phải có dạng NNNN-TT-NN, ví dụ 2023-09-12."
	case len(req.DocType) > 300 || len(req.Issuer) > 300:
		return req, "Bộ lọc quá dài."
	}
	return req, ""
}

func recordID(hitID string) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(hitID, search.KindRecord+":"), 10, 64)
	return n
}

var staffFacetNames = []struct{ key, param, name string }{
	{"loai_van_ban", "loai_van_ban", "Loại văn bản"},
	{"trang_thai", "trang_thai", "Trạng thái"},
	{"co_quan_ban_hanh", "co_quan_ban_hanh", "Cơ quan ban hành"},
}

func (s *srv) staffSearch(w http.ResponseWriter, r *http.Request, u *staffUser) {
	v := r.URL.Query()
	d := pageData{Title: "Tìm hồ sơ", Nav: "search", Query: v}
	if len(v) == 0 {
		s.page(w, r, http.StatusOK, "search", u, d)
		return
	}
	req, msg := staffRequest(v)
	if msg != "" {
		d.Error = msg
		s.page(w, r, http.StatusBadRequest, "search", u, d)
		return
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActSearch, 0, v.Encode(), true); err != nil {
		internalError(w, r, err)
		return
	}
	dossiers, err := s.searchDossiers(r, u, v) // a dossier code or an owner's ID names dossiers too
	if err != nil {
		internalError(w, r, err)
		return
	}
	d.Dossiers = dossiers
	res, err := s.search(r.Context(), req)
	if err != nil {
		status, msg := searchStatus(err)
		d.Error = msg
		s.page(w, r, status, "search", u, d)
		return
	}
	d.Result = res
	pageURL := func(n int) string {
		q := url.Values{}
		for k, vs := range v {
			q[k] = vs
		}
		q.Set("page", strconv.Itoa(n))
		return "/staff/?" + q.Encode()
	}
	if req.Page > 1 {
		d.PrevPage = pageURL(req.Page - 1)
	}
	if res.More {
		d.NextPage = pageURL(req.Page + 1)
	}
	for _, h := range res.Hits {
		d.Hits = append(d.Hits, staffHit{Hit: h, RecordID: recordID(h.ID)})
	}
	for _, f := range staffFacetNames {
		g := facetGroup{Name: f.name, Param: f.param}
		for _, fv := range res.Facets[f.key] {
			q := url.Values{}
			for k, vs := range v {
				q[k] = vs
			}
			q.Set(f.param, fv.Value)
			q.Del("page")
			label := fv.Value
			if f.key == "trang_thai" {
				label = store.Status(fv.Value).Name()
			}
			g.Values = append(g.Values, facetLink{Label: label, Count: fv.Count, URL: "/staff/?" + q.Encode(), On: v.Get(f.param) == fv.Value})
		}
		if len(g.Values) > 0 {
			d.Facets = append(d.Facets, g)
		}
	}
	s.page(w, r, http.StatusOK, "search", u, d)
}

func (s *srv) staffAPISearch(w http.ResponseWriter, r *http.Request, u *staffUser) {
	req, msg := staffRequest(r.URL.Query())
	if msg != "" {
		apiError(w, http.StatusBadRequest, msg)
		return
	}
	if err := s.audit(r.Context(), r, u.Name, store.ActSearch, 0, r.URL.RawQuery, true); err != nil {
		apiError(w, http.StatusInternalServerError, "Lỗi nội bộ.")
		return
	}
	s.searchJSON(w, r, req, func(h search.Hit) string { return fmt.Sprintf("/staff/ho-so/%d", recordID(h.ID)) })
}

// record loads the record named in the path. IDs are digits only; any
// other path is not found.
func (s *srv) record(w http.ResponseWriter, r *http.Request, u *staffUser) *store.Record {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.page(w, r, http.StatusNotFound, "error", u, pageData{Title: "Không có hồ sơ", Message: "Không có hồ sơ này."})
		return nil
	}
	rec, err := s.store.Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.page(w, r, http.StatusNotFound, "error", u, pageData{Title: "Không có hồ sơ", Message: fmt.Sprintf("Không có hồ sơ số %d.", id)})
		return nil
	}
	if err != nil {
		internalError(w, r, err)
		return nil
	}
	return rec
}

// recordFor loads the record named in the path and writes the access to
// the audit log before anything of it is served; a failure to log refuses
// the access.
func (s *srv) recordFor(w http.ResponseWriter, r *http.Request, u *staffUser, action, detail string) *store.Record {
	rec := s.record(w, r, u)
	if rec == nil {
		return nil
	}
	if err := s.audit(r.Context(), r, u.Name, action, rec.ID, detail, true); err != nil {
		internalError(w, r, err)
		return nil
	}
	return rec
}

// LowConfidence is the word confidence under which a word is outlined.
const LowConfidence = 0.6

func fieldViews(rec *store.Record) []fieldView {
	var out []fieldView
	for _, k := range store.AllFields {
		c, ok := rec.Confidence[k]
		v := rec.Fields.Value(k)
		out = append(out, fieldView{Field: k, Name: k.Name(), Value: v, Conf: c, HasConf: ok && v != "", Low: rec.Doubtful(k)})
	}
	return out
}

// recordPages are a record's page images: none for a PDF read from its
// own text layer.
func recordPages(rec *store.Record) []pageView {
	if rec.TextLayer {
		return nil
	}
	var out []pageView
	for _, p := range rec.Pages {
		out = append(out, pageView{N: p.N, Width: p.Width, Height: p.Height, Src: fmt.Sprintf("/staff/ho-so/%d/trang/%d.png", rec.ID, p.N)})
	}
	return out
}

// editPages are the pages shown beside the edit form, with the words of
// each doubtful field outlined; a field found on a page is marked so.
func editPages(rec *store.Record, fields []fieldView) []pageView {
	pages := recordPages(rec)
	for i := range pages {
		p := rec.Pages[i]
		for j := range fields {
			f := &fields[j]
			if !f.Low {
				continue
			}
			values := []string{rec.Fields.Value(f.Field)}
			if slices.Contains([]store.Field{store.PersonIDs, store.DossierCodes, store.ProcedureCodes, store.MoneyVND}, f.Field) {
				values = strings.Split(values[0], ", ")
			}
			for _, w := range extract.Locate(p, values...) {
				pages[i].Marks = append(pages[i].Marks, fieldMark{Field: f.Field, Box: p.Words[w].Box})
				f.Marked = true
			}
		}
	}
	return pages
}

func (s *srv) staffRecord(w http.ResponseWriter, r *http.Request, u *staffUser) {
	if code := r.PathValue("id"); vi.IsDossierCode(code) { // a dossier's address typed without its slash
		http.Redirect(w, r, addr.StaffDossier(code), http.StatusMovedPermanently)
		return
	}
	rec := s.recordFor(w, r, u, store.ActView, "")
	if rec == nil {
		return
	}
	d := pageData{Title: fmt.Sprintf("Hồ sơ %d", rec.ID), Nav: "search", Record: rec, Fields: fieldViews(rec), Pages: recordPages(rec)}
	for i := range d.Pages {
		for _, wd := range rec.Pages[i].Words {
			if wd.Conf < LowConfidence && strings.TrimSpace(wd.Text) != "" {
				d.Pages[i].Low = append(d.Pages[i].Low, wd)
			}
		}
	}
	var err error
	if d.Changes, err = s.store.Changes(r.Context(), rec.ID); err != nil {
		internalError(w, r, err)
		return
	}
	if d.Reuses, err = s.store.Reuses(r.Context(), rec.ID); err != nil {
		internalError(w, r, err)
		return
	}
	s.page(w, r, http.StatusOK, "record", u, d)
}

// originals reads the stored originals of records.
func (s *srv) originals() (pipeline.Opener, error) {
	if s.blobs == nil {
		return nil, errors.New("no blob store")
	}
	return pipeline.BlobOpener(s.blobs), nil
}

// staffPageImage serves a page as the OCR saw it, so that the stored word
// boxes fall on it.
func (s *srv) staffPageImage(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.record(w, r, u)
	if rec == nil {
		return
	}
	n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("page"), ".png"))
	if err != nil || n < 1 || n > len(rec.Pages) || rec.TextLayer {
		http.NotFound(w, r)
		return
	}
	s.servePage(w, r, u, rec, n, strconv.Itoa(n), func(g *image.Gray) image.Image { return g })
}

// servePage serves page n (from 1) of rec as a PNG, drawn by render from the
// page as the OCR saw it, after auditing the view (detail says which).
func (s *srv) servePage(w http.ResponseWriter, r *http.Request, u *staffUser, rec *store.Record, n int, detail string, render func(*image.Gray) image.Image) {
	if err := s.audit(r.Context(), r, u.Name, store.ActImage, rec.ID, detail, true); err != nil {
		internalError(w, r, err)
		return
	}
	release, ok := s.acquire(r.Context())
	if !ok {
		http.Error(w, "Máy chủ đang bận, xin thử lại.", http.StatusServiceUnavailable)
		return
	}
	defer release()
	open, err := s.originals()
	if err != nil {
		internalError(w, r, err)
		return
	}
	p, err := pipeline.RecordPage(rec, open, n-1)
	if err != nil {
		internalError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, render(p.Gray)); err != nil {
		internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// attachment sets a download's headers with the file's own (Vietnamese)
// name.
func attachment(w http.ResponseWriter, mediaType, name string) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name)))
	w.Header().Set("Cache-Control", "private, no-store")
}

func (s *srv) staffOriginal(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.recordFor(w, r, u, store.ActOriginal, "original")
	if rec == nil {
		return
	}
	open, err := s.originals()
	if err != nil {
		internalError(w, r, err)
		return
	}
	// A stack document's original is its pages, not the whole scan.
	data, mediaType, name, err := pipeline.RecordOriginal(rec, open)
	if err != nil {
		internalError(w, r, err)
		return
	}
	attachment(w, mediaType, name)
	w.Write(data)
}

// staffPDF serves the record as a searchable PDF: the page images with
// the text under them. A PDF that had its own text layer is served as is.
func (s *srv) staffPDF(w http.ResponseWriter, r *http.Request, u *staffUser) {
	rec := s.recordFor(w, r, u, store.ActPDF, "")
	if rec == nil {
		return
	}
	open, err := s.originals()
	if err != nil {
		internalError(w, r, err)
		return
	}
	name := strings.TrimSuffix(rec.SourceName, filepath.Ext(rec.SourceName)) + ".pdf"
	if rec.TextLayer {
		data, err := open(rec.SHA256)
		if err != nil {
			internalError(w, r, err)
			return
		}
		attachment(w, "application/pdf", name)
		w.Write(data)
		return
	}
	select { // OCR is costly: one PDF at a time
	case s.pdfSlot <- struct{}{}:
		defer func() { <-s.pdfSlot }()
	case <-r.Context().Done():
		return
	}
	tmp, err := os.MkdirTemp("", "motcua-pdf-")
	if err != nil {
		internalError(w, r, err)
		return
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "out.pdf")
	if _, err := pipeline.RecordPDF(out, rec, open); err != nil {
		internalError(w, r, err)
		return
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		internalError(w, r, err)
		return
	}
	attachment(w, "application/pdf", name)
	w.Write(pdf)
}
