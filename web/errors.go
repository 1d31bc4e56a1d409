package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"motcua/dossier"
)

// One error path for the whole server: every handler and middleware ends a
// failed request with s.fail(w, r, err). The API answers RFC 9457 problem
// details (contract §2); the pages answer 401 with a redirect to sign-in and
// everything else with the one Vietnamese error page, templates/error.html.

// fail answers err: problem+json under /api/, otherwise the error page (or
// sign-in for a visitor without a valid session). Internal errors are
// logged and their detail hidden.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The request was cut off (the client went away, or its body was
		// refused and the connection is closing): not a server error.
		err = dossier.Errorf(dossier.EINVALID, "Yêu cầu bị ngắt giữa chừng; vui lòng gửi lại")
	}
	if e := unavailable(err); e != err {
		s.log.Warn("database unavailable", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		w.Header().Set("Retry-After", "2")
		err = e
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeProblem(w, r, err)
		return
	}
	code := dossier.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if status == http.StatusUnauthorized {
		if citizenPage(r.URL.Path) {
			s.toCitizenLogin(w, r)
		} else {
			s.toLogin(w, r)
		}
		return
	}
	if status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	msg := dossier.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		msg = "Lỗi hệ thống, vui lòng thử lại sau."
	}
	u := userOf(r)
	p := errorPage{Title: titles[status], Status: status, Message: msg, User: u, Officer: u != nil && u.IsOfficer(), Brand: s.brandingOf(r)}
	if r.Header.Get("HX-Request") == "true" {
		// htmx swaps only 2xx answers by default; the message goes into
		// the page's alert region instead.
		w.Header().Set("HX-Retarget", "#alert")
		w.Header().Set("HX-Reswap", "innerHTML")
		s.writeErrorPage(w, http.StatusOK, "alert", p)
		return
	}
	s.writeErrorPage(w, status, "error", p)
}

// inForm handles err for a page that shows it next to its form: an
// internal error goes through fail (ok is false, the answer is written);
// any other gives the status to answer with, and its field messages are
// put in fields.
func (s *Server) inForm(w http.ResponseWriter, r *http.Request, err error, fields map[string]string) (status int, ok bool) {
	status = statusOf(dossier.ErrorCode(err))
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return status, false
	}
	for _, fe := range dossier.ErrorFields(err) {
		fields[fe.Field] = fe.Message
	}
	return status, true
}

// citizenPage reports whether path is one of the citizens' own pages, whose
// visitors sign in at /dang-nhap rather than the officers' /login.
func citizenPage(path string) bool {
	return path == "/nop-truc-tuyen" || path == "/cong-dan" || strings.HasPrefix(path, "/cong-dan/")
}

// errorPage is what templates/error.html receives.
type errorPage struct {
	Title   string
	Status  int
	Message string
	User    *dossier.User
	Officer bool              // links back to the officers' desk rather than the public pages
	Brand   *dossier.Branding // the center's branding, as on the layouts; nil: the defaults
}

// errorTemplates parses templates/error.html: "error" is the page, "alert"
// the message alone for htmx swaps.
func errorTemplates() (*template.Template, error) {
	return template.ParseFS(templateFS, "templates/error.html")
}

// fallbackPage is served when even a template fails to render.
const fallbackPage = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi hệ thống</title><p>Lỗi hệ thống, vui lòng thử lại sau.</p></html>`

// writeErrorPage renders tmpl of the error templates; buffered, so a
// template error still gives a complete page.
func (s *Server) writeErrorPage(w http.ResponseWriter, status int, tmpl string, p errorPage) {
	var buf bytes.Buffer
	if err := s.errorPage.ExecuteTemplate(&buf, tmpl, p); err != nil {
		s.log.Error("error page: render", slog.Any("err", err))
		s.writeFallback(w)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// writeFallback answers 500 with a minimal page that cannot fail.
func (s *Server) writeFallback(w http.ResponseWriter) {
	writeHTML(w, http.StatusInternalServerError, []byte(fallbackPage))
}

// statuses maps the domain error codes to their HTTP status (contract §2).
var statuses = map[string]int{
	dossier.EINVALID:       http.StatusBadRequest,
	dossier.EUNAUTHORIZED:  http.StatusUnauthorized,
	dossier.EFORBIDDEN:     http.StatusForbidden,
	dossier.ENOTFOUND:      http.StatusNotFound,
	dossier.ECONFLICT:      http.StatusConflict,
	dossier.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	dossier.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	dossier.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	dossier.ERATELIMIT:     http.StatusTooManyRequests,
	dossier.EUNAVAILABLE:   http.StatusServiceUnavailable,
}

// statusOf maps a domain error code to its HTTP status (contract §2); an
// unknown code is an internal error.
func statusOf(code string) int {
	if st, ok := statuses[code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// titles are the problem titles per status, in Vietnamese.
var titles = map[int]string{
	400: "Yêu cầu không hợp lệ",
	401: "Chưa đăng nhập",
	403: "Không có quyền",
	404: "Không tìm thấy",
	405: "Phương thức không được hỗ trợ",
	409: "Xung đột trạng thái",
	413: "Dữ liệu quá lớn",
	415: "Định dạng tệp không được hỗ trợ",
	422: "Vi phạm quy tắc nghiệp vụ",
	429: "Quá nhiều yêu cầu",
	500: "Lỗi hệ thống",
	503: "Dịch vụ tạm thời không sẵn sàng",
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail,omitempty"`
	Code   string               `json:"code,omitempty"`
	Errors []dossier.FieldError `json:"errors,omitempty"`
}

// writeProblem writes err as application/problem+json. Internal errors are
// logged and their detail hidden.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	code := dossier.ErrorCode(err)
	status := statusOf(code)
	p := problem{Type: "about:blank", Title: titles[status], Status: status, Detail: dossier.ErrorMessage(err), Code: code,
		Errors: dossier.ErrorFields(err)}
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	} else {
		p.Type = "https://motcua.vn/problems/" + strings.ReplaceAll(code, "_", "-")
	}
	if status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}
