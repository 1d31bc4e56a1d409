package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

type uiStatusCount struct {
	Status dossier.Status
	Label  string
	N      int
	Active bool
	Mine   bool // in the user's queue
}

type uiWorkListView struct {
	*workflow.WorkQueue
	Counts     []uiStatusCount // open statuses, with counts
	Options    []uiStatusCount // every status, for the filter
	Total      int
	Status     string
	Procedure  string
	Q          string
	QueueLabel string
	NextURL    string
	FirstURL   string
}

// uiWorkList is the dashboard and /ho-so: the work list of the user's roles
// with counts per status, filters, urgency highlighting and paging.
func (s *Server) uiWorkList(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q := r.URL.Query()
	f := workflow.WorkFilter{Status: q.Get("status"), Procedure: strings.TrimSpace(q.Get("procedure")), Query: strings.TrimSpace(q.Get("q")),
		Cursor: q.Get("cursor")}
	wq, err := s.svc.WorkQueue(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wl := uiWorkListView{WorkQueue: wq, Status: f.Status, Procedure: f.Procedure, Q: f.Query}
	switch {
	case wq.InQueue:
		wl.QueueLabel = "Việc cần xử lý của ông/bà"
	case f.Status == "":
		wl.QueueLabel = "Hồ sơ đang giải quyết"
	}
	for _, st := range dossier.Statuses {
		wl.Options = append(wl.Options, uiStatusCount{Status: st, Label: st.Label(), Active: wl.Status == string(st)})
		if st.Terminal() {
			continue // the counts are of open dossiers only
		}
		wl.Total += wq.Counts[st]
		wl.Counts = append(wl.Counts, uiStatusCount{Status: st, Label: st.Label(), N: wq.Counts[st], Active: wl.Status == string(st),
			Mine: slices.Contains(wq.Queue, st)})
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
	if wq.Next != "" {
		v := uiCloneValues(base)
		v.Set("cursor", wq.Next)
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
