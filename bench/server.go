package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a motcua server started by the bench on a temporary data
// directory: `motcua serve --demo` as a child process, so that its memory
// and CPU can be read from /proc.
type server struct {
	cmd       *exec.Cmd
	base      string
	data      string
	pprof     string // address of the profiling listener, if any
	logPath   string
	removeDir bool
	exited    chan error
}

// startServer runs bin serve --demo on a fresh data directory (or
// cfg.Data) and waits until it answers /healthz.
func startServer(ctx context.Context, cfg *Config, log io.Writer) (*server, error) {
	bin := cfg.Binary
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("bench: cannot find the motcua binary: %w", err)
		}
	}
	s := &server{data: cfg.Data, exited: make(chan error, 1)}
	if s.data == "" {
		dir, err := os.MkdirTemp(cfg.TempDir, "motcua-bench-")
		if err != nil {
			return nil, err
		}
		s.data, s.removeDir = dir, true
	}
	args := []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", s.data}
	if cfg.DB != "" {
		args = append(args, "--db", cfg.DB)
	}
	if cfg.Synchronous != "" {
		args = append(args, "--sqlite-synchronous", cfg.Synchronous)
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = os.Environ()
	if cfg.ProfileDir != "" {
		addr, err := freePort()
		if err != nil {
			return nil, err
		}
		s.pprof = addr
		s.cmd.Env = append(s.cmd.Env, "MOTCUA_PPROF_ADDR="+addr)
	}
	s.logPath = filepath.Join(s.data, "bench-server.log")
	logf, err := os.Create(s.logPath)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	defer logf.Close()
	s.cmd.Stderr = logf
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("bench: start %s: %w", bin, err)
	}
	// The server prints "motcua đang chạy tại http://127.0.0.1:PORT (engine)".
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "motcua") {
				u := line[i:]
				if j := strings.IndexByte(u, ' '); j >= 0 {
					u = u[:j]
				}
				select {
				case found <- u:
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { s.exited <- s.cmd.Wait() }()
	fmt.Fprintf(log, "bench: starting %s %s\n", bin, strings.Join(args, " "))
	timeout := time.After(3 * time.Minute)
	fail := func(err error) (*server, error) { // the server is not to be used
		s.stop()
		return nil, err
	}
	select {
	case s.base = <-found:
	case err := <-s.exited:
		s.exited <- err
		return fail(fmt.Errorf("bench: the server exited before serving (%v); see %s", err, s.logPath))
	case <-timeout:
		return fail(fmt.Errorf("bench: the server did not start in 3 minutes; see %s", s.logPath))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-timeout:
			return fail(fmt.Errorf("bench: %s/healthz never answered 200", s.base))
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	}
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop ends the server with SIGTERM (SIGKILL after 20 s) and removes the
// temporary data directory.
func (s *server) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.exited:
			s.exited <- err
		case <-time.After(20 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	s.cleanup()
}

func (s *server) cleanup() {
	if s.removeDir {
		os.RemoveAll(s.data)
	}
}

// procStat is what /proc says about a process.
type procStat struct {
	cpu     time.Duration // user + system
	rss     int64         // bytes
	peakRSS int64
}

// readProc reads /proc/PID/stat and /proc/PID/status (Linux).
func readProc(pid int) (procStat, error) {
	var ps procStat
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ps, err
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14, stime 15.
	s := string(stat)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return ps, fmt.Errorf("bench: short /proc/%d/stat", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	ps.cpu = time.Duration(ut+st) * time.Second / hz
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ps, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var n int64
		fmt.Sscanf(strings.TrimSpace(v), "%d", &n)
		switch k {
		case "VmRSS":
			ps.rss = n << 10
		case "VmHWM":
			ps.peakRSS = n << 10
		}
	}
	return ps, nil
}
