package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/testfile"
)

// TestIssueCrashBetweenNumberAndSeal: issue takes the register number in
// one short transaction and seals afterwards. The agency's seal key is
// made unreadable, so every issue stops between the two phases —
// numbered, seal pending; the server is then killed with SIGKILL, the key
// repaired and the server restarted. After the restart the pending seals
// complete on their own: each result keeps the number it was given, the
// register has no gap and no second number, the sealed PDF carries the
// recorded number, and `motcua check` and `motcua audit verify` pass.
func TestIssueCrashBetweenNumberAndSeal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	// A seal key file that does not parse: sealing fails, numbering not.
	sealKey := filepath.Join(data, "keys", "seals", "BN.SKHDT.p12")
	if err := os.MkdirAll(filepath.Dir(sealKey), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sealKey, []byte("not a PKCS#12 file"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, _ := startServer(t, bin, data, "--demo")
	c := &apiClient{t: t, base: srv.base}
	rec, appr, lead, clerk := c.login("reception"), c.login("appraiser"), c.login("approver"), c.login("clerk")
	blob := c.upload(rec, string(testfile.PDF("crash test scan")))
	const n = 3
	codes := make([]string, n)
	versions := make([]int64, n)
	for i := range codes {
		st, d := c.post(rec, "/api/v1/dossiers", fmt.Sprintf(`{"procedure_code":"2.001610","channel":"counter",
			"applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"00109000123%d"},
			"components":[{"code":"GDN","blob_id":%q},{"code":"GTPL","blob_id":%q}]}`, i, blob, blob))
		if st != 201 {
			t.Fatalf("receive: %d %v", st, d)
		}
		code, v := d["code"].(string), int64(d["version"].(float64))
		for _, step := range []struct{ tok, action, body string }{
			{appr, "assign", `{"version":%d}`},
			{appr, "submit-appraisal", `{"version":%d,"recommendation":"approve","report":"Đủ điều kiện","draft_result":"Cấp giấy chứng nhận."}`},
			{lead, "approve", `{"version":%d}`},
		} {
			st, d := c.post(step.tok, "/api/v1/dossiers/"+code+"/actions/"+step.action, fmt.Sprintf(step.body, v))
			if st != 200 {
				t.Fatalf("%s: %d %v", step.action, st, d)
			}
			v = int64(d["version"].(float64))
		}
		codes[i], versions[i] = code, v
	}
	// Phase 1 succeeds, phase 2 fails: numbered in order, seal pending.
	numbers := make([]string, n)
	for i, code := range codes {
		st, d := c.post(clerk, "/api/v1/dossiers/"+code+"/actions/issue", fmt.Sprintf(`{"version":%d}`, versions[i]))
		if st != 200 {
			t.Fatalf("issue %s: %d %v", code, st, d)
		}
		r, _ := d["result"].(map[string]any)
		if r == nil || r["seal_pending"] != true || r["sha256"] != nil {
			t.Fatalf("issue with a broken seal key: result %v; want numbered with the seal pending", r)
		}
		numbers[i] = r["number"].(string)
		if want := fmt.Sprintf("%02d/GCN-DKDN-SKHDT", i+1); numbers[i] != want {
			t.Errorf("result %d numbered %s; want %s", i, numbers[i], want)
		}
		versions[i] = int64(d["version"].(float64))
	}
	// A result whose seal is pending is not returned.
	if st, d := c.post(rec, "/api/v1/dossiers/"+codes[0]+"/actions/return", fmt.Sprintf(`{"version":%d}`, versions[0])); st != 503 {
		t.Errorf("return with the seal pending: %d %v; want 503", st, d)
	}
	srv.kill()

	// The key is repaired (the demo CA issues a new one) and the server
	// restarted: the resumer seals what was pending.
	if err := os.Remove(sealKey); err != nil {
		t.Fatal(err)
	}
	srv, _ = startServer(t, bin, data, "--demo")
	c.base = srv.base
	clerk, rec = c.login("clerk"), c.login("reception")
	deadline := clocktest.Now().Add(60 * time.Second)
	for i, code := range codes {
		var r map[string]any
		for {
			st, d := c.get(clerk, "/api/v1/dossiers/"+code)
			if st != 200 {
				t.Fatalf("get %s: %d", code, st)
			}
			r, _ = d["result"].(map[string]any)
			if r != nil && r["seal_pending"] == nil {
				break
			}
			if clocktest.Now().After(deadline) {
				t.Fatalf("seal of %s still pending after restart: %v", code, r)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if r["number"] != numbers[i] || r["sha256"] == nil {
			t.Errorf("%s after restart: result %v; want number %s, sealed", code, r, numbers[i])
		}
		// The sealed file carries the recorded number.
		pdf := c.getBytes(clerk, "/api/v1/dossiers/"+code+"/result.pdf")
		file := filepath.Join(t.TempDir(), "result.pdf")
		os.WriteFile(file, pdf, 0o600)
		out, err := exec.Command(bin, "verify", "-json", file).Output()
		if err != nil {
			t.Fatalf("verify %s: %v\n%s", code, err, out)
		}
		var rep struct {
			Signatures []struct {
				Reason string
				Intact bool
			}
		}
		if err := json.Unmarshal(out, &rep); err != nil || len(rep.Signatures) != 2 {
			t.Fatalf("verify %s: %v\n%s", code, err, out)
		}
		if s := rep.Signatures[1]; s.Reason != "Số: "+numbers[i] || !s.Intact {
			t.Errorf("%s: seal signature %+v; want intact, reason %q", code, s, "Số: "+numbers[i])
		}
	}
	// The register gave exactly n numbers.
	st, regs := c.get(clerk, "/api/v1/registers")
	if st != 200 {
		t.Fatalf("registers: %d", st)
	}
	items, _ := regs["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["last"] != float64(n) {
		t.Errorf("registers after restart: %v; want one register at %d", items, n)
	}
	// Now the result can be returned.
	if st, d := c.post(rec, "/api/v1/dossiers/"+codes[0]+"/actions/return", fmt.Sprintf(`{"version":%d}`, versions[0])); st != 200 {
		t.Errorf("return after the seal: %d %v", st, d)
	}
	for _, args := range [][]string{{"check", "--data", data}, {"audit", "verify", "--data", data}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("motcua %v: %v\n%s", args, err, out)
		}
	}
}

// apiClient is a small JSON client for tests against a server process.
type apiClient struct {
	t    *testing.T
	base string
}

func (c *apiClient) do(method, tok, path, ctype string, body []byte) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (c *apiClient) post(tok, path, body string) (int, map[string]any) {
	c.t.Helper()
	st, out := c.do("POST", tok, path, "application/json", []byte(body))
	var m map[string]any
	json.Unmarshal(out, &m)
	return st, m
}

func (c *apiClient) get(tok, path string) (int, map[string]any) {
	c.t.Helper()
	st, out := c.do("GET", tok, path, "", nil)
	var m map[string]any
	json.Unmarshal(out, &m)
	return st, m
}

func (c *apiClient) getBytes(tok, path string) []byte {
	c.t.Helper()
	st, out := c.do("GET", tok, path, "", nil)
	if st != 200 {
		c.t.Fatalf("GET %s: %d %s", path, st, out)
	}
	return out
}

func (c *apiClient) login(user string) string {
	c.t.Helper()
	st, m := c.post("", "/api/v1/session", `{"username":"`+user+`","password":"demo"}`)
	tok, _ := m["token"].(string)
	if st != 200 || tok == "" {
		c.t.Fatalf("login %s: %d %v", user, st, m)
	}
	return tok
}

func (c *apiClient) upload(tok, content string) string {
	c.t.Helper()
	st, out := c.do("POST", tok, "/api/v1/blobs", "application/pdf", []byte(content))
	var m map[string]any
	json.Unmarshal(out, &m)
	id, _ := m["id"].(string)
	if st != 201 || id == "" {
		c.t.Fatalf("upload: %d %s", st, out)
	}
	return id
}
