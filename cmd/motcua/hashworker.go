package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"

	"motcua/workflow"
)

// Password hashes (argon2id) run in a child process of the same binary,
// `motcua hash-worker`, at the lowest scheduling priority (issue 16, item
// 5): a sign-in flood then only takes the CPU time the requests being
// served leave, and the server's heap never holds a hash's 19 MiB. Inside
// the server a lower priority is not possible: x/crypto/argon2 computes
// each segment on a goroutine of its own, on any of the server's threads.
//
// The worker reads one JSON request a line on its standard input and
// answers each on its standard output, tagged with the request's id; it
// ends when its input closes (the server stopped or died). The bound on
// concurrent hashes stays in the server (workflow, hashSlot).

// hashWorkerArg is the argument that makes the binary a hash worker. It is
// read by main only, so it is no command of dispatch and not in the usage.
const hashWorkerArg = "hash-worker"

// selfBinary is this program's executable, set by main: empty under `go
// test`, where the test binary is no motcua and hashes stay in process.
var selfBinary string

type hashRequest struct {
	ID   uint64 `json:"id"`
	Hash string `json:"hash,omitempty"` // empty: compute a new hash
	// Password is bytes (base64 in JSON): as a JSON string, invalid
	// UTF-8 would be replaced and two passwords could hash alike.
	Password []byte `json:"password"`
}

type hashAnswer struct {
	ID   uint64 `json:"id"`
	Hash string `json:"hash,omitempty"`
	OK   bool   `json:"ok,omitempty"`
}

// runHashWorker serves hash requests from in until it ends, each on a
// goroutine of its own.
func runHashWorker(in io.Reader, out io.Writer) error {
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 4096), 64<<10)
	var wg sync.WaitGroup
	for sc.Scan() {
		var r hashRequest
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return err
		}
		wg.Go(func() {
			a := hashAnswer{ID: r.ID}
			if r.Hash == "" {
				a.Hash = workflow.HashPassword(string(r.Password))
			} else {
				a.OK = workflow.CheckPassword(r.Hash, string(r.Password))
			}
			mu.Lock()
			defer mu.Unlock()
			enc.Encode(a)
		})
	}
	wg.Wait()
	return sc.Err()
}

// childHasher is the server's side of the hash worker (a
// workflow.Hasher). The worker is started on first use and again after it
// ended; when it cannot be started or fails, the hash is computed in this
// process, so sign-in works whatever happens to the worker.
type childHasher struct {
	bin string
	log *slog.Logger

	mu      sync.Mutex
	in      io.WriteCloser // the running worker's input; nil: none
	pid     int            // the running worker's process id
	next    uint64
	pending map[uint64]chan hashAnswer
}

// newHasher is the hasher of the server: a child process when this is the
// motcua binary, else nil (workflow then hashes in process).
func newHasher(log *slog.Logger) workflow.Hasher {
	if selfBinary == "" {
		return nil
	}
	return &childHasher{bin: selfBinary, log: log}
}

func (h *childHasher) HashPassword(ctx context.Context, pw string) (string, error) {
	a, err := h.call(ctx, hashRequest{Password: []byte(pw)})
	if errors.Is(err, errNoWorker) {
		return workflow.HashPassword(pw), nil
	}
	return a.Hash, err
}

func (h *childHasher) CheckPassword(ctx context.Context, hash, pw string) (bool, error) {
	if hash == "" { // no stored hash matches any password
		return false, nil
	}
	a, err := h.call(ctx, hashRequest{Hash: hash, Password: []byte(pw)})
	if errors.Is(err, errNoWorker) {
		return workflow.CheckPassword(hash, pw), nil
	}
	return a.OK, err
}

var errNoWorker = errors.New("hash worker unavailable")

// call sends r to the worker (started if none runs) and waits for its
// answer. It fails with errNoWorker when the worker cannot be started or
// ends before answering, and with ctx's error when ctx ends first.
func (h *childHasher) call(ctx context.Context, r hashRequest) (hashAnswer, error) {
	ch := make(chan hashAnswer, 1)
	h.mu.Lock()
	if h.in == nil {
		if err := h.start(); err != nil {
			h.mu.Unlock()
			h.log.Warn("hash worker", slog.Any("err", err))
			return hashAnswer{}, errNoWorker
		}
	}
	h.next++
	r.ID = h.next
	h.pending[r.ID] = ch
	line, _ := json.Marshal(r)
	_, err := h.in.Write(append(line, '\n'))
	h.mu.Unlock()
	if err != nil {
		h.forget(r.ID)
		return hashAnswer{}, errNoWorker
	}
	select {
	case a, ok := <-ch:
		if !ok {
			return hashAnswer{}, errNoWorker
		}
		return a, nil
	case <-ctx.Done():
		h.forget(r.ID)
		return hashAnswer{}, ctx.Err()
	}
}

func (h *childHasher) forget(id uint64) {
	h.mu.Lock()
	delete(h.pending, id)
	h.mu.Unlock()
}

// start runs a worker at the lowest priority; h.mu is held.
func (h *childHasher) start() error {
	cmd := exec.Command(h.bin, hashWorkerArg)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = workerProcAttr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := lowestPriority(cmd.Process.Pid); err != nil {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	h.in, h.pid, h.pending = in, cmd.Process.Pid, map[uint64]chan hashAnswer{}
	go h.read(cmd, in, out)
	return nil
}

// read hands the worker's answers to their callers until its output ends;
// then the callers still waiting fail and the next call starts a worker.
func (h *childHasher) read(cmd *exec.Cmd, in io.WriteCloser, out io.Reader) {
	dec := json.NewDecoder(out)
	for {
		var a hashAnswer
		if err := dec.Decode(&a); err != nil {
			break
		}
		h.mu.Lock()
		if ch, ok := h.pending[a.ID]; ok {
			ch <- a
			delete(h.pending, a.ID)
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	if h.in == in {
		h.in = nil
		for id, ch := range h.pending {
			close(ch)
			delete(h.pending, id)
		}
	}
	h.mu.Unlock()
	in.Close()
	err := cmd.Wait()
	h.log.Warn("hash worker ended", slog.Any("err", err))
}
