package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"motcua/server/auth"
	"motcua/store"
)

// Staff sessions: a random token in an HttpOnly cookie, its hash in the
// store. A session ends after sessionIdle without a request, and
// sessionMax after login whatever happens.
const (
	sessionCookie = "motcua_phien"
	loginCookie   = "motcua_dang_nhap" // ties the login form to its browser
	sessionIdle   = 30 * time.Minute
	sessionMax    = 10 * time.Hour
	maxFormBytes  = 64 << 10
	maxFormMemory = 8 << 20 // of a multipart form; the rest waits in temporary files
	maxNameBytes  = 100     // an account name, checked before anything is logged
)

// staffUser is the signed-in account of a request.
type staffUser struct {
	store.User
	csrf      string
	tokenHash string
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// remote is the client's address for the audit log and the rate limit.
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *srv) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/staff/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// currentUser returns the request's signed-in account, or nil.
func (s *srv) currentUser(r *http.Request) *staffUser {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) > 100 {
		return nil
	}
	ctx, now := r.Context(), s.now()
	h := hashToken(c.Value)
	se, err := s.store.Session(ctx, h, now)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			slog.Error("session", "error", err)
		}
		return nil
	}
	if now.Sub(se.CreatedAt) > sessionMax {
		s.store.DeleteSession(ctx, h)
		return nil
	}
	u, err := s.store.User(ctx, se.User)
	if err != nil || u.Disabled {
		s.store.DeleteSession(ctx, h)
		return nil
	}
	if now.Sub(se.SeenAt) > time.Minute { // one write a minute, not one a request
		s.store.TouchSession(ctx, h, now, now.Add(sessionIdle))
	}
	return &staffUser{User: *u, csrf: se.CSRF, tokenHash: h}
}

// staffHandler is a staff page or API with its signed-in account.
type staffHandler func(w http.ResponseWriter, r *http.Request, u *staffUser)

// staff guards h: anonymous requests get 401, other roles 403, and forms
// without the session's CSRF token 403. Nothing staff sees is cached.
func (s *srv) staff(roles []store.Role, h staffHandler) http.HandlerFunc {
	return s.staffLimit(roles, maxFormBytes, h)
}

// staffLimit is staff with a form body of up to limit bytes (an upload);
// a larger one gets 413.
func (s *srv) staffLimit(roles []store.Role, limit int64, h staffHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u := s.currentUser(r)
		api := strings.HasPrefix(r.URL.Path, "/staff/api/")
		if u == nil {
			if api {
				apiError(w, http.StatusUnauthorized, "Cần đăng nhập.")
				return
			}
			s.loginPage(w, r, http.StatusUnauthorized, "Hãy đăng nhập để tiếp tục.", r.URL.RequestURI())
			return
		}
		if !slices.Contains(roles, u.Role) {
			if api {
				apiError(w, http.StatusForbidden, "Tài khoản không có quyền này.")
				return
			}
			s.page(w, r, http.StatusForbidden, "error", u, pageData{Title: "Không có quyền",
				Message: "Tài khoản " + u.Name + " (" + u.Role.Name() + ") không có quyền mở trang này."})
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var tooBig *http.MaxBytesError
			if err := r.ParseMultipartForm(maxFormMemory); errors.As(err, &tooBig) {
				size := fmt.Sprintf("%d KB", limit>>10)
				if limit >= 1<<20 {
					size = fmt.Sprintf("%d MB", limit>>20)
				}
				s.page(w, r, http.StatusRequestEntityTooLarge, "error", u, pageData{Title: "Dữ liệu gửi lên quá lớn",
					Message: "Biểu mẫu hoặc tệp gửi lên vượt quá " + size + ". Hãy gửi tệp nhỏ hơn."})
				return
			}
			if !sameToken(r.PostFormValue("csrf"), u.csrf) {
				s.page(w, r, http.StatusForbidden, "error", u, pageData{Title: "Biểu mẫu không hợp lệ",
					Message: "Biểu mẫu thiếu mã bảo vệ hoặc đã cũ. Hãy tải lại trang rồi gửi lại."})
				return
			}
		}
		h(w, r, u)
	}
}

var (
	allStaff   = []store.Role{store.RoleAdmin, store.RoleArchivist, store.RoleStaff}
	archivists = []store.Role{store.RoleAdmin, store.RoleArchivist}
	reusers    = []store.Role{store.RoleAdmin, store.RoleStaff}
	admins     = []store.Role{store.RoleAdmin}
)

// audit appends an event; a failure to log is itself logged, and the
// caller refuses the access it was about to give.
func (s *srv) audit(ctx context.Context, r *http.Request, u string, action string, record int64, detail string, ok bool) error {
	err := s.store.Log(ctx, store.Event{User: u, Action: action, RecordID: record, Detail: detail, Remote: remote(r), OK: ok})
	if err != nil {
		slog.Error("audit", "error", err)
	}
	return err
}

func (s *srv) loginPage(w http.ResponseWriter, r *http.Request, status int, msg, next string) {
	tok := newToken()
	s.setCookie(w, r, loginCookie, tok, 3600)
	d := pageData{Title: "Đăng nhập", Message: msg, CSRF: tok, Next: next}
	if r.Method == http.MethodPost { // a refused login keeps the name typed
		if n := strings.TrimSpace(r.PostFormValue("ten")); len(n) <= 100 {
			d.Username = n
		}
	}
	s.page(w, r, status, "login", nil, d)
}

func (s *srv) getLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.currentUser(r) != nil {
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
		return
	}
	msg := ""
	if r.URL.Query().Get("da_dang_xuat") != "" { // a flag only: a link cannot put words on the page
		msg = "Đã đăng xuất."
	}
	s.loginPage(w, r, http.StatusOK, msg, r.URL.Query().Get("next"))
}

// localNext keeps a redirect after login inside the staff area.
func localNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") ||
		!strings.HasPrefix(path.Clean(u.Path)+"/", "/staff/") {
		return "/staff/"
	}
	return u.RequestURI()
}

func (s *srv) postLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.loginPage(w, r, http.StatusForbidden, "Biểu mẫu đăng nhập đã cũ hoặc thiếu mã bảo vệ. Hãy đăng nhập lại.", "")
		return
	}
	name, pw, next := strings.TrimSpace(r.PostFormValue("ten")), r.PostFormValue("mat_khau"), r.PostFormValue("next")
	ctx := r.Context()
	// The length first: nothing of an oversized attempt is logged. A
	// burst refused by the rate limit is one event per client and window.
	if len(name) > maxNameBytes || len(pw) > 1024 || len(next) > 2048 {
		s.loginPage(w, r, http.StatusBadRequest, "Tên hoặc mật khẩu dài quá mức cho phép.", "")
		return
	}
	if now := s.now(); !s.logins.Allow(remote(r), now) {
		if s.logins.Report(remote(r), now) {
			s.audit(ctx, r, name, store.ActLogin, 0, "rate limited (further refusals from this client within a minute are not logged)", false)
		}
		s.loginPage(w, r, http.StatusTooManyRequests, "Quá nhiều lần đăng nhập từ máy này. Hãy đợi một phút rồi thử lại.", next)
		return
	}
	u, err := s.auth.Authenticate(ctx, name, pw, remote(r))
	var locked *auth.LockedError
	switch {
	case errors.Is(err, auth.ErrBusy):
		s.audit(ctx, r, name, store.ActLogin, 0, "slowed", false)
		s.loginPage(w, r, http.StatusTooManyRequests, "Tài khoản này đang bị thử đăng nhập nhiều lần nên được kiểm tra chậm lại. Hãy thử lại sau ít giây.", next)
		return
	case errors.As(err, &locked):
		s.audit(ctx, r, name, store.ActLogin, 0, "locked", false)
		s.loginPage(w, r, http.StatusTooManyRequests, "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Hãy thử lại sau "+
			locked.Until.Local().Format("15:04")+" hoặc nhờ quản trị viên.", next)
		return
	case errors.Is(err, auth.ErrBadCredentials):
		s.audit(ctx, r, name, store.ActLogin, 0, "bad credentials", false)
		s.loginPage(w, r, http.StatusUnauthorized, "Tên đăng nhập hoặc mật khẩu không đúng.", next)
		return
	case err != nil:
		internalError(w, r, err)
		return
	}
	// A new session on every login, whatever cookie the browser brought:
	// no session fixation.
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(ctx, hashToken(old.Value))
	}
	tok, now := newToken(), s.now()
	se := store.Session{User: u.Name, CSRF: newToken(), CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(sessionIdle)}
	if err := s.store.CreateSession(ctx, hashToken(tok), se); err != nil {
		internalError(w, r, err)
		return
	}
	if err := s.audit(ctx, r, u.Name, store.ActLogin, 0, "", true); err != nil {
		s.store.DeleteSession(ctx, hashToken(tok))
		internalError(w, r, err)
		return
	}
	if n, err := s.store.PurgeSessions(ctx, now); err == nil && n > 0 { // expired ones go at each login
		slog.Debug("expired sessions purged", "count", n)
	}
	s.setCookie(w, r, loginCookie, "", -1)
	s.setCookie(w, r, sessionCookie, tok, int(sessionMax.Seconds()))
	s.flash(w, r, se.CSRF, "Đã đăng nhập: "+u.Name+" ("+u.Role.Name()+").")
	http.Redirect(w, r, localNext(next), http.StatusSeeOther)
}

func (s *srv) postLogout(w http.ResponseWriter, r *http.Request, u *staffUser) {
	s.store.DeleteSession(r.Context(), u.tokenHash)
	s.audit(r.Context(), r, u.Name, store.ActLogout, 0, "", true)
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/staff/dang-nhap?da_dang_xuat=1", http.StatusSeeOther)
}

func internalError(w http.ResponseWriter, r *http.Request, err error) {
	slog.Error("staff", "path", r.URL.Path, "error", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write([]byte("Lỗi nội bộ của máy chủ. Hãy thử lại; nếu vẫn lỗi, báo quản trị viên.\n"))
}
