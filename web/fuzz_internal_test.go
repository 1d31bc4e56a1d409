package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"motcua/blob"
	"motcua/dossier"
)

// FuzzMultipartFile: whatever a client sends as a multipart upload, the
// file part is found and stored, or the upload is refused with a client
// error (400, 413, 415, 422) — a truncated body was a 500 (issue 16,
// item 7). Never a panic.
func FuzzMultipartFile(f *testing.F) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.SetBoundary("X")
	mw.WriteField("version", "3")
	fw, _ := mw.CreateFormFile("file", "a.pdf")
	fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
	mw.Close()
	f.Add(b.Bytes(), "X")
	f.Add(b.Bytes()[:b.Len()/2], "X")
	f.Add([]byte("--X\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"), "X")
	f.Add([]byte("--X\r\n\r\n--X--\r\n"), "")
	store, err := blob.Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r, err := newMultipartFile(bytes.NewReader(body), boundary)
		if err != nil {
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("newMultipartFile = %v; want EINVALID", err)
			}
			return
		}
		if _, err := store.Put(r, 1<<20); err != nil {
			switch dossier.ErrorCode(err) {
			case dossier.EINVALID, dossier.ETOOLARGE, dossier.EUNSUPPORTED, dossier.EUNPROCESSABLE:
			default:
				t.Fatalf("storing the part: %v; want a client error", err)
			}
		}
	})
}

// FuzzProblemJSON: every error the server answers with, whatever its
// message and fields hold, is a valid RFC 9457 problem+json document
// that decodes back to the same status, code, detail and fields; an
// internal error's detail is never shown.
func FuzzProblemJSON(f *testing.F) {
	codes := []string{dossier.EINVALID, dossier.ENOTFOUND, dossier.ECONFLICT, dossier.EFORBIDDEN, dossier.EUNAUTHORIZED,
		dossier.ETOOLARGE, dossier.EUNSUPPORTED, dossier.EUNPROCESSABLE, dossier.ERATELIMIT, dossier.EINTERNAL}
	f.Add(uint8(0), "Thiếu trường", "applicant.name", "bắt buộc", 3)
	f.Add(uint8(9), "secret: db password in message", "", "", 0)
	f.Add(uint8(1), "\xff\xfe<script>", "\x00", "\"}", -1)
	s := &Server{log: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, which uint8, msg, field, fmsg string, line int) {
		code := codes[int(which)%len(codes)]
		var err error = &dossier.Error{Code: code, Message: msg, Fields: []dossier.FieldError{{Field: field, Message: fmsg, Line: line}}}
		if code == dossier.EINTERNAL {
			err = errors.New(msg)
		}
		w := httptest.NewRecorder()
		s.writeProblem(w, httptest.NewRequest("POST", "/api/v1/dossiers", nil), err)
		if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("Content-Type %q", ct)
		}
		var p struct {
			Type   string               `json:"type"`
			Title  string               `json:"title"`
			Status int                  `json:"status"`
			Detail string               `json:"detail"`
			Code   string               `json:"code"`
			Errors []dossier.FieldError `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("not JSON: %v: %s", err, w.Body.Bytes())
		}
		if p.Status != w.Code || p.Status != statusOf(code) || p.Title == "" || p.Type == "" || !utf8.ValidString(w.Body.String()) {
			t.Fatalf("problem %+v for %d", p, w.Code)
		}
		if code == dossier.EINTERNAL {
			if msg != "" && strings.Contains(p.Detail, msg) && !strings.Contains("Lỗi hệ thống, vui lòng thử lại sau.", msg) {
				t.Fatalf("internal detail shown: %q", p.Detail)
			}
			return
		}
		if p.Code != code || p.Detail != jsonText(msg) || len(p.Errors) != 1 ||
			p.Errors[0].Field != jsonText(field) || p.Errors[0].Message != jsonText(fmsg) || p.Errors[0].Line != line {
			t.Fatalf("round trip: sent %q/%q/%q, got %+v", msg, field, fmsg, p)
		}
	})
}

// jsonText is s as it reads after a JSON round trip (invalid UTF-8 bytes
// become U+FFFD).
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	var out string
	json.Unmarshal(b, &out)
	return out
}
