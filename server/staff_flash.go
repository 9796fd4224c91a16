package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"unicode/utf8"
)

// A flash is the confirmation of an action, shown once on the page the
// action redirects to ("Đã lưu và duyệt hồ sơ 12."). It travels in a
// cookie signed with the session's CSRF token: only this server, for this
// session, can make a page say it.
const (
	flashCookie = "motcua_bao"
	maxFlash    = 600 // bytes of message
)

func flashMAC(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// flash sets the confirmation the next staff page of session csrf shows.
func (s *srv) flash(w http.ResponseWriter, r *http.Request, csrf, msg string) {
	for len(msg) > maxFlash {
		_, n := utf8.DecodeLastRuneInString(msg)
		msg = msg[:len(msg)-n]
	}
	s.setCookie(w, r, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg))+"."+flashMAC(csrf, msg), 300)
}

// takeFlash returns the confirmation waiting for u's session, if any, and
// clears it.
func (s *srv) takeFlash(w http.ResponseWriter, r *http.Request, u *staffUser) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	s.setCookie(w, r, flashCookie, "", -1)
	enc, mac, ok := strings.Cut(c.Value, ".")
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(flashMAC(u.csrf, string(msg)))) || !utf8.Valid(msg) {
		return ""
	}
	return string(msg)
}

// clip shortens a long name for a message: its first n letters and "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}
