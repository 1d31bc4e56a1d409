package web

import (
	"net/http"

	"motcua/dossier"
)

// The leaders' on-site schedule, public (issue 15 item 10): name,
// position, center and times; nothing else of the person.

func (s *Server) apiPublicSchedule(w http.ResponseWriter, r *http.Request) {
	ss, err := s.svc.PublicSchedule(r.Context(), r.URL.Query().Get("center"))
	s.replyPublic(w, r, map[string]any{"items": ss}, err)
}

// schedulePage is the public schedule page's data.
type schedulePage struct {
	Center  string
	Centers []dossier.Center
	Items   []dossier.PublicShift
}

func (s *Server) pageSchedule(w http.ResponseWriter, r *http.Request) {
	center := r.URL.Query().Get("center")
	ss, err := s.svc.PublicSchedule(r.Context(), center)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.svc.Centers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	publicCache(w, r)
	s.frontRender(w, r, http.StatusOK, "schedule", &fpage{Title: "Lịch trực của lãnh đạo", Nav: "lich-truc",
		D: schedulePage{Center: center, Centers: cs, Items: ss}})
}
