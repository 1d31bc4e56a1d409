package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/testfile"
)

// server is a motcua process started by a test.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string
	log  *bytes.Buffer
}

// startServer runs `motcua serve` on data and waits until /healthz
// answers; it returns how long that took.
func startServer(t testing.TB, bin, data string, extra ...string) (*server, time.Duration) {
	t.Helper()
	return startServerEnv(t, bin, data, nil, extra...)
}

// startServerEnv is startServer with the process's environment (nil: the
// test's own).
func startServerEnv(t testing.TB, bin, data string, env []string, extra ...string) (*server, time.Duration) {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--addr", addr, "--data", data}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &syncWriter{w: &log}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, base: "http://" + addr, log: &log}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return s, waitHealthy(t, s.base, 60*time.Second)
}

// stop ends the server with SIGINT and waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

// kill ends the server with SIGKILL and waits for it.
func (s *server) kill() {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	s.cmd.Wait()
}

// crashRounds is MOTCUA_CRASH_ROUNDS when set to a positive number, else
// def: how many times a crash test kills the server.
func crashRounds(def int) int {
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_CRASH_ROUNDS")); err == nil && v > 0 {
		return v
	}
	return def
}

// receiveBody uploads scan as tok and returns the JSON of a dossier
// received at the counter for the demo procedure 2.001610, with the scan
// as both of its components.
func (s *server) receiveBody(tok string, scan []byte) []byte {
	blob := s.upload(tok, scan)
	return []byte(fmt.Sprintf(`{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"001090001234"},
		"components":[{"code":"GDN","blob_id":%q},{"code":"GTPL","blob_id":%q}]}`, blob, blob))
}

// startForReceipts starts the demo server on data and returns it with
// reception's token and the body of a receive request (its scan uploaded).
func startForReceipts(tb testing.TB, bin, data string) (srv *server, token string, body []byte) {
	srv, _ = startServer(tb, bin, data, "--demo")
	token = srv.login("reception", "demo")
	return srv, token, srv.receiveBody(token, testPDF)
}

// postAtOnce sends n POSTs of body to path at the same instant, the i-th
// with the Idempotency-Key key(i), and returns their statuses and the time
// from the first sent to the last answered.
func (s *server) postAtOnce(path, token string, body []byte, n int, key func(i int) string) ([]int, time.Duration) {
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], _ = s.do("POST", path, token, key(i), "application/json", body)
		}()
	}
	t0 := clocktest.Now()
	close(start)
	wg.Wait()
	return statuses, time.Since(t0)
}

// syncWriter serialises writes to a buffer shared with the test.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// do sends one request; it returns 0 when the request failed outright.
func (s *server) do(method, path, token, idemKey, ctype string, body []byte) (int, map[string]any) {
	return call(method, s.base+path, token, idemKey, ctype, body)
}

// raw is do without the decoding: it returns the answer's body as sent.
func (s *server) raw(method, path, token, idemKey, ctype string, body []byte) (int, []byte) {
	return callRaw(method, s.base+path, token, idemKey, ctype, body)
}

// call sends one request to url, with the content type, bearer token and
// idempotency key that are not empty, and decodes the JSON answer; it
// returns 0 when the request failed outright.
func call(method, url, token, idemKey, ctype string, body []byte) (int, map[string]any) {
	st, out := callRaw(method, url, token, idemKey, ctype, body)
	var m map[string]any
	json.Unmarshal(out, &m)
	return st, m
}

// callRaw is call without the decoding.
func callRaw(method, url, token, idemKey, ctype string, body []byte) (int, []byte) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (s *server) login(user, pw string) string {
	st, m := s.do("POST", "/api/v1/session", "", "", "application/json", []byte(`{"username":"`+user+`","password":"`+pw+`"}`))
	tok, _ := m["token"].(string)
	if st != 200 || tok == "" {
		s.t.Fatalf("login %s: %d %v", user, st, m)
	}
	return tok
}

// post sends the JSON body with the bearer token tok.
func (s *server) post(tok, path, body string) (int, map[string]any) {
	return s.do("POST", path, tok, "", "application/json", []byte(body))
}

// upload stores content as a PDF blob and returns its id.
func (s *server) upload(tok string, content []byte) string {
	st, m := s.do("POST", "/api/v1/blobs", tok, "", "application/pdf", content)
	id, _ := m["id"].(string)
	if st != 201 || id == "" {
		s.t.Fatalf("upload: %d %v", st, m)
	}
	return id
}

// TestRestartConcurrentIdempotentPOSTs: a freshly started process (empty
// statement cache, cold pool) receives 64 concurrent Idempotency-Key POSTs
// at once; every one succeeds and none answers 500 (issue 16, item 3).
func TestRestartConcurrentIdempotentPOSTs(t *testing.T) {
	bin := binaryUnlessShort(t)
	data := t.TempDir()
	first, tok, body := startForReceipts(t, bin, data)
	first.stop()

	srv, took := startServer(t, bin, data, "--demo")
	const n = 64
	statuses, served := srv.postAtOnce("/api/v1/dossiers", tok, body, n, func(i int) string { return fmt.Sprintf("restart-%d", i) })
	for i, st := range statuses {
		if st != 201 {
			t.Errorf("POST %d: status %d; want 201", i, st)
		}
	}
	if t.Failed() {
		t.Logf("server log:\n%s", srv.log.String())
	}
	// Replays answer the first response and change nothing.
	st, m := srv.do("POST", "/api/v1/dossiers", tok, "restart-0", "application/json", body)
	if st != 201 || m["code"] == nil {
		t.Errorf("replay: %d %v", st, m)
	}
	t.Logf("restart to healthy: %v; %d concurrent idempotent POSTs served in %v", took, n, served)
	if out, err := exec.Command(bin, "check", "--data", data).CombinedOutput(); err != nil || !strings.Contains(string(out), "Nhất quán") {
		t.Errorf("motcua check: %v\n%s", err, out)
	}
}

// testPDF is a small well-formed one-page PDF.
var testPDF = testfile.PDF("restart")
