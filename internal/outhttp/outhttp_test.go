package outhttp

import (
	"context"
	"io"
	"testing"
)

func TestJSONRequest(t *testing.T) {
	req, err := JSONRequest(context.Background(), "POST", "http://127.0.0.1/x", map[string]string{"a": "b"}, "tok")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(req.Body)
	if string(b) != `{"a":"b"}` || req.Method != "POST" || req.URL.Path != "/x" ||
		req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Authorization") != "Bearer tok" {
		t.Errorf("request = %s %s %q %v", req.Method, req.URL, b, req.Header)
	}
	req, err = JSONRequest(context.Background(), "GET", "http://127.0.0.1/y", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if req.Body != nil || req.Header.Get("Authorization") != "" {
		t.Errorf("no body, no token: body %v, header %v", req.Body, req.Header)
	}
	if _, err := JSONRequest(context.Background(), "POST", "http://127.0.0.1/", func() {}, ""); err == nil {
		t.Error("a value JSON cannot encode gave no error")
	}
}
