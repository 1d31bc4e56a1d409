package workflow

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"motcua/dossier"
)

// The view use cases: what one page or one API answer needs, gathered in
// one call that decides who may see it and reads the clock once.

// periodOrToday fills an unset bound of [from, to) with today's (Vietnam
// time, by one clock reading) and checks the span is not empty.
func (s *Service) periodOrToday(from, to time.Time) (time.Time, time.Time, error) {
	loc := s.Location()
	now := s.now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if from.IsZero() {
		from = today
	}
	if to.IsZero() {
		to = today.AddDate(0, 0, 1)
	}
	if !to.After(from) {
		return from, to, dossier.Invalid("Khoảng thời gian không hợp lệ", dossier.FieldError{Field: "to", Message: "phải sau from"})
	}
	return from, to, nil
}

// ---- Ratings --------------------------------------------------------------

// RatingQuery selects the ratings of a period; zero times mean today.
type RatingQuery struct {
	From, To time.Time
	Center   string
	Agency   string
}

// RatingSummary is the satisfaction of a period.
type RatingSummary struct {
	RatingTotals
	SatisfactionRate float64 `json:"satisfaction_rate"`
}

// RatingSummary counts the satisfaction ratings of a period. Supervisors
// see their own center (the only one they serve when none is named);
// admins any center or agency.
func (s *Service) RatingSummary(ctx context.Context, u *dossier.User, q RatingQuery) (*RatingSummary, error) {
	if err := needRole(u, "Chỉ giám sát hoặc quản trị được xem kết quả đánh giá", dossier.RoleSupervisor, dossier.RoleAdmin); err != nil {
		return nil, err
	}
	from, to, err := s.periodOrToday(q.From, q.To)
	if err != nil {
		return nil, err
	}
	f := RatingFilter{From: from, To: to, Center: q.Center, Agency: q.Agency}
	if !u.Has(dossier.RoleAdmin) {
		if f.Center == "" && len(u.Centers) == 1 {
			f.Center = u.Centers[0]
		}
		if !u.AtCenter(f.Center) {
			return nil, forbidden("Chỉ xem được trung tâm của mình")
		}
	}
	c, err := s.db.RatingTotals(ctx, f)
	if err != nil {
		return nil, err
	}
	return &RatingSummary{RatingTotals: c, SatisfactionRate: c.SatisfactionRate()}, nil
}

// ---- Queue board (public) ---------------------------------------------------

// BoardTicket is a ticket on a counter display, with its counter's name.
type BoardTicket struct {
	QueueTicket
	CounterName string
}

// QueueBoard is what a counter display shows when it (re)connects.
type QueueBoard struct {
	Center  dossier.Center
	Waiting int
	Serving []BoardTicket // the ticket each counter serves now
	Recent  []BoardTicket // the last calls, newest first (at most 8)
}

// QueueBoard returns today's board of center. Anyone may read it (it is on
// the wall of the center); an unknown center is ENOTFOUND.
func (s *Service) QueueBoard(ctx context.Context, center string) (*QueueBoard, error) {
	c, err := s.Center(ctx, center)
	if err != nil {
		return nil, err
	}
	if _, err := s.QueueServices(ctx, center); err != nil {
		return nil, err
	}
	ts, err := s.db.Tickets(ctx, center, s.QueueDay(s.now()))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, k := range c.Counters {
		names[k.Code] = k.Name
	}
	b := &QueueBoard{Center: *c, Serving: []BoardTicket{}, Recent: []BoardTicket{}}
	var called []QueueTicket
	for _, t := range ts {
		switch t.Status {
		case TicketWaiting:
			b.Waiting++
		case TicketCalled:
			b.Serving = append(b.Serving, BoardTicket{QueueTicket: t, CounterName: names[t.CounterCode]})
		}
		if t.CalledAt != nil {
			called = append(called, t)
		}
	}
	// Newest call first; of calls at the same instant, the later ticket.
	slices.Reverse(called)
	sort.SliceStable(called, func(i, j int) bool { return called[i].CalledAt.After(*called[j].CalledAt) })
	for i := 0; i < len(called) && i < 8; i++ {
		b.Recent = append(b.Recent, BoardTicket{QueueTicket: called[i], CounterName: names[called[i].CounterCode]})
	}
	return b, nil
}

// ---- Public catalog -----------------------------------------------------------

// CatalogEntry is a procedure as the public catalog shows it: with its
// agency's name and the center that receives its dossiers.
type CatalogEntry struct {
	dossier.Procedure
	AgencyName string
	Center     *dossier.Center
}

// CatalogQuery selects the public catalog.
type CatalogQuery struct {
	Query      string
	Center     string // only the procedures received at this center
	FiveOnSpot bool   // only the "5 tại chỗ" procedures
}

// CenterProcedures is the published "5 tại chỗ" list of one center.
type CenterProcedures struct {
	Center dossier.Center
	Items  []CatalogEntry
}

// Catalog is the public catalog page.
type Catalog struct {
	Centers    []dossier.Center
	Items      []CatalogEntry // the first 100 matches
	Total      int            // every match
	More       bool           // Total > len(Items)
	FiveOnSpot []CenterProcedures
}

// catalogPage is how many matches the catalog shows.
const catalogPage = 100

// directory maps agencies to their names and serving centers.
type directory struct {
	agencies map[string]dossier.Agency
	centers  []dossier.Center
}

func (s *Service) directory(ctx context.Context) (*directory, error) {
	d := &directory{agencies: map[string]dossier.Agency{}}
	cursor := ""
	for {
		as, next, err := s.db.Agencies(ctx, AgencyFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			d.agencies[a.Code] = a
		}
		if next == "" || len(as) == 0 {
			break
		}
		cursor = next
	}
	cs, err := s.db.Centers(ctx)
	if err != nil {
		return nil, err
	}
	d.centers = cs
	return d, nil
}

// centerFor is the center that receives the procedures of agency (the rule
// of store.Tx.CenterForAgency).
func (d *directory) centerFor(agency string) *dossier.Center {
	pa, ok := d.agencies[agency]
	if !ok {
		return nil
	}
	for i := range d.centers {
		c := &d.centers[i]
		ca := d.agencies[c.AgencyCode]
		if ca.ParentCode == pa.ParentCode || c.AgencyCode == pa.ParentCode {
			return c
		}
	}
	return nil
}

func (d *directory) entry(p dossier.Procedure) CatalogEntry {
	return CatalogEntry{Procedure: p, AgencyName: d.agencies[p.AgencyCode].Name, Center: d.centerFor(p.AgencyCode)}
}

// PublicCatalog returns the public catalog (Decree 61/2018 Art. 5: the
// procedures are published with where to file them). Anyone may read it.
func (s *Service) PublicCatalog(ctx context.Context, q CatalogQuery) (*Catalog, error) {
	dir, err := s.directory(ctx)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Centers: dir.centers}
	f := ProcedureFilter{Query: q.Query, ByName: true, Limit: 500}
	if q.FiveOnSpot {
		t := true
		f.FiveOnSpot = &t
	}
	ps, _, err := s.db.Procedures(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		e := dir.entry(p)
		if q.Center != "" && (e.Center == nil || e.Center.Code != q.Center) {
			continue
		}
		c.Items = append(c.Items, e)
	}
	c.Total = len(c.Items)
	if len(c.Items) > catalogPage {
		c.Items, c.More = c.Items[:catalogPage], true
	}
	if q.Query != "" {
		return c, nil
	}
	// The published "5 tại chỗ" list of every center.
	t := true
	fos, _, err := s.db.Procedures(ctx, ProcedureFilter{FiveOnSpot: &t, ByName: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	by := map[string]*CenterProcedures{}
	for _, p := range fos {
		e := dir.entry(p)
		if e.Center == nil {
			continue
		}
		if by[e.Center.Code] == nil {
			by[e.Center.Code] = &CenterProcedures{Center: *e.Center}
		}
		by[e.Center.Code].Items = append(by[e.Center.Code].Items, e)
	}
	for _, ctr := range dir.centers {
		if l := by[ctr.Code]; l != nil {
			c.FiveOnSpot = append(c.FiveOnSpot, *l)
		}
	}
	return c, nil
}

// PublicProcedure returns one procedure of the public catalog, or
// ENOTFOUND. Anyone may read it.
func (s *Service) PublicProcedure(ctx context.Context, code string) (*CatalogEntry, error) {
	p, err := s.db.Procedure(ctx, code)
	if err != nil {
		return nil, err
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return nil, err
	}
	e := dir.entry(*p)
	return &e, nil
}

// ---- Citizens' own dossiers ---------------------------------------------------

// MyDossier is a dossier as its applicant sees it online.
type MyDossier struct {
	D         *dossier.Dossier
	Procedure *dossier.Procedure
	Payments  []Payment
	Paid      int64 // fees paid so far
	Due       int64 // fees still to pay (none once refused or withdrawn)
	Result    bool  // the result can be downloaded
}

// MyDossier returns a dossier to the citizen who filed it online; to
// anyone else it does not exist (ENOTFOUND).
func (s *Service) MyDossier(ctx context.Context, u *dossier.User, code string) (*MyDossier, error) {
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if d.ApplicantUser != u.ID {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ %s", code)
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, err
	}
	ps, err := s.db.Payments(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	m := &MyDossier{D: d, Procedure: p, Payments: ps}
	for _, x := range ps {
		m.Paid += x.Amount
	}
	if d.Status != dossier.StatusRefused && d.Status != dossier.StatusWithdrawn && p.Fee > m.Paid {
		m.Due = p.Fee - m.Paid
	}
	m.Result = d.Status == dossier.StatusReturned && d.Result != nil
	return m, nil
}

// ---- Reports ----------------------------------------------------------------

// Dashboard is the supervisors' dashboards page (/bao-cao): the summary
// and its breakdowns for a period, and the overdue dossiers to chase.
type Dashboard struct {
	Q           ReportQuery // with the period filled in
	Centers     []dossier.Center
	Summary     *Summary
	ByAgency    *Breakdown
	ByLevel     *Breakdown
	ByMonth     *Breakdown
	ByProcedure *Breakdown
	ByCenter    *Breakdown
	Overdue     []OverdueRow // the 50 longest overdue
}

// DashboardQuery fills the period of q that is not set: from the first of
// January to today (by the clock). It also lists the centers the caller
// may report on. Supervisors and admins.
func (s *Service) DashboardQuery(ctx context.Context, u *dossier.User, q ReportQuery) (ReportQuery, []dossier.Center, error) {
	if err := needRole(u, "Chỉ giám sát viên và quản trị viên được xem báo cáo", dossier.RoleSupervisor, dossier.RoleAdmin); err != nil {
		return q, nil, err
	}
	now := s.now().In(s.Location())
	if q.From == "" {
		q.From = fmt.Sprintf("%04d-01-01", now.Year())
	}
	if q.To == "" {
		q.To = now.Format("2006-01-02")
	}
	cs, err := s.db.Centers(ctx)
	if err != nil {
		return q, nil, err
	}
	var mine []dossier.Center
	for _, c := range cs {
		if u.Has(dossier.RoleAdmin) || u.AtCenter(c.Code) {
			mine = append(mine, c)
		}
	}
	return q, mine, nil
}

// ReportDashboard computes the dashboards of q (see DashboardQuery for the
// period and who may call). Supervisors and admins.
func (s *Service) ReportDashboard(ctx context.Context, u *dossier.User, q ReportQuery) (*Dashboard, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	// One read for the summary and every breakdown (cached: see
	// loadReportCached), and one total shared by them.
	rd, err := s.loadReportCached(ctx, rs, rs.from, rs.to)
	if err != nil {
		return nil, err
	}
	total := rd.total(rs.to)
	d := &Dashboard{Q: q, Summary: &total}
	for _, b := range []struct {
		by  string
		out **Breakdown
	}{{ByAgency, &d.ByAgency}, {ByLevel, &d.ByLevel}, {ByMonth, &d.ByMonth}, {ByProcedure, &d.ByProcedure}, {ByCenter, &d.ByCenter}} {
		*b.out = s.breakdownOf(rd, b.by, total)
	}
	if d.Overdue, err = s.db.OverdueDossiers(ctx, s.now(), rs.filter, 50); err != nil {
		return nil, err
	}
	return d, nil
}

// OverdueReport lists the overdue dossiers of q; without a period, today's
// (by the clock). Supervisors and admins (see OverdueList).
func (s *Service) OverdueReport(ctx context.Context, u *dossier.User, q ReportQuery, limit int) ([]OverdueRow, error) {
	if q.From == "" && q.To == "" {
		today := s.now().In(s.Location()).Format("2006-01-02")
		q.From, q.To = today, today
	}
	return s.OverdueList(ctx, u, q, limit)
}
