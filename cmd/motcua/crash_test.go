package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"motcua/internal/clocktest"
)

// buildBinary compiles motcua once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "motcua")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t *testing.T, base string, d time.Duration) time.Duration {
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
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	addr := freeAddr(t)
	base := "http://" + addr
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--data", data)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, base, 30*time.Second)
	post := func(tok, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	login := func(u string) string {
		_, m := post("", "/api/v1/session", `{"username":"`+u+`","password":"demo"}`)
		return m["token"].(string)
	}
	rec, appr := login("reception"), login("appraiser")
	req, _ := http.NewRequest("POST", base+"/api/v1/blobs", bytes.NewReader(minimalPDF("k")))
	req.Header.Set("Authorization", "Bearer "+rec)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var blob map[string]any
	json.NewDecoder(res.Body).Decode(&blob)
	res.Body.Close()
	body := fmt.Sprintf(`{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"001090001234"},
		"components":[{"code":"GDN","blob_id":%q},{"code":"GTPL","blob_id":%q}]}`, blob["id"], blob["id"])
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
					st, _ := post(appr, "/api/v1/dossiers/"+code+"/actions/"+a, fmt.Sprintf(`{"version":%d,"reason":"thiếu"}`, v))
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
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
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
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
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
