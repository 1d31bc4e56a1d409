package workflow

import (
	"context"
	"strings"
	"time"

	"motcua/dossier"
)

// The officers' views: the work list and the dossier page. Each is read for
// the signed-in officer, with what the domain says they may do, at one
// clock reading.

// needOfficer refuses a caller who is not a signed-in officer.
func needOfficer(u *dossier.User) error {
	if u == nil {
		return unauthorized()
	}
	if !u.IsOfficer() {
		return forbidden("Trang này dành cho cán bộ; công dân nộp hồ sơ tại trang Nộp trực tuyến")
	}
	return nil
}

// ---- Work list ------------------------------------------------------------

// WorkFilter is what a work list is asked for.
type WorkFilter struct {
	// Status is "" (the user's queue, dossier.QueueOf, or every open
	// dossier when the user has no queue), "open", "all" or one status.
	Status    string
	Procedure string
	Query     string // code or applicant name
	Cursor    string
}

// WorkRow is one dossier of a work list.
type WorkRow struct {
	DossierRow
	Urgency     string // dossier.UrgencyOverdue, UrgencyToday, UrgencyNear or ""
	Authority   string // for a leader: own authority or the delegation that applies
	NoAuthority bool   // for a leader: no authority to sign this one
}

// WorkQueue is an officer's work list.
type WorkQueue struct {
	Filter     WorkFilter
	Rows       []WorkRow
	Next       string           // cursor of the next page ("" on the last)
	Queue      []dossier.Status // the statuses of the user's own queue
	InQueue    bool             // the rows are the user's queue (no status asked, a queue exists)
	Counts     map[dossier.Status]int
	Overdue    int                   // open dossiers past due, in the user's reach
	Shifts     []dossier.LeaderShift // the leaders on duty today at the user's center
	Leader     bool                  // the user approves: rows show the authority
	Procedures []dossier.Procedure   // the procedures of the user's agency, for the filter
	Now        time.Time
}

// WorkQueue returns the work list of an officer: the dossiers of their
// reach filtered by f, with the urgency of each on its center's calendar,
// the counts per open status, today's leaders on duty and, for a leader,
// the authority under which each dossier awaiting approval would be signed.
// Officers only; an unknown status is EINVALID.
func (s *Service) WorkQueue(ctx context.Context, u *dossier.User, f WorkFilter) (*WorkQueue, error) {
	if err := needOfficer(u); err != nil {
		return nil, err
	}
	now := s.now()
	wq := &WorkQueue{Filter: f, Queue: dossier.QueueOf(u), Now: now}
	df := DossierFilter{Procedure: f.Procedure, Query: f.Query, Cursor: f.Cursor, Limit: 50, Scope: ScopeOf(u), Now: now}
	switch {
	case f.Status == "all":
	case f.Status == "open":
		df.Status = dossier.OpenStatuses()
	case f.Status != "":
		if !dossier.Status(f.Status).Valid() {
			return nil, dossier.Invalid("Trạng thái không hợp lệ", dossier.FieldError{Field: "status", Message: f.Status})
		}
		df.Status = []dossier.Status{dossier.Status(f.Status)}
	case len(wq.Queue) > 0:
		df.Status, wq.InQueue = wq.Queue, true
	default:
		df.Status = dossier.OpenStatuses()
	}
	rows, next, err := s.db.Dossiers(ctx, df)
	if err != nil {
		return nil, err
	}
	wq.Next = next
	if wq.Counts, wq.Overdue, err = s.db.StatusCounts(ctx, now, df.Scope); err != nil {
		return nil, err
	}
	// Who is on duty at the center today to approve (the leaders' on-site
	// schedule feeds the approval work).
	if len(u.Centers) > 0 && u.HasAny(dossier.RoleReception, dossier.RoleApprover, dossier.RoleAppraiser, dossier.RoleSupervisor) {
		loc := s.Location()
		day := now.In(loc)
		start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		if wq.Shifts, err = s.db.Shifts(ctx, u.Centers[0], start, start.Add(24*time.Hour)); err != nil {
			return nil, err
		}
	}
	// The leader sees under which authority each dossier awaits signature.
	var dels []dossier.Delegation
	var principals map[int64]*dossier.User
	if u.Has(dossier.RoleApprover) {
		wq.Leader = true
		if dels, principals, err = s.LeaderDelegations(ctx, u); err != nil {
			return nil, err
		}
	}
	procs := map[string]*dossier.Procedure{}
	for _, row := range rows {
		wr := WorkRow{DossierRow: row}
		// Each dossier runs on its own center's calendar.
		wr.Urgency = dossier.Urgency(row.Status, row.DueAt, s.CalendarFor(row.CenterCode), now)
		if wq.Leader && row.Status == dossier.StatusAwaitingApproval {
			p, ok := procs[row.ProcedureCode]
			if !ok {
				p, _ = s.db.Procedure(ctx, row.ProcedureCode) // a procedure gone from the catalog shows no authority
				procs[row.ProcedureCode] = p
			}
			if p != nil {
				if sg, err := dossier.Sign(u, p, now, dels, principals); err != nil {
					wr.Authority, wr.NoAuthority = "Không có thẩm quyền hoặc ủy quyền còn hiệu lực", true
				} else {
					wr.Authority = sg.Describe(u)
				}
			}
		}
		wq.Rows = append(wq.Rows, wr)
	}
	if u.HasAny(dossier.RoleAppraiser, dossier.RoleApprover, dossier.RoleClerk) && u.AgencyCode != "" && !u.Has(dossier.RoleAdmin) {
		if wq.Procedures, _, err = s.db.Procedures(ctx, ProcedureFilter{Agency: u.AgencyCode, Limit: 300, ByName: true}); err != nil {
			return nil, err
		}
	}
	return wq, nil
}

// ---- Dossier page -----------------------------------------------------------

// ComponentView is one component of a dossier page: the catalog's entry
// and what was handed in for it, if anything.
type ComponentView struct {
	dossier.Component
	Given       *dossier.DossierComponent
	ContentType string // of the file handed in ("" when none or not readable)
	Image       bool   // the file shows as an image
}

// DossierView is a dossier as an officer's page shows it.
type DossierView struct {
	D          *dossier.Dossier
	Procedure  *dossier.Procedure // nil when gone from the catalog
	Components []ComponentView    // the catalog's components, then those no longer in it
	// Can holds the actions the page offers the user now (dossier.Offered).
	Can            map[dossier.Action]bool
	Appraisers     []dossier.User // whom reception may assign, when it may
	NeedApology    bool           // returning late needs the apology first
	DueDefault     string         // the apology form's default new due date (YYYY-MM-DD)
	DueTimeDefault string         // and time (HH:MM): the close of that day at the center
	Fee            int64          // the procedure's fee (0: none)
	Payments       []Payment      // fees collected, with their e-receipts
	CanCollect     bool           // reception at the dossier's center, fee not yet paid
	Exchange       *ExchangeView  // inter-agency steps and packages; nil when the procedure has none
	Now            time.Time
	// Timeline is the steps with their due and actual times (issue 19).
	Timeline []dossier.TimelineStep
}

// DossierView returns dossier code as the officer u's page shows it, with
// the actions the domain offers u on it now. Officers only; a dossier
// outside u's reach is ENOTFOUND.
func (s *Service) DossierView(ctx context.Context, u *dossier.User, code string) (*DossierView, error) {
	if err := needOfficer(u); err != nil {
		return nil, err
	}
	now := s.now()
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return nil, err
	}
	// The page shows the applicant's personal data: the read is recorded.
	if err := s.recordRead(ctx, u, accessOf(ReadDossier, "", d)); err != nil {
		return nil, err
	}
	d.Overdue = dossier.Overdue(d, now)
	v := &DossierView{D: d, Can: map[dossier.Action]bool{}, Now: now}
	if p, err := s.db.Procedure(ctx, d.ProcedureCode); err == nil {
		v.Procedure, v.Fee = p, p.Fee
	} else if dossier.ErrorCode(err) != dossier.ENOTFOUND {
		return nil, err
	}
	if v.Procedure != nil && !v.Procedure.Exchange.Empty() {
		if v.Exchange, err = s.exchangeView(ctx, d, v.Procedure); err != nil {
			return nil, err
		}
		v.Exchange.CanSend = s.canSendExchange(u, d)
	}
	if v.Fee > 0 {
		if v.Payments, err = s.db.Payments(ctx, d.ID); err != nil {
			return nil, err
		}
		v.CanCollect = len(v.Payments) == 0 && dossier.CanActAs(u, dossier.RoleReception, d) && !d.Status.Terminal()
	}
	given := map[string]*dossier.DossierComponent{}
	for i := range d.Components {
		given[d.Components[i].Code] = &d.Components[i]
	}
	view := func(c dossier.Component) ComponentView {
		cv := ComponentView{Component: c, Given: given[c.Code]}
		if cv.Given != nil && cv.Given.BlobID != "" {
			if meta, err := s.db.BlobAccess(ctx, cv.Given.BlobID, u.ID, ScopeOf(u)); err == nil {
				cv.ContentType = meta.ContentType
				cv.Image = strings.HasPrefix(meta.ContentType, "image/")
			}
		}
		return cv
	}
	if v.Procedure != nil {
		for _, c := range v.Procedure.Components {
			v.Components = append(v.Components, view(c))
			delete(given, c.Code)
		}
	}
	for _, dc := range d.Components {
		if _, ok := given[dc.Code]; ok {
			// Handed in but no longer in the catalog.
			v.Components = append(v.Components, view(dossier.Component{Code: dc.Code, Name: dc.Name}))
		}
	}
	cal := s.CalendarFor(d.CenterCode)
	v.Timeline = dossier.Timeline(d, v.Procedure, cal, now)
	for _, a := range dossier.DossierActions() {
		if dossier.OfferedAt(u, a, d, cal, now) {
			v.Can[a] = true
		}
	}
	v.NeedApology = v.Can[dossier.ActReturn] && dossier.NeedsApology(d, now)
	if v.Can[dossier.ActAssign] && u.Has(dossier.RoleReception) {
		us, err := s.db.Users(ctx, d.AgencyCode)
		if err != nil {
			return nil, err
		}
		for _, x := range us {
			if x.Has(dossier.RoleAppraiser) && !x.Disabled {
				v.Appraisers = append(v.Appraisers, x)
			}
		}
	}
	if v.Can[dossier.ActApologize] && d.DueAt != nil {
		nd := dossier.DefaultApologyDue(d, cal, now).In(cal.Location())
		v.DueDefault, v.DueTimeDefault = nd.Format("2006-01-02"), nd.Format("15:04")
	}
	return v, nil
}

// KnownAction reports whether a is an action taken on an existing dossier.
func KnownAction(a dossier.Action) bool {
	r, ok := dossier.RuleOf(a)
	return ok && !r.Creates()
}

// CheckActor refuses, before anything is uploaded or decoded, an officer
// who may never take action a on dossier code whatever its status:
// ENOTFOUND for an unknown action or a dossier out of reach, EFORBIDDEN
// without a role that may take it (applicants act from their own pages).
// Act checks everything again.
func (s *Service) CheckActor(ctx context.Context, u *dossier.User, code string, a dossier.Action) (*dossier.Dossier, error) {
	if err := needOfficer(u); err != nil {
		return nil, err
	}
	if !KnownAction(a) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có thao tác %q", a)
	}
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return nil, err
	}
	for _, r := range dossier.ActingRoles(u, a, d) {
		if r != dossier.RoleCitizen {
			return d, nil
		}
	}
	return nil, forbidden("Ông/bà không có quyền " + strings.ToLower(a.Label()) + " đối với hồ sơ này")
}

// ActionForm checks that the page may open action a's form on dossier
// code for u (CheckActor, then ECONFLICT when the dossier's status does
// not offer it now) and returns the dossier's view.
func (s *Service) ActionForm(ctx context.Context, u *dossier.User, code string, a dossier.Action) (*DossierView, error) {
	if _, err := s.CheckActor(ctx, u, code, a); err != nil {
		return nil, err
	}
	v, err := s.DossierView(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if !v.Can[a] {
		return nil, dossier.Errorf(dossier.ECONFLICT, "Không thể %s khi hồ sơ ở trạng thái %q", strings.ToLower(a.Label()), v.D.Status.Label())
	}
	return v, nil
}
