package web

import (
	"net/http"
	"strconv"

	"motcua/dossier"
	"motcua/workflow"
)

// Feedback: a rating "chưa hài lòng" answered by the center (QĐ 766
// indicators 5.1–5.2; Circular 01/2018 index 8).

func (s *Server) apiAnswerFeedback(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phản ánh %q", r.PathValue("id")))
		return
	}
	var in workflow.FeedbackAnswer
	if !s.decoded(w, r, &in) {
		return
	}
	if err := s.svc.AnswerFeedback(r.Context(), u, id, in); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "answered": true})
}

func (s *Server) apiFeedback(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	out, err := s.svc.FeedbackReport(r.Context(), u, reportQuery(r))
	s.reply(w, r, http.StatusOK, map[string]any{"items": out}, err)
}
