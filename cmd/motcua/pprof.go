package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
)

// servePprof serves the Go profiler on addr (MOTCUA_PPROF_ADDR, meant for
// 127.0.0.1 only: `motcua bench --profile` sets it on the server it
// starts). Mutex and block contention are sampled while it runs.
func servePprof(addr string, log *slog.Logger) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("pprof listener", slog.Any("err", err))
		return
	}
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(1e6)) // one sample per millisecond blocked
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("pprof", slog.String("addr", ln.Addr().String()))
	go http.Serve(ln, mux)
}
