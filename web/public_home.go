package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

// The public home of the center (contract §9: GET / without login), the
// public statistics (/thong-ke and its JSON) and the verification form
// (/xac-thuc) that leads to a result's verification page.

// home serves /: an officer's work list, everybody else's public home.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if u := userOf(r); u != nil && u.IsOfficer() {
		s.uiWorkList(w, r, u)
		return
	}
	s.limited(s.pageHome)(w, r)
}

type homePage struct {
	Main     *dossier.Center // the center the address belongs to: the highest level one
	Centers  []dossier.Center
	Shifts   []dossier.PublicShift
	Stats    *workflow.PublicStatistics
	FiveOnly int // procedures under "5 tại chỗ"
	Total    int // procedures in the catalog
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cs, err := s.svc.Centers(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hp := homePage{Centers: cs}
	// The highest level center first: the one this address belongs to.
	slices.SortStableFunc(cs, func(a, b dossier.Center) int { return cmp.Compare(levelRank(a.Level), levelRank(b.Level)) })
	if len(cs) > 0 {
		hp.Main = &cs[0]
	}
	if hp.Shifts, err = s.svc.PublicSchedule(ctx, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(hp.Shifts) > 5 {
		hp.Shifts = hp.Shifts[:5]
	}
	if hp.Stats, err = s.svc.PublicStatistics(ctx, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	cat, err := s.svc.PublicCatalog(ctx, workflow.CatalogQuery{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hp.Total = cat.Total
	for _, c := range cat.FiveOnSpot {
		hp.FiveOnly += len(c.Items)
	}
	publicCache(w, r)
	s.frontRender(w, r, http.StatusOK, "home", &fpage{Title: "Trang chủ", Nav: "home", D: hp})
}

// statsPage is the public statistics page with its server-drawn charts.
type statsPage struct {
	S      *workflow.PublicStatistics
	Years  []int
	OnTime template.HTML
	Online template.HTML
	Satis  template.HTML
	Months template.HTML
}

func (s *Server) pageStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.svc.PublicStatistics(r.Context(), r.URL.Query().Get("nam"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp := statsPage{S: st}
	for y := s.svc.Now().In(s.svc.Location()).Year(); y >= 2021; y-- {
		sp.Years = append(sp.Years, y)
	}
	sp.OnTime, sp.Online, sp.Satis, sp.Months = statsCharts(st)
	publicCache(w, r)
	s.frontRender(w, r, http.StatusOK, "stats", &fpage{Title: fmt.Sprintf("Thống kê kết quả giải quyết năm %d", st.Year), Nav: "thong-ke", D: sp})
}

// statsCharts draws the public charts: on-time, online and satisfaction
// rates per agency, and the months of the year.
func statsCharts(st *workflow.PublicStatistics) (onTime, online, satis, months template.HTML) {
	var a, b, c []barItem
	for _, it := range st.ByAgency {
		if it.Resolved > 0 {
			a = append(a, barItem{it.Name, it.OnTimeRate})
		}
		if it.Received > 0 {
			b = append(b, barItem{it.Name, it.OnlineRate})
		}
		if it.Ratings > 0 {
			c = append(c, barItem{it.Name, it.SatisfactionRate})
		}
	}
	// An empty chart is left out (the page says there is no figure yet).
	if len(a) > 0 {
		onTime = hbarChart("Tỷ lệ hồ sơ giải quyết đúng hạn theo cơ quan", a, 100, "%", nil)
	}
	if len(b) > 0 {
		online = hbarChart("Tỷ lệ hồ sơ nộp trực tuyến theo cơ quan", b, 100, "%", nil)
	}
	if len(c) > 0 {
		satis = hbarChart("Tỷ lệ hài lòng theo cơ quan", c, 100, "%", nil)
	}
	var labels []string
	on := lineSeries{Name: "Đúng hạn (%)", Color: colorBar}
	ol := lineSeries{Name: "Trực tuyến (%)", Color: colorBar2}
	for _, m := range st.ByMonth {
		labels = append(labels, strings.TrimPrefix(m.Name, "Tháng "))
		on.Values = append(on.Values, m.OnTimeRate)
		ol.Values = append(ol.Values, m.OnlineRate)
	}
	months = lineChart("Tỷ lệ đúng hạn và trực tuyến theo tháng", labels, 100, "%", []lineSeries{on, ol})
	return
}

func (s *Server) apiPublicStatistics(w http.ResponseWriter, r *http.Request) {
	st, err := s.svc.PublicStatistics(r.Context(), r.URL.Query().Get("year"))
	s.replyPublic(w, r, st, err)
}

// pageVerifyForm asks for the verification code printed under a result's
// QR code and opens its verification page.
func (s *Server) pageVerifyForm(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("ma"))
	if i := strings.LastIndex(code, "/verify/"); i >= 0 {
		code = code[i+len("/verify/"):] // a pasted address
	}
	var msg string
	if code != "" {
		if verifyTokenOK(code) {
			http.Redirect(w, r, "/verify/"+code, http.StatusSeeOther)
			return
		}
		msg = "Mã xác thực gồm 22 ký tự (chữ, số, dấu - và _), in dưới mã QR trên kết quả."
	}
	status := http.StatusOK
	if msg != "" {
		status = http.StatusBadRequest
	}
	s.frontRender(w, r, status, "verify_form", &fpage{Title: "Xác thực kết quả giải quyết", Nav: "xac-thuc", Error: msg, D: code})
}

func verifyTokenOK(s string) bool {
	if len(s) != 22 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// levelRank orders levels from the province down.
func levelRank(l dossier.Level) int {
	switch l {
	case dossier.LevelProvince:
		return 0
	case dossier.LevelDistrict:
		return 1
	case dossier.LevelCommune:
		return 2
	}
	return 3
}

// orNotFound answers a path no route knows with the error page of the
// house (Vietnamese page, or problem+json on the API) instead of the
// mux's bare English "404 page not found". A known path asked with
// another method is left to the mux (405 with Allow).
func (s *Server) orNotFound(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			if _, p := mux.Handler(get); p == "" {
				s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy trang %s", r.URL.Path))
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// favicon serves the icon the pages declare (static/favicon.svg) at the
// address browsers ask by default.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	b, err := staticFS.ReadFile("static/favicon.svg")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}
