package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"strings"
	"testing"

	"motcua/internal/testfile"
	"motcua/store"
)

// TestBadInputRegressions replays, one by one, the two 500s of the attack
// campaign (issue 16, item 7) — a multipart upload cut short and a static
// path that is not UTF-8 — and their neighbours: each is a 4xx, and an
// API answer is problem+json.
func TestBadInputRegressions(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	tok := ev.token(t, "reception")

	var whole bytes.Buffer
	mw := multipart.NewWriter(&whole)
	fw, _ := mw.CreateFormFile("file", "don.pdf")
	fw.Write(testfile.PDF("bị cắt"))
	mw.Close()
	ctype := mw.FormDataContentType()
	full := whole.Bytes()
	end := bytes.LastIndex(full, []byte("--"+mw.Boundary()))

	uploads := []struct {
		name, ctype string
		body        []byte
	}{
		{"cut in the file", ctype, full[:len(full)/2]},
		{"cut before the closing boundary", ctype, full[:end]},
		{"cut in the part headers", ctype, full[:bytes.Index(full, []byte("\r\n\r\n"))]},
		{"no boundary parameter", "multipart/form-data", full},
		{"wrong boundary", "multipart/form-data; boundary=khongphai", full},
		{"empty body", ctype, nil},
	}
	for _, u := range uploads {
		res, body := ev.do(t, tok, "POST", "/api/v1/blobs", string(u.body), map[string]string{"Content-Type": u.ctype})
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("upload %s: %d %s; want 4xx", u.name, res.StatusCode, body)
			continue
		}
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") || json.Unmarshal(body, &p) != nil || p.Status != res.StatusCode || p.Detail == "" {
			t.Errorf("upload %s: %s %s; want problem+json with a detail", u.name, ct, body)
		}
	}
	// The whole upload goes through, so the cut ones failed for the cut.
	if res, body := ev.do(t, tok, "POST", "/api/v1/blobs", string(full), map[string]string{"Content-Type": ctype}); res.StatusCode != 201 {
		t.Errorf("whole multipart upload: %d %s", res.StatusCode, body)
	}

	for _, p := range []string{"/static/%ff%fe", "/static/%ff", "/static/..%2f..%2fetc%2fpasswd", "/static/%00", "/%ff%fe", "/api/v1/dossiers/%ff%fe"} {
		if res, _ := roundTrip(t, nil, request(t, "GET", ev.srv.URL+p, nil, tok, nil)); res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("GET %s: %d; want 4xx", p, res.StatusCode)
		}
	}
}
