package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

// reportHandlers answers one report: as JSON, and as the spreadsheet sheet
// lays out. routes.go serves them at /api/v1/reports/NAME, NAME.json and
// NAME.xlsx.
type reportHandlers struct{ json, xlsx http.HandlerFunc }

// reportOf builds the handlers of the report fetch computes.
func reportOf[T any](s *Server, fetch func(context.Context, *dossier.User, workflow.ReportQuery) (T, error),
	sheet func(workflow.ReportQuery, T) (file string, sh xlsxSheet)) reportHandlers {
	serve := func(xlsx bool) http.HandlerFunc {
		return s.needUser(func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
			q := reportQuery(r)
			out, err := fetch(r.Context(), u, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if !xlsx {
				writeJSON(w, http.StatusOK, out)
				return
			}
			file, sh := sheet(q, out)
			s.writeXLSX(w, r, file, sh)
		})
	}
	return reportHandlers{json: serve(false), xlsx: serve(true)}
}

// breakdownOf is the report of the summary broken down by (workflow.ByAgency…).
func (s *Server) breakdownOf(by string) reportHandlers {
	fetch := func(ctx context.Context, u *dossier.User, q workflow.ReportQuery) (*workflow.Breakdown, error) {
		return s.svc.Breakdown(ctx, u, q, by)
	}
	return reportOf(s, fetch, breakdownSheet(by))
}

// reportQuery reads the common parameters of every report.
func reportQuery(r *http.Request) workflow.ReportQuery {
	q := r.URL.Query()
	return workflow.ReportQuery{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Level: strings.TrimSpace(q.Get("level")), Agency: strings.TrimSpace(q.Get("agency")), Center: strings.TrimSpace(q.Get("center"))}
}

func summarySheet(q workflow.ReportQuery, out *workflow.SummaryReport) (string, xlsxSheet) {
	rows := [][]any{}
	for _, f := range summaryFields {
		rows = append(rows, []any{f.label, f.get(&out.Summary)})
	}
	return "bao-cao-tong-hop", xlsxSheet{
		Title:   "BÁO CÁO TỔNG HỢP TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT TTHC",
		Sub:     periodLine(q),
		Headers: []string{"Chỉ tiêu", "Giá trị"},
		Widths:  []float64{60, 18},
		Rows:    sliceRows(rows),
	}
}

func breakdownSheet(by string) func(workflow.ReportQuery, *workflow.Breakdown) (string, xlsxSheet) {
	return func(q workflow.ReportQuery, out *workflow.Breakdown) (string, xlsxSheet) {
		head := []string{"Mã", "Tên"}
		widths := []float64{18, 48}
		for _, f := range summaryFields {
			head = append(head, f.label)
			widths = append(widths, 14)
		}
		rows := make([][]any, 0, len(out.Items)+1)
		for i := range out.Items {
			it := &out.Items[i]
			row := []any{it.Code, it.Name}
			for _, f := range summaryFields {
				row = append(row, f.get(&it.Summary))
			}
			rows = append(rows, row)
		}
		total := []any{"", "Tổng cộng"}
		for _, f := range summaryFields {
			total = append(total, f.get(&out.Total))
		}
		rows = append(rows, total)
		return "bao-cao-theo-" + by, xlsxSheet{
			Title: "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC " + strings.ToUpper(byLabel[by]), Sub: periodLine(q),
			Headers: head, Widths: widths, Rows: sliceRows(rows),
		}
	}
}

var byLabel = map[string]string{
	workflow.ByAgency: "theo cơ quan", workflow.ByProcedure: "theo thủ tục", workflow.ByCenter: "theo trung tâm",
	workflow.ByLevel: "theo cấp", workflow.ByMonth: "theo tháng",
}

func periodLine(q workflow.ReportQuery) string {
	s := fmt.Sprintf("Kỳ báo cáo: từ ngày %s đến ngày %s", viDate(q.From), viDate(q.To))
	if q.Level != "" {
		s += " – " + dossier.Level(q.Level).Label()
	}
	if q.Center != "" {
		s += " – Trung tâm " + q.Center
	}
	if q.Agency != "" {
		s += " – Cơ quan " + q.Agency
	}
	return s
}

// viDate turns YYYY-MM-DD into DD/MM/YYYY.
func viDate(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[8:] + "/" + d[5:7] + "/" + d[:4]
}

// summaryField is one field of contract §7 with its Vietnamese label.
type summaryField struct {
	key   string
	label string
	get   func(*workflow.Summary) any
}

var summaryFields = []summaryField{
	{"received", "Hồ sơ tiếp nhận", func(x *workflow.Summary) any { return x.Received }},
	{"received_online", "Tiếp nhận trực tuyến", func(x *workflow.Summary) any { return x.ReceivedOnline }},
	{"online_rate", "Tỷ lệ trực tuyến (%)", func(x *workflow.Summary) any { return x.OnlineRate }},
	{"resolved", "Đã giải quyết", func(x *workflow.Summary) any { return x.Resolved }},
	{"resolved_early", "Trước hạn", func(x *workflow.Summary) any { return x.ResolvedEarly }},
	{"resolved_on_time", "Đúng hạn", func(x *workflow.Summary) any { return x.ResolvedOnTime }},
	{"resolved_late", "Quá hạn", func(x *workflow.Summary) any { return x.ResolvedLate }},
	{"on_time_rate", "Tỷ lệ đúng hạn (%)", func(x *workflow.Summary) any { return x.OnTimeRate }},
	{"open", "Đang giải quyết cuối kỳ", func(x *workflow.Summary) any { return x.Open }},
	{"open_overdue", "Trong đó quá hạn", func(x *workflow.Summary) any { return x.OpenOverdue }},
	{"procedures", "Số TTHC", func(x *workflow.Summary) any { return x.Procedures }},
	{"procedures_five_on_spot", "TTHC 5 tại chỗ", func(x *workflow.Summary) any { return x.ProceduresFiveOnSpot }},
	{"five_on_spot_share", "Tỷ lệ TTHC 5 tại chỗ (%)", func(x *workflow.Summary) any { return x.FiveOnSpotShare }},
	{"procedures_with_dossiers", "TTHC có phát sinh hồ sơ", func(x *workflow.Summary) any { return x.ProceduresWithDossiers }},
	{"procedures_with_dossiers_five_on_spot", "Trong đó 5 tại chỗ", func(x *workflow.Summary) any { return x.ProceduresWithDossiersFiveOnSpot }},
	{"five_on_spot_coverage", "Tỷ lệ 5 tại chỗ / có phát sinh (%)", func(x *workflow.Summary) any { return x.FiveOnSpotCoverage }},
	{"procedures_delegated", "TTHC được ủy quyền", func(x *workflow.Summary) any { return x.ProceduresDelegated }},
	{"delegation_rate", "Tỷ lệ ủy quyền (%)", func(x *workflow.Summary) any { return x.DelegationRate }},
	{"ratings", "Lượt đánh giá", func(x *workflow.Summary) any { return x.Ratings }},
	{"satisfaction_rate", "Tỷ lệ hài lòng (%)", func(x *workflow.Summary) any { return x.SatisfactionRate }},
	{"avg_processing_hours", "Thời gian giải quyết TB (giờ làm việc)", func(x *workflow.Summary) any { return x.AvgProcessingHours }},
	{"dossiers_five_on_spot_returned", "Hồ sơ 5 tại chỗ đã trả", func(x *workflow.Summary) any { return x.DossiersFiveOnSpot }},
	{"dossiers_five_on_spot_achieved", "Đạt 5 tại chỗ", func(x *workflow.Summary) any { return x.DossiersFiveOnSpotAchieved }},
	{"five_on_spot_achieved_rate", "Tỷ lệ đạt 5 tại chỗ (%)", func(x *workflow.Summary) any { return x.FiveOnSpotAchievedRate }},
	{"dossiers_returned_same_day", "Trả trong ngày", func(x *workflow.Summary) any { return x.DossiersReturnedSameDay }},
	{"same_day_rate", "Tỷ lệ trả trong ngày (%)", func(x *workflow.Summary) any { return x.SameDayRate }},
}

func officerSheet(q workflow.ReportQuery, out *workflow.OfficersReport) (string, xlsxSheet) {
	rows := make([][]any, 0, len(out.Items))
	for _, it := range out.Items {
		e := it.Evaluation
		rows = append(rows, []any{it.Name, it.Resolved, it.ResolvedEarly, it.ResolvedOnTime, it.ResolvedLate, it.OnTimeRate,
			it.AvgProcessingHours, e.Index1, e.Index2, e.Index3, e.Index4, e.Index7, e.Total, e.Band})
	}
	return "bao-cao-theo-can-bo", xlsxSheet{
		Title: "KẾT QUẢ GIẢI QUYẾT TTHC THEO CÁN BỘ", Sub: periodLine(q),
		Headers: []string{"Cán bộ", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ đúng hạn (%)", "TG TB (giờ)",
			"Chỉ số 1", "Chỉ số 2", "Chỉ số 3", "Chỉ số 4", "Chỉ số 7", "Tổng điểm", "Xếp loại"},
		Widths: []float64{30, 12, 12, 12, 12, 14, 12, 10, 10, 10, 10, 10, 12, 36},
		Rows:   sliceRows(rows),
	}
}

func indicatorsSheet(q workflow.ReportQuery, out *workflow.IndicatorsReport) (string, xlsxSheet) {
	rows := make([][]any, 0, len(out.Indicators))
	opt := func(p *float64) any {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, in := range out.Indicators {
		v, note := any(in.Value), in.Note
		if !in.Computable {
			v, note = "Không đo được từ dữ liệu hệ thống", in.Reason
		}
		rows = append(rows, []any{in.Code, in.Name, in.Numerator, in.Denominator, v, in.Unit, opt(in.Threshold), opt(in.MaxPoints), opt(in.Points), note})
	}
	for _, g := range out.Groups {
		rows = append(rows, []any{"Nhóm " + strconv.Itoa(g.Group), g.Name, "", "", "", "", "", g.MaxPoints, g.Points,
			fmt.Sprintf("Tối đa đo được: %.2f", g.MeasurableMax)})
	}
	rows = append(rows, []any{"Tổng", "Tổng điểm", "", "", "", "", "", out.MaxPoints, out.Total,
		fmt.Sprintf("%d chỉ số tính được, %d không đo được; tối đa đo được %.2f", out.Computed, out.NotMeasurable, out.MeasurableMax)})
	return "chi-so-766", xlsxSheet{
		Title: "BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766/QĐ-TTg)", Sub: periodLine(q),
		Headers: []string{"Chỉ số", "Tên", "Tử số", "Mẫu số", "Giá trị", "Đơn vị", "Ngưỡng", "Điểm tối đa", "Điểm", "Ghi chú"},
		Widths:  []float64{8, 44, 12, 12, 12, 8, 10, 12, 10, 60},
		Rows:    sliceRows(rows),
	}
}

func evaluationSheet(q workflow.ReportQuery, out *workflow.EvaluationReport) (string, xlsxSheet) {
	rows := make([][]any, 0, len(out.Agencies))
	for _, a := range out.Agencies {
		row := []any{a.Code, a.Name, a.Dossiers}
		for _, v := range a.Indices {
			if v == nil {
				row = append(row, "—")
			} else {
				row = append(row, *v)
			}
		}
		rows = append(rows, append(row, a.Total, a.Band))
	}
	return "danh-gia-tt01-2018", xlsxSheet{
		Title: "ĐÁNH GIÁ VIỆC GIẢI QUYẾT TTHC (THÔNG TƯ 01/2018/TT-VPCP)", Sub: periodLine(q),
		Headers: []string{"Mã", "Cơ quan", "Hồ sơ", "CS 1", "CS 2", "CS 3", "CS 4", "CS 5", "CS 6", "CS 7", "CS 8", "CS 9", "Tổng", "Xếp loại"},
		Widths:  []float64{16, 44, 10, 8, 8, 8, 8, 8, 8, 8, 8, 8, 10, 14},
		Rows:    sliceRows(rows),
	}
}

func (s *Server) apiOverdue(xlsx bool) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		items, err := s.svc.OverdueReport(r.Context(), u, reportQuery(r), 10000)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !xlsx {
			type item struct {
				Code      string `json:"code"`
				Procedure string `json:"procedure"`
				Agency    string `json:"agency_code"`
				Center    string `json:"center_code"`
				Status    string `json:"status"`
				DueAt     string `json:"due_at"`
				// MeasureDueAt: the date lateness is measured against
				// (the original appointment; due_at is the applicant's
				// appointment, moved by an apology).
				MeasureDueAt string `json:"measure_due_at"`
			}
			out := make([]item, 0, len(items))
			loc := s.svc.Location()
			for _, it := range items {
				out = append(out, item{it.Code, it.Procedure, it.Agency, it.Center, it.Status, it.DueAt.In(loc).Format("2006-01-02T15:04:05-07:00"),
					it.MeasureDueAt.In(loc).Format("2006-01-02T15:04:05-07:00")})
			}
			writeJSON(w, http.StatusOK, map[string]any{"items": out})
			return
		}
		rows := make([][]any, 0, len(items))
		for _, it := range items {
			rows = append(rows, []any{it.Code, it.Procedure, it.Agency, it.Center, dossier.Status(it.Status).Label(), localTime(it.MeasureDueAt, s.svc.Location())})
		}
		s.writeXLSX(w, r, "ho-so-qua-han", xlsxSheet{
			Title: "DANH SÁCH HỒ SƠ QUÁ HẠN CẦN ĐÔN ĐỐC", Headers: []string{"Mã hồ sơ", "Thủ tục", "Cơ quan", "Trung tâm", "Trạng thái", "Hạn trả"},
			Widths: []float64{30, 60, 20, 16, 22, 18}, Rows: sliceRows(rows), DateCols: map[int]bool{5: true},
		})
	}
}

func (s *Server) apiRecount(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	n, err := s.svc.RecountAggregates(r.Context(), u)
	s.reply(w, r, http.StatusOK, map[string]any{"dossiers": n}, err)
}
