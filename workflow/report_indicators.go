package workflow

import (
	"context"
	"math"

	"motcua/dossier"
)

// Indicator is one QĐ 766/QĐ-TTg indicator (regulation.md Part B §5,
// dossier.QD766): numerator / denominator as a rate (or a value for 2.2)
// and its points under the general rule (dossier.Points766). An indicator
// motcua's data cannot measure has Status "not_measurable" with the
// reason, and no value or points.
type Indicator struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Group       int      `json:"group"`
	Status      string   `json:"status"` // "computed" or "not_measurable"
	Reason      string   `json:"reason,omitempty"`
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       float64  `json:"value"`
	Unit        string   `json:"unit"` // "%" or "giờ"
	Threshold   *float64 `json:"threshold,omitempty"`
	MaxPoints   *float64 `json:"max_points,omitempty"`
	Points      *float64 `json:"points,omitempty"`
	// WeightSource says where MaxPoints comes from: a public reproduction
	// of the method ("secondary") or the group's remaining points shared
	// evenly ("assumed").
	WeightSource string `json:"weight_source"`
	Computable   bool   `json:"computable"`
	Note         string `json:"note,omitempty"`
}

// Indicator statuses.
const (
	IndicatorComputed      = "computed"
	IndicatorNotMeasurable = "not_measurable"
)

// IndicatorGroupScore is one group's score: the points of its computed
// indicators out of the group's points; MeasurableMax is what the group's
// computed indicators could earn at most.
type IndicatorGroupScore struct {
	Group         int     `json:"group"`
	Name          string  `json:"name"`
	MaxPoints     float64 `json:"max_points"`
	Points        float64 `json:"points"`
	MeasurableMax float64 `json:"measurable_max"`
}

// IndicatorsReport is the answer of GET /reports/indicators: every
// indicator of the set, the five group scores and the total out of 100
// (indicators not measurable count 0; MeasurableMax is the most the
// measurable ones could give).
type IndicatorsReport struct {
	ReportQuery
	Indicators    []Indicator           `json:"indicators"`
	Groups        []IndicatorGroupScore `json:"groups"`
	Total         float64               `json:"total"`
	MaxPoints     float64               `json:"max_points"`
	MeasurableMax float64               `json:"measurable_max"`
	Computed      int                   `json:"computed"`
	NotMeasurable int                   `json:"not_measurable"`
}

func fp(v float64) *float64 { return &v }

// measure is what a computed indicator measured.
type measure struct {
	num, den int64
	value    float64 // set for 2.2 (hours) and 5.4 (its own formula); else num/den
	unit     string
	note     string
	direct   bool // value is given, not num/den
}

// Indicators computes the QĐ 766 indicator set for the period: 2.1, 2.2,
// 3.3 and 5.4 from the aggregates; 1.3, 3.1 and 3.2 from the catalog
// (and the online dossiers of the period); 3.5 from the catalog and the
// verified online payments (payment_orders); 3.6 and 4.1–4.5 from the
// dossiers of the period; 5.1 and 5.2 from the feedback (ratings
// "chưa hài lòng" and their answers). 1.1, 1.2, 1.4 and 5.3 are not
// measurable from motcua's data (dossier.QD766 says why).
func (s *Service) Indicators(ctx context.Context, u *dossier.User, q ReportQuery) (*IndicatorsReport, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	rd, err := s.loadReportCached(ctx, rs, rs.from, rs.to)
	if err != nil {
		return nil, err
	}
	x := rd.build(rs.to.String(), func(string, string, string) string { return "" })[""]
	if x == nil {
		x = &Summary{}
	}
	st, fl := x.stock, x.flows
	open, overdue := st.Received-st.Closed, st.Due-st.DueClosed
	multiOpen, multiOverdue := st.Multi-st.MultiClosed, st.MultiDue-st.MultiDueClosed
	dc, err := s.db.DigitalCountsOf(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	complete, err := s.db.CatalogCompleteness(ctx)
	if err != nil {
		return nil, err
	}
	used, err := s.db.OnlineProceduresUsed(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	linked, err := s.db.WarehouseLinked(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	verified, submitted, err := s.db.VerifiedOnline(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	fbs, err := s.db.FeedbackIn(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	paidOnline, err := s.db.OnlinePaidProcedures(ctx, rs.end)
	if err != nil {
		return nil, err
	}
	// The catalog in scope.
	var procs, procsComplete, online, onlineUsed, feeProcs, feeOnline int64
	for _, c := range rd.catalog {
		if !rs.inScope(c.Center, c.Agency, c.Level) {
			continue
		}
		procs++
		if complete[c.Code] {
			procsComplete++
		}
		isOnline := dossier.OnlineLevel(c.OnlineLevel).Online()
		if isOnline {
			online++
			if used[c.Code] {
				onlineUsed++
			}
		}
		if c.Fee > 0 {
			feeProcs++
			// The procedure's online payment is integrated once a fee of
			// it has been paid through the payment gateway (a verified
			// order, payment.go) by the end of the period.
			if paidOnline[c.Code] {
				feeOnline++
			}
		}
	}
	// Feedback: classified (5.1) and answered on time (5.2).
	var fbClassified, fbOnTime, fbLate int64
	for _, fb := range fbs {
		if fb.Category == dossier.FeedbackRegulation || fb.Category == dossier.FeedbackBehaviour {
			fbClassified++
		}
		switch dossier.FeedbackTimeliness(s.CalendarFor(fb.Center), fb.At, fb.AnsweredAt, rs.end) {
		case dossier.FeedbackOnTime:
			fbOnTime++
		case dossier.FeedbackLate:
			fbLate++
		}
	}
	// 2.1: finished (or, unfinished, the end of the period) by the due
	// date with supplement time subtracted; more than one supplement
	// request is late.
	num21 := fl.OnTime766 + (open - overdue) - (multiOpen - multiOverdue)
	// 5.4: 100 % − (late rate + rate of dossiers with a "dislike"). Late
	// as QĐ 766 counts it (2.1): past the measure date, or asked for a
	// supplement more than once (regulation.md §4.5).
	late766 := fl.Resolved - fl.OnTime766
	lateRate := Rate(late766, fl.Resolved)
	dislike := Rate(x.unsatisfied, fl.Resolved)
	v54 := math.Max(0, math.Round((100-lateRate-dislike)*100)/100)
	if fl.Resolved == 0 {
		v54 = 0
	}
	m := map[string]measure{
		"1.3": {num: procsComplete, den: procs, note: "Thủ tục trong danh mục có đủ tên, cơ quan giải quyết, thời hạn, thành phần hồ sơ và kết quả (NĐ 63/2010 Điều 8.2); danh mục chưa lưu trình tự, cách thức và đối tượng thực hiện"},
		"2.1": {num: num21, den: fl.Resolved + open,
			note: "Hồ sơ đã giải quyết trong kỳ và hồ sơ còn tồn cuối kỳ; thời gian chờ bổ sung được trừ; yêu cầu bổ sung quá 1 lần tính là quá hạn; hạn gốc là thước đo kể cả khi đã xin lỗi, hẹn lại"},
		"2.2": {num: fl.ProcSeconds, den: fl.Resolved, value: Rate(fl.ProcSeconds, fl.Resolved*360000), unit: "giờ", direct: true,
			note: "Giờ làm việc từ khi tiếp nhận đến khi trả kết quả hoặc từ chối, không tính thời gian tạm dừng; chi tiết theo thủ tục ở báo cáo by-procedure"},
		"3.1": {num: online, den: procs, note: "Thủ tục có dịch vụ công trực tuyến toàn trình hoặc một phần / thủ tục trong danh mục"},
		"3.2": {num: onlineUsed, den: online, note: "Dịch vụ công trực tuyến có ít nhất một hồ sơ nộp trực tuyến trong kỳ"},
		"3.3": {num: fl.ReceivedOnline, den: fl.Received, note: "Chưa nhân hệ số đồng bộ với Cổng Dịch vụ công quốc gia (chỉ số 1.4 không đo được)"},
		"3.5": {num: feeOnline, den: feeProcs, note: "Thủ tục có phí, lệ phí đã có hồ sơ thanh toán trực tuyến thành công qua cổng thanh toán (đến cuối kỳ) / thủ tục có phí, lệ phí"},
		"3.6": {num: dc.PaidOnline, den: dc.FeeBearing,
			note: "Hồ sơ tiếp nhận trong kỳ của thủ tục có phí, lệ phí đã thanh toán trực tuyến qua cổng thanh toán (giao dịch đã xác thực) / hồ sơ tiếp nhận trong kỳ của thủ tục có phí, lệ phí (thủ tục miễn phí không tính)"},
		"4.1": {num: dc.EResult, den: dc.Returned, note: "Hồ sơ đã trả kết quả trong kỳ có tệp kết quả ký số / hồ sơ đã trả kết quả có cấp kết quả"},
		"4.2": {num: dc.Digitised, den: dc.Received, note: "Hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ điện tử; hồ sơ nhập từ hệ thống cũ không có tệp"},
		"4.3": {num: dc.Reused, den: dc.Received},
		"4.4": {num: linked, den: dc.Received, note: "Hồ sơ tiếp nhận trong kỳ lấy thành phần từ kho kết quả hoặc có kết quả điện tử đưa vào kho"},
		"4.5": {num: verified, den: submitted, note: "Hồ sơ nộp trực tuyến trong kỳ từ tài khoản đăng nhập bằng VNeID (định danh đã xác thực với Cơ sở dữ liệu quốc gia về dân cư) / hồ sơ nộp trực tuyến trong kỳ"},
		"5.1": {num: fbClassified, den: int64(len(fbs)), note: "Phản ánh (đánh giá chưa hài lòng) được phân loại về quy định hành chính hoặc hành vi hành chính / tổng số phản ánh trong kỳ"},
		"5.2": {num: fbOnTime, den: fbOnTime + fbLate, note: "Phản ánh được trả lời trong 15 ngày làm việc / phản ánh đã trả lời hoặc đã quá hạn trả lời cuối kỳ"},
		"5.4": {num: late766 + x.unsatisfied, den: fl.Resolved, value: v54, direct: true,
			note: "100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng), trên số hồ sơ đã giải quyết trong kỳ; quá hạn như chỉ số 2.1 (yêu cầu bổ sung quá 1 lần tính là quá hạn)"},
	}
	out := &IndicatorsReport{ReportQuery: q, Indicators: []Indicator{}}
	groups := map[int]*IndicatorGroupScore{}
	for _, g := range dossier.QD766Groups {
		gs := &IndicatorGroupScore{Group: g.Group, Name: g.Name, MaxPoints: g.MaxPoints}
		groups[g.Group] = gs
		out.MaxPoints += g.MaxPoints
	}
	for _, spec := range dossier.QD766 {
		in := Indicator{Code: spec.Code, Name: spec.Name, Group: spec.Group, Unit: "%", WeightSource: spec.WeightSource}
		if spec.MaxPoints > 0 {
			in.MaxPoints = fp(spec.MaxPoints)
		}
		if spec.Threshold > 0 {
			in.Threshold = fp(spec.Threshold)
		}
		me, ok := m[spec.Code]
		if !spec.Measurable || !ok {
			in.Status, in.Reason = IndicatorNotMeasurable, spec.Reason
			out.NotMeasurable++
			out.Indicators = append(out.Indicators, in)
			continue
		}
		in.Status, in.Computable, in.Numerator, in.Denominator, in.Note = IndicatorComputed, true, me.num, me.den, me.note
		in.Value = Rate(me.num, me.den)
		if me.direct {
			in.Value = me.value
		}
		if me.unit != "" {
			in.Unit = me.unit
		}
		gs := groups[spec.Group]
		if spec.MaxPoints > 0 && in.Unit == "%" {
			p := dossier.Points766(in.Value, spec)
			in.Points = &p
			gs.Points += p
			gs.MeasurableMax += spec.MaxPoints
		}
		out.Computed++
		out.Indicators = append(out.Indicators, in)
	}
	for _, g := range dossier.QD766Groups {
		gs := groups[g.Group]
		gs.Points = math.Round(gs.Points*100) / 100
		out.Groups = append(out.Groups, *gs)
		out.Total += gs.Points
		out.MeasurableMax += gs.MeasurableMax
	}
	out.Total = math.Round(out.Total*100) / 100
	return out, nil
}
