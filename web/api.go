package web

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/workflow"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.Healthy(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(dossier.SessionLifetime / time.Second)})
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// endSession revokes the request's session token, if any, and clears the
// cookie. It reports false when it has answered with an error.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) bool {
	if tok, _ := s.tokenOf(r); tok != "" {
		if err := s.svc.Logout(r.Context(), tok); err != nil {
			s.fail(w, r, err)
			return false
		}
	}
	s.clearSessionCookie(w)
	return true
}

// sameOrigin applies the cross-origin check to an unsafe request. It
// reports false when it has answered with the refusal.
func (s *Server) sameOrigin(w http.ResponseWriter, r *http.Request) bool {
	if err := s.cop.Check(r); err != nil {
		s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Yêu cầu từ nguồn khác bị từ chối"))
		return false
	}
	return true
}

// apiSave answers with status what the use case call makes of the JSON
// body (a guidance slip, a seal, a center).
func apiSave[In, Out any](s *Server, status int, call func(context.Context, *dossier.User, In) (Out, error)) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		var in In
		if !s.decoded(w, r, &in) {
			return
		}
		out, err := call(r.Context(), u, in)
		s.reply(w, r, status, out, err)
	}
}

// apiByAgency answers the list the use case call gives for ?agency= (the
// users, delegations, registers or seals of an agency).
func apiByAgency[T any](s *Server, call func(context.Context, *dossier.User, string) ([]T, error)) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		items, err := call(r.Context(), u, r.URL.Query().Get("agency"))
		s.reply(w, r, http.StatusOK, list(items, ""), err)
	}
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !s.decoded(w, r, &req) {
		return
	}
	if fs := missing("username", req.Username, "password", req.Password); len(fs) > 0 {
		s.fail(w, r, dossier.Invalid("Thiếu tên đăng nhập hoặc mật khẩu", fs...))
		return
	}
	tok, u, err := s.svc.Login(r.Context(), req.Username, req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, tok)
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "user": u})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	if s.endSession(w, r) {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	writeJSON(w, http.StatusOK, u)
}

// limit reads the query's page size (0: the default); an invalid one is
// answered with a problem and ok is false.
func (s *Server) limit(w http.ResponseWriter, r *http.Request) (n int, ok bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		s.fail(w, r, dossier.Invalid("limit không hợp lệ", dossier.FieldError{Field: "limit", Message: "từ 1 đến 500"}))
		return 0, false
	}
	return n, true
}

func (s *Server) apiAgencies(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := s.limit(w, r)
	if !ok {
		return
	}
	if l := q.Get("level"); l != "" && !dossier.Level(l).Valid() {
		s.fail(w, r, dossier.Invalid("Cấp không hợp lệ", dossier.FieldError{Field: "level", Message: "province, district hoặc commune"}))
		return
	}
	items, next, err := s.svc.Agencies(r.Context(), workflow.AgencyFilter{Level: q.Get("level"), Parent: q.Get("parent"),
		Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit})
	s.reply(w, r, http.StatusOK, list(items, next), err)
}

func (s *Server) apiCenters(w http.ResponseWriter, r *http.Request) {
	cs, err := s.svc.Centers(r.Context())
	s.reply(w, r, http.StatusOK, list(cs, ""), err)
}

func (s *Server) apiProcedures(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := s.limit(w, r)
	if !ok {
		return
	}
	f := workflow.ProcedureFilter{Agency: q.Get("agency"), Level: q.Get("level"), Field: q.Get("field"), Query: q.Get("q"),
		Cursor: q.Get("cursor"), Limit: limit}
	if v := q.Get("five_on_spot"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.fail(w, r, dossier.Invalid("five_on_spot không hợp lệ", dossier.FieldError{Field: "five_on_spot", Message: "true hoặc false"}))
			return
		}
		f.FiveOnSpot = &b
	}
	items, next, err := s.svc.Procedures(r.Context(), f)
	s.reply(w, r, http.StatusOK, list(items, next), err)
}

func (s *Server) apiProcedure(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.Procedure(r.Context(), r.PathValue("code"))
	s.reply(w, r, http.StatusOK, p, err)
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	kind := r.PathValue("kind")
	name := "upload.csv"
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.Contains(ct, "spreadsheetml") {
		name = "upload.xlsx"
	}
	if fn := r.URL.Query().Get("filename"); fn != "" {
		name = fn
	}
	// The file is read as it arrives, never whole (issue 16, item 6).
	body := limitedBody(w, r, workflow.MaxImportBytes)
	res, err := s.svc.Import(r.Context(), u, kind, name, body, workflow.ImportOptions{SkipExisting: r.URL.Query().Get("skip_existing") == "true"})
	s.reply(w, r, http.StatusOK, res, err)
}

func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var body io.Reader = http.MaxBytesReader(w, r.Body, s.svc.Config().MaxUpload+1<<20)
	if ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		mr, err := newMultipartFile(body, params["boundary"])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body = mr
	}
	info, err := s.svc.Upload(r.Context(), u, body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errorsAs(err, &mbe) {
			err = dossier.Errorf(dossier.ETOOLARGE, "Tệp vượt quá dung lượng cho phép")
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, info)
}

func (s *Server) apiBlob(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	meta, f, err := s.svc.OpenFile(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	serveInline(w, r, meta.ContentType, f)
}

// serveInline serves an uploaded file for display, privately cached for an
// hour (ranges and conditional requests honoured), and closes it.
func serveInline(w http.ResponseWriter, r *http.Request, contentType string, f io.ReadSeekCloser) {
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "inline")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", time.Time{}, f)
}

func (s *Server) guidanceOf(r *http.Request, u *dossier.User) (*dossier.GuidanceSlip, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phiếu hướng dẫn")
	}
	return s.svc.GuidanceSlip(r.Context(), u, id)
}

func (s *Server) apiGuidance(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	g, err := s.guidanceOf(r, u)
	s.reply(w, r, http.StatusOK, g, err)
}

func (s *Server) apiGuidancePDF(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	g, err := s.guidanceOf(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pdf, err := s.svc.GuidanceSlipPDF(r.Context(), g)
	s.writePDF(w, r, pdf, err, "phieu-huong-dan-"+strconv.FormatInt(g.ID, 10)+".pdf")
}

func (s *Server) writePDF(w http.ResponseWriter, r *http.Request, pdf []byte, err error, name string) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
}

func (s *Server) apiReceive(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.ReceiveInput
	if !s.decoded(w, r, &in) {
		return
	}
	d, err := s.svc.Receive(r.Context(), u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code)
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) apiDossiers(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q := r.URL.Query()
	limit, ok := s.limit(w, r)
	if !ok {
		return
	}
	f := workflow.DossierFilter{Agency: q.Get("agency"), Procedure: q.Get("procedure"), Center: q.Get("center"),
		Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit}
	for _, st := range q["status"] {
		for _, v := range strings.Split(st, ",") {
			if v == "" {
				continue
			}
			if !dossier.Status(v).Valid() {
				s.fail(w, r, dossier.Invalid("Trạng thái không hợp lệ", dossier.FieldError{Field: "status", Message: v}))
				return
			}
			f.Status = append(f.Status, dossier.Status(v))
		}
	}
	if v := q.Get("due_before"); v != "" {
		t, err := parseTimeOrDate(v)
		if err != nil {
			s.fail(w, r, dossier.Invalid("due_before không hợp lệ", dossier.FieldError{Field: "due_before", Message: "RFC 3339 hoặc YYYY-MM-DD"}))
			return
		}
		f.DueBefore = &t
	}
	items, next, err := s.svc.Dossiers(r.Context(), u, f)
	s.reply(w, r, http.StatusOK, list(items, next), err)
}

func parseTimeOrDate(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	return time.ParseInLocation("2006-01-02", v, loc)
}

func (s *Server) apiDossier(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	d, err := s.svc.ReadDossier(r.Context(), u, r.PathValue("code"))
	s.reply(w, r, http.StatusOK, d, err)
}

func (s *Server) apiAct(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.ActionInput
	if !s.decoded(w, r, &in) {
		return
	}
	d, err := s.svc.Act(r.Context(), u, r.PathValue("code"), dossier.Action(r.PathValue("action")), in)
	s.reply(w, r, http.StatusOK, d, err)
}

// dossierPDF serves a form the use case render makes for the dossier
// {code} (receipt, control slip, apology, result), as prefix+code+".pdf",
// to the API and to the citizen's pages (fail answers each in its own
// format).
func (s *Server) dossierPDF(prefix string, render func(context.Context, *dossier.User, string) ([]byte, error)) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		code := r.PathValue("code")
		pdf, err := render(r.Context(), u, code)
		s.writePDF(w, r, pdf, err, prefix+code+".pdf")
	}
}

func (s *Server) apiWarehouse(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	// id_number is the applicant's; ?dossier= names the dossier handled
	// (the reason recorded), or GET /dossiers/{code}/warehouse does.
	code := r.PathValue("code")
	if code == "" {
		code = r.URL.Query().Get("dossier")
	}
	items, err := s.svc.Warehouse(r.Context(), u, r.PathValue("id_number"), code)
	s.reply(w, r, http.StatusOK, list(items, ""), err)
}

func (s *Server) apiAccessLog(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q := r.URL.Query()
	limit, ok := s.limit(w, r)
	if !ok {
		return
	}
	var user int64
	if v := q.Get("user_id"); v != "" {
		var err error
		if user, err = strconv.ParseInt(v, 10, 64); err != nil || user <= 0 {
			s.writeProblem(w, r, dossier.Invalid("user_id không hợp lệ", dossier.FieldError{Field: "user_id", Message: "số nguyên dương"}))
			return
		}
	}
	items, next, err := s.svc.AccessLog(r.Context(), u, workflow.AccessQuery{Dossier: q.Get("dossier"), UserID: user, Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list(items, next))
}

func (s *Server) apiLookup(w http.ResponseWriter, r *http.Request) {
	st, err := s.svc.Lookup(r.Context(), r.URL.Query().Get("token"))
	s.reply(w, r, http.StatusOK, st, err)
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.VerifyResult(r.Context(), r.PathValue("token"))
	s.reply(w, r, http.StatusOK, v, err)
}

type registerRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if !s.decoded(w, r, &req) {
		return
	}
	u, err := s.svc.RegisterCitizen(r.Context(), workflow.NewUserInput{Username: req.Username, Password: req.Password,
		Name: req.Name, IDNumber: req.IDNumber, Phone: req.Phone, Email: req.Email})
	s.reply(w, r, http.StatusCreated, u, err)
}

func (s *Server) apiComponentSignature(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	sig, err := s.svc.ComponentSignature(r.Context(), u, r.PathValue("code"), r.PathValue("component"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pkcs7-signature")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("component")+`.p7s"`)
	w.Write(sig)
}
