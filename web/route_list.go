package web

import "net/http"

// muxRecorder registers routes on the server's mux and remembers their
// patterns, so that the whole surface can be enumerated (Routes; the
// authorization matrix test walks every one).
type muxRecorder struct{ s *Server }

func (m muxRecorder) Handle(pattern string, h http.Handler) {
	m.s.patterns = append(m.s.patterns, pattern)
	m.s.mux.Handle(pattern, h)
}

func (m muxRecorder) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// Routes returns the pattern of every route, in the order routes.go
// registers them.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }
