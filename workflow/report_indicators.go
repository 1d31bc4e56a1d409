package workflow

import (
	"context"
	"math"

	"motcua/dossier"
)

// Indicator is one QĐ 766/QĐ-TTg indicator (regulation.md Part B §5):
// numerator / denominator as a rate (or a value for 2.2), and its points
// under the general rule — full points at or above the threshold T,
// otherwise rate × max / T (T = 100 when the method gives none). Points
// are null when the indicator's weight is not confirmed.
type Indicator struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       float64  `json:"value"`
	Unit        string   `json:"unit"` // "%" or "giờ"
	Threshold   *float64 `json:"threshold,omitempty"`
	MaxPoints   *float64 `json:"max_points,omitempty"`
	Points      *float64 `json:"points,omitempty"`
	Computable  bool     `json:"computable"`
	Note        string   `json:"note,omitempty"`
}

// IndicatorsReport is the answer of GET /reports/indicators.
type IndicatorsReport struct {
	ReportQuery
	Indicators []Indicator `json:"indicators"`
}

func fp(v float64) *float64 { return &v }

func (in *Indicator) score() {
	if !in.Computable || in.MaxPoints == nil {
		return
	}
	t := 100.0
	if in.Threshold != nil {
		t = *in.Threshold
	}
	p := *in.MaxPoints
	if in.Value < t {
		p = in.Value * *in.MaxPoints / t
	}
	in.Points = fp(math.Round(p*100) / 100)
}

// Indicators computes the QĐ 766 indicators motcua's data supports: 2.1,
// 2.2 and 3.3 from the aggregates; 4.1, 4.2 and 4.3 from the dossiers of
// the period (components and results); 5.4 from the aggregates and the
// ratings; 3.6 from the fees paid online.
func (s *Service) Indicators(ctx context.Context, u *dossier.User, q ReportQuery) (*IndicatorsReport, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	rd, err := s.loadReport(ctx, rs, rs.from, rs.to)
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
	var out []Indicator
	// 2.1: finished (or, unfinished, the end of the period) by the due
	// date with supplement time subtracted; more than one supplement
	// request is late.
	num21 := fl.OnTime766 + (open - overdue) - (multiOpen - multiOverdue)
	den21 := fl.Resolved + open
	out = append(out, Indicator{Code: "2.1", Name: "Hồ sơ xử lý trước hạn, đúng hạn", Numerator: num21, Denominator: den21,
		Value: Rate(num21, den21), Unit: "%", MaxPoints: fp(20), Computable: true,
		Note: "Hồ sơ đã giải quyết trong kỳ và hồ sơ còn tồn cuối kỳ; thời gian chờ bổ sung được trừ; yêu cầu bổ sung quá 1 lần tính là quá hạn"})
	out = append(out, Indicator{Code: "2.2", Name: "Thời gian giải quyết trung bình", Numerator: fl.ProcSeconds, Denominator: fl.Resolved,
		Value: Rate(fl.ProcSeconds, fl.Resolved*360000), Unit: "giờ", Computable: true,
		Note: "Giờ làm việc từ khi tiếp nhận đến khi trả kết quả hoặc từ chối, không tính thời gian tạm dừng; chi tiết theo thủ tục ở báo cáo by-procedure"})
	out = append(out, Indicator{Code: "3.3", Name: "Hồ sơ nộp trực tuyến", Numerator: fl.ReceivedOnline, Denominator: fl.Received,
		Value: Rate(fl.ReceivedOnline, fl.Received), Unit: "%", Threshold: fp(50), Computable: true})
	out = append(out, Indicator{Code: "3.6", Name: "Hồ sơ thanh toán trực tuyến", Numerator: dc.PaidOnline, Denominator: dc.FeeBearing,
		Value: Rate(dc.PaidOnline, dc.FeeBearing), Unit: "%", Computable: true,
		Note: "Hồ sơ tiếp nhận trong kỳ của thủ tục có phí, lệ phí đã nộp phí trực tuyến / hồ sơ tiếp nhận trong kỳ của thủ tục có phí, lệ phí (thủ tục miễn phí không tính)"})
	out = append(out, Indicator{Code: "4.1", Name: "Cấp kết quả điện tử", Numerator: dc.EResult, Denominator: dc.Returned,
		Value: Rate(dc.EResult, dc.Returned), Unit: "%", Computable: true,
		Note: "Hồ sơ đã trả kết quả trong kỳ có tệp kết quả ký số / hồ sơ đã trả kết quả có cấp kết quả"})
	out = append(out, Indicator{Code: "4.2", Name: "Số hóa hồ sơ", Numerator: dc.Digitised, Denominator: dc.Received,
		Value: Rate(dc.Digitised, dc.Received), Unit: "%", Threshold: fp(80), Computable: true,
		Note: "Hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ điện tử; hồ sơ nhập từ hệ thống cũ không có tệp"})
	out = append(out, Indicator{Code: "4.3", Name: "Khai thác, sử dụng lại dữ liệu số hóa", Numerator: dc.Reused, Denominator: dc.Received,
		Value: Rate(dc.Reused, dc.Received), Unit: "%", Threshold: fp(80), Computable: true})
	// 5.4: 100 % − (late rate + rate of dossiers with a "dislike").
	lateRate := Rate(fl.Late, fl.Resolved)
	dislike := Rate(x.unsatisfied, fl.Resolved)
	v54 := math.Max(0, math.Round((100-lateRate-dislike)*100)/100)
	if fl.Resolved == 0 {
		v54 = 0
	}
	out = append(out, Indicator{Code: "5.4", Name: "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC", Numerator: fl.Late + x.unsatisfied,
		Denominator: fl.Resolved, Value: v54, Unit: "%", Threshold: fp(90), MaxPoints: fp(6), Computable: true,
		Note: "100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng), trên số hồ sơ đã giải quyết trong kỳ"})
	for i := range out {
		out[i].score()
	}
	return &IndicatorsReport{ReportQuery: q, Indicators: out}, nil
}
