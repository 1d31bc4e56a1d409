package workflow

import (
	"cmp"
	"context"
	"slices"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
)

// ReportQuery selects the period and scope of a report (contract §7).
// Dates are days in Asia/Ho_Chi_Minh, both ends included.
type ReportQuery struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Level  string `json:"level,omitempty"`
	Agency string `json:"agency,omitempty"`
	Center string `json:"center,omitempty"`
}

// Summary holds the fields of contract §7. Rates are percentages rounded
// half-up to two decimals, 0 when the denominator is 0.
type Summary struct {
	Received                         int64   `json:"received"`
	ReceivedOnline                   int64   `json:"received_online"`
	OnlineRate                       float64 `json:"online_rate"`
	Resolved                         int64   `json:"resolved"`
	ResolvedEarly                    int64   `json:"resolved_early"`
	ResolvedOnTime                   int64   `json:"resolved_on_time"`
	ResolvedLate                     int64   `json:"resolved_late"`
	OnTimeRate                       float64 `json:"on_time_rate"`
	Open                             int64   `json:"open"`
	OpenOverdue                      int64   `json:"open_overdue"`
	Procedures                       int64   `json:"procedures"`
	ProceduresFiveOnSpot             int64   `json:"procedures_five_on_spot"`
	FiveOnSpotShare                  float64 `json:"five_on_spot_share"`
	ProceduresWithDossiers           int64   `json:"procedures_with_dossiers"`
	ProceduresWithDossiersFiveOnSpot int64   `json:"procedures_with_dossiers_five_on_spot"`
	FiveOnSpotCoverage               float64 `json:"five_on_spot_coverage"`
	ProceduresDelegated              int64   `json:"procedures_delegated"`
	DelegationRate                   float64 `json:"delegation_rate"`
	Ratings                          int64   `json:"ratings"`
	SatisfactionRate                 float64 `json:"satisfaction_rate"`
	// AvgProcessingHours is the average working time from receipt to
	// return or refusal of the dossiers resolved, pauses excluded (QĐ 766
	// indicator 2.2).
	AvgProcessingHours float64 `json:"avg_processing_hours"`
	// DossiersFiveOnSpot is the number of "5 tại chỗ" dossiers returned in
	// the period. Of those, DossiersFiveOnSpotAchieved were received,
	// appraised, approved, numbered and sealed, and returned at the center
	// (QĐ 299/QĐ-UBND phần III; dossier.FiveOnSpotAchieved) and
	// DossiersReturnedSameDay were returned the working day they were
	// received; the rates are their shares (issue 15 item 11).
	DossiersFiveOnSpot         int64   `json:"dossiers_five_on_spot_returned"`
	DossiersFiveOnSpotAchieved int64   `json:"dossiers_five_on_spot_achieved"`
	FiveOnSpotAchievedRate     float64 `json:"five_on_spot_achieved_rate"`
	DossiersReturnedSameDay    int64   `json:"dossiers_returned_same_day"`
	SameDayRate                float64 `json:"same_day_rate"`

	satisfied   int64
	procSeconds int64
	unsatisfied int64
	stock       store.Counts
	flows       store.Counts
}

// SummaryReport is the answer of GET /reports/summary: the query echoed
// and the fields of contract §7.
type SummaryReport struct {
	ReportQuery
	Summary
}

// ReportRow is one row of a breakdown (by agency, procedure, center,
// month): its key, its name and the fields of the summary.
type ReportRow struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level,omitempty"` // agency and procedure rows
	Summary
}

// Breakdown is the answer of the by-agency, by-procedure, by-center and
// by-month reports.
type Breakdown struct {
	ReportQuery
	By    string      `json:"by"`
	Items []ReportRow `json:"items"`
	Total Summary     `json:"total"`
}

// Rate returns 100 × num / den rounded half-up to two decimals, 0 when den
// is 0 (contract §7). It is exact: integer arithmetic, no binary rounding.
func Rate(num, den int64) float64 {
	if den <= 0 {
		return 0
	}
	scaled := (num*20000 + den) / (2 * den)
	return float64(scaled) / 100
}

// reportScope is a checked query: who may see what, and the instants.
type reportScope struct {
	q        ReportQuery
	filter   store.AggFilter
	from, to calendar.Date
	start    time.Time // first instant of the period
	end      time.Time // first instant after it
}

// maxReportDays bounds a period (ten years).
const maxReportDays = 3700

// checkReport validates q and scopes it to u: supervisors see their
// centers, admins everything, others nothing.
func (s *Service) checkReport(u *dossier.User, q ReportQuery) (*reportScope, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if !u.HasAny(dossier.RoleSupervisor, dossier.RoleAdmin) {
		return nil, forbidden("Chỉ giám sát viên và quản trị viên được xem báo cáo")
	}
	var fs []dossier.FieldError
	from, err := calendar.ParseDate(q.From)
	if err != nil {
		fs = append(fs, dossier.FieldError{Field: "from", Message: "Ngày phải có dạng YYYY-MM-DD"})
	}
	to, err2 := calendar.ParseDate(q.To)
	if err2 != nil {
		fs = append(fs, dossier.FieldError{Field: "to", Message: "Ngày phải có dạng YYYY-MM-DD"})
	}
	if err == nil && err2 == nil {
		if to.Before(from) {
			fs = append(fs, dossier.FieldError{Field: "to", Message: "Ngày kết thúc phải từ ngày bắt đầu trở đi"})
		} else if from.AddDays(maxReportDays).Before(to) {
			fs = append(fs, dossier.FieldError{Field: "to", Message: "Kỳ báo cáo tối đa 10 năm"})
		}
	}
	if q.Level != "" && !dossier.Level(q.Level).Valid() {
		fs = append(fs, dossier.FieldError{Field: "level", Message: "Cấp phải là province, district hoặc commune"})
	}
	for _, c := range []struct{ f, v string }{{"agency", q.Agency}, {"center", q.Center}} {
		if c.v != "" && !dossier.ValidCode(c.v) {
			fs = append(fs, dossier.FieldError{Field: c.f, Message: "Mã không hợp lệ"})
		}
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Tham số báo cáo không hợp lệ", fs...)
	}
	f := store.AggFilter{All: u.Has(dossier.RoleAdmin), Center: q.Center, Agency: q.Agency, Level: q.Level}
	if !f.All {
		f.Centers = u.Centers
		if q.Center != "" && !u.AtCenter(q.Center) {
			return nil, forbidden("Ông/bà chỉ xem được báo cáo của trung tâm mình")
		}
	}
	loc := s.Location()
	return &reportScope{q: q, filter: f, from: from, to: to,
		start: from.At(0, loc).UTC(), end: to.AddDays(1).At(0, loc).UTC()}, nil
}

// inScope reports whether a catalog entry or a scope key is in rs.
func (rs *reportScope) inScope(center, agency, level string) bool {
	f := rs.filter
	if !f.All && !slices.Contains(f.Centers, center) {
		return false
	}
	return (f.Center == "" || f.Center == center) && (f.Agency == "" || f.Agency == agency) && (f.Level == "" || f.Level == level)
}

// reportData is everything a summary or breakdown of one period is built
// from: the aggregates (never the dossiers), the catalog, delegations and
// ratings, for the whole period and for each of its months.
type reportData struct {
	rs        *reportScope
	catalog   []store.CatalogEntry
	byCode    map[string]*store.CatalogEntry
	names     map[string]string
	flows     []store.AggRow
	stock     []store.AggRow
	dels      []store.ActiveDelegation
	delegated map[string]bool
	ratings   []store.RatingCount
	months    []reportMonth
}

// reportMonth is one calendar month of a report's period (the first and
// last clipped to it) with its flows and ratings.
type reportMonth struct {
	lo, hi  calendar.Date
	flows   []store.AggRow
	ratings []store.RatingCount
}

// monthsOf splits from..to into calendar months, the first and last
// clipped to it.
func monthsOf(from, to calendar.Date) []reportMonth {
	var out []reportMonth
	for lo := from; !to.Before(lo); {
		hi := calendar.Date{Year: lo.Year, Month: lo.Month, Day: 1}.AddDays(32)
		hi = calendar.Date{Year: hi.Year, Month: hi.Month, Day: 1}.AddDays(-1)
		if to.Before(hi) {
			hi = to
		}
		out = append(out, reportMonth{lo: lo, hi: hi})
		lo = hi.AddDays(1)
	}
	return out
}

// loadReport reads the data of a period: the flows grouped by month (the
// period's are their sum), the stock at its end, the delegations, and the
// ratings of each month in one query (the period's are all of them), so
// that the summary, the breakdowns and the breakdown by month of one
// period share one read.
func (s *Service) loadReport(ctx context.Context, rs *reportScope, from, to calendar.Date) (*reportData, error) {
	cat, names, err := s.db.ReportCatalog(ctx)
	if err != nil {
		return nil, err
	}
	rd := &reportData{rs: rs, catalog: cat, names: names, byCode: map[string]*store.CatalogEntry{}, months: monthsOf(from, to)}
	for i := range cat {
		rd.byCode[cat[i].Code] = &cat[i]
	}
	monthly, err := s.db.AggregateRows(ctx, from.String(), to.String(), rs.filter, true)
	if err != nil {
		return nil, err
	}
	month := map[string]*reportMonth{}
	for i := range rd.months {
		month[rd.months[i].lo.String()[:7]] = &rd.months[i]
	}
	flows := map[aggKey]*store.Counts{}
	for _, r := range monthly {
		if m := month[r.Month]; m != nil {
			m.flows = append(m.flows, r)
		}
		k := aggKeyOf(r)
		if flows[k] == nil { // the period's rows in order of first appearance
			rd.flows = append(rd.flows, store.AggRow{Center: r.Center, Agency: r.Agency, Procedure: r.Procedure})
		}
		entry(flows, k).Add(r.Counts)
	}
	for i := range rd.flows {
		rd.flows[i].Counts = *flows[aggKeyOf(rd.flows[i])]
	}
	if rd.stock, err = s.db.AggregateRows(ctx, "", to.String(), rs.filter, false); err != nil {
		return nil, err
	}
	loc := s.Location()
	start, end := from.At(0, loc), to.AddDays(1).At(0, loc)
	if rd.dels, err = s.db.DelegationsDuring(ctx, start, end); err != nil {
		return nil, err
	}
	rd.delegated = rd.delegatedDuring(rd.dels, start, end)
	bounds := make([]time.Time, 0, len(rd.months)+1)
	for _, m := range rd.months {
		bounds = append(bounds, m.lo.At(0, loc))
	}
	ratings, _, err := s.db.RatingsByPeriods(ctx, append(bounds, end))
	if err != nil {
		return nil, err
	}
	for i, rs := range ratings {
		rd.months[i].ratings = rs
		rd.ratings = append(rd.ratings, rs...)
	}
	return rd, nil
}

// delegatedDuring returns the procedures with a delegation in force at
// some time of [start, end) (a delegation without procedures covers all of
// its agency's).
func (rd *reportData) delegatedDuring(dels []store.ActiveDelegation, start, end time.Time) map[string]bool {
	out := map[string]bool{}
	for _, d := range dels {
		if !d.From.Before(end) || !d.To.After(start) {
			continue
		}
		if len(d.Procedures) == 0 {
			for _, c := range rd.catalog {
				if c.Agency == d.Agency {
					out[c.Code] = true
				}
			}
		}
		for _, p := range d.Procedures {
			if c := rd.byCode[p]; c != nil && c.Agency == d.Agency {
				out[p] = true
			}
		}
	}
	return out
}

// levelOf returns the level of a procedure of the catalog.
func (rd *reportData) levelOf(code string) string {
	if c := rd.byCode[code]; c != nil {
		return c.Level
	}
	return ""
}

// aggKey is the scope key of an aggregate row.
type aggKey struct{ c, a, p string }

func aggKeyOf(r store.AggRow) aggKey { return aggKey{r.Center, r.Agency, r.Procedure} }

// entry returns m[k], first storing a new zero V there when it has none.
func entry[K comparable, V any](m map[K]*V, k K) *V {
	x := m[k]
	if x == nil {
		x = new(V)
		m[k] = x
	}
	return x
}

// resolved counts one more dossier resolved by the officer, with its
// outcome.
func (r *OfficerRow) resolved(o string) {
	r.Resolved++
	switch o {
	case dossier.OutcomeEarly:
		r.ResolvedEarly++
	case dossier.OutcomeOnTime:
		r.ResolvedOnTime++
	case dossier.OutcomeLate:
		r.ResolvedLate++
	}
}

// build groups the data by key (the empty key is the total) as of day
// asOf (five_on_spot designations in force at the end of the period).
func (rd *reportData) build(asOf string, key func(center, agency, procedure string) string) map[string]*Summary {
	out := map[string]*Summary{}
	get := func(k string) *Summary { return entry(out, k) }
	for _, c := range rd.catalog {
		if !rd.rs.inScope(c.Center, c.Agency, c.Level) {
			continue
		}
		x := get(key(c.Center, c.Agency, c.Code))
		x.Procedures++
		if c.FiveOnSpotAt(asOf) {
			x.ProceduresFiveOnSpot++
			if rd.delegated[c.Code] {
				x.ProceduresDelegated++
			}
		}
	}
	with := map[string]map[string]bool{}
	for _, r := range rd.flows {
		k := key(r.Center, r.Agency, r.Procedure)
		x := get(k)
		x.flows.Add(r.Counts)
		if r.Received > 0 {
			if with[k] == nil {
				with[k] = map[string]bool{}
			}
			if !with[k][r.Procedure] {
				with[k][r.Procedure] = true
				x.ProceduresWithDossiers++
				if c := rd.byCode[r.Procedure]; c != nil && c.FiveOnSpotAt(asOf) {
					x.ProceduresWithDossiersFiveOnSpot++
				}
			}
		}
	}
	for _, r := range rd.stock {
		get(key(r.Center, r.Agency, r.Procedure)).stock.Add(r.Counts)
	}
	for _, r := range rd.ratings {
		if !rd.rs.inScope(r.Center, r.Agency, rd.levelOf(r.Procedure)) {
			continue
		}
		x := get(key(r.Center, r.Agency, r.Procedure))
		x.Ratings += r.N
		switch r.Level {
		case store.RatingVerySatisfied, store.RatingSatisfied:
			x.satisfied += r.N
		case store.RatingUnsatisfied:
			x.unsatisfied += r.N
		}
	}
	for _, x := range out {
		x.finish()
	}
	return out
}

// finish derives the summary's fields from its counters.
func (x *Summary) finish() {
	f, st := x.flows, x.stock
	x.Received, x.ReceivedOnline = f.Received, f.ReceivedOnline
	x.Resolved, x.ResolvedEarly, x.ResolvedOnTime, x.ResolvedLate = f.Resolved, f.Early, f.OnTime, f.Late
	x.Open, x.OpenOverdue = st.Received-st.Closed, st.Due-st.DueClosed
	x.procSeconds = f.ProcSeconds
	x.OnlineRate = Rate(x.ReceivedOnline, x.Received)
	x.OnTimeRate = Rate(x.ResolvedEarly+x.ResolvedOnTime, x.Resolved)
	x.FiveOnSpotShare = Rate(x.ProceduresFiveOnSpot, x.Procedures)
	x.FiveOnSpotCoverage = Rate(x.ProceduresWithDossiersFiveOnSpot, x.ProceduresWithDossiers)
	x.DelegationRate = Rate(x.ProceduresDelegated, x.ProceduresFiveOnSpot)
	x.SatisfactionRate = Rate(x.satisfied, x.Ratings)
	if x.Resolved > 0 {
		x.AvgProcessingHours = Rate(x.procSeconds, x.Resolved*360000)
	}
	x.DossiersFiveOnSpot, x.DossiersFiveOnSpotAchieved, x.DossiersReturnedSameDay = f.FOSReturned, f.FOSAchieved, f.FOSSameDay
	x.FiveOnSpotAchievedRate = Rate(f.FOSAchieved, f.FOSReturned)
	x.SameDayRate = Rate(f.FOSSameDay, f.FOSReturned)
}

// Summary computes the summary of contract §7 from the aggregates.
func (s *Service) Summary(ctx context.Context, u *dossier.User, q ReportQuery) (*SummaryReport, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	sum, err := s.summaryOf(ctx, rs)
	if err != nil {
		return nil, err
	}
	return &SummaryReport{ReportQuery: q, Summary: sum}, nil
}

func (s *Service) summaryOf(ctx context.Context, rs *reportScope) (Summary, error) {
	rd, err := s.loadReportCached(ctx, rs, rs.from, rs.to)
	if err != nil {
		return Summary{}, err
	}
	return rd.total(rs.to), nil
}

// total is the summary of rd's scope with the catalog as of asOf.
func (rd *reportData) total(asOf calendar.Date) Summary {
	if x := rd.build(asOf.String(), func(string, string, string) string { return "" })[""]; x != nil {
		return *x
	}
	return Summary{}
}

// Breakdown dimensions.
const (
	ByAgency    = "agency"
	ByProcedure = "procedure"
	ByCenter    = "center"
	ByLevel     = "level"
	ByMonth     = "month"
)

// Breakdown computes the summary per agency, procedure, center or level
// (rows with no procedure and no dossier are left out), or per month.
func (s *Service) Breakdown(ctx context.Context, u *dossier.User, q ReportQuery, by string) (*Breakdown, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	if !slices.Contains([]string{ByAgency, ByProcedure, ByCenter, ByLevel, ByMonth}, by) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có báo cáo theo %q", by)
	}
	rd, err := s.loadReportCached(ctx, rs, rs.from, rs.to)
	if err != nil {
		return nil, err
	}
	return s.breakdownOf(rd, by, rd.total(rs.to)), nil
}

// breakdownOf computes the breakdown by one of the dimensions (checked by
// the caller) from rd, whose total is given.
func (s *Service) breakdownOf(rd *reportData, by string, total Summary) *Breakdown {
	if by == ByMonth {
		return s.byMonth(rd, total)
	}
	var key func(center, agency, procedure string) string
	switch by {
	case ByAgency:
		key = func(_, a, _ string) string { return a }
	case ByProcedure:
		key = func(_, _, p string) string { return p }
	case ByCenter:
		key = func(c, _, _ string) string { return c }
	case ByLevel:
		key = func(_, _, p string) string { return rd.levelOf(p) }
	}
	m := rd.build(rd.rs.to.String(), key)
	out := &Breakdown{ReportQuery: rd.rs.q, By: by, Items: []ReportRow{}, Total: total}
	agencyLevel := map[string]string{}
	for _, c := range rd.catalog {
		agencyLevel[c.Agency] = c.Level
	}
	for k, x := range m {
		row := ReportRow{Code: k, Name: rd.names[k], Summary: *x}
		switch by {
		case ByProcedure:
			if c := rd.byCode[k]; c != nil {
				row.Name, row.Level = c.Name, c.Level
			}
		case ByAgency:
			row.Level = agencyLevel[k]
		case ByLevel:
			row.Name = dossier.Level(k).Label()
		}
		out.Items = append(out.Items, row)
	}
	slices.SortFunc(out.Items, func(a, b ReportRow) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// byMonth computes one row per calendar month of the period (the first and
// last clipped to it); open figures are at the end of each row's span:
// the stock at the end of the period less the flows of the months after.
// It reads nothing: loadReport read the flows and ratings per month.
func (s *Service) byMonth(rd *reportData, total Summary) *Breakdown {
	stock := map[aggKey]*store.Counts{}
	for _, r := range rd.stock {
		entry(stock, aggKeyOf(r)).Add(r.Counts)
	}
	loc := s.Location()
	items := make([]ReportRow, len(rd.months))
	for i := len(rd.months) - 1; i >= 0; i-- {
		m := rd.months[i]
		md := &reportData{rs: rd.rs, catalog: rd.catalog, byCode: rd.byCode, names: rd.names, flows: m.flows, ratings: m.ratings}
		for k, c := range stock {
			md.stock = append(md.stock, store.AggRow{Center: k.c, Agency: k.a, Procedure: k.p, Counts: *c})
		}
		md.delegated = md.delegatedDuring(rd.dels, m.lo.At(0, loc), m.hi.AddDays(1).At(0, loc))
		code := m.lo.String()[:7]
		items[i] = ReportRow{Code: code, Name: "Tháng " + code[5:7] + "/" + code[:4], Summary: md.total(m.hi)}
		for _, r := range m.flows {
			entry(stock, aggKeyOf(r)).Sub(r.Counts)
		}
	}
	return &Breakdown{ReportQuery: rd.rs.q, By: ByMonth, Items: items, Total: total}
}

// OfficerRow is the breakdown of dossiers resolved in a period by the
// officer they were assigned to (the appraiser who handled them), with the
// Circular 01/2018 per-dossier indices averaged.
type OfficerRow struct {
	OfficerID          int64          `json:"officer_id"`
	Name               string         `json:"name"`
	Resolved           int64          `json:"resolved"`
	ResolvedEarly      int64          `json:"resolved_early"`
	ResolvedOnTime     int64          `json:"resolved_on_time"`
	ResolvedLate       int64          `json:"resolved_late"`
	OnTimeRate         float64        `json:"on_time_rate"`
	AvgProcessingHours float64        `json:"avg_processing_hours"`
	Evaluation         *Officer012018 `json:"evaluation"`
	// Complaints counts the dossiers rated "chưa hài lòng" among them
	// (the evaluation's officers: every officer who acted).
	Complaints int64 `json:"complaints,omitempty"`
}

// OfficersReport is the answer of GET /reports/by-officer.
type OfficersReport struct {
	ReportQuery
	Items []OfficerRow `json:"items"`
}

// ByOfficer breaks the dossiers resolved in the period down by officer.
// It reads the dossiers resolved in the period (by the finished_at index),
// not the aggregates: officers are not a dimension of the aggregates.
func (s *Service) ByOfficer(ctx context.Context, u *dossier.User, q ReportQuery) (*OfficersReport, error) {
	_, ds, complaints, err := s.resolvedInPeriod(ctx, u, q)
	if err != nil {
		return nil, err
	}
	return &OfficersReport{ReportQuery: q, Items: s.officerRows(ds, complaints)}, nil
}

// officerRows tallies resolved dossiers by the officer assigned to them,
// sorted by name.
func (s *Service) officerRows(ds []store.FinishedDossier, complaints map[int64]bool) []OfficerRow {
	m := map[int64]*officerAcc{}
	for _, d := range ds {
		a := m[d.AssigneeID]
		if a == nil {
			name := d.Assignee
			if d.AssigneeID == 0 {
				name = "(Chưa phân công)"
			}
			a = &officerAcc{row: OfficerRow{OfficerID: d.AssigneeID, Name: name}}
			m[d.AssigneeID] = a
		}
		a.row.resolved(d.Outcome)
		a.secs += max(int64(s.CalendarFor(d.Center).WorkingDuration(d.ReceivedAt, d.FinishedAt)/time.Second)-d.Paused, 0)
		a.ev.add(s.scoreDossier(d, complaints[d.ID]))
	}
	return officerRowsOf(m)
}

// officerAcc tallies one officer's resolved dossiers for an OfficerRow.
type officerAcc struct {
	row  OfficerRow
	secs int64 // working seconds the dossiers took, pauses excluded
	ev   evalAcc
}

// officerRowsOf completes the row of every officer in m (on-time rate,
// average processing hours, evaluation) and returns the rows sorted by
// name, then officer id.
func officerRowsOf(m map[int64]*officerAcc) []OfficerRow {
	rows := []OfficerRow{}
	for _, a := range m {
		a.row.OnTimeRate = Rate(a.row.ResolvedEarly+a.row.ResolvedOnTime, a.row.Resolved)
		a.row.AvgProcessingHours = Rate(a.secs, a.row.Resolved*360000)
		a.row.Evaluation = a.ev.officer()
		rows = append(rows, a.row)
	}
	slices.SortFunc(rows, func(a, b OfficerRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.OfficerID, b.OfficerID))
	})
	return rows
}

// resolvedInPeriod checks the report query q for u and reads the dossiers
// resolved in its period, with the ids of those that drew a complaint.
func (s *Service) resolvedInPeriod(ctx context.Context, u *dossier.User, q ReportQuery) (*reportScope, []store.FinishedDossier, map[int64]bool, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, nil, nil, err
	}
	ds, err := s.db.ResolvedDossiers(ctx, rs.start, rs.end, rs.filter, true)
	if err != nil {
		return nil, nil, nil, err
	}
	complaints, err := s.complaints(ctx, ds)
	if err != nil {
		return nil, nil, nil, err
	}
	return rs, ds, complaints, nil
}

func (s *Service) complaints(ctx context.Context, ds []store.FinishedDossier) (map[int64]bool, error) {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return s.db.UnsatisfiedDossiers(ctx, ids)
}

// OverdueList returns the open dossiers past due now, most overdue first,
// to chase (dashboard).
func (s *Service) OverdueList(ctx context.Context, u *dossier.User, q ReportQuery, limit int) ([]store.OverdueRow, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	return s.db.OverdueDossiers(ctx, s.now(), rs.filter, limit)
}
