package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

type uiStatusCount struct {
	Status dossier.Status
	Label  string
	N      int
	Active bool
	Mine   bool // in the user's queue
}

type uiWorkRow struct {
	store.DossierRow
	Urgency     string // "overdue", "near" or ""
	Authority   string // for the leader: own authority or the delegation used
	NoAuthority bool
}

type uiWorkListView struct {
	Rows       []uiWorkRow
	Counts     []uiStatusCount // open statuses, with counts
	Options    []uiStatusCount // every status, for the filter
	Shifts     []dossier.LeaderShift
	Total      int
	Overdue    int
	Status     string
	Procedure  string
	Q          string
	Procedures []dossier.Procedure
	QueueLabel string
	NextURL    string
	FirstURL   string
	Leader     bool
	Now        time.Time
}

// uiWorkList is the dashboard and /ho-so: the work list of the user's roles
// with counts per status, filters, urgency highlighting and paging.
func (s *Server) uiWorkList(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q := r.URL.Query()
	ctx := r.Context()
	wl := uiWorkListView{Status: q.Get("status"), Procedure: strings.TrimSpace(q.Get("procedure")), Q: strings.TrimSpace(q.Get("q"))}
	f := store.DossierFilter{Procedure: wl.Procedure, Query: wl.Q, Cursor: q.Get("cursor"), Limit: 50}
	queue := dossier.QueueOf(u)
	switch {
	case wl.Status == "all":
	case wl.Status == "open":
		f.Status = dossier.OpenStatuses()
	case wl.Status != "":
		if !dossier.Status(wl.Status).Valid() {
			s.fail(w, r, dossier.Invalid("Trạng thái không hợp lệ", dossier.FieldError{Field: "status", Message: wl.Status}))
			return
		}
		f.Status = []dossier.Status{dossier.Status(wl.Status)}
	case len(queue) > 0:
		f.Status = queue
		wl.QueueLabel = "Việc cần xử lý của ông/bà"
	default:
		f.Status = dossier.OpenStatuses()
		wl.QueueLabel = "Hồ sơ đang giải quyết"
	}
	rows, next, err := s.svc.Dossiers(ctx, u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, overdue, err := s.svc.DB().StatusCounts(ctx, s.svc.Now(), workflow.ScopeOf(u))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, st := range dossier.Statuses {
		wl.Options = append(wl.Options, uiStatusCount{Status: st, Label: st.Label(), Active: wl.Status == string(st)})
		if st.Terminal() {
			continue // StatusCounts counts open dossiers only
		}
		wl.Total += counts[st]
		wl.Counts = append(wl.Counts, uiStatusCount{Status: st, Label: st.Label(), N: counts[st], Active: wl.Status == string(st),
			Mine: slices.Contains(queue, st)})
	}
	wl.Overdue = overdue
	now := s.svc.Now()
	wl.Now = now
	loc := s.svc.Location()
	// Who is on duty at the center today to approve (the leaders' on-site
	// schedule feeds the approval work).
	if len(u.Centers) > 0 && u.HasAny(dossier.RoleReception, dossier.RoleApprover, dossier.RoleAppraiser, dossier.RoleSupervisor) {
		day := now.In(loc)
		start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		wl.Shifts, _ = s.svc.DB().Shifts(ctx, u.Centers[0], start, start.Add(24*time.Hour))
	}

	// The leader sees under which authority each dossier awaits signature.
	var dels []dossier.Delegation
	var principals map[int64]*dossier.User
	procs := map[string]*dossier.Procedure{}
	if u.Has(dossier.RoleApprover) {
		wl.Leader = true
		dels, principals, _ = s.svc.LeaderDelegations(ctx, u)
	}
	for _, row := range rows {
		wr := uiWorkRow{DossierRow: row}
		// Each dossier runs on its own center's calendar.
		wr.Urgency = dossier.Urgency(row.Status, row.DueAt, s.svc.CalendarFor(row.CenterCode), now)
		if wl.Leader && row.Status == dossier.StatusAwaitingApproval {
			p, ok := procs[row.ProcedureCode]
			if !ok {
				p, _ = s.svc.DB().Procedure(ctx, row.ProcedureCode)
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
		wl.Rows = append(wl.Rows, wr)
	}
	if u.HasAny(dossier.RoleAppraiser, dossier.RoleApprover, dossier.RoleClerk) && u.AgencyCode != "" && !u.Has(dossier.RoleAdmin) {
		wl.Procedures, _, _ = s.svc.DB().Procedures(ctx, store.ProcedureFilter{Agency: u.AgencyCode, Limit: 300, ByName: true})
	}
	base := url.Values{}
	if wl.Status != "" {
		base.Set("status", wl.Status)
	}
	if wl.Procedure != "" {
		base.Set("procedure", wl.Procedure)
	}
	if wl.Q != "" {
		base.Set("q", wl.Q)
	}
	if next != "" {
		v := uiCloneValues(base)
		v.Set("cursor", next)
		wl.NextURL = "/ho-so?" + v.Encode()
	}
	if f.Cursor != "" {
		wl.FirstURL = "/ho-so"
		if len(base) > 0 {
			wl.FirstURL += "?" + base.Encode()
		}
	}
	title := "Danh sách hồ sơ"
	if r.URL.Path == "/" {
		title = "Bàn làm việc"
	}
	s.renderPage(w, r, http.StatusOK, "worklist", &uiPage{Title: title, Active: "ho-so", D: wl})
}

func uiCloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
