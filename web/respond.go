package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"motcua/dossier"
)

// reply ends a JSON handler that called one use case: the problem err
// is when it is not nil, else v as JSON with status.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
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

// decoded decodes the JSON body into v; on a bad body it answers with the
// problem and reports false.
func (s *Server) decoded(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decode(w, r, v); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

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

// missing returns a "bắt buộc" field error for each empty value of the
// (name, value) pairs given.
func missing(nameValues ...string) []dossier.FieldError {
	var fs []dossier.FieldError
	for i := 0; i+1 < len(nameValues); i += 2 {
		if nameValues[i+1] == "" {
			fs = append(fs, dossier.FieldError{Field: nameValues[i], Message: "bắt buộc"})
		}
	}
	return fs
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

// viewEach applies view (which edits in place, e.g. times into the
// center's zone) to every item and returns the items.
func viewEach[T any](items []T, view func(*T) *T) []T {
	for i := range items {
		view(&items[i])
	}
	return items
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

// limitedBody is r's body cut at limit bytes; reading past it fails with
// ETOOLARGE (413), which readers such as encoding/csv pass on unchanged.
func limitedBody(w http.ResponseWriter, r *http.Request, limit int64) io.Reader {
	return &tooLargeReader{r: http.MaxBytesReader(w, r.Body, limit), limit: limit}
}

type tooLargeReader struct {
	r     io.Reader
	limit int64
}

func (t *tooLargeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = dossier.Errorf(dossier.ETOOLARGE, "Tệp vượt quá %d MB", t.limit>>20)
	}
	return n, err
}
