package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"motcua/dossier"
	"motcua/vntext"
	"motcua/workflow"
)

// fpage is what every front page template receives.
type fpage struct {
	Title string
	User  *dossier.User
	Kind  string // body class: "" (public), "kiosk", "display"
	Nav   string // the navigation entry to highlight
	Flash string
	Error string
	D     any
	Brand *dossier.Branding // the center's branding; nil: the defaults
}

var frontFuncs = template.FuncMap{
	"ftime":   uiTimeFormat(uiLayoutTime),
	"fclock":  uiTimeFormat(uiLayoutClock),
	"fdate":   uiTimeFormat(uiLayoutDate),
	"fmoney":  workflow.Money,
	"fstatus": func(s dossier.Status) string { return s.Label() },
	"flevel":  workflow.RatingLevelLabel,
	"fonline": func(o dossier.OnlineLevel) string {
		switch o {
		case dossier.OnlineFull:
			return "Trực tuyến toàn trình"
		case dossier.OnlinePartial:
			return "Trực tuyến một phần"
		}
		return "Chỉ nộp trực tiếp hoặc qua bưu chính"
	},
	"fduration": func(p dossier.Procedure) string {
		switch {
		case p.ProcessingHours != nil && *p.ProcessingHours > 0:
			if *p.ProcessingHours == 8 {
				return "Trong ngày làm việc"
			}
			return fmt.Sprintf("%d giờ làm việc", *p.ProcessingHours)
		case p.ProcessingDays != nil && *p.ProcessingDays > 0:
			return fmt.Sprintf("%d ngày làm việc", *p.ProcessingDays)
		}
		return "Giải quyết ngay"
	},
	"fmethod": workflow.MethodLabel,
	"fpct":    func(v float64) string { return num(v) + "%" },
	"fnum":    num,
	// trustedAll: there are signatures and every signer is verified.
	"trustedAll": func(ss []workflow.SignatureSummary) bool {
		for _, s := range ss {
			if !s.Trusted || !s.Intact {
				return false
			}
		}
		return len(ss) > 0
	},
	"fiso": func(d string) string { // YYYY-MM-DD → DD/MM/YYYY
		if len(d) != 10 {
			return d
		}
		return d[8:] + "/" + d[5:7] + "/" + d[:4]
	},
	"fhours": func(h string) string {
		if h == "" {
			h = "07:30-11:30,13:30-17:00"
		}
		return strings.NewReplacer("-", "–", ",", " và ").Replace(h)
	},
	"fq":     url.QueryEscape,
	"fforms": procedureForms,
}

// viSorter orders names the Vietnamese way.
var viSorter = vntext.NewSorter()

// frontRender executes page name with p; buffered, so a template error is
// a clean 500.
func (s *Server) frontRender(w http.ResponseWriter, r *http.Request, status int, name string, p *fpage) {
	t, ok := s.front.pages[name]
	if !ok {
		s.log.Error("front: no page template", slog.String("page", name))
		s.writeFallback(w)
		return
	}
	if p.User == nil {
		p.User = userOf(r)
	}
	p.Brand = s.brandingOf(r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("front: render", slog.String("page", name), slog.Any("err", err))
		s.writeFallback(w)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// checkForm applies the cross-origin check to a form post and parses it.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) bool {
	if !s.sameOrigin(w, r) {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, dossier.Invalid("Biểu mẫu không hợp lệ"))
		return false
	}
	return true
}

// localNext keeps only a local path to return to.
func localNext(next, def string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return def
	}
	return next
}

func (s *Server) toCitizenLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/cong-dan"
	}
	http.Redirect(w, r, "/dang-nhap?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// citizen wraps a page for a signed-in citizen (see gated).
func (s *Server) citizen(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return s.gated(pageGate{login: s.toCitizenLogin,
		allowed: func(u *dossier.User) bool { return u.Has(dossier.RoleCitizen) },
		refused: "Trang này dành cho công dân đã đăng ký tài khoản"}, h)
}

// catalog -----------------------------------------------------------------

func (s *Server) pageCatalog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cq := workflow.CatalogQuery{Query: strings.TrimSpace(q.Get("q")), Center: q.Get("center"), FiveOnSpot: q.Get("five") == "1"}
	c, err := s.svc.PublicCatalog(r.Context(), cq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	publicCache(w, r)
	s.frontRender(w, r, http.StatusOK, "catalog", &fpage{Title: "Thủ tục hành chính", Nav: "thu-tuc", D: catalogPage{
		Query: cq.Query, Center: cq.Center, FiveOnly: cq.FiveOnSpot, Centers: c.Centers, Items: c.Items, More: c.More,
		FiveByCtr: c.FiveOnSpot, TotalFound: c.Total}})
}

// catalogPage is the catalog page's data: the query and its answer.
type catalogPage struct {
	Query      string
	Center     string
	FiveOnly   bool
	Centers    []dossier.Center
	Items      []workflow.CatalogEntry
	More       bool
	FiveByCtr  []workflow.CenterProcedures
	TotalFound int
}

func (s *Server) pageProcedure(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.PublicProcedure(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	publicCache(w, r)
	s.frontRender(w, r, http.StatusOK, "procedure", &fpage{Title: e.Name, Nav: "thu-tuc", D: e})
}

// publicCache lets anonymous visitors' catalog pages be cached for a
// minute (they hold no personal data); signed-in pages are not cached.
func publicCache(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Cookie, Authorization")
	if userOf(r) == nil {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
}

// replyPublic answers v as JSON that anonymous callers may cache for a
// minute (publicCache), or fails with err.
func (s *Server) replyPublic(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	publicCache(w, r)
	writeJSON(w, http.StatusOK, v)
}

// lookup and verification ---------------------------------------------------

type lookupPage struct {
	Token    string
	Status   *workflow.PublicStatus
	NotFound bool
	CanRate  bool
}

func (s *Server) pageLookup(w http.ResponseWriter, r *http.Request) {
	lp := lookupPage{Token: strings.TrimSpace(r.URL.Query().Get("token"))}
	status := http.StatusOK
	if lp.Token != "" {
		st, err := s.svc.Lookup(r.Context(), lp.Token)
		switch {
		case err == nil:
			lp.Status = st
			lp.CanRate = st.Status == dossier.StatusReturned
		case dossier.ErrorCode(err) == dossier.ENOTFOUND:
			lp.NotFound, status = true, http.StatusNotFound
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.frontRender(w, r, status, "lookup", &fpage{Title: "Tra cứu hồ sơ", Nav: "tra-cuu", D: lp})
}

func (s *Server) pageVerify(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.VerifyResult(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.IssuedAt = v.IssuedAt.In(s.svc.Location())
	s.frontRender(w, r, http.StatusOK, "verify", &fpage{Title: "Xác thực kết quả", D: v})
}

// kiosk and display -----------------------------------------------------------

type kioskPage struct {
	Centers  []dossier.Center
	Center   *dossier.Center
	Services []workflow.QueueService
	Ticket   *ticketView
}

func (s *Server) kioskCenter(r *http.Request, code string) (*kioskPage, error) {
	cs, err := s.svc.Centers(r.Context())
	if err != nil {
		return nil, err
	}
	kp := &kioskPage{Centers: cs}
	for i := range cs {
		if cs[i].Code == code {
			kp.Center = &cs[i]
		}
	}
	if code != "" && kp.Center == nil {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có trung tâm %s", code)
	}
	if kp.Center != nil {
		if kp.Services, err = s.svc.QueueServices(r.Context(), code); err != nil {
			return nil, err
		}
		// In Vietnamese order (Đ after D, tones after the bare letter),
		// not by byte (issue 19).
		slices.SortStableFunc(kp.Services, func(a, b workflow.QueueService) int { return viSorter.Compare(a.Name, b.Name) })
	}
	return kp, nil
}

func (s *Server) pageKiosk(w http.ResponseWriter, r *http.Request) {
	kp, err := s.kioskCenter(r, r.URL.Query().Get("center"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frontRender(w, r, http.StatusOK, "kiosk", &fpage{Title: "Lấy số thứ tự", Kind: "kiosk", D: kp})
}

func (s *Server) pageKioskIssue(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	kp, err := s.kioskCenter(r, r.PostForm.Get("center_code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.svc.IssueTicket(r.Context(), r.PostForm.Get("center_code"), r.PostForm.Get("service_code"))
	if err != nil {
		s.frontRender(w, r, statusOf(dossier.ErrorCode(err)), "kiosk", &fpage{Title: "Lấy số thứ tự", Kind: "kiosk",
			Error: dossier.ErrorMessage(err), D: kp})
		return
	}
	v := s.viewTicket(t)
	kp.Ticket = &v
	s.frontRender(w, r, http.StatusCreated, "kiosk", &fpage{Title: "Số thứ tự của bạn", Kind: "kiosk", D: kp})
}

type displayPage struct {
	Centers []dossier.Center
	Board   *boardView
	Current *ticketView
}

func (s *Server) pageDisplay(w http.ResponseWriter, r *http.Request) {
	center := r.URL.Query().Get("center")
	dp := displayPage{}
	if center == "" {
		cs, err := s.svc.Centers(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dp.Centers = cs
	} else {
		b, err := s.board(r, center)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dp.Board = b
		if len(b.Recent) > 0 {
			dp.Current = &b.Recent[0]
		}
	}
	s.frontRender(w, r, http.StatusOK, "display", &fpage{Title: "Màn hình gọi số", Kind: "display", D: dp})
}

type callerPage struct {
	Centers []string
	Counter string
}

func (s *Server) pageCaller(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	s.renderPage(w, r, http.StatusOK, "caller", &uiPage{Title: "Gọi số tại quầy", Active: "goi-so", D: callerPage{Centers: u.Centers, Counter: u.Counter}})
}

// ratings -------------------------------------------------------------------

type ratingPage struct {
	Token    string
	Level    string
	Comment  string
	Criteria []ratingCriterion
	Errors   map[string]string
	Done     *workflow.Rating
	Counter  bool
}

type ratingCriterion struct {
	Key, Label, Value string
}

func newRatingPage(token string) ratingPage {
	rp := ratingPage{Token: token, Errors: map[string]string{}}
	for _, c := range workflow.RatingCriteria {
		if c.Key == "other" {
			continue
		}
		rp.Criteria = append(rp.Criteria, ratingCriterion{Key: c.Key, Label: c.Label})
	}
	return rp
}

func (s *Server) pageRating(w http.ResponseWriter, r *http.Request) {
	rp := newRatingPage(strings.TrimSpace(r.URL.Query().Get("token")))
	rp.Counter = r.URL.Query().Get("quay") == "1"
	s.frontRender(w, r, http.StatusOK, "rating", &fpage{Title: "Đánh giá mức độ hài lòng", Nav: "danh-gia", Kind: kindIf(rp.Counter, "kiosk"), D: rp})
}

func kindIf(b bool, k string) string {
	if b {
		return k
	}
	return ""
}

func (s *Server) pageRate(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	f := r.PostForm
	rp := newRatingPage(strings.TrimSpace(f.Get("token")))
	rp.Level, rp.Comment, rp.Counter = f.Get("level"), f.Get("comment"), f.Get("quay") == "1"
	in := workflow.RatingInput{Token: rp.Token, Level: rp.Level, Comment: rp.Comment, Criteria: map[string]json.RawMessage{}, Channel: "online"}
	if rp.Counter {
		in.Channel = "counter"
	}
	for i, c := range rp.Criteria {
		if v := f.Get("c_" + c.Key); v != "" {
			b, _ := json.Marshal(v)
			in.Criteria[c.Key] = b
			rp.Criteria[i].Value = v
		}
	}
	kind := kindIf(rp.Counter, "kiosk")
	rt, err := s.svc.Rate(r.Context(), in)
	if err != nil {
		status, ok := s.inForm(w, r, err, rp.Errors)
		if !ok {
			return
		}
		s.frontRender(w, r, status, "rating", &fpage{Title: "Đánh giá mức độ hài lòng", Nav: "danh-gia", Kind: kind,
			Error: dossier.ErrorMessage(err), D: rp})
		return
	}
	rp.Done = rt
	s.frontRender(w, r, http.StatusCreated, "rating", &fpage{Title: "Cảm ơn ông/bà đã đánh giá", Nav: "danh-gia", Kind: kind, D: rp})
}

// citizens --------------------------------------------------------------------

type accountForm struct {
	Username, Name, IDNumber, Phone, Email, Next string
	Errors                                       map[string]string
	VNeID                                        bool // offer "Đăng nhập bằng VNeID"
}

func (s *Server) pageRegister(w http.ResponseWriter, r *http.Request) {
	s.frontRender(w, r, http.StatusOK, "register", &fpage{Title: "Đăng ký tài khoản công dân", Nav: "dang-ky", D: accountForm{Errors: map[string]string{}}})
}

func (s *Server) pageRegisterPost(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	f := r.PostForm
	af := accountForm{Username: strings.TrimSpace(f.Get("username")), Name: f.Get("name"), IDNumber: strings.TrimSpace(f.Get("id_number")),
		Phone: strings.TrimSpace(f.Get("phone")), Email: strings.TrimSpace(f.Get("email")), Errors: map[string]string{}}
	pw := f.Get("password")
	if pw != f.Get("password2") {
		af.Errors["password2"] = "Mật khẩu nhập lại không khớp"
		s.frontRender(w, r, http.StatusBadRequest, "register", &fpage{Title: "Đăng ký tài khoản công dân", Nav: "dang-ky", D: af})
		return
	}
	reg, err := s.svc.RegisterCitizen(r.Context(), workflow.NewUserInput{Username: af.Username, Password: pw, Name: af.Name,
		IDNumber: af.IDNumber, Phone: af.Phone, Email: af.Email})
	if err == nil {
		// The same page whether or not the username was free: signing in
		// is the next step (no automatic sign-in, which would tell).
		s.frontRender(w, r, http.StatusOK, "signin", &fpage{Title: "Đăng nhập", Nav: "dang-nhap", Flash: reg.Message,
			D: accountForm{Username: reg.Username, Next: "/cong-dan", Errors: map[string]string{}}})
		return
	}
	status := statusOf(dossier.ErrorCode(err))
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	for _, fe := range dossier.ErrorFields(err) {
		af.Errors[fe.Field] = fe.Message
	}
	s.frontRender(w, r, status, "register", &fpage{Title: "Đăng ký tài khoản công dân", Nav: "dang-ky", Error: dossier.ErrorMessage(err), D: af})
}

func (s *Server) pageCitizenLogin(w http.ResponseWriter, r *http.Request) {
	af := accountForm{Next: localNext(r.URL.Query().Get("next"), "/cong-dan"), Errors: map[string]string{}, VNeID: s.opts.OIDC != nil}
	s.frontRender(w, r, http.StatusOK, "signin", &fpage{Title: "Đăng nhập", Nav: "dang-nhap", D: af})
}

func (s *Server) pageCitizenLoginPost(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	af := accountForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: localNext(r.PostForm.Get("next"), "/cong-dan"), Errors: map[string]string{},
		VNeID: s.opts.OIDC != nil}
	tok, u, err := s.svc.Login(r.Context(), af.Username, r.PostForm.Get("password"))
	if err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		s.frontRender(w, r, status, "signin", &fpage{Title: "Đăng nhập", Nav: "dang-nhap", Error: dossier.ErrorMessage(err), D: af})
		return
	}
	s.setSessionCookie(w, tok)
	next := af.Next
	if u.IsOfficer() && next == "/cong-dan" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) pageCitizenLogout(w http.ResponseWriter, r *http.Request) {
	if s.sameOrigin(w, r) && s.endSession(w, r) {
		http.Redirect(w, r, "/thu-tuc", http.StatusSeeOther)
	}
}

type submitPage struct {
	Procedures []dossier.Procedure
	Procedure  *dossier.Procedure
	Applicant  dossier.Applicant
	Errors     map[string]string
	Done       *dossier.Dossier
}

func (s *Server) pageSubmit(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	sp := submitPage{Errors: map[string]string{}, Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: u.Name,
		IDNumber: u.IDNumber, Phone: u.Phone, Email: u.Email}}
	var err error
	if sp.Procedures, err = s.svc.OnlineProcedures(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if code := r.URL.Query().Get("thu-tuc"); code != "" {
		for i := range sp.Procedures {
			if sp.Procedures[i].Code == code {
				sp.Procedure = &sp.Procedures[i]
			}
		}
		if sp.Procedure == nil {
			s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Thủ tục %s không nhận hồ sơ trực tuyến", code))
			return
		}
	}
	s.frontRender(w, r, http.StatusOK, "submit", &fpage{Title: "Nộp hồ sơ trực tuyến", Nav: "nop", D: sp})
}

// uploadParts stores the files of a multipart form named file_<component>
// and returns the components they make.
func (s *Server) uploadParts(r *http.Request, u *dossier.User, form *multipart.Form) ([]workflow.ComponentInput, map[string]string, error) {
	var comps []workflow.ComponentInput
	errs := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(form.File)) {
		code, ok := strings.CutPrefix(k, "file_")
		if !ok || len(form.File[k]) == 0 || form.File[k][0].Size == 0 {
			continue
		}
		fh := form.File[k][0]
		f, err := fh.Open()
		if err != nil {
			return nil, nil, err
		}
		info, err := s.svc.Upload(r.Context(), u, f)
		f.Close()
		if err != nil {
			switch dossier.ErrorCode(err) {
			case dossier.EINVALID, dossier.ETOOLARGE, dossier.EUNSUPPORTED:
				errs["components."+code] = dossier.ErrorMessage(err)
				continue
			}
			return nil, nil, err
		}
		comps = append(comps, workflow.ComponentInput{Code: code, BlobID: info.ID})
	}
	return comps, errs, nil
}

func (s *Server) parseMultipart(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 10*s.svc.Config().MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return dossier.Errorf(dossier.ETOOLARGE, "Tổng dung lượng tệp vượt quá giới hạn")
		}
		return dossier.Invalid("Biểu mẫu không hợp lệ (cần multipart/form-data)")
	}
	return nil
}

func (s *Server) pageSubmitPost(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := s.parseMultipart(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	f := r.MultipartForm.Value
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	sp := submitPage{Errors: map[string]string{}, Applicant: dossier.Applicant{Kind: dossier.ApplicantKind(get("kind")), Name: get("name"),
		IDNumber: get("id_number"), Phone: get("phone"), Email: get("email"), Address: get("address")}}
	if sp.Applicant.Kind == "" {
		sp.Applicant.Kind = dossier.ApplicantCitizen
	}
	ps, err := s.svc.OnlineProcedures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp.Procedures = ps
	for i := range ps {
		if ps[i].Code == get("procedure_code") {
			sp.Procedure = &ps[i]
		}
	}
	if sp.Procedure == nil {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Thủ tục không nhận hồ sơ trực tuyến"))
		return
	}
	comps, upErrs, err := s.uploadParts(r, u, r.MultipartForm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fail := func(status int, msg string) {
		s.frontRender(w, r, status, "submit", &fpage{Title: "Nộp hồ sơ trực tuyến", Nav: "nop", Error: msg, D: sp})
	}
	if len(upErrs) > 0 {
		sp.Errors = upErrs
		fail(http.StatusBadRequest, "Có tệp không hợp lệ; chỉ nhận PDF, JPEG, PNG")
		return
	}
	d, err := s.svc.Receive(r.Context(), u, workflow.ReceiveInput{ProcedureCode: sp.Procedure.Code, Channel: dossier.ChannelOnline,
		Applicant: sp.Applicant, Components: comps})
	if err != nil {
		status, ok := s.inForm(w, r, err, sp.Errors)
		if !ok {
			return
		}
		fail(status, dossier.ErrorMessage(err))
		return
	}
	sp.Done = d
	s.frontRender(w, r, http.StatusCreated, "submit", &fpage{Title: "Đã nộp hồ sơ", Nav: "nop", D: sp})
}

type myDossiersPage struct {
	Items []workflow.DossierRow
	Next  string
}

func (s *Server) pageMyDossiers(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	items, next, err := s.svc.Dossiers(r.Context(), u, workflow.DossierFilter{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frontRender(w, r, http.StatusOK, "mine", &fpage{Title: "Hồ sơ của tôi", Nav: "cong-dan", Flash: flashOf(r), D: myDossiersPage{Items: items, Next: next}})
}

func flashOf(r *http.Request) string {
	switch r.URL.Query().Get("ok") {
	case "bo-sung":
		return "Đã nộp bổ sung hồ sơ."
	}
	return ""
}

// myDossierPage is a citizen's dossier page: the dossier as its applicant
// sees it, and the errors of the supplement form.
type myDossierPage struct {
	*workflow.MyDossier
	Errors map[string]string
	// Gateway names the payment gateway the fee is paid online through
	// ("" when none is connected: no online payment).
	Gateway string
}

func (s *Server) myDossier(r *http.Request, u *dossier.User, code string) (*myDossierPage, error) {
	m, err := s.svc.MyDossier(r.Context(), u, code)
	if err != nil {
		return nil, err
	}
	return &myDossierPage{MyDossier: m, Errors: map[string]string{}, Gateway: s.gatewayLabel()}, nil
}

func (s *Server) pageMyDossier(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	mp, err := s.myDossier(r, u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frontRender(w, r, http.StatusOK, "mydossier", &fpage{Title: "Hồ sơ " + mp.D.Code, Nav: "cong-dan", Flash: flashOf(r), D: mp})
}

func (s *Server) pageSupplement(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	code := r.PathValue("code")
	mp, err := s.myDossier(r, u, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.parseMultipart(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	comps, upErrs, err := s.uploadParts(r, u, r.MultipartForm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fail := func(status int, msg string, errs map[string]string) {
		mp.Errors = errs
		s.frontRender(w, r, status, "mydossier", &fpage{Title: "Hồ sơ " + code, Nav: "cong-dan", Error: msg, D: mp})
	}
	if len(upErrs) > 0 {
		fail(http.StatusBadRequest, "Có tệp không hợp lệ; chỉ nhận PDF, JPEG, PNG", upErrs)
		return
	}
	version, _ := strconv.ParseInt(r.MultipartForm.Value["version"][0], 10, 64)
	note := ""
	if v := r.MultipartForm.Value["note"]; len(v) > 0 {
		note = v[0]
	}
	if _, err := s.svc.Act(r.Context(), u, code, dossier.ActSupplement, workflow.ActionInput{Version: version, Note: note, Components: comps}); err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		errs := map[string]string{}
		for _, fe := range dossier.ErrorFields(err) {
			errs[fe.Field] = fe.Message
		}
		fail(status, dossier.ErrorMessage(err), errs)
		return
	}
	http.Redirect(w, r, "/cong-dan/ho-so/"+url.PathEscape(code)+"?ok=bo-sung", http.StatusSeeOther)
}
