package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// uiActingRoles returns the roles under which u may take action a on d,
// whatever its status (applicants act from their own pages).
func uiActingRoles(u *dossier.User, a dossier.Action, d *dossier.Dossier) []dossier.Role {
	var out []dossier.Role
	for _, r := range dossier.ActingRoles(u, a, d) {
		if r != dossier.RoleCitizen {
			out = append(out, r)
		}
	}
	return out
}

// uiAllowed reports whether the page offers a to u on d now (the domain's
// rule: dossier.Offered).
func uiAllowed(u *dossier.User, a dossier.Action, d *dossier.Dossier) bool {
	return dossier.Offered(u, a, d)
}

// uiKnownAction reports whether a is an action on an existing dossier.
func uiKnownAction(a dossier.Action) bool {
	r, ok := dossier.RuleOf(a)
	return ok && !r.Creates()
}

type uiComponentView struct {
	dossier.Component
	Given       *dossier.DossierComponent
	ContentType string
	Image       bool
}

type uiDossierView struct {
	D           *dossier.Dossier
	Procedure   *dossier.Procedure
	Components  []uiComponentView
	Can         map[string]bool
	Any         bool
	Open        dossier.Action // the form to open (deep link or error)
	Errors      uiFieldErrors
	ErrMsg      string
	Form        url.Values
	Appraisers  []dossier.User
	NeedApology bool
	Now         time.Time
	DueDefault  string          // default new due date for the apology form
	Fee         int64           // the procedure's fee (0: none)
	Payments    []store.Payment // fees collected, with their e-receipts
	CanCollect  bool            // reception at the dossier's center, fee not yet paid
}

// uiDossier shows a dossier with its components, history and the actions
// the user may take.
func (s *Server) uiDossier(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	flash := ""
	if a := dossier.Action(r.URL.Query().Get("ok")); a != "" {
		if uiKnownAction(a) {
			flash = "Đã thực hiện: " + a.Label() + "."
		}
	}
	s.showDossier(w, r, u, r.PathValue("code"), http.StatusOK, "", nil, flash)
}

// uiCollectFee records the fee paid at the counter and issues its
// e-receipt, then shows the dossier again.
func (s *Server) uiCollectFee(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, dossier.Invalid("Biểu mẫu không hợp lệ"))
		return
	}
	code := r.PathValue("code")
	method := r.PostForm.Get("method")
	if method == "" {
		method = "cash"
	}
	if _, err := s.feesOf().Collect(r.Context(), u, code, workflow.PaymentInput{Method: method}); err != nil {
		s.showDossier(w, r, u, code, statusOf(dossier.ErrorCode(err)), "", err, "")
		return
	}
	http.Redirect(w, r, "/ho-so/"+code+"#le-phi", http.StatusSeeOther)
}

// uiActionForm opens one action's form (a deep link such as
// /ho-so/{code}/approve). A user who may never take that action on this
// dossier gets 403; a status that does not allow it gets 409.
func (s *Server) uiActionForm(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	a := dossier.Action(r.PathValue("action"))
	if !uiKnownAction(a) {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không có thao tác %q", a))
		return
	}
	d, err := s.svc.Dossier(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(uiActingRoles(u, a, d)) == 0 {
		s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Ông/bà không có quyền %s đối với hồ sơ này", strings.ToLower(a.Label())))
		return
	}
	if !uiAllowed(u, a, d) {
		s.fail(w, r, dossier.Errorf(dossier.ECONFLICT, "Không thể %s khi hồ sơ ở trạng thái %q", strings.ToLower(a.Label()), d.Status.Label()))
		return
	}
	s.showDossier(w, r, u, d.Code, http.StatusOK, a, nil, "")
}

// showDossier renders the dossier page; when act is set its form is open,
// with the error err (if any) shown next to it.
func (s *Server) showDossier(w http.ResponseWriter, r *http.Request, u *dossier.User, code string, status int, act dossier.Action, actErr error, flash string) {
	ctx := r.Context()
	d, err := s.svc.Dossier(ctx, u, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := uiDossierView{D: d, Can: map[string]bool{}, Open: act, Errors: uiFieldErrors{}, Now: s.svc.Now()}
	if actErr != nil {
		v.Errors = uiErrorsOf(actErr)
		v.ErrMsg = dossier.ErrorMessage(actErr)
		v.Form = r.PostForm
	}
	if p, err := s.svc.DB().Procedure(ctx, d.ProcedureCode); err == nil {
		v.Procedure = p
		v.Fee = p.Fee
	}
	if v.Fee > 0 {
		if ps, err := s.feesOf().Payments(ctx, u, d.Code); err == nil {
			v.Payments = ps
		}
		v.CanCollect = len(v.Payments) == 0 && workflow.CanActAs(u, dossier.RoleReception, d) && !d.Status.Terminal()
	}
	given := map[string]*dossier.DossierComponent{}
	for i := range d.Components {
		given[d.Components[i].Code] = &d.Components[i]
	}
	view := func(c dossier.Component) uiComponentView {
		cv := uiComponentView{Component: c, Given: given[c.Code]}
		if cv.Given != nil && cv.Given.BlobID != "" {
			if meta, err := s.svc.DB().BlobAccess(ctx, cv.Given.BlobID, u.ID, workflow.ScopeOf(u)); err == nil {
				cv.ContentType = meta.ContentType
				cv.Image = strings.HasPrefix(meta.ContentType, "image/")
			}
		}
		return cv
	}
	if v.Procedure != nil {
		for _, c := range v.Procedure.Components {
			v.Components = append(v.Components, view(c))
			delete(given, c.Code)
		}
	}
	for _, dc := range d.Components {
		if _, ok := given[dc.Code]; ok {
			// Handed in but no longer in the catalog.
			v.Components = append(v.Components, view(dossier.Component{Code: dc.Code, Name: dc.Name}))
		}
	}
	for _, a := range dossier.DossierActions() {
		if uiAllowed(u, a, d) {
			v.Can[string(a)] = true
			v.Any = true
		}
	}
	if v.Can[string(dossier.ActReturn)] && dossier.NeedsApology(d, v.Now) {
		v.NeedApology = true
	}
	if v.Can[string(dossier.ActAssign)] && u.Has(dossier.RoleReception) {
		if us, err := s.svc.DB().Users(ctx, d.AgencyCode); err == nil {
			for _, x := range us {
				if x.Has(dossier.RoleAppraiser) && !x.Disabled {
					v.Appraisers = append(v.Appraisers, x)
				}
			}
		}
	}
	if v.Can[string(dossier.ActApologize)] && d.DueAt != nil {
		v.DueDefault = dossier.DefaultApologyDate(d, s.svc.CalendarFor(d.CenterCode), v.Now).String()
	}
	s.renderPage(w, r, status, "dossier", &uiPage{Title: "Hồ sơ " + d.Code, Active: "ho-so", Flash: flash, D: v})
}

// uiAct takes an action from the dossier page's forms. Success returns to
// the dossier (303); a refused action shows the page again with the message
// next to the form, in Vietnamese, with the HTTP status of the error.
func (s *Server) uiAct(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	code := r.PathValue("code")
	a := dossier.Action(r.PathValue("action"))
	if !uiKnownAction(a) {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không có thao tác %q", a))
		return
	}
	// A user who may never take this action on this dossier is refused
	// before anything is uploaded (the service checks again).
	d, err := s.svc.Dossier(r.Context(), u, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(uiActingRoles(u, a, d)) == 0 {
		s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Ông/bà không có quyền %s đối với hồ sơ này", strings.ToLower(a.Label())))
		return
	}
	in, err := s.actionInput(w, r, u, a)
	if err == nil {
		_, err = s.svc.Act(r.Context(), u, code, a, in)
	}
	if err != nil {
		switch status := statusOf(dossier.ErrorCode(err)); status {
		case http.StatusForbidden, http.StatusNotFound, http.StatusInternalServerError, http.StatusUnauthorized:
			s.fail(w, r, err)
		default:
			if r.PostForm == nil {
				r.PostForm = url.Values{}
			}
			s.showDossier(w, r, u, code, status, a, err, "")
		}
		return
	}
	http.Redirect(w, r, "/ho-so/"+url.PathEscape(code)+"?ok="+url.QueryEscape(string(a)), http.StatusSeeOther)
}

// actionInput reads an action form. Supplement forms are multipart and carry
// files, uploaded here one by one.
func (s *Server) actionInput(w http.ResponseWriter, r *http.Request, u *dossier.User, a dossier.Action) (workflow.ActionInput, error) {
	var in workflow.ActionInput
	r.Body = http.MaxBytesReader(w, r.Body, 8*s.svc.Config().MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return in, uiFormError(err)
	}
	f := r.PostForm
	v, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil || v <= 0 {
		return in, dossier.Invalid("Thiếu phiên bản hồ sơ", dossier.FieldError{Field: "version", Message: "Vui lòng tải lại trang hồ sơ"})
	}
	in.Version = v
	in.Note = strings.TrimSpace(f.Get("note"))
	in.Reason = strings.TrimSpace(f.Get("reason"))
	in.Recommendation = f.Get("recommendation")
	in.Report = strings.TrimSpace(f.Get("report"))
	in.DraftResult = strings.TrimSpace(f.Get("draft_result"))
	in.Missing = f["missing"]
	if id := f.Get("assignee_id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return in, dossier.Invalid("Người được giao không hợp lệ", dossier.FieldError{Field: "assignee_id", Message: "không hợp lệ"})
		}
		in.AssigneeID = n
	}
	if a == dossier.ActApologize {
		day := f.Get("new_due_date")
		clock := f.Get("new_due_time")
		if clock == "" {
			clock = "17:00"
		}
		if day != "" {
			t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, s.svc.Location())
			if err != nil {
				return in, dossier.Invalid("Ngày hẹn mới không hợp lệ", dossier.FieldError{Field: "new_due_at", Message: "Cần ngày (dd/mm/yyyy) và giờ hợp lệ"})
			}
			in.NewDueAt = &t
		}
	}
	if a == dossier.ActSupplement && r.MultipartForm != nil {
		codes := make([]string, 0, len(r.MultipartForm.File))
		for k := range r.MultipartForm.File {
			codes = append(codes, k)
		}
		slices.Sort(codes)
		for _, k := range codes {
			code, ok := strings.CutPrefix(k, "file.")
			if !ok {
				continue
			}
			for _, fh := range r.MultipartForm.File[k] {
				id, err := s.uploadPart(r, u, fh)
				if err != nil {
					return in, uiWithField(err, "file."+code)
				}
				in.Components = append(in.Components, workflow.ComponentInput{Code: code, BlobID: id})
			}
		}
	}
	return in, nil
}

// uploadPart stores one uploaded file and returns its blob id.
func (s *Server) uploadPart(r *http.Request, u *dossier.User, fh *multipart.FileHeader) (string, error) {
	if fh.Size == 0 {
		return "", dossier.Invalid("Tệp rỗng", dossier.FieldError{Field: "file", Message: "Tệp rỗng"})
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := s.svc.Upload(r.Context(), u, f)
	if err != nil {
		return "", err
	}
	return info.ID, nil
}

// uiWithField names the form field of an upload error.
func uiWithField(err error, field string) error {
	var e *dossier.Error
	if errors.As(err, &e) {
		msg := e.Message
		return &dossier.Error{Code: e.Code, Message: e.Message, Fields: []dossier.FieldError{{Field: field, Message: msg}}, Err: e.Err}
	}
	return err
}

// uiFormError turns a form parsing failure into a domain error.
func uiFormError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return dossier.Errorf(dossier.ETOOLARGE, "Dữ liệu gửi lên vượt quá dung lượng cho phép")
	}
	return dossier.Invalid("Biểu mẫu không hợp lệ")
}

// uiDossierFile serves a component's file for the inline viewer. Unlike
// the API's blob endpoint it may be framed by our own pages.
func (s *Server) uiDossierFile(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	meta, err := s.svc.DB().BlobAccess(r.Context(), r.PathValue("id"), u.ID, workflow.ScopeOf(u))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.svc.OpenBlob(r.Context(), meta.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'")
	h.Set("Content-Type", meta.ContentType)
	h.Set("Content-Disposition", "inline")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", time.Time{}, f)
}
