package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

// uiReceptionView is the reception desk's data.
type uiReceptionView struct {
	Q         string
	Matches   []dossier.Procedure
	Searched  bool
	Procedure *dossier.Procedure
	Applicant dossier.Applicant
	Channel   string
	Errors    uiFieldErrors
	ErrMsg    string
	Blobs     map[string]string // component code → blob already uploaded
	Warehouse []workflow.WarehouseItem
	Reuse     map[string]string // document code → component code
	Missing   []dossier.Component
	Waiting   []workflow.DossierRow
}

// uiNeedReception refuses users who are not reception officers.
func uiNeedReception(u *dossier.User) error {
	if !u.Has(dossier.RoleReception) {
		return dossier.Errorf(dossier.EFORBIDDEN, "Chỉ cán bộ tiếp nhận và trả kết quả được dùng bàn tiếp nhận")
	}
	return nil
}

// uiReception is the reception desk: pick a procedure, then the component
// checklist and the applicant's details; the online dossiers waiting to be
// accepted are listed below.
func (s *Server) uiReception(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiNeedReception(u); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	v := &uiReceptionView{Q: strings.TrimSpace(q.Get("q")), Errors: uiFieldErrors{}, Blobs: map[string]string{}, Reuse: map[string]string{},
		Channel: string(dossier.ChannelCounter), Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen}}
	if code := q.Get("procedure"); code != "" {
		p, err := s.svc.Procedure(ctx, code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Procedure = p
	} else if v.Q != "" {
		if err := s.searchProcedures(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderReception(w, r, u, http.StatusOK, v)
}

func (s *Server) renderReception(w http.ResponseWriter, r *http.Request, u *dossier.User, status int, v *uiReceptionView) {
	rows, _, err := s.svc.Dossiers(r.Context(), u, workflow.DossierFilter{Status: []dossier.Status{dossier.StatusSubmitted}, Limit: 20})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Waiting = rows
	s.renderPage(w, r, status, "reception", &uiPage{Title: "Tiếp nhận hồ sơ", Active: "tiep-nhan", D: v})
}

func (s *Server) searchProcedures(r *http.Request, v *uiReceptionView) error {
	v.Searched = true
	ps, _, err := s.svc.Procedures(r.Context(), workflow.ProcedureFilter{Query: v.Q, Limit: 15})
	v.Matches = ps
	return err
}

// uiProcedureSearch answers the procedure picker's search as you type
// (diacritic-insensitive: "giay phep" finds "Giấy phép").
func (s *Server) uiProcedureSearch(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiNeedReception(u); err != nil {
		s.fail(w, r, err)
		return
	}
	v := &uiReceptionView{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, "/tiep-nhan?q="+url.QueryEscape(v.Q), http.StatusSeeOther)
		return
	}
	if v.Q != "" {
		if err := s.searchProcedures(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderFragment(w, r, http.StatusOK, "reception", "matches", v)
}

// uiApplicantOf reads the applicant fields of the reception form.
func uiApplicantOf(f url.Values) dossier.Applicant {
	return dossier.Applicant{
		Kind:     dossier.ApplicantKind(f.Get("applicant_kind")),
		Name:     strings.TrimSpace(f.Get("applicant_name")),
		IDNumber: strings.TrimSpace(f.Get("applicant_id_number")),
		Phone:    strings.TrimSpace(f.Get("applicant_phone")),
		Email:    strings.TrimSpace(f.Get("applicant_email")),
		Address:  strings.TrimSpace(f.Get("applicant_address")),
	}
}

// uiFieldCheck is the answer of the validation as you type.
type uiFieldCheck struct {
	Field     string
	Message   string
	Warehouse bool // also refresh the held results (id number changed)
	View      *uiReceptionView
}

var uiApplicantFields = map[string]bool{"applicant_kind": true, "applicant_name": true, "applicant_id_number": true,
	"applicant_phone": true, "applicant_email": true, "applicant_address": true}

// uiValidateApplicant checks one applicant field as the officer types
// (htmx on change), with the same rules as reception, and shows the results
// the applicant already holds once the identifier is valid.
func (s *Server) uiValidateApplicant(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiNeedReception(u); err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, uiFormError(err))
		return
	}
	field := r.Header.Get("HX-Trigger-Name")
	if field == "" {
		field = r.PostForm.Get("field")
	}
	if !uiApplicantFields[field] {
		s.fail(w, r, dossier.Invalid("Trường không hợp lệ", dossier.FieldError{Field: "field", Message: field}))
		return
	}
	a := uiApplicantOf(r.PostForm)
	fc := uiFieldCheck{Field: field}
	for _, fe := range a.Validate("applicant_") {
		if fe.Field == field || (field == "applicant_kind" && fe.Field == "applicant_id_number") {
			fc.Message = fe.Message
			if field == "applicant_kind" {
				fc.Field = "applicant_id_number"
			}
			break
		}
	}
	if field == "applicant_id_number" || field == "applicant_kind" {
		fc.Warehouse = true
		fc.View = &uiReceptionView{Reuse: map[string]string{}}
		if fc.Message == "" && a.IDNumber != "" {
			// Only for an applicant of a dossier in this officer's work.
			fc.View.Warehouse, _ = s.svc.Warehouse(r.Context(), u, a.IDNumber, "")
			if code := r.PostForm.Get("procedure_code"); code != "" {
				fc.View.Procedure, _ = s.svc.Procedure(r.Context(), code)
			}
		}
	}
	s.renderFragment(w, r, http.StatusOK, "reception", "fieldcheck", fc)
}

var uiComponentIndexRE = regexp.MustCompile(`^components\[(\d+)\]`)

// uiReceive receives a dossier at the counter: uploads each component's
// file, then calls Receive. Success shows the receipt; missing required
// components offer the one-time guidance slip (Mẫu 02).
func (s *Server) uiReceive(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiNeedReception(u); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 30*s.svc.Config().MaxUpload)
	if err := r.ParseMultipartForm(16 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, uiFormError(err))
		return
	}
	f := r.PostForm
	v := &uiReceptionView{Errors: uiFieldErrors{}, Blobs: map[string]string{}, Reuse: map[string]string{},
		Applicant: uiApplicantOf(f), Channel: f.Get("channel")}
	p, err := s.svc.Procedure(ctx, f.Get("procedure_code"))
	if err != nil {
		v.ErrMsg = "Vui lòng chọn thủ tục trong danh mục trước khi tiếp nhận."
		s.renderReception(w, r, u, http.StatusUnprocessableEntity, v)
		return
	}
	v.Procedure = p
	if v.Applicant.IDNumber != "" {
		v.Warehouse, _ = s.svc.Warehouse(ctx, u, v.Applicant.IDNumber, "")
	}
	// Results reused from the warehouse: reuse.<document code> = component.
	reused := map[string]string{}
	for k, vs := range f {
		doc, ok := strings.CutPrefix(k, "reuse.")
		if !ok || len(vs) == 0 || vs[0] == "" {
			continue
		}
		v.Reuse[doc] = vs[0]
		reused[vs[0]] = doc
	}
	// Files: a new upload replaces one kept from a previous attempt.
	var in workflow.ReceiveInput
	uploadFailed := false
	for _, c := range p.Components {
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File["file."+c.Code]; len(fhs) > 0 && fhs[0].Size > 0 {
				id, err := s.uploadPart(r, u, fhs[0])
				if err != nil {
					if dossier.ErrorCode(err) == dossier.EINTERNAL {
						s.fail(w, r, err)
						return
					}
					v.Errors["components."+c.Code] = "Tệp không nhận được: " + dossier.ErrorMessage(err)
					uploadFailed = true
					continue
				}
				v.Blobs[c.Code] = id
				continue
			}
		}
		if id := f.Get("blob." + c.Code); id != "" {
			if _, err := s.svc.BlobAccess(ctx, u, id); err == nil {
				v.Blobs[c.Code] = id
			}
		}
	}
	if uploadFailed {
		v.ErrMsg = "Có tệp không tải lên được; vui lòng chọn lại tệp PDF, JPEG hoặc PNG."
		s.renderReception(w, r, u, http.StatusUnprocessableEntity, v)
		return
	}
	in = workflow.ReceiveInput{ProcedureCode: p.Code, Channel: dossier.Channel(v.Channel), Applicant: v.Applicant}
	var order []string
	for _, c := range p.Components {
		switch {
		case v.Blobs[c.Code] != "":
			in.Components = append(in.Components, workflow.ComponentInput{Code: c.Code, BlobID: v.Blobs[c.Code]})
		case reused[c.Code] != "":
			in.Components = append(in.Components, workflow.ComponentInput{Code: c.Code, DocumentCode: reused[c.Code]})
		default:
			continue
		}
		order = append(order, c.Code)
	}
	d, err := s.svc.Receive(ctx, u, in)
	if err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusForbidden || status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		v.ErrMsg = dossier.ErrorMessage(err)
		for _, fe := range dossier.ErrorFields(err) {
			field := fe.Field
			if m := uiComponentIndexRE.FindStringSubmatch(field); m != nil {
				if i, _ := strconv.Atoi(m[1]); i < len(order) {
					field = "components." + order[i]
				}
			}
			field = strings.Replace(field, "applicant.", "applicant_", 1)
			if _, ok := v.Errors[field]; !ok {
				v.Errors[field] = fe.Message
			}
			if code, ok := strings.CutPrefix(fe.Field, "components."); ok {
				if c, ok := p.Component(code); ok {
					v.Missing = append(v.Missing, c)
				}
			}
		}
		s.renderReception(w, r, u, status, v)
		return
	}
	s.renderPage(w, r, http.StatusCreated, "receipt", &uiPage{Title: "Giấy tiếp nhận hồ sơ " + d.Code, Active: "tiep-nhan",
		Flash: "Đã tiếp nhận hồ sơ " + d.Code + ".", D: d})
}

// uiGuidance records the one-time guidance slip (Mẫu 02) listing every
// missing component, then shows it.
func (s *Server) uiGuidance(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiNeedReception(u); err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, uiFormError(err))
		return
	}
	f := r.PostForm
	in := workflow.GuidanceInput{ProcedureCode: f.Get("procedure_code"), Applicant: uiApplicantOf(f), Missing: f["missing"],
		Note: strings.TrimSpace(f.Get("note"))}
	g, err := s.svc.CreateGuidanceSlip(r.Context(), u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/tiep-nhan/phieu-huong-dan/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// uiGuidancePage shows a guidance slip, printable, with its PDF.
func (s *Server) uiGuidancePage(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	g, err := s.guidanceOf(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "guidance", &uiPage{Title: "Phiếu hướng dẫn " + g.Number, Active: "tiep-nhan", D: g})
}
