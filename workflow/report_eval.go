package workflow

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
)

// The Circular 01/2018/TT-VPCP evaluation (Art. 13–15, regulation.md Part B
// §8): nine indices scored 2, 1 or 0. Indices 1–4 and 7 are scored per
// dossier and averaged (rounded to one decimal); 5, 8 and 9 per desk or
// agency: 6 (publication of procedures) from the catalog, 8 (handling of
// feedback) from the ratings "chưa hài lòng" and their answers.
//
// How each computable index is scored here:
//
//	1 total time vs the due date: early 2, on time 1, late 0 (the outcome).
//	2 each step vs its allotted time (step deadlines of the internal
//	  process, from the history): all steps early 2, all within their
//	  deadline with at least one on its due day 1, any step late 0; a
//	  dossier without step deadlines scores like index 1.
//	3 contacts to complete the dossier: no supplement request 2, one 1,
//	  more 0.
//	4 bodies contacted: online dossiers 2 (no visit), others 1 (the
//	  one-stop desk only: motcua routes every dossier through it).
//	5 "5 tại chỗ" at the desk: share of the agency's procedures under
//	  "5 tại chỗ" ≥ 20 % at province level (≥ 50 % below) 2, otherwise 1
//	  (every procedure is received and returned at the desk), 0 never.
//	7 attitude: a complaint (an "unsatisfied" rating) 0; otherwise early 2,
//	  on time 1, late 0.
//	6 publication: every procedure of the agency published complete 2,
//	  otherwise 0 (dossier.Index6).
//	8 feedback: answered within 15 working days 100 % 2, ≥ 90 % 1,
//	  otherwise 0; no feedback due 2 (dossier.Index8).
//	9 online services: ≥ 20 % of procedures online (full or partial) and
//	  ≥ 30 % of dossiers online with no online dossier late 2; ≥ 15 %
//	  online and none late 1; otherwise 0.

// dossierScore holds the per-dossier indices 1, 2, 3, 4, 7.
type dossierScore [5]int

func (s *Service) scoreDossier(d store.FinishedDossier, complaint bool) dossierScore {
	var sc dossierScore
	byOutcome := map[string]int{dossier.OutcomeEarly: 2, dossier.OutcomeOnTime: 1, dossier.OutcomeLate: 0}
	sc[0] = byOutcome[d.Outcome]
	sc[1] = s.stepScore(d, sc[0])
	switch {
	case d.Supplements == 0:
		sc[2] = 2
	case d.Supplements == 1:
		sc[2] = 1
	}
	sc[3] = 1
	if d.Channel == string(dossier.ChannelOnline) {
		sc[3] = 2
	}
	if !complaint {
		sc[4] = sc[0]
	}
	return sc
}

// stepScore scores index 2 from the history: each step ends at the next
// entry.
func (s *Service) stepScore(d store.FinishedDossier, fallback int) int {
	cal := s.CalendarFor(d.Center)
	score, seen := 2, false
	for i := 0; i+1 < len(d.Steps); i++ {
		due := d.Steps[i].StepDue
		if due == nil {
			continue
		}
		seen = true
		switch cal.Classify(d.Steps[i+1].At, *due) {
		case calendar.OutcomeLate:
			return 0
		case calendar.OutcomeOnTime:
			score = 1
		}
	}
	if !seen {
		return fallback
	}
	return score
}

type evalAcc struct {
	n   int64
	sum [5]int64
}

func (a *evalAcc) add(sc dossierScore) {
	a.n++
	for i, v := range sc {
		a.sum[i] += int64(v)
	}
}

// avg returns index i averaged over the dossiers, rounded half-up to one
// decimal.
func (a *evalAcc) avg(i int) float64 {
	if a.n == 0 {
		return 0
	}
	return float64((a.sum[i]*20+a.n)/(2*a.n)) / 10
}

// Officer012018 is an officer's evaluation: the per-dossier indices
// averaged, their total and the band of Art. 15 (≥ 5: 100 % of duties
// done; 3.5–< 5: 70–< 100 %; < 3.5: < 70 %).
type Officer012018 struct {
	Dossiers int64   `json:"dossiers"`
	Index1   float64 `json:"index_1"`
	Index2   float64 `json:"index_2"`
	Index3   float64 `json:"index_3"`
	Index4   float64 `json:"index_4"`
	Index7   float64 `json:"index_7"`
	Total    float64 `json:"total"`
	Band     string  `json:"band"`
}

func (a *evalAcc) officer() *Officer012018 {
	o := &Officer012018{Dossiers: a.n, Index1: a.avg(0), Index2: a.avg(1), Index3: a.avg(2), Index4: a.avg(3), Index7: a.avg(4)}
	o.Total = math.Round((o.Index1+o.Index2+o.Index3+o.Index4+o.Index7)*10) / 10
	o.Band = "Chưa có hồ sơ"
	if a.n > 0 {
		o.Band = bandOf(o.Total, officerBands, "Hoàn thành dưới 70% nhiệm vụ")
	}
	return o
}

// band is a grade of an evaluation's total: from floor up.
type band struct {
	floor float64
	name  string
}

// The grades of an officer's total and of an agency's (Circular 01/2018).
var (
	officerBands = []band{{5, "Hoàn thành 100% nhiệm vụ"}, {3.5, "Hoàn thành từ 70% đến dưới 100% nhiệm vụ"}}
	agencyBands  = []band{{15, "Xuất sắc"}, {12, "Tốt"}, {9, "Khá"}, {6, "Trung bình"}}
)

// bandOf names the first of bands (highest floor first) that total
// reaches, or below when it reaches none.
func bandOf(total float64, bands []band, below string) string {
	for _, b := range bands {
		if total >= b.floor {
			return b.name
		}
	}
	return below
}

// Agency012018 is an agency's (or desk's) nine-index evaluation. Nil
// indices are not computable from motcua's data; Total sums the others
// and Partial says some are missing, so the band is a lower bound.
type Agency012018 struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	Dossiers int64      `json:"dossiers"`
	Indices  []*float64 `json:"indices"` // 1..9
	Total    float64    `json:"total"`
	Partial  bool       `json:"partial"`
	Band     string     `json:"band"`
	Notes    []string   `json:"notes"`
}

// EvaluationReport is the answer of GET /reports/evaluation.
type EvaluationReport struct {
	ReportQuery
	Agencies []Agency012018 `json:"agencies"`
	Officers []OfficerRow   `json:"officers"`
}

// Evaluation scores agencies and officers under Circular 01/2018 for the
// dossiers resolved in the period.
func (s *Service) Evaluation(ctx context.Context, u *dossier.User, q ReportQuery) (*EvaluationReport, error) {
	rs, ds, complaints, err := s.resolvedInPeriod(ctx, u, q)
	if err != nil {
		return nil, err
	}
	rd, err := s.loadReportCached(ctx, rs, rs.from, rs.to)
	if err != nil {
		return nil, err
	}
	complete, err := s.db.CatalogCompleteness(ctx)
	if err != nil {
		return nil, err
	}
	fbs, err := s.db.FeedbackIn(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	asOf := rs.to.String()
	type agg struct {
		ev                 evalAcc
		procs, fos, online int64
		complete           int
		level              string
		onlineLate         int64
		fbOnTime, fbLate   int
	}
	m := map[string]*agg{}
	get := func(a string) *agg { return entry(m, a) }
	for _, c := range rd.catalog {
		if !rs.inScope(c.Center, c.Agency, c.Level) {
			continue
		}
		x := get(c.Agency)
		x.procs++
		if complete[c.Code] {
			x.complete++
		}
		x.level = c.Level
		if c.FiveOnSpotAt(asOf) {
			x.fos++
		}
		if dossier.OnlineLevel(c.OnlineLevel).Online() {
			x.online++
		}
	}
	for _, fb := range fbs {
		x := get(fb.Agency)
		switch dossier.FeedbackTimeliness(s.CalendarFor(fb.Center), fb.At, fb.AnsweredAt, rs.end) {
		case dossier.FeedbackOnTime:
			x.fbOnTime++
		case dossier.FeedbackLate:
			x.fbLate++
		}
	}
	for _, d := range ds {
		x := get(d.Agency)
		x.ev.add(s.scoreDossier(d, complaints[d.ID]))
		if d.Channel == string(dossier.ChannelOnline) && d.Outcome == dossier.OutcomeLate {
			x.onlineLate++
		}
	}
	recv := rd.build(asOf, func(_, a, _ string) string { return a })
	out := &EvaluationReport{ReportQuery: q, Agencies: []Agency012018{}}
	for code, x := range m {
		ag := Agency012018{Code: code, Name: rd.names[code], Dossiers: x.ev.n, Indices: make([]*float64, 9)}
		f := func(v float64) *float64 { return &v }
		if x.ev.n > 0 {
			ag.Indices[0], ag.Indices[1], ag.Indices[2], ag.Indices[3], ag.Indices[6] =
				f(x.ev.avg(0)), f(x.ev.avg(1)), f(x.ev.avg(2)), f(x.ev.avg(3)), f(x.ev.avg(4))
		}
		threshold := int64(50)
		if x.level == string(dossier.LevelProvince) {
			threshold = 20
		}
		if x.procs > 0 {
			if x.fos*100 >= threshold*x.procs {
				ag.Indices[4] = f(2)
			} else {
				ag.Indices[4] = f(1)
			}
			var onlineShare float64
			if r := recv[code]; r != nil {
				onlineShare = r.OnlineRate
			}
			switch {
			case x.online*100 >= 20*x.procs && onlineShare >= 30 && x.onlineLate == 0:
				ag.Indices[8] = f(2)
			case onlineShare >= 15 && x.onlineLate == 0:
				ag.Indices[8] = f(1)
			default:
				ag.Indices[8] = f(0)
			}
		}
		if v, ok := dossier.Index6(x.complete, int(x.procs)); ok {
			ag.Indices[5] = f(float64(v))
		}
		ag.Indices[7] = f(float64(dossier.Index8(x.fbOnTime, x.fbLate)))
		for _, v := range ag.Indices {
			if v == nil {
				ag.Partial = true
				continue
			}
			ag.Total += *v
		}
		ag.Total = math.Round(ag.Total*10) / 10
		ag.Notes = []string{
			fmt.Sprintf("Chỉ số 6: %d/%d thủ tục công khai đủ bộ phận tạo thành trên trang thủ tục (trực tuyến và tại quầy)", x.complete, x.procs),
			fmt.Sprintf("Chỉ số 8: %d phản ánh trả lời đúng hạn, %d quá hạn (15 ngày làm việc)", x.fbOnTime, x.fbLate),
		}
		ag.Band = bandOf(ag.Total, agencyBands, "Yếu")
		out.Agencies = append(out.Agencies, ag)
	}
	slices.SortFunc(out.Agencies, func(a, b Agency012018) int { return cmp.Compare(a.Code, b.Code) })
	// Every officer who acted on the resolved dossiers, each judged on
	// their own steps and on the ratings of the dossiers they handled.
	if out.Officers, err = s.officerEvaluations(ctx, ds, complaints); err != nil {
		return nil, err
	}
	return out, nil
}

// officerEvaluations evaluates every officer who acted on dossiers ds
// (Circular 01/2018 Art. 15: officers are scored on the dossiers they
// handled): indices 1, 3 and 4 of each dossier they acted on; index 2 on
// the steps they held themselves (the control slip's rows they handed
// over, dossier.OfficerStepScore); index 7 from the ratings of those
// dossiers — a rating "chưa hài lòng" reaches every officer who acted on
// the dossier (the rating's officers), not only its appraiser.
func (s *Service) officerEvaluations(ctx context.Context, ds []store.FinishedDossier, complaints map[int64]bool) ([]OfficerRow, error) {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	hist, err := s.db.HistoryOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	officer := map[int64]bool{}
	isOfficer := func(id int64) bool {
		v, ok := officer[id]
		if !ok {
			u, err := s.db.User(ctx, id)
			v = err == nil && u.IsOfficer()
			officer[id] = v
		}
		return v
	}
	m := map[int64]*officerAcc{}
	for _, d := range ds {
		h := hist[d.ID]
		entries := make([]dossier.HistoryEntry, len(h))
		names := map[int64]string{}
		var order []int64
		for i, e := range h {
			entries[i] = e.HistoryEntry
			if e.ActorID == 0 || !isOfficer(e.ActorID) {
				continue
			}
			if _, ok := names[e.ActorID]; !ok {
				order = append(order, e.ActorID)
			}
			names[e.ActorID] = e.Actor
		}
		cal := s.CalendarFor(d.Center)
		rows := dossier.ControlSlip(&dossier.Dossier{History: entries}, cal, "")
		sc := s.scoreDossier(d, complaints[d.ID])
		secs := max(int64(cal.WorkingDuration(d.ReceivedAt, d.FinishedAt)/time.Second)-d.Paused, 0)
		for _, id := range order {
			a := m[id]
			if a == nil {
				a = &officerAcc{row: OfficerRow{OfficerID: id, Name: names[id]}}
				m[id] = a
			}
			a.row.resolved(d.Outcome)
			if complaints[d.ID] {
				a.row.Complaints++
			}
			a.secs += secs
			own := sc
			own[1] = dossier.OfficerStepScore(rows, names[id], sc[0])
			a.ev.add(own)
		}
	}
	return officerRowsOf(m), nil
}
