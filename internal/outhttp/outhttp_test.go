package outhttp

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
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

// TestFakeGate: injected failures first (n, then none), then each key is
// taken once and its repeats are answered 200 and counted.
func TestFakeGate(t *testing.T) {
	var g FakeGate
	admit := func(key string) (bool, int) {
		w := httptest.NewRecorder()
		ok := g.Admit(w, key)
		return ok, w.Code
	}
	g.FailNext(2, http.StatusServiceUnavailable)
	for i := range 2 {
		if ok, code := admit("a"); ok || code != http.StatusServiceUnavailable {
			t.Errorf("injected failure %d: admitted %v, status %d", i, ok, code)
		}
	}
	if ok, _ := admit("a"); !ok {
		t.Error("after the injected failures, a new key is not admitted")
	}
	if ok, code := admit("a"); ok || code != http.StatusOK || g.Duplicates != 1 {
		t.Errorf("repeat: admitted %v, status %d, duplicates %d", ok, code, g.Duplicates)
	}
	if ok, _ := admit("b"); !ok {
		t.Error("a second key is not admitted")
	}
	if got := g.Keys(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Keys = %q", got)
	}
	g.FailNext(-1, http.StatusBadGateway)
	for range 3 {
		if ok, code := admit("c"); ok || code != http.StatusBadGateway {
			t.Errorf("failing until told otherwise: admitted %v, status %d", ok, code)
		}
	}
}
