package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/workflow"
)

// uiDossierView is the dossier page's data: the use case's view, and the
// form to open with its errors.
type uiDossierView struct {
	*workflow.DossierView
	Can    map[string]bool // DossierView.Can by action name, for the template
	Any    bool            // some action is offered
	Open   dossier.Action  // the form to open (deep link or error)
	Errors uiFieldErrors
	ErrMsg string
	Form   url.Values
}

// uiDossier shows a dossier with its components, history and the actions
// the user may take.
func (s *Server) uiDossier(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	code := r.PathValue("code")
	s.showDossier(w, r, u, code, http.StatusOK, "", nil, doneMessage(r.URL.Query().Get("ok"), code))
}

// feeDone is the ok parameter after the fee is collected at the counter.
const feeDone = "le-phi"

// doneMessages says, in the past tense, what a successful action of the
// dossier page did (issue 19: a clear banner after every action); %s is
// the dossier's code.
var doneMessages = map[string]string{
	string(dossier.ActAccept):               "Đã tiếp nhận hồ sơ %s.",
	string(dossier.ActAssign):               "Đã chuyển hồ sơ %s sang thẩm định.",
	string(dossier.ActSubmitAppraisal):      "Đã trình phê duyệt hồ sơ %s.",
	string(dossier.ActApprove):              "Đã phê duyệt và ký số hồ sơ %s.",
	string(dossier.ActRequestClarification): "Đã yêu cầu giải trình hồ sơ %s.",
	string(dossier.ActIssue):                "Đã lấy số, đóng dấu kết quả hồ sơ %s.",
	string(dossier.ActApologize):            "Đã lập phiếu xin lỗi và hẹn lại ngày trả hồ sơ %s.",
	string(dossier.ActReturn):               "Đã trả kết quả hồ sơ %s.",
	string(dossier.ActRequestSupplement):    "Đã yêu cầu bổ sung hồ sơ %s.",
	string(dossier.ActSupplement):           "Đã nhận bổ sung hồ sơ %s.",
	string(dossier.ActRefuse):               "Đã từ chối giải quyết hồ sơ %s.",
	string(dossier.ActWithdraw):             "Đã rút hồ sơ %s.",
	feeDone:                                 "Đã thu phí, lệ phí hồ sơ %s và lập biên lai điện tử.",
}

// doneMessage is the success banner for the ok parameter ok on dossier
// code's page: "" for none or an unknown value.
func doneMessage(ok, code string) string {
	if m, found := doneMessages[ok]; found {
		return fmt.Sprintf(m, code)
	}
	return ""
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
	http.Redirect(w, r, "/ho-so/"+url.PathEscape(code)+"?ok="+feeDone+"#le-phi", http.StatusSeeOther)
}

// uiActionForm opens one action's form (a deep link such as
// /ho-so/{code}/approve). A user who may never take that action on this
// dossier gets 403; a status that does not allow it gets 409.
func (s *Server) uiActionForm(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	a := dossier.Action(r.PathValue("action"))
	v, err := s.svc.ActionForm(r.Context(), u, r.PathValue("code"), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderDossier(w, r, http.StatusOK, v, a, nil, "")
}

// showDossier renders the dossier page; when act is set its form is open,
// with the error err (if any) shown next to it.
func (s *Server) showDossier(w http.ResponseWriter, r *http.Request, u *dossier.User, code string, status int, act dossier.Action, actErr error, flash string) {
	v, err := s.svc.DossierView(r.Context(), u, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderDossier(w, r, status, v, act, actErr, flash)
}

func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, status int, dv *workflow.DossierView, act dossier.Action, actErr error, flash string) {
	v := uiDossierView{DossierView: dv, Can: map[string]bool{}, Open: act, Errors: uiFieldErrors{}}
	for a := range dv.Can {
		// Once the result is issued, the page no longer offers withdrawal
		// (issue 19: the applicant collects the result); contract §4
		// still lets the API withdraw any non-terminal dossier.
		if a == dossier.ActWithdraw && dv.D.Status == dossier.StatusIssued {
			continue
		}
		v.Can[string(a)], v.Any = true, true
	}
	if actErr != nil {
		v.Errors = uiErrorsOf(actErr)
		v.ErrMsg = dossier.ErrorMessage(actErr)
		v.Form = r.PostForm
	}
	page := &uiPage{Title: "Hồ sơ " + dv.D.Code, Active: "ho-so", Flash: flash, D: v}
	if actErr != nil {
		// A banner at the top says what happened, also when the form the
		// request came from is no longer offered (a stale tab, 409).
		page.Error = "Chưa thực hiện được: " + v.ErrMsg
		if dossier.ErrorCode(actErr) == dossier.ECONFLICT {
			page.Error = v.ErrMsg
		}
	}
	s.renderPage(w, r, status, "dossier", page)
}

// uiAct takes an action from the dossier page's forms. Success returns to
// the dossier (303); a refused action shows the page again with the message
// next to the form, in Vietnamese, with the HTTP status of the error.
func (s *Server) uiAct(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	code := r.PathValue("code")
	a := dossier.Action(r.PathValue("action"))
	// A user who may never take this action on this dossier is refused
	// before anything is uploaded (Act checks everything again).
	if _, err := s.svc.CheckActor(r.Context(), u, code, a); err != nil {
		s.fail(w, r, err)
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
	meta, f, err := s.svc.OpenBlobFor(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	frameableBySelf(w, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'")
	serveInline(w, r, meta.ContentType, f)
}
