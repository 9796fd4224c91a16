package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/dossier"
	"motcua/internal/addr"
	"motcua/pipeline"
	"motcua/store"
)

// A result is uploaded and digitized while the officer waits: one file of
// a few pages.
const (
	maxUploadBytes = 64 << 20
	maxResultPages = 10
)

// uploadName is an uploaded file's own name, made safe to write in a
// folder of our own: no path, no control characters, NFC.
func uploadName(name string) string {
	name = norm.NFC.String(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == ".." || strings.TrimSpace(name) == "" {
		return ""
	}
	if r := []rune(name); len(r) > 120 {
		ext := filepath.Ext(name)
		name = string(r[:120-len([]rune(ext))]) + ext
	}
	return name
}

// staffDossierResult digitizes an uploaded result with the real pipeline
// and numbers it <code>-KQ<n>, as `motcua dossier result` does.
func (s *srv) staffDossierResult(w http.ResponseWriter, r *http.Request, u *staffUser) {
	d := s.dossierFor(w, r, u)
	if d == nil {
		return
	}
	if s.blobs == nil {
		internalError(w, r, errors.New("no blob store for the originals"))
		return
	}
	ctx := r.Context()
	refuse := func(status int, msg string) {
		s.audit(ctx, r, u.Name, store.ActDossierEdit, 0, fmt.Sprintf("hồ sơ %s: tải lên kết quả: %s", d.Code, msg), false)
		s.page(w, r, status, "error", u, pageData{Title: "Không số hóa được kết quả", Message: msg})
	}
	file, hdr, err := r.FormFile("tep")
	if err != nil {
		refuse(http.StatusBadRequest, "Hãy chọn tệp kết quả (PDF, PNG, JPEG hoặc TIFF) để tải lên.")
		return
	}
	defer file.Close()
	name := uploadName(hdr.Filename)
	if name == "" {
		refuse(http.StatusBadRequest, "Tệp tải lên không có tên: hãy đặt tên tệp có phần mở rộng, ví dụ ket-qua.pdf.")
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, maxUploadBytes+1))
	if err != nil {
		internalError(w, r, err)
		return
	}
	src, err := pipeline.OpenSource(name, data, pipeline.DefaultLimits)
	var ie *pipeline.InputError
	switch {
	case errors.As(err, &ie):
		refuse(http.StatusBadRequest, "Tệp "+name+": "+ie.Reason)
		return
	case err != nil:
		internalError(w, r, err)
		return
	case src.Pages > maxResultPages:
		refuse(http.StatusBadRequest, fmt.Sprintf("Tệp %s có %d trang; mỗi lần tải lên tối đa %d trang. Tệp dài hơn: dùng lệnh motcua dossier result.",
			name, src.Pages, maxResultPages))
		return
	}
	tmp, err := os.MkdirTemp("", "motcua-ket-qua-")
	if err != nil {
		internalError(w, r, err)
		return
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		internalError(w, r, err)
		return
	}
	select { // OCR is costly: one job at a time, shared with the PDFs
	case s.pdfSlot <- struct{}{}:
		defer func() { <-s.pdfSlot }()
	case <-ctx.Done():
		return
	}
	mark := time.Now() // the index follows the store from here
	opt := pipeline.Options{Limits: pipeline.DefaultLimits, Place: dossier.Place(d, s.procs[d.Procedure], true)}
	sum, err := pipeline.Digitize(ctx, s.store, s.blobs, []string{path}, opt)
	if err != nil {
		internalError(w, r, err)
		return
	}
	if sum.Failed > 0 {
		refuse(http.StatusUnprocessableEntity, "Tệp "+name+": "+sum.Failures[0].Reason)
		return
	}
	if sum.Interrupted {
		return // the officer left; nothing half-stored
	}
	rec, err := s.store.BySHA256(ctx, store.SHA256(data))
	if err != nil {
		internalError(w, r, err)
		return
	}
	// Where the file is now: the dossier's new result, or (a file stored
	// before) wherever it already was.
	got, err := s.store.Dossier(ctx, d.Code)
	if err != nil {
		internalError(w, r, err)
		return
	}
	n := 0
	for _, a := range got.Records {
		if a.RecordID == rec.ID {
			n = a.Result
			if n == 0 {
				refuse(http.StatusConflict, fmt.Sprintf("Tệp này đã có trong hồ sơ là văn bản %d (giấy tờ nộp), không phải kết quả.", rec.ID))
				return
			}
		}
	}
	if n == 0 {
		other, _ := s.store.DossierOf(ctx, rec.ID)
		refuse(http.StatusConflict, fmt.Sprintf("Tệp này đã được số hóa là văn bản %d của hồ sơ %s.", rec.ID, other))
		return
	}
	if err := s.audit(ctx, r, u.Name, store.ActDossierEdit, rec.ID,
		fmt.Sprintf("hồ sơ %s: kết quả %s (tệp %s)", d.Code, store.ResultCode(d.Code, n), name), true); err != nil {
		internalError(w, r, err)
		return
	}
	if s.index != nil {
		if _, err := s.index.IndexSince(ctx, s.store, mark); err != nil {
			// The store is the truth; serve's follower indexes it later.
			internalError(w, r, fmt.Errorf("index result %d of dossier %s: %w", rec.ID, d.Code, err))
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("%s?ket_qua=%d", addr.StaffDossier(d.Code), n), http.StatusSeeOther)
}
