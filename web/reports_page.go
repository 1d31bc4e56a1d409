package web

import (
	"cmp"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"motcua/dossier"
	"motcua/workflow"
)

// Decision 299/QĐ-UBND targets (seed II.2): phase 1 (to 12/2021) ≥ 30 %
// of procedures at provincial level and ≥ 60 % at district level under
// "5 tại chỗ"; phase 2 (2022) 100 % of eligible procedures, ≥ 50 %
// delegated to the officers at the center.
const (
	targetPhase1Province = 30.0
	targetPhase1District = 60.0
	targetPhase2         = 100.0
	targetDelegation     = 50.0
)

// reportChart is one chart of the dashboard with its numbers.
type reportChart struct {
	ID    string
	Title string
	Note  string
	SVG   template.HTML
	Head  []string
	Rows  [][]string
	XLSX  string
}

type dashboard struct {
	User    *dossier.User
	Q       workflow.ReportQuery
	FromVi  string
	ToVi    string
	Params  template.URL // the query of the export links, already encoded
	Centers []dossier.Center
	Sum     *workflow.Summary
	Charts  []reportChart
	Error   string
}

// uiReports serves the dashboards page /bao-cao (supervisors and admins).
func (s *Server) uiReports(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q, centers, err := s.svc.DashboardQuery(r.Context(), u, reportQuery(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &dashboard{User: u, Q: q, FromVi: viDate(q.From), ToVi: viDate(q.To), Params: paramsOf(q), Centers: centers}
	status := http.StatusOK
	if err := s.fillDashboard(r, u, d); err != nil {
		code := statusOf(dossier.ErrorCode(err))
		if code == http.StatusInternalServerError {
			s.log.Error("reports: dashboard", slog.Any("err", err))
		}
		d.Error, d.Charts, d.Sum, status = dossier.ErrorMessage(err), nil, nil, code
	}
	s.renderPage(w, r, status, "reports", &uiPage{Title: "Báo cáo, giám sát", Active: "bao-cao", D: d})
}

// paramsOf is the query string of q for the export links. It is a
// template.URL so that html/template does not encode it a second time
// (the links answered 400 with "%3d" and "%26" in their query).
func paramsOf(q workflow.ReportQuery) template.URL {
	v := url.Values{}
	v.Set("from", q.From)
	v.Set("to", q.To)
	for k, x := range map[string]string{"level": q.Level, "agency": q.Agency, "center": q.Center} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return template.URL(v.Encode())
}

func (s *Server) fillDashboard(r *http.Request, u *dossier.User, d *dashboard) error {
	db, err := s.svc.ReportDashboard(r.Context(), u, d.Q)
	if err != nil {
		return err
	}
	d.Sum = db.Summary
	byAgency, byLevel, byMonth, byProc, overdue := db.ByAgency, db.ByLevel, db.ByMonth, db.ByProcedure, db.Overdue
	p := string(d.Params)

	// 1. Targets per level and per agency.
	{
		c := reportChart{ID: "targets-level", Title: "Mục tiêu Quyết định 299: tỷ lệ TTHC 5 tại chỗ trên TTHC có phát sinh hồ sơ, theo cấp",
			Note: "Giai đoạn 1 (đến 31/12/2021): cấp tỉnh ≥ 30%, cấp huyện ≥ 60%. Giai đoạn 2 (năm 2022): 100% TTHC đủ điều kiện, ≥ 50% được ủy quyền cho cán bộ tại Trung tâm.",
			Head: []string{"Cấp", "TTHC", "TTHC 5 tại chỗ", "Có hồ sơ", "5 tại chỗ có hồ sơ", "Tỷ lệ (%)", "Mục tiêu GĐ1 (%)", "Đạt GĐ1", "Đạt GĐ2", "Ủy quyền (%)", "Đạt ủy quyền ≥ 50%"},
			XLSX: "/api/v1/reports/by-level.xlsx?" + p}
		var bars []barItem
		for _, it := range byLevel.Items {
			t := targetPhase1District
			if it.Code == string(dossier.LevelProvince) {
				t = targetPhase1Province
			}
			bars = append(bars, barItem{it.Name, it.FiveOnSpotCoverage})
			c.Rows = append(c.Rows, []string{it.Name, fmt.Sprint(it.Procedures), fmt.Sprint(it.ProceduresFiveOnSpot), fmt.Sprint(it.ProceduresWithDossiers),
				fmt.Sprint(it.ProceduresWithDossiersFiveOnSpot), num(it.FiveOnSpotCoverage), num(t), yes(it.FiveOnSpotCoverage >= t),
				yes(it.FiveOnSpotCoverage >= targetPhase2), num(it.DelegationRate), yes(it.DelegationRate >= targetDelegation)})
		}
		c.SVG = hbarChart(c.Title, bars, 100, "%", []targetLine{{targetPhase1Province, "GĐ1 tỉnh 30%", "#b42318"}, {targetPhase1District, "GĐ1 huyện 60%", "#9a6700"}, {targetPhase2, "GĐ2 100%", "#1a7f37"}})
		d.Charts = append(d.Charts, c)
	}
	{
		c := reportChart{ID: "targets-agency", Title: "Tiến độ mục tiêu theo cơ quan: tỷ lệ 5 tại chỗ (trên TTHC có hồ sơ) và tỷ lệ ủy quyền",
			Head: []string{"Cơ quan", "Cấp", "TTHC", "5 tại chỗ", "Có hồ sơ", "5 tại chỗ có hồ sơ", "Tỷ lệ (%)", "Đạt GĐ1", "Ủy quyền", "Tỷ lệ ủy quyền (%)", "Đạt GĐ2"},
			XLSX: "/api/v1/reports/by-agency.xlsx?" + p}
		var bars []barItem
		for _, it := range byAgency.Items {
			if it.Procedures == 0 {
				continue
			}
			t := targetPhase1District
			if it.Level == string(dossier.LevelProvince) {
				t = targetPhase1Province
			}
			bars = append(bars, barItem{it.Name, it.FiveOnSpotCoverage})
			c.Rows = append(c.Rows, []string{it.Name, dossier.Level(it.Level).Label(), fmt.Sprint(it.Procedures), fmt.Sprint(it.ProceduresFiveOnSpot),
				fmt.Sprint(it.ProceduresWithDossiers), fmt.Sprint(it.ProceduresWithDossiersFiveOnSpot), num(it.FiveOnSpotCoverage),
				yes(it.FiveOnSpotCoverage >= t), fmt.Sprint(it.ProceduresDelegated), num(it.DelegationRate),
				yes(it.FiveOnSpotCoverage >= targetPhase2 && it.DelegationRate >= targetDelegation)})
		}
		c.SVG = hbarChart(c.Title, bars, 100, "%", []targetLine{{targetPhase1Province, "GĐ1 tỉnh 30%", "#b42318"}, {targetPhase1District, "GĐ1 huyện 60%", "#9a6700"}, {targetPhase2, "GĐ2 100%", "#1a7f37"}})
		d.Charts = append(d.Charts, c)
	}
	// 1b. "5 tại chỗ" per dossier (QĐ 299 phần III; issue 15 item 11):
	// per center and per agency, the dossiers returned that achieved it
	// and those returned the day they were received, next to the
	// procedure coverage.
	{
		c := reportChart{ID: "five-dossiers", Title: "Hồ sơ thực hiện 5 tại chỗ: tỷ lệ đạt 5 tại chỗ và trả kết quả trong ngày, theo trung tâm và cơ quan",
			Note: "Đạt 5 tại chỗ: hồ sơ được tiếp nhận, thẩm định, phê duyệt, lấy số, đóng dấu và trả kết quả tại Trung tâm (lãnh đạo trực tại Trung tâm hoặc ký số trên hệ thống), không luân chuyển về phòng, ban chuyên môn. Tính trên hồ sơ 5 tại chỗ đã trả kết quả trong kỳ.",
			Head: []string{"Trung tâm / cơ quan", "TTHC 5 tại chỗ có hồ sơ", "Bao phủ (%)", "Hồ sơ 5 tại chỗ đã trả", "Đạt 5 tại chỗ", "Tỷ lệ đạt (%)", "Trả trong ngày", "Tỷ lệ trả trong ngày (%)"},
			XLSX: "/api/v1/reports/by-agency.xlsx?" + p}
		var bars []barItem
		row := func(name string, it workflow.ReportRow) {
			c.Rows = append(c.Rows, []string{name, fmt.Sprint(it.ProceduresWithDossiersFiveOnSpot), num(it.FiveOnSpotCoverage),
				fmt.Sprint(it.DossiersFiveOnSpot), fmt.Sprint(it.DossiersFiveOnSpotAchieved), num(it.FiveOnSpotAchievedRate),
				fmt.Sprint(it.DossiersReturnedSameDay), num(it.SameDayRate)})
		}
		for _, it := range db.ByCenter.Items {
			if it.DossiersFiveOnSpot == 0 && it.ProceduresWithDossiersFiveOnSpot == 0 {
				continue
			}
			row("Trung tâm: "+it.Name, it)
		}
		for _, it := range byAgency.Items {
			if it.DossiersFiveOnSpot == 0 && it.ProceduresWithDossiersFiveOnSpot == 0 {
				continue
			}
			bars = append(bars, barItem{it.Name, it.FiveOnSpotAchievedRate})
			row(it.Name, it)
		}
		c.SVG = hbarChart(c.Title, bars, 100, "%", nil)
		d.Charts = append(d.Charts, c)
	}
	// 2. On-time and online rates over time.
	{
		c := reportChart{ID: "rates", Title: "Tỷ lệ giải quyết đúng hạn và tỷ lệ nộp trực tuyến theo tháng",
			Head: []string{"Tháng", "Tiếp nhận", "Trực tuyến", "Tỷ lệ trực tuyến (%)", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ đúng hạn (%)"},
			XLSX: "/api/v1/reports/by-month.xlsx?" + p}
		var labels []string
		onTime := lineSeries{Name: "Đúng hạn (%)", Color: colorBar}
		online := lineSeries{Name: "Trực tuyến (%)", Color: colorBar2}
		for _, it := range byMonth.Items {
			labels = append(labels, it.Code[5:]+"/"+it.Code[2:4])
			onTime.Values = append(onTime.Values, it.OnTimeRate)
			online.Values = append(online.Values, it.OnlineRate)
			c.Rows = append(c.Rows, []string{it.Name, fmt.Sprint(it.Received), fmt.Sprint(it.ReceivedOnline), num(it.OnlineRate), fmt.Sprint(it.Resolved),
				fmt.Sprint(it.ResolvedEarly), fmt.Sprint(it.ResolvedOnTime), fmt.Sprint(it.ResolvedLate), num(it.OnTimeRate)})
		}
		c.SVG = lineChart(c.Title, labels, 100, "%", []lineSeries{onTime, online})
		d.Charts = append(d.Charts, c)
	}
	// 3. Overdue dossiers to chase.
	{
		c := reportChart{ID: "overdue", Title: "Hồ sơ quá hạn cần đôn đốc (hiện tại)",
			Note: "Biểu đồ: số hồ sơ còn tồn quá hạn cuối kỳ theo cơ quan. Bảng: 50 hồ sơ quá hạn lâu nhất hiện nay.",
			Head: []string{"Mã hồ sơ", "Thủ tục", "Cơ quan", "Trạng thái", "Hạn trả"}, XLSX: "/api/v1/reports/overdue.xlsx?" + p}
		var bars []barItem
		for _, it := range byAgency.Items {
			if it.OpenOverdue > 0 {
				bars = append(bars, barItem{it.Name, float64(it.OpenOverdue)})
			}
		}
		slices.SortFunc(bars, func(a, b barItem) int { return cmp.Compare(b.Value, a.Value) })
		loc := s.svc.Location()
		for _, o := range overdue {
			c.Rows = append(c.Rows, []string{o.Code, o.Procedure, o.Agency, dossier.Status(o.Status).Label(), o.MeasureDueAt.In(loc).Format(uiLayoutTime)})
		}
		if len(bars) > 0 {
			c.SVG = hbarChart(c.Title, bars, 0, "", nil)
		} else {
			c.SVG = template.HTML(`<p>Không có hồ sơ tồn quá hạn cuối kỳ.</p>`)
		}
		d.Charts = append(d.Charts, c)
	}
	// 4. Average processing time per procedure.
	{
		c := reportChart{ID: "time", Title: "Thời gian giải quyết trung bình theo thủ tục (giờ làm việc, không tính thời gian chờ bổ sung)",
			Head: []string{"Thủ tục", "Đã giải quyết", "TG trung bình (giờ)", "Tỷ lệ đúng hạn (%)"}, XLSX: "/api/v1/reports/by-procedure.xlsx?" + p}
		items := slices.Clone(byProc.Items)
		items = slices.DeleteFunc(items, func(it workflow.ReportRow) bool { return it.Resolved == 0 })
		slices.SortFunc(items, func(a, b workflow.ReportRow) int { return cmp.Compare(b.AvgProcessingHours, a.AvgProcessingHours) })
		var bars []barItem
		for i, it := range items {
			if i < 20 {
				bars = append(bars, barItem{it.Code + " " + it.Name, it.AvgProcessingHours})
			}
			c.Rows = append(c.Rows, []string{it.Code + " – " + it.Name, fmt.Sprint(it.Resolved), num(it.AvgProcessingHours), num(it.OnTimeRate)})
		}
		c.SVG = hbarChart(c.Title, bars, 0, " giờ", nil)
		d.Charts = append(d.Charts, c)
	}
	// 5. Ratings.
	{
		c := reportChart{ID: "ratings", Title: "Mức độ hài lòng theo cơ quan", Head: []string{"Cơ quan", "Lượt đánh giá", "Tỷ lệ hài lòng (%)"},
			XLSX: "/api/v1/reports/by-agency.xlsx?" + p}
		var bars []barItem
		for _, it := range byAgency.Items {
			if it.Ratings > 0 {
				bars = append(bars, barItem{it.Name, it.SatisfactionRate})
				c.Rows = append(c.Rows, []string{it.Name, fmt.Sprint(it.Ratings), num(it.SatisfactionRate)})
			}
		}
		c.SVG = hbarChart(c.Title, bars, 100, "%", []targetLine{{90, "QĐ 766: 90%", "#1a7f37"}})
		d.Charts = append(d.Charts, c)
	}
	return nil
}

func yes(b bool) string {
	if b {
		return "Đạt"
	}
	return "Chưa đạt"
}
