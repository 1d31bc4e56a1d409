package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"motcua/workflow"
)

// Password hashes run in a `motcua hash-worker` child process whose
// threads all run at the lowest priority (issue 16, item 5), give the
// same answers as in process, and fall back to the process itself when no
// worker can be started.
func TestHashWorker(t *testing.T) {
	bin := buildBinary(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	h := &childHasher{bin: bin, log: log}
	defer func() {
		h.mu.Lock()
		if h.in != nil {
			h.in.Close()
		}
		h.mu.Unlock()
	}()
	hash, err := h.HashPassword(ctx, "mật khẩu đủ dài 123")
	if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q, %v", hash, err)
	}
	if !workflow.CheckPassword(hash, "mật khẩu đủ dài 123") {
		t.Error("the worker's hash does not verify in process")
	}
	inProcess := workflow.HashPassword("một mật khẩu khác")
	invalid := workflow.HashPassword("\xff\xfe") // not UTF-8: passed as bytes
	for _, c := range []struct {
		hash, pw string
		want     bool
	}{{hash, "mật khẩu đủ dài 123", true}, {hash, "mật khẩu đủ dài 124", false},
		{inProcess, "một mật khẩu khác", true}, {inProcess, "", false},
		{invalid, "\xff\xfe", true}, {invalid, "\xfe\xff", false}} {
		if ok, err := h.CheckPassword(ctx, c.hash, c.pw); ok != c.want || err != nil {
			t.Errorf("check %q: %v, %v; want %v", c.pw, ok, err, c.want)
		}
	}
	if runtime.GOOS == "linux" {
		h.mu.Lock()
		pid := strconv.Itoa(h.pid)
		h.mu.Unlock()
		tasks, _ := filepath.Glob("/proc/" + pid + "/task/*/stat")
		if len(tasks) == 0 {
			t.Fatal("no threads of the worker")
		}
		for _, f := range tasks {
			b, err := os.ReadFile(f)
			if err != nil {
				continue // the thread ended
			}
			// Field 19 (after the command in parentheses): nice.
			fs := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
			if fs[16] != "19" {
				t.Errorf("worker thread %s at nice %s, want 19", f, fs[16])
			}
		}
	}

	// No worker binary: the same answers, in process.
	none := &childHasher{bin: filepath.Join(t.TempDir(), "absent"), log: log}
	if ok, err := none.CheckPassword(ctx, hash, "mật khẩu đủ dài 123"); !ok || err != nil {
		t.Errorf("fallback check: %v, %v", ok, err)
	}
	if h2, err := none.HashPassword(ctx, "x"); err != nil || !workflow.CheckPassword(h2, "x") {
		t.Errorf("fallback hash %q, %v", h2, err)
	}
	// Under go test the server hashes in process.
	if newHasher(log) != nil {
		t.Error("a hasher without a motcua binary")
	}
}
