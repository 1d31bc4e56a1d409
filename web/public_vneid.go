package web

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"motcua/dossier"
	"motcua/sso"
	"motcua/workflow"
)

// Sign-in with VNeID through the national portal's OpenID Connect single
// sign-on (issue 18 item 3, docs/oidc.md): GET /dang-nhap/vneid sends the
// browser to the provider with a fresh state, nonce and PKCE verifier,
// kept in a ten-minute HttpOnly cookie limited to these two paths; the
// callback checks the state against it, has package sso redeem the code
// and verify the ID token, and opens the citizen's session
// (workflow.SignInVerified). Every refusal is the sign-in page with a
// Vietnamese message; nothing of the code or the tokens is logged.

const (
	vneidPath   = "/dang-nhap/vneid"
	vneidCookie = "motcua_vneid"
)

// vneidRefusal is the sign-in page with msg, at status.
func (s *Server) vneidRefusal(w http.ResponseWriter, r *http.Request, status int, next, msg string) {
	s.frontRender(w, r, status, "signin", &fpage{Title: "Đăng nhập", Nav: "dang-nhap", Error: msg,
		D: accountForm{Next: next, VNeID: true, Errors: map[string]string{}}})
}

func (s *Server) vneidCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: vneidCookie, Value: value, Path: vneidPath, MaxAge: maxAge, HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode}
}

func (s *Server) pageVNeIDStart(w http.ResponseWriter, r *http.Request) {
	if s.opts.OIDC == nil {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Đăng nhập bằng VNeID chưa được cấu hình trên hệ thống này"))
		return
	}
	next := localNext(r.URL.Query().Get("next"), "/cong-dan")
	f := sso.NewFlow()
	to, err := s.opts.OIDC.AuthCodeURL(f)
	if err != nil {
		s.log.Warn("vneid: provider unavailable", slog.String("err", err.Error()))
		s.vneidRefusal(w, r, http.StatusServiceUnavailable, next, "Không kết nối được hệ thống định danh VNeID; vui lòng thử lại sau ít phút")
		return
	}
	v := strings.Join([]string{f.State, f.Nonce, f.Verifier, base64.RawURLEncoding.EncodeToString([]byte(next))}, ".")
	http.SetCookie(w, s.vneidCookie(v, 600))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) pageVNeIDCallback(w http.ResponseWriter, r *http.Request) {
	if s.opts.OIDC == nil {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Đăng nhập bằng VNeID chưa được cấu hình trên hệ thống này"))
		return
	}
	http.SetCookie(w, s.vneidCookie("", -1)) // one use
	w.Header().Set("Cache-Control", "no-store")
	var f sso.Flow
	next := "/cong-dan"
	if c, err := r.Cookie(vneidCookie); err == nil {
		if p := strings.Split(c.Value, "."); len(p) == 4 {
			f = sso.Flow{State: p[0], Nonce: p[1], Verifier: p[2]}
			if b, err := base64.RawURLEncoding.DecodeString(p[3]); err == nil {
				next = localNext(string(b), next)
			}
		}
	}
	q := r.URL.Query()
	state := q.Get("state")
	switch {
	case f.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1:
		s.vneidRefusal(w, r, http.StatusBadRequest, next, "Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn; vui lòng bấm “Đăng nhập bằng VNeID” lại")
		return
	case q.Get("error") != "" || q.Get("code") == "":
		s.vneidRefusal(w, r, http.StatusUnauthorized, next, "Đăng nhập bằng VNeID chưa hoàn tất (đã hủy hoặc bị từ chối); vui lòng thử lại")
		return
	}
	id, err := s.opts.OIDC.Exchange(r.Context(), f, q.Get("code"))
	if err != nil {
		s.log.Warn("vneid: sign-in refused", slog.String("err", err.Error())) // sso's errors hold no token or code
		switch {
		case errors.Is(err, sso.ErrProvider):
			s.vneidRefusal(w, r, http.StatusServiceUnavailable, next, "Không kết nối được hệ thống định danh VNeID; vui lòng thử lại sau ít phút")
		case errors.Is(err, sso.ErrNoID):
			s.vneidRefusal(w, r, http.StatusUnauthorized, next, "Tài khoản VNeID không cung cấp số định danh cá nhân; không thể đăng nhập")
		default:
			s.vneidRefusal(w, r, http.StatusUnauthorized, next, "Không xác thực được thông tin đăng nhập từ VNeID; vui lòng đăng nhập lại")
		}
		return
	}
	tok, _, err := s.svc.SignInVerified(r.Context(), workflow.VerifiedIdentity{IDNumber: id.IDNumber, Name: id.Name,
		Level: dossier.IdentityLevel(id.Level)})
	if err != nil {
		if status := statusOf(dossier.ErrorCode(err)); status < http.StatusInternalServerError {
			s.vneidRefusal(w, r, status, next, dossier.ErrorMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, tok)
	http.Redirect(w, r, next, http.StatusSeeOther)
}
