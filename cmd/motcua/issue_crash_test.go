package main

import (
	"encoding/json"
	"fmt"
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
	bin := binaryUnlessShort(t)
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
	rec, appr, lead, clerk := srv.login("reception", "demo"), srv.login("appraiser", "demo"), srv.login("approver", "demo"), srv.login("clerk", "demo")
	blob := srv.upload(rec, testfile.PDF("crash test scan"))
	const n = 3
	codes := make([]string, n)
	versions := make([]int64, n)
	for i := range codes {
		st, d := srv.post(rec, "/api/v1/dossiers", fmt.Sprintf(`{"procedure_code":"2.001610","channel":"counter",
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
			st, d := srv.post(step.tok, "/api/v1/dossiers/"+code+"/actions/"+step.action, fmt.Sprintf(step.body, v))
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
		st, d := srv.post(clerk, "/api/v1/dossiers/"+code+"/actions/issue", fmt.Sprintf(`{"version":%d}`, versions[i]))
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
	if st, d := srv.post(rec, "/api/v1/dossiers/"+codes[0]+"/actions/return", fmt.Sprintf(`{"version":%d}`, versions[0])); st != 503 {
		t.Errorf("return with the seal pending: %d %v; want 503", st, d)
	}
	srv.kill()

	// The key is repaired (the demo CA issues a new one) and the server
	// restarted: the resumer seals what was pending.
	if err := os.Remove(sealKey); err != nil {
		t.Fatal(err)
	}
	srv, _ = startServer(t, bin, data, "--demo")
	clerk, rec = srv.login("clerk", "demo"), srv.login("reception", "demo")
	deadline := clocktest.Now().Add(60 * time.Second)
	for i, code := range codes {
		var r map[string]any
		for {
			st, d := srv.do("GET", "/api/v1/dossiers/"+code, clerk, "", "", nil)
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
		st, pdf := srv.raw("GET", "/api/v1/dossiers/"+code+"/result.pdf", clerk, "", "", nil)
		if st != 200 {
			t.Fatalf("GET result.pdf of %s: %d %s", code, st, pdf)
		}
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
	st, regs := srv.do("GET", "/api/v1/registers", clerk, "", "", nil)
	if st != 200 {
		t.Fatalf("registers: %d", st)
	}
	items, _ := regs["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["last"] != float64(n) {
		t.Errorf("registers after restart: %v; want one register at %d", items, n)
	}
	// Now the result can be returned.
	if st, d := srv.post(rec, "/api/v1/dossiers/"+codes[0]+"/actions/return", fmt.Sprintf(`{"version":%d}`, versions[0])); st != 200 {
		t.Errorf("return after the seal: %d %v", st, d)
	}
	for _, args := range [][]string{{"check", "--data", data}, {"audit", "verify", "--data", data}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("motcua %v: %v\n%s", args, err, out)
		}
	}
}
