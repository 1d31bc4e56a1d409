package web

import (
	"net/http"
	"strings"

	"motcua/dossier"
)

// uiLoginForm is the sign-in page's data.
type uiLoginForm struct {
	Username string
	Next     string
	Expired  bool
	Errors   uiFieldErrors
	Demo     bool
}

// uiLoginPage shows the sign-in form (contract §2: fields username and
// password, posting to /login).
func (s *Server) uiLoginPage(w http.ResponseWriter, r *http.Request) {
	f := uiLoginForm{Next: uiSafeNext(r.URL.Query().Get("next")), Errors: uiFieldErrors{}, Demo: s.opts.Demo}
	if sessionExpired(r) {
		f.Expired = true
	}
	if c, err := r.Cookie(uiExpiredCookie); err == nil && c.Value == "1" {
		f.Expired = true
		http.SetCookie(w, &http.Cookie{Name: uiExpiredCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true,
			Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	if u := userOf(r); u != nil && !f.Expired && r.URL.Query().Get("next") != "" {
		// Already signed in: go straight to the page asked for.
		http.Redirect(w, r, f.Next, http.StatusSeeOther)
		return
	}
	s.renderPage(w, r, http.StatusOK, "login", &uiPage{Title: "Đăng nhập", D: f})
}

// uiLogin signs in from the form and returns to the page asked for.
func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	f := uiLoginForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: uiSafeNext(r.PostForm.Get("next")),
		Errors: uiFieldErrors{}, Demo: s.opts.Demo}
	password := r.PostForm.Get("password")
	if f.Username == "" {
		f.Errors["username"] = "Vui lòng nhập tên đăng nhập"
	}
	if password == "" {
		f.Errors["password"] = "Vui lòng nhập mật khẩu"
	}
	if len(f.Errors) > 0 {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "login", &uiPage{Title: "Đăng nhập", D: f})
		return
	}
	tok, u, err := s.svc.Login(r.Context(), f.Username, password)
	if err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		f.Errors["password"] = dossier.ErrorMessage(err)
		s.renderPage(w, r, status, "login", &uiPage{Title: "Đăng nhập", D: f})
		return
	}
	s.setSessionCookie(w, tok)
	next := f.Next
	if next == "/" && !u.IsOfficer() {
		next = "/nop-truc-tuyen"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// uiLogout ends the session and returns to the sign-in page.
func (s *Server) uiLogout(w http.ResponseWriter, r *http.Request) {
	if s.sameOrigin(w, r) && s.endSession(w, r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	}
}
