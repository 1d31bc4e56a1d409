package web

import (
	"net/http"

	"motcua/dossier"
)

// InjectHole makes the route serving method and path answer every caller
// as admin — a handler that forgot whose request it serves — so the
// authorization matrix can show that it catches such a hole.
func (s *Server) InjectHole(method, path string, admin *dossier.User) {
	next := s.mux
	hole := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && r.URL.Path == path {
			r = r.WithContext(dossier.NewContextWithUser(r.Context(), admin))
		}
		next.ServeHTTP(w, r)
	})
	s.handler = s.observe(s.authenticate(hole))
}
