package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"motcua/store"
)

// FuzzAPIBadInput sends arbitrary bodies to the mutating endpoints: the
// answer is never a 500 (contract §2: never 500 for bad input).
func FuzzAPIBadInput(f *testing.F) {
	for _, s := range []string{`{}`, `{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"A","id_number":"001090001234"},"components":[{"code":"GDN","blob_id":"x"}]}`,
		`{"version":1,"new_due_at":"not a time"}`, `[1,2,3]`, `{"version":-1}`, `null`, `{"applicant":{"kind":"organization","id_number":"0100109106-001"}}`} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
		f.Add(s, uint8(2))
	}
	ev := newAPIEnv(f, store.SQLite)
	tok := ev.token(f, "reception")
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		paths := []string{"/api/v1/dossiers", "/api/v1/guidance-slips", "/api/v1/dossiers/000.00.02.H06-261127-0001/actions/apologize"}
		req := httptest.NewRequest("POST", paths[int(which)%len(paths)], strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(mustOutgoing(t, ev.srv.URL, req))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("POST %s %q: %d", req.URL.Path, body, res.StatusCode)
		}
	})
}

func mustOutgoing(t *testing.T, base string, in *http.Request) *http.Request {
	out, err := http.NewRequest(in.Method, base+in.URL.Path, in.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.Header = in.Header
	return out
}
