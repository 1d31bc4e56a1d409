package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dvcqg"
	"motcua/internal/benchtest"
	"motcua/internal/clocktest"
	"motcua/internal/testfile"
	"motcua/store/storetest"
)

// binaryUnlessShort skips t under -short, for it builds and runs the
// binary; otherwise it returns the binary buildBinary compiled.
func binaryUnlessShort(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	return buildBinary(t)
}

// buildBinary compiles motcua once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "motcua")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t testing.TB, base string, d time.Duration) time.Duration {
	start := clocktest.Now()
	for time.Since(start) < d {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return time.Since(start)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s not healthy after %v", base, d)
	return 0
}

// TestSIGKILLLeavesConsistentData kills the server with SIGKILL in the
// middle of a transition load; after restart, `motcua check` finds no
// dossier whose status disagrees with its history and `motcua audit
// verify` finds the chain intact.
func TestSIGKILLLeavesConsistentData(t *testing.T) {
	bin := binaryUnlessShort(t)
	data := t.TempDir()
	srv, _ := startServer(t, bin, data, "--demo")
	post := func(tok, path string, body []byte) (int, map[string]any) {
		return srv.do("POST", path, tok, "", "application/json", body)
	}
	rec, appr := srv.login("reception", "demo"), srv.login("appraiser", "demo")
	body := srv.receiveBody(rec, testfile.PDF("k"))
	var done atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				st, d := post(rec, "/api/v1/dossiers", body)
				if st != 201 {
					continue
				}
				code, v := d["code"].(string), int(d["version"].(float64))
				for _, a := range []string{"assign", "request-supplement"} {
					st, _ := post(appr, "/api/v1/dossiers/"+code+"/actions/"+a, []byte(fmt.Sprintf(`{"version":%d,"reason":"thiếu"}`, v)))
					if st != 200 {
						break
					}
					v++
					done.Add(1)
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	srv.kill()
	cancel()
	wg.Wait()
	if done.Load() == 0 {
		t.Fatal("no transition happened before the kill")
	}
	t.Logf("%d transitions acknowledged before SIGKILL", done.Load())
	for _, args := range [][]string{{"check", "--data", data}, {"audit", "verify", "--data", data}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Errorf("motcua %v after SIGKILL: %v\n%s", args, err, out)
		}
	}
}

// TestServeDemoColdStart starts the README's command on an empty data
// directory and signs in with every demo account; the time to a healthy
// /healthz is logged (the figure is measured by the benchmark below).
func TestServeDemoColdStart(t *testing.T) {
	bin := binaryUnlessShort(t)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--data", t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	took := waitHealthy(t, "http://"+addr, 30*time.Second)
	t.Logf("cold start to healthy /healthz: %v", took)
	for _, u := range []string{"reception", "appraiser", "approver", "clerk", "supervisor", "admin"} {
		res, err := http.Post("http://"+addr+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+u+`","password":"demo"}`))
		if err != nil || res.StatusCode != 200 {
			t.Errorf("login %s: %v %v", u, err, res.StatusCode)
		}
		if res != nil {
			res.Body.Close()
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("clean shutdown on SIGINT: %v", err)
	}
	for _, u := range []string{"reception", "appraiser", "approver", "clerk", "supervisor", "admin"} {
		if !strings.Contains(out.String(), u) {
			t.Errorf("demo account %s not printed:\n%s", u, out.String())
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"fly"}, 2},
		{[]string{"user", "add"}, 2},
		{[]string{"import", "planets", "x.csv"}, 2},
		{[]string{"calendar", "due", "--from", "yesterday", "--days", "1"}, 2},
		{[]string{"help"}, 0},
		{[]string{"archive", "--limit", "0"}, 2},
		{[]string{"archive", "--every", "soon"}, 2},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		if got := run(context.Background(), tt.args, func(string) string { return "" }, strings.NewReader(""), &out, &errb); got != tt.code {
			t.Errorf("run(%v) = %d; want %d (%s)", tt.args, got, tt.code, errb.String())
		}
	}
}

func TestUserAddAndImport(t *testing.T) {
	data := t.TempDir()
	env := func(string) string { return "" }
	var out, errb bytes.Buffer
	csv := filepath.Join(t.TempDir(), "agencies.csv")
	os.WriteFile(csv, []byte("code,name,level,parent_code\nBN,Ủy ban nhân dân tỉnh Bắc Ninh,province,\nBN.SXD,Sở Xây dựng,province,BN\n"), 0o600)
	if code := run(context.Background(), []string{"import", "agencies", csv, "--data", data}, env, nil, &out, &errb); code != 0 {
		t.Fatalf("import: %d %s", code, errb.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("code,name,level,parent_code\nX1,Tên,planet,\n,Không mã,province,\n"), 0o600)
	errb.Reset()
	if code := run(context.Background(), []string{"import", "agencies", bad, "--data", data}, env, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "dòng 2") || !strings.Contains(errb.String(), "dòng 3") {
		t.Errorf("bad import: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"user", "add", "--username", "gdsxd", "--password-stdin", "--role", "approver", "--agency", "BN.SXD", "--data", data},
		env, strings.NewReader("mật-khẩu-dài\n"), &out, &errb); code != 0 {
		t.Errorf("user add: %d %s", code, errb.String())
	}
}

// TestArchiveCommand: on a fresh data directory there is nothing to
// archive; the command says so and succeeds.
func TestArchiveCommand(t *testing.T) {
	var out, errb bytes.Buffer
	data := t.TempDir()
	if code := run(context.Background(), []string{"archive", "--demo", "--data", data}, func(string) string { return "" }, nil, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "Đã lưu trữ dài hạn (PAdES B-LTA) 0 kết quả") {
		t.Errorf("archive = %d: %s %s", code, out.String(), errb.String())
	}
}

// ack is a write the server acknowledged: after it, the dossier had this
// version and status.
type ack struct {
	code    string
	version int
	status  string
}

// pending is a write sent without an answer (the server was killed).
type pending struct {
	path, key string
	body      []byte
}

// TestKill9RepeatedlyUnderLoad kills the server with SIGKILL again and
// again while eight clients write with Idempotency-Keys (receive, assign,
// request a supplement). Between rounds `motcua check` and `motcua audit
// verify` must pass; after the last, every acknowledged write must be
// there (version and status in the history), and every request that got
// no answer can be retried with its key once the claim's lease has run
// out — none stays "in progress" (issue 16, items 3, 4 and 10).
// MOTCUA_CRASH_ROUNDS sets the rounds (default 8).
func TestKill9RepeatedlyUnderLoad(t *testing.T) {
	bin := binaryUnlessShort(t)
	rounds := crashRounds(8)
	data := t.TempDir()
	env := append(os.Environ(), "MOTCUA_IDEMPOTENCY_LEASE=2s", "MOTCUA_AUDIT_ANCHOR_EVERY=1s")
	srv, _ := startServerEnv(t, bin, data, env, "--demo")
	send := func(tok, path, key string, body []byte) (int, map[string]any) {
		return srv.do("POST", path, tok, key, "application/json", body)
	}
	rec, appr := srv.login("reception", "demo"), srv.login("appraiser", "demo")
	receive := srv.receiveBody(rec, testfile.PDF("crash"))

	var (
		mu      sync.Mutex
		acks    []ack
		unsent  []pending
		nextKey atomic.Int64
	)
	record := func(st int, m map[string]any, p pending) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case st == 0:
			unsent = append(unsent, p)
		case st/100 == 2 && m["code"] != nil:
			acks = append(acks, ack{code: m["code"].(string), version: int(m["version"].(float64)), status: m["status"].(string)})
		}
	}
	var restarts []time.Duration
	for round := range rounds {
		stop := benchtest.Flood(8, func(int) bool {
			p := pending{path: "/api/v1/dossiers", key: fmt.Sprintf("k%d", nextKey.Add(1)), body: receive}
			st, m := send(rec, p.path, p.key, p.body)
			record(st, m, p)
			if st != 201 {
				return true
			}
			code, v := m["code"].(string), int(m["version"].(float64))
			for _, a := range []string{"assign", "request-supplement"} {
				p := pending{path: "/api/v1/dossiers/" + code + "/actions/" + a, key: fmt.Sprintf("k%d", nextKey.Add(1)),
					body: []byte(fmt.Sprintf(`{"version":%d,"reason":"thiếu giấy tờ"}`, v))}
				st, m := send(appr, p.path, p.key, p.body)
				record(st, m, p)
				if st != 200 {
					break
				}
				v++
			}
			return true
		})
		time.Sleep(time.Duration(400+round*97%900) * time.Millisecond)
		srv.kill()
		stop()
		for _, args := range [][]string{{"check", "--data", data}, {"audit", "verify", "--demo", "--data", data}} {
			c := exec.Command(bin, args...)
			c.Env = env
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("round %d: motcua %v after SIGKILL: %v\n%s", round+1, args, err, out)
			}
		}
		var took time.Duration
		srv, took = startServerEnv(t, bin, data, env, "--demo")
		restarts = append(restarts, took)
	}

	// Every acknowledged write is there.
	latest := map[string]ack{}
	for _, a := range acks {
		if a.version > latest[a.code].version {
			latest[a.code] = a
		}
	}
	lost := 0
	for _, a := range acks {
		req, _ := http.NewRequest("GET", srv.base+"/api/v1/dossiers/"+a.code, nil)
		req.Header.Set("Authorization", "Bearer "+rec)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Version int
			History []struct{ To string }
		}
		json.NewDecoder(res.Body).Decode(&d)
		res.Body.Close()
		if res.StatusCode != 200 || d.Version < a.version || len(d.History) < a.version || d.History[a.version-1].To != a.status {
			lost++
			t.Errorf("acknowledged %s v%d %s: now %d, version %d, history %d", a.code, a.version, a.status, res.StatusCode, d.Version, len(d.History))
		}
	}
	// Requests without an answer: after the lease, a retry with the same
	// key is answered — replayed, run, or told it was done — never "in
	// progress" and never 5xx.
	time.Sleep(2500 * time.Millisecond)
	stuck := 0
	for _, p := range unsent {
		tok := rec
		if strings.Contains(p.path, "/actions/") {
			tok = appr
		}
		st, m := send(tok, p.path, p.key, p.body)
		if st == 0 || st >= 500 || (st == 409 && strings.Contains(fmt.Sprint(m["detail"]), "đang được xử lý")) {
			stuck++
			t.Errorf("retry of %s (key %s): %d %v", p.path, p.key, st, m)
		}
	}
	t.Logf("%d kill -9 restarts under load: %d acknowledged writes, %d lost; %d unanswered requests retried after the lease, %d stuck; restart to healthy %v",
		rounds, len(acks), lost, len(unsent), stuck, restarts)
}

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

// TestOutboxNoLossAcrossKill9 (issue 18 figure): the server pushes every
// dossier event to a fake national portal on 127.0.0.1 that answers
// slowly, and is killed with SIGKILL ten times while it delivers. At the
// end every portal message the database holds has reached the portal
// (lost = 0); repeats carry the same idempotency key and are counted by
// the receiver.
func TestOutboxNoLossAcrossKill9(t *testing.T) {
	bin := binaryUnlessShort(t)
	rounds := crashRounds(10)
	fake := dvcqg.NewFake()
	fake.SetSlow(15 * time.Millisecond)
	portal := httptest.NewServer(fake)
	defer portal.Close()
	data := t.TempDir()
	env := append(os.Environ(), "MOTCUA_DVCQG_URL="+portal.URL, "MOTCUA_AUDIT_ANCHOR_EVERY=0")
	srv, _ := startServerEnv(t, bin, data, env, "--demo")
	var acked atomic.Int64
	var codesMu sync.Mutex
	var codes []string
	for round := range rounds {
		rec := srv.login("reception", "demo")
		body := srv.receiveBody(rec, testfile.PDF("outbox"))
		stop := benchtest.Flood(4, func(int) bool {
			if st, m := srv.do("POST", "/api/v1/dossiers", rec, "", "application/json", body); st == 201 {
				acked.Add(1)
				codesMu.Lock()
				codes = append(codes, m["code"].(string))
				codesMu.Unlock()
			}
			return true
		})
		time.Sleep(time.Duration(300+round*71%400) * time.Millisecond)
		srv.kill()
		stop()
		srv, _ = startServerEnv(t, bin, data, env, "--demo")
	}
	// Let the last instance deliver everything (claims of the killed
	// processes come back when their lease ends: 60 s).
	var pending int
	deadline := clocktest.Now().Add(150 * time.Second)
	for {
		pending = countPortalPending(t, data)
		if pending == 0 || clocktest.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Second)
	}
	srv.stop()
	keys := portalKeys(t, data)
	got := map[string]bool{}
	for _, k := range fake.Keys() {
		got[k] = true
	}
	lost := 0
	for _, k := range keys {
		if !got[k] {
			lost++
		}
	}
	missing := 0
	for _, c := range codes {
		if _, ok := fake.Record(c); !ok {
			missing++
		}
	}
	accepted, dups, ooo := fake.Stats()
	t.Logf("%d kill -9 rounds: %d dossiers acknowledged, %d portal messages in the database, %d accepted by the portal, %d lost, %d duplicates dropped by the receiver, %d out of order",
		rounds, acked.Load(), len(keys), accepted, lost, dups, ooo)
	if pending != 0 || lost != 0 || missing != 0 || len(keys) < int(acked.Load()) {
		t.Errorf("pending %d, lost %d, acknowledged dossiers missing at the portal %d (messages %d for %d dossiers)", pending, lost, missing, len(keys), acked.Load())
	}
	if ooo != 0 {
		t.Errorf("%d messages out of order", ooo)
	}
}

// portalQuery runs one query on the data folder's database (beside the
// running server: SQLite in WAL mode).
func portalQuery(t *testing.T, data, q string) []string {
	t.Helper()
	c, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.Data = data
	db, err := openStore(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return storetest.Strings(t, db, q)
}

func countPortalPending(t *testing.T, data string) int {
	r := portalQuery(t, data, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox_deliveries WHERE destination = 'dvcqg' AND status <> 'sent'`)
	n, _ := strconv.Atoi(strings.TrimSpace(strings.Join(r, "")))
	return n
}

func portalKeys(t *testing.T, data string) []string {
	return portalQuery(t, data, `SELECT idem_key FROM outbox_deliveries WHERE destination = 'dvcqg' ORDER BY id`)
}
