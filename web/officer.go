package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/workflow"
)

// The officers' web UI (issue 6): server-rendered html/template pages with
// vendored htmx, in Vietnamese. Handlers live in officer_*.go, templates in
// templates/officer/, the stylesheet and htmx in static/.

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ui holds the parsed templates of the officers' pages: one template set
// per page file (each page defines "content" on top of the shared layout).
type ui struct {
	pages  map[string]*template.Template
	static http.Handler
}

func newUI() (*ui, error) {
	base, err := template.New("base").Funcs(uiFuncs).ParseFS(templateFS, "templates/officer/layout.html", "templates/officer/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/officer/pages/*.html")
	if err != nil {
		return nil, err
	}
	u := &ui{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		u.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(sub)
	u.static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Assets change only with the binary; a day of caching keeps the
		// work lists light on slow government networks.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		// A name that no embedded file can have (invalid UTF-8, "..",
		// NUL) is not found, rather than the file server's 500.
		if name := strings.TrimPrefix(r.URL.Path, "/"); name != "" && (!utf8.ValidString(name) || !fs.ValidPath(strings.TrimSuffix(name, "/"))) {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
	return u, nil
}

// page is what every page template receives.
type uiPage struct {
	Title  string
	User   *dossier.User
	Active string            // the navigation entry to highlight
	Flash  string            // a confirmation shown above the content
	Error  string            // a page-level error message
	D      any               // the page's own data
	Base   string            // the public address of the installation (printed links)
	Brand  *dossier.Branding // the center's branding; nil: the defaults
}

// uiFieldErrors maps a field name to its message, in Vietnamese.
type uiFieldErrors map[string]string

// uiErrorsOf collects the field errors of err, the first message per field.
func uiErrorsOf(err error) uiFieldErrors {
	fe := uiFieldErrors{}
	for _, f := range dossier.ErrorFields(err) {
		if _, ok := fe[f.Field]; ok {
			continue
		}
		fe[f.Field] = f.Message
	}
	return fe
}

// renderPage executes the page template name within the layout. Rendering is buffered so
// a template error becomes a clean 500 instead of half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, p *uiPage) {
	s.renderTemplate(w, r, status, name, "layout", p)
}

// renderFragment executes one named template of a page set (htmx swaps).
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, status int, name, tmpl string, data any) {
	s.renderTemplate(w, r, status, name, tmpl, data)
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, name, tmpl string, data any) {
	t, ok := s.ui.pages[name]
	if !ok {
		s.log.Error("ui: no page template", slog.String("page", name))
		s.writeFallback(w)
		return
	}
	if p, ok := data.(*uiPage); ok {
		if p.User == nil {
			p.User = userOf(r)
		}
		p.Base = strings.TrimRight(s.svc.Config().BaseURL, "/")
		p.Brand = s.brandingOf(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, tmpl, data); err != nil {
		s.log.Error("ui: render", slog.String("page", name), slog.String("template", tmpl), slog.Any("err", err))
		s.writeFallback(w)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// pageGate is who may see a family of pages and how the others are told.
type pageGate struct {
	login   func(http.ResponseWriter, *http.Request) // sign-in, coming back afterwards
	allowed func(*dossier.User) bool
	refused string // message for a signed-in user who is not allowed
}

// gated wraps a page behind g. Unsafe methods must pass the cross-origin
// check even before a cookie exists.
func (s *Server) gated(g pageGate, h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.sameOrigin(w, r) {
				return
			}
		}
		u := userOf(r)
		if u == nil {
			g.login(w, r)
			return
		}
		if !g.allowed(u) {
			s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "%s", g.refused))
			return
		}
		h(w, r, u)
	}
}

// officer wraps a page that needs a signed-in officer. Visitors without a
// session go to /login and come back afterwards.
func (s *Server) officer(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return s.gated(pageGate{login: s.toLogin, allowed: (*dossier.User).IsOfficer,
		refused: "Trang này dành cho cán bộ; công dân nộp hồ sơ tại trang Nộp trực tuyến"}, h)
}

// admin wraps a page of the administration (role admin).
func (s *Server) admin(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return s.officerWith("Chỉ quản trị viên được vào trang quản trị", h, dossier.RoleAdmin)
}

// supervisor wraps a page for supervisors and admins (the dashboards).
func (s *Server) supervisor(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return s.officerWith("Chỉ giám sát viên và quản trị viên được xem báo cáo", h, dossier.RoleSupervisor, dossier.RoleAdmin)
}

// reception wraps a page for the reception officers at the counters.
func (s *Server) reception(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return s.officerWith("Trang gọi số dành cho cán bộ tiếp nhận", h, dossier.RoleReception)
}

// officerWith wraps a page for officers holding one of roles; the others
// are told refused.
func (s *Server) officerWith(refused string, h func(w http.ResponseWriter, r *http.Request, u *dossier.User), roles ...dossier.Role) http.HandlerFunc {
	return s.officer(func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		if !u.HasAny(roles...) {
			s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "%s", refused))
			return
		}
		h(w, r, u)
	})
}

// uiExpiredCookie tells /login that the previous session has expired.
const uiExpiredCookie = "motcua_expired"

// toLogin sends a visitor without a session to /login?next=<the page>.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
	}
	if cur := r.Header.Get("HX-Current-URL"); cur != "" {
		if cu, err := url.Parse(cur); err == nil && cu.Host == r.Host {
			next = cu.RequestURI()
		}
	}
	next = uiSafeNext(next)
	if sessionExpired(r) {
		http.SetCookie(w, &http.Cookie{Name: uiExpiredCookie, Value: "1", Path: "/login", MaxAge: 120, HttpOnly: true,
			Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	loc := "/login?next=" + url.QueryEscape(next)
	if next == "/" {
		loc = "/login"
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", loc)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// uiSafeNext keeps only a local path as the page to return to.
func uiSafeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return "/"
	}
	return next
}

// uiZone is the fallback zone for formatting when the service has none.
var uiZone = time.FixedZone("ICT", 7*3600)

var uiFuncs = template.FuncMap{
	"statusLabel": func(s dossier.Status) string { return s.Label() },
	"actionLabel": func(a dossier.Action) string { return a.Label() },
	"roleLabel":   func(r dossier.Role) string { return r.Label() },
	"has":         func(u *dossier.User, r string) bool { return u.Has(dossier.Role(r)) },
	"hasAny": func(u *dossier.User, rs ...string) bool {
		for _, r := range rs {
			if u.Has(dossier.Role(r)) {
				return true
			}
		}
		return false
	},
	"fmtNum":   num,
	"fmtTime":  uiTimeFormat(uiLayoutTime),
	"fmtClock": uiTimeFormat(uiLayoutClock),
	"fmtDate":  uiTimeFormat(uiLayoutDate),
	"isoTime": func(t any) string {
		tt, ok := uiTimeOf(t)
		if !ok {
			return ""
		}
		return tt.Format(time.RFC3339)
	},
	"money":   workflow.Money,
	"fmethod": workflow.MethodLabel,
	"pct":     func(v float64) string { return num(v) + "%" },
	"kb": func(n int64) string {
		if n < 1024 {
			return fmt.Sprintf("%d B", n)
		}
		if n < 1<<20 {
			return fmt.Sprintf("%.0f KB", float64(n)/1024)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	},
	"err":  func(fe uiFieldErrors, field string) string { return fe[field] },
	"add":  func(a, b int) int { return a + b },
	"join": strings.Join,
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"str": func(v any) string { return fmt.Sprint(v) },
	"actErr": func(v uiDossierView, a string) string {
		if string(v.Open) == a {
			return v.ErrMsg
		}
		return ""
	},
	"importArgs": func(v *uiAdminView, kind, label string) map[string]any {
		return map[string]any{"V": v, "Kind": kind, "Label": label}
	},
	"levelLabel": func(l dossier.Level) string {
		switch l {
		case dossier.LevelProvince:
			return "Tỉnh"
		case dossier.LevelDistrict:
			return "Huyện"
		case dossier.LevelCommune:
			return "Xã"
		}
		return string(l)
	},
	"kindLabel": func(k string) string { return calendar.OverrideKind(k).Label() },
	"fv":        func(v url.Values, k string) string { return v.Get(k) },
	"fvs":       func(v url.Values, k, want string) bool { return slices.Contains(v[k], want) },
}

// The layouts of times shown on pages.
const (
	uiLayoutTime  = "15:04 02/01/2006"
	uiLayoutClock = "15:04"
	uiLayoutDate  = "02/01/2006"
)

// uiTimeFormat returns a template function that prints a time.Time or
// *time.Time in uiZone with layout, or "—" when there is none.
func uiTimeFormat(layout string) func(any) string {
	return func(t any) string {
		if tt, ok := uiTimeOf(t); ok {
			return tt.In(uiZone).Format(layout)
		}
		return "—"
	}
}

func uiTimeOf(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v == nil || v.IsZero() {
			return time.Time{}, false
		}
		return *v, true
	}
	return time.Time{}, false
}
