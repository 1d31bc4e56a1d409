package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/workflow"
)

// uiAdminView is the data of every administration page; Section says which.
type uiAdminView struct {
	Keys         []workflow.KeyInfo
	KeysErr      string
	Section      string
	Errors       uiFieldErrors
	ErrMsg       string
	Form         url.Values
	Q            string
	NextURL      string
	Agencies     []dossier.Agency
	Centers      []dossier.Center
	Procedures   []dossier.Procedure
	Users        []dossier.User
	Approvers    []dossier.User
	Delegations  []dossier.Delegation
	Shifts       []dossier.LeaderShift
	Year         int
	Years        []int
	Holidays     []calendar.Holiday
	Overrides    []workflow.Override
	Registers    []dossier.Register
	Seals        []dossier.Seal
	Import       *workflow.ImportResult
	ImportErrors []dossier.FieldError
	Roles        []dossier.Role
	Kinds        []calendar.OverrideKind
}

var uiAdminTitles = map[string]string{
	"home":         "Quản trị hệ thống",
	"co-quan":      "Cơ quan và trung tâm",
	"thu-tuc":      "Danh mục thủ tục hành chính",
	"tai-khoan":    "Tài khoản và vai trò",
	"uy-quyen":     "Ủy quyền phê duyệt",
	"lich-truc":    "Lịch trực của lãnh đạo tại Trung tâm",
	"ngay-nghi":    "Ngày nghỉ lễ, Tết và điều chỉnh lịch làm việc",
	"so-dang-ky":   "Sổ đăng ký văn bản (lấy số)",
	"con-dau":      "Con dấu và khóa ký",
	"khoa":         "Khóa ký số và chứng thư",
	"nhap-du-lieu": "Nhập dữ liệu",
}

// showAdmin loads what section needs and renders it. err, if set, is shown
// with its field errors next to the form, with the error's HTTP status.
func (s *Server) showAdmin(w http.ResponseWriter, r *http.Request, u *dossier.User, section string, v *uiAdminView, err error) {
	ctx := r.Context()
	if v == nil {
		v = &uiAdminView{}
	}
	v.Section = section
	if v.Errors == nil {
		v.Errors = uiFieldErrors{}
	}
	status := http.StatusOK
	if err != nil {
		status = statusOf(dossier.ErrorCode(err))
		if status == http.StatusInternalServerError || status == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		v.ErrMsg = dossier.ErrorMessage(err)
		for k, m := range uiErrorsOf(err) {
			v.Errors[k] = m
		}
		v.Form = r.PostForm
	}
	q := r.URL.Query()
	var lerr error
	switch section {
	case "co-quan":
		v.Q = strings.TrimSpace(q.Get("q"))
		var next string
		v.Agencies, next, lerr = s.svc.Agencies(ctx, workflow.AgencyFilter{Query: v.Q, Cursor: q.Get("cursor"), Limit: 100})
		if lerr == nil {
			v.Centers, lerr = s.svc.Centers(ctx)
		}
		if next != "" {
			v.NextURL = "/quan-tri/co-quan?" + url.Values{"q": {v.Q}, "cursor": {next}}.Encode()
		}
	case "thu-tuc":
		v.Q = strings.TrimSpace(q.Get("q"))
		var next string
		v.Procedures, next, lerr = s.svc.Procedures(ctx, workflow.ProcedureFilter{Query: v.Q, Agency: q.Get("agency"), Cursor: q.Get("cursor"), Limit: 50})
		if next != "" {
			v.NextURL = "/quan-tri/thu-tuc?" + url.Values{"q": {v.Q}, "cursor": {next}}.Encode()
		}
	case "tai-khoan":
		v.Users, lerr = s.svc.Users(ctx, u, "")
		v.Roles = dossier.Roles
	case "uy-quyen":
		v.Delegations, lerr = s.svc.Delegations(ctx, u, "")
		if lerr == nil {
			v.Approvers, lerr = s.svc.Approvers(ctx, u)
		}
	case "lich-truc":
		v.Shifts, lerr = s.svc.ShiftsAhead(ctx, u, "", 31)
		if lerr == nil {
			v.Approvers, lerr = s.svc.Approvers(ctx, u)
		}
		if lerr == nil {
			v.Centers, lerr = s.svc.Centers(ctx)
		}
	case "ngay-nghi":
		year, _ := strconv.Atoi(q.Get("year"))
		var cy *workflow.CalendarYear
		if cy, lerr = s.svc.CalendarYearOf(ctx, u, year); lerr == nil {
			v.Year, v.Years, v.Overrides = cy.Year, cy.Years, cy.Overrides
			v.Holidays = s.svc.Calendar().Holidays(v.Year)
		}
		v.Kinds = []calendar.OverrideKind{calendar.KindHoliday, calendar.KindCompensatory, calendar.KindExtraOff, calendar.KindSwapWorkday}
	case "so-dang-ky":
		v.Registers, lerr = s.svc.Registers(ctx, u, "")
	case "khoa":
		var kerr error
		if v.Keys, kerr = s.svc.Keys(ctx, u); kerr != nil {
			v.KeysErr = dossier.ErrorMessage(kerr)
		}
	case "con-dau":
		v.Seals, lerr = s.svc.Seals(ctx, u, "")
		if lerr == nil {
			v.Centers, lerr = s.svc.Centers(ctx)
		}
	}
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	s.renderPage(w, r, status, "admin", &uiPage{Title: uiAdminTitles[section], Active: "quan-tri", Flash: okFlash(q, "Đã lưu."), D: v})
}

// uiAdminForm parses a (small) administration form.
func uiAdminForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return uiFormError(err)
	}
	return nil
}

// adminDone returns to section after a save, with "Đã lưu." (?ok=1) and
// the query back (nil: none).
func (s *Server) adminDone(w http.ResponseWriter, r *http.Request, section string, back url.Values) {
	q := url.Values{"ok": {"1"}}
	for k, vs := range back {
		q[k] = vs
	}
	http.Redirect(w, r, "/quan-tri/"+section+"?"+q.Encode(), http.StatusSeeOther)
}

// adminSection serves the page of an administration section.
func (s *Server) adminSection(section string) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		s.showAdmin(w, r, u, section, nil, nil)
	}
}

// adminPost serves a (small) form of an administration section: save
// reads r.PostForm and calls the use case. On success the section is shown
// again with "Đã lưu." and the query save gives back; on an error, with
// the error next to the form.
func (s *Server) adminPost(section string, save func(r *http.Request, u *dossier.User) (back url.Values, err error)) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		err := uiAdminForm(w, r)
		var back url.Values
		if err == nil {
			back, err = save(r, u)
		}
		if err != nil {
			s.showAdmin(w, r, u, section, nil, err)
			return
		}
		s.adminDone(w, r, section, back)
	}
}

// uiAdminImport imports agencies or procedures from CSV/XLSX (contract §6),
// all or nothing, listing every bad row with its line.
func (s *Server) uiAdminImport(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	kind := r.PathValue("kind")
	section := "co-quan"
	if kind == "procedures" {
		section = "thu-tuc"
	}
	if kind != "agencies" && kind != "procedures" {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không có loại dữ liệu nhập %q", kind))
		return
	}
	// The file part goes to a temporary file past 1 MB, not memory.
	r.Body = http.MaxBytesReader(w, r.Body, workflow.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			err = dossier.Invalid("Cần chọn tệp", dossier.FieldError{Field: "file", Message: "Chọn tệp CSV hoặc XLSX"})
		} else {
			err = uiFormError(err)
		}
		s.showAdmin(w, r, u, section, nil, err)
		return
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		s.showAdmin(w, r, u, section, nil, dossier.Invalid("Cần chọn tệp", dossier.FieldError{Field: "file", Message: "Chọn tệp CSV hoặc XLSX"}))
		return
	}
	defer file.Close()
	name := filepath.Base(fh.Filename)
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".csv" && ext != ".xlsx" {
		s.showAdmin(w, r, u, section, nil, dossier.Errorf(dossier.EUNSUPPORTED, "Chỉ nhận tệp .csv hoặc .xlsx"))
		return
	}
	res, err := s.svc.Import(r.Context(), u, kind, name, file, workflow.ImportOptions{})
	v := &uiAdminView{}
	if err != nil {
		v.ImportErrors = dossier.ErrorFields(err)
		s.showAdmin(w, r, u, section, v, err)
		return
	}
	v.Import = res
	s.showAdmin(w, r, u, section, v, nil)
}

func uiSplitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) uiAdminCreateUser(r *http.Request, u *dossier.User) (url.Values, error) {
	f := r.PostForm
	in := workflow.NewUserInput{Username: strings.TrimSpace(f.Get("username")), Password: f.Get("password"), Name: strings.TrimSpace(f.Get("name")),
		Agency: strings.TrimSpace(f.Get("agency")), Position: strings.TrimSpace(f.Get("position")), Centers: uiSplitList(f.Get("centers")),
		Counter: strings.TrimSpace(f.Get("counter")), Phone: strings.TrimSpace(f.Get("phone")), Email: strings.TrimSpace(f.Get("email"))}
	for _, role := range f["roles"] {
		in.Roles = append(in.Roles, dossier.Role(role))
	}
	_, err := s.svc.CreateUser(r.Context(), u, in)
	return nil, err
}

func (s *Server) uiAdminDisableUser(r *http.Request, u *dossier.User) (url.Values, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.SetUserDisabled(r.Context(), u, id, r.PostForm.Get("enable") != "1")
}

// parseDay reads a YYYY-MM-DD form date as midnight in Vietnam.
func (s *Server) parseDay(v string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), s.svc.Location())
	return t, err == nil
}

func (s *Server) uiAdminCreateDelegation(r *http.Request, u *dossier.User) (url.Values, error) {
	f := r.PostForm
	d := dossier.Delegation{AgencyCode: strings.TrimSpace(f.Get("agency_code")), FromPosition: strings.TrimSpace(f.Get("from_position")),
		Procedures: uiSplitList(f.Get("procedures")), BasisDocument: strings.TrimSpace(f.Get("basis_document")),
		Capacity: dossier.Capacity(f.Get("capacity"))}
	var fs []dossier.FieldError
	if id, err := strconv.ParseInt(f.Get("to_user_id"), 10, 64); err == nil {
		d.ToUserID = id
	}
	if t, ok := s.parseDay(f.Get("valid_from")); ok {
		d.ValidFrom = t
	} else {
		fs = append(fs, dossier.FieldError{Field: "valid_from", Message: "Cần ngày bắt đầu hợp lệ"})
	}
	if t, ok := s.parseDay(f.Get("valid_to")); ok {
		d.ValidTo = t.AddDate(0, 0, 1) // the last day is included
	} else {
		fs = append(fs, dossier.FieldError{Field: "valid_to", Message: "Cần ngày kết thúc hợp lệ"})
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Ủy quyền không hợp lệ", fs...)
	}
	_, err := s.svc.CreateDelegation(r.Context(), u, d)
	return nil, err
}

func (s *Server) uiAdminRevokeDelegation(r *http.Request, u *dossier.User) (url.Values, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.RevokeDelegation(r.Context(), u, id)
}

func (s *Server) uiAdminCreateShift(r *http.Request, u *dossier.User) (url.Values, error) {
	f := r.PostForm
	sh := dossier.LeaderShift{CenterCode: f.Get("center_code")}
	var fs []dossier.FieldError
	if id, err := strconv.ParseInt(f.Get("user_id"), 10, 64); err == nil {
		sh.UserID = id
	} else {
		fs = append(fs, dossier.FieldError{Field: "user_id", Message: "Chọn lãnh đạo trực"})
	}
	day, ok := s.parseDay(f.Get("day"))
	if !ok {
		fs = append(fs, dossier.FieldError{Field: "day", Message: "Cần ngày hợp lệ"})
	}
	clock := func(field string) time.Duration {
		t, err := time.Parse("15:04", f.Get(field))
		if err != nil {
			fs = append(fs, dossier.FieldError{Field: field, Message: "Cần giờ hợp lệ (HH:MM)"})
			return 0
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	start, end := clock("starts"), clock("ends")
	if len(fs) > 0 {
		return nil, dossier.Invalid("Lịch trực không hợp lệ", fs...)
	}
	sh.StartsAt, sh.EndsAt = day.Add(start), day.Add(end)
	_, err := s.svc.CreateShift(r.Context(), u, sh)
	return nil, err
}

// yearOf is the query that returns to the calendar year of day
// (YYYY-MM-DD).
func yearOf(day string) url.Values {
	return url.Values{"year": {strings.SplitN(day, "-", 2)[0]}}
}

func (s *Server) uiAdminPutOverride(r *http.Request, u *dossier.User) (url.Values, error) {
	f := r.PostForm
	o := workflow.Override{Day: strings.TrimSpace(f.Get("date")), Kind: f.Get("kind"), Name: strings.TrimSpace(f.Get("name")),
		Source: strings.TrimSpace(f.Get("source"))}
	return yearOf(o.Day), s.svc.PutOverride(r.Context(), u, o)
}

func (s *Server) uiAdminDeleteOverride(r *http.Request, u *dossier.User) (url.Values, error) {
	day := r.PathValue("date")
	return yearOf(day), s.svc.DeleteOverride(r.Context(), u, day, r.PostForm.Get("center"))
}

func (s *Server) uiAdminSaveSeal(r *http.Request, u *dossier.User) (url.Values, error) {
	f := r.PostForm
	seal := dossier.Seal{AgencyCode: strings.TrimSpace(f.Get("agency_code")), Kind: dossier.SealKind(f.Get("kind")),
		Name: strings.TrimSpace(f.Get("name")), CenterCode: strings.TrimSpace(f.Get("center_code")), KeyRef: strings.TrimSpace(f.Get("key_ref")),
		Active: f.Get("active") == "1"}
	if id, err := strconv.ParseInt(f.Get("id"), 10, 64); err == nil {
		seal.ID = id
	}
	_, err := s.svc.SaveSeal(r.Context(), u, seal)
	return nil, err
}

// uiAdminInstallKey installs a PKCS#12 file for an officer or a seal.
func (s *Server) uiAdminInstallKey(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.showAdmin(w, r, u, "khoa", nil, dossier.Invalid("Tệp quá lớn hoặc biểu mẫu không hợp lệ", dossier.FieldError{Field: "file", Message: "tối đa 1 MB"}))
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.showAdmin(w, r, u, "khoa", nil, dossier.Invalid("Chưa chọn tệp .p12", dossier.FieldError{Field: "file", Message: "bắt buộc"}))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		s.showAdmin(w, r, u, "khoa", nil, dossier.Invalid("Không đọc được tệp", dossier.FieldError{Field: "file", Message: err.Error()}))
		return
	}
	if _, err := s.svc.InstallKey(r.Context(), u, r.PostForm.Get("kind"), strings.TrimSpace(r.PostForm.Get("name")), data, r.PostForm.Get("password")); err != nil {
		s.showAdmin(w, r, u, "khoa", nil, err)
		return
	}
	s.adminDone(w, r, "khoa", nil)
}
