package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"motcua/dossier"
	"motcua/workflow"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// newMultipartFile returns the first file part of a multipart body.
func newMultipartFile(body io.Reader, boundary string) (io.Reader, error) {
	if boundary == "" {
		return nil, dossier.Invalid("Thiếu boundary của multipart")
	}
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, dossier.Invalid("Không có tệp trong yêu cầu", dossier.FieldError{Field: "file", Message: "bắt buộc"})
		}
		if err != nil {
			return nil, dossier.Invalid("Dữ liệu multipart không hợp lệ")
		}
		if p.FileName() != "" || p.FormName() == "file" {
			return p, nil
		}
	}
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy")
	}
	return id, nil
}

type createUserRequest struct {
	Username string         `json:"username"`
	Password string         `json:"password"`
	Name     string         `json:"name"`
	Agency   string         `json:"agency_code"`
	Position string         `json:"position"`
	Roles    []dossier.Role `json:"roles"`
	Centers  []string       `json:"centers"`
	Counter  string         `json:"counter"`
	Phone    string         `json:"phone"`
	Email    string         `json:"email"`
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var req createUserRequest
	if !s.decoded(w, r, &req) {
		return
	}
	nu, err := s.svc.CreateUser(r.Context(), u, workflow.NewUserInput{Username: req.Username, Password: req.Password, Name: req.Name,
		Agency: req.Agency, Position: req.Position, Roles: req.Roles, Centers: req.Centers, Counter: req.Counter, Phone: req.Phone, Email: req.Email})
	s.reply(w, r, http.StatusCreated, nu, err)
}

func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := pathID(r)
	if err == nil {
		err = s.svc.SetUserDisabled(r.Context(), u, id, r.URL.Query().Get("enable") != "true")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiRevokeDelegation(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := pathID(r)
	if err == nil {
		err = s.svc.RevokeDelegation(r.Context(), u, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiShifts(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	ss, err := s.svc.ShiftsAhead(r.Context(), u, r.URL.Query().Get("center"), 14)
	s.reply(w, r, http.StatusOK, list(ss, ""), err)
}

func (s *Server) apiOverrides(w http.ResponseWriter, r *http.Request) {
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1900 || y > 2200 {
			s.fail(w, r, dossier.Invalid("Năm không hợp lệ", dossier.FieldError{Field: "year", Message: "1900–2200"}))
			return
		}
		year = y
	}
	os, err := s.svc.Overrides(r.Context(), year)
	s.reply(w, r, http.StatusOK, list(os, ""), err)
}

func (s *Server) apiPutOverride(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if ct := r.Header.Get("Content-Type"); ct == "text/csv" {
		n, err := s.svc.ImportOverridesCSV(r.Context(), u, http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"imported": n})
		return
	}
	var o workflow.Override
	if !s.decoded(w, r, &o) {
		return
	}
	if err := s.svc.PutOverride(r.Context(), u, o); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (s *Server) apiDeleteOverride(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := s.svc.DeleteOverride(r.Context(), u, r.PathValue("date"), r.URL.Query().Get("center")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiHolidays(w http.ResponseWriter, r *http.Request) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 1900 || y > 2199 {
		s.fail(w, r, dossier.Invalid("Năm không hợp lệ", dossier.FieldError{Field: "year", Message: "1900–2199"}))
		return
	}
	writeJSON(w, http.StatusOK, list(s.svc.Calendar().Holidays(y), ""))
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	limit, ok := s.limit(w, r)
	if !ok {
		return
	}
	es, err := s.svc.AuditEntries(r.Context(), u, limit)
	s.reply(w, r, http.StatusOK, list(es, ""), err)
}

// apiRuleSets lists the rule sets and the province's schedule of them
// (regulation.md Part B §0).
func (s *Server) apiRuleSets(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	v, err := s.svc.RuleSets(r.Context(), u)
	s.reply(w, r, http.StatusOK, v, err)
}

// apiSetRuleSetSchedule replaces the schedule: {"periods": [{from,
// rule_set, basis, confirmed}]} (admins).
func (s *Server) apiSetRuleSetSchedule(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in struct {
		Periods dossier.Schedule `json:"periods"`
	}
	if !s.decoded(w, r, &in) {
		return
	}
	v, err := s.svc.SetRuleSetSchedule(r.Context(), u, in.Periods)
	s.reply(w, r, http.StatusOK, v, err)
}
