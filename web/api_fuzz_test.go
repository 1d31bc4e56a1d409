package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// FuzzLookupToken: whatever token a visitor types or a QR code carries,
// the public lookup and verification pages and APIs answer 200 for a
// real token and 400/404/429 otherwise — never a 5xx — and an unknown
// token is a 404 that says nothing about why.
func FuzzLookupToken(f *testing.F) {
	ev := newAPIEnv(f, store.SQLite)
	res, body := ev.do(f, ev.token(f, "reception"), "POST", "/api/v1/dossiers", receiveBody(ev.uploadPDF(f, "reception")), nil)
	var d struct {
		LookupToken string `json:"lookup_token"`
	}
	json.Unmarshal(body, &d)
	if res.StatusCode != 201 || d.LookupToken == "" {
		f.Fatalf("receive: %d %s", res.StatusCode, body)
	}
	for _, s := range []string{d.LookupToken, "AAAAAAAAAAAAAAAAAAAAAA", "", "%ff%fe", "../../x", strings.Repeat("z", 500), d.LookupToken + " ", "' OR 1=1--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		q := url.QueryEscape(tok)
		p := url.PathEscape(tok)
		for _, path := range []string{"/api/v1/public/lookup?token=" + q, "/tra-cuu?token=" + q, "/api/v1/public/verify/" + p, "/verify/" + p} {
			req, err := http.NewRequest("GET", ev.srv.URL+path, nil)
			if err != nil {
				continue // not a URL a client could send
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			switch {
			case res.StatusCode >= 500:
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			case strings.TrimSpace(tok) == d.LookupToken && strings.Contains(path, "lookup") && res.StatusCode != 200:
				t.Errorf("GET %s with the real token: %d", path, res.StatusCode)
			case res.StatusCode == 200 && strings.Contains(path, "lookup") && strings.TrimSpace(tok) != d.LookupToken && tok != "" && path != "/tra-cuu?token="+q:
				t.Errorf("GET %s with a wrong token: 200", path)
			}
		}
	})
}
