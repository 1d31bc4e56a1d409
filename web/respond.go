package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"motcua/dossier"
)

// statusOf maps a domain error code to its HTTP status (contract §2).
func statusOf(code string) int {
	switch code {
	case dossier.EINVALID:
		return http.StatusBadRequest
	case dossier.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dossier.EFORBIDDEN:
		return http.StatusForbidden
	case dossier.ENOTFOUND:
		return http.StatusNotFound
	case dossier.ECONFLICT:
		return http.StatusConflict
	case dossier.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case dossier.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	case dossier.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case dossier.ERATELIMIT:
		return http.StatusTooManyRequests
	case dossier.EUNAVAILABLE:
		return http.StatusServiceUnavailable
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

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxJSON is the largest JSON body accepted.
const maxJSON = 1 << 20

// decode reads a JSON body into v strictly: unknown fields, trailing data,
// wrong types and oversized bodies are EINVALID/ETOOLARGE naming the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
		return dossier.Errorf(dossier.EUNSUPPORTED, "Cần nội dung JSON (Content-Type: application/json)")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return dossier.Invalid("Dữ liệu JSON thừa sau đối tượng chính")
	}
	return nil
}

func jsonError(err error) error {
	var mbe *http.MaxBytesError
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return dossier.Errorf(dossier.ETOOLARGE, "Dữ liệu gửi lên vượt quá %d byte", mbe.Limit)
	case errors.As(err, &ute):
		return dossier.Invalid("Sai kiểu dữ liệu", dossier.FieldError{Field: ute.Field, Message: "cần kiểu " + ute.Type.String()})
	case errors.As(err, &se):
		return dossier.Invalid("JSON không hợp lệ", dossier.FieldError{Field: "body", Message: se.Error()})
	case errors.Is(err, io.EOF):
		return dossier.Invalid("Thiếu nội dung JSON", dossier.FieldError{Field: "body", Message: "rỗng"})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return dossier.Invalid("Trường không được hỗ trợ", dossier.FieldError{Field: f, Message: "trường không tồn tại"})
	}
	return dossier.Invalid("JSON không hợp lệ", dossier.FieldError{Field: "body", Message: err.Error()})
}

// listResponse is the shape of every list (contract §2).
type listResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func list[T any](items []T, next string) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{Items: items, NextCursor: next}
}

// writeHTML writes a rendered page; pages are not cached unless the
// handler said otherwise.
func writeHTML(w http.ResponseWriter, status int, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(page)
}
