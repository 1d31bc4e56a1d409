package web

import (
	"encoding/json"
	"net/http"
	"time"

	"motcua/dossier"
	"motcua/workflow"
)

// ticketView is a ticket as the API returns it: times in Vietnam time.
type ticketView struct {
	Number        int64      `json:"number"`
	ServiceCode   string     `json:"service_code"`
	ServiceName   string     `json:"service_name,omitempty"`
	CenterCode    string     `json:"center_code"`
	IssuedAt      time.Time  `json:"issued_at"`
	WaitingBefore int        `json:"waiting_before"`
	Status        string     `json:"status"`
	CounterCode   string     `json:"counter_code,omitempty"`
	CounterName   string     `json:"counter_name,omitempty"`
	CalledAt      *time.Time `json:"called_at,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	Recalls       int        `json:"recalls"`
}

func (s *Server) viewTicket(t *workflow.QueueTicket) ticketView {
	loc := s.svc.Location()
	v := ticketView{Number: t.Number, ServiceCode: t.ServiceCode, ServiceName: t.ServiceName, CenterCode: t.CenterCode,
		IssuedAt: t.IssuedAt.In(loc), WaitingBefore: t.WaitingBefore, Status: t.Status, CounterCode: t.CounterCode, Recalls: t.Recalls}
	if t.CalledAt != nil {
		c := t.CalledAt.In(loc)
		v.CalledAt = &c
	}
	if t.FinishedAt != nil {
		f := t.FinishedAt.In(loc)
		v.FinishedAt = &f
	}
	return v
}

func (s *Server) apiQueueServices(w http.ResponseWriter, r *http.Request) {
	ss, err := s.svc.QueueServices(r.Context(), r.URL.Query().Get("center"))
	s.reply(w, r, http.StatusOK, ss, err)
}

type queueServicesRequest struct {
	CenterCode string                  `json:"center_code"`
	Services   []workflow.QueueService `json:"services"`
}

func (s *Server) apiSetQueueServices(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var req queueServicesRequest
	if !s.decoded(w, r, &req) {
		return
	}
	ss, err := s.svc.SetQueueServices(r.Context(), u, req.CenterCode, req.Services)
	s.reply(w, r, http.StatusOK, ss, err)
}

type ticketRequest struct {
	CenterCode  string `json:"center_code"`
	ServiceCode string `json:"service_code"`
}

func (s *Server) apiIssueTicket(w http.ResponseWriter, r *http.Request) {
	var req ticketRequest
	if !s.decoded(w, r, &req) {
		return
	}
	t, err := s.svc.IssueTicket(r.Context(), req.CenterCode, req.ServiceCode)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.viewTicket(t))
}

// publishCall sends a call to this instance's displays.
func (s *Server) publishCall(c *workflow.QueueCall) {
	v := s.callEvent(c)
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	s.front.hub.publish(c.CenterCode, c.EventID, b)
}

func (s *Server) callEvent(c *workflow.QueueCall) *workflow.QueueCall {
	loc := s.svc.Location()
	cp := *c
	cp.CalledAt = c.CalledAt.In(loc)
	if c.Ticket != nil {
		t := *c.Ticket
		t.IssuedAt = t.IssuedAt.In(loc)
		if t.CalledAt != nil {
			x := t.CalledAt.In(loc)
			t.CalledAt = &x
		}
		cp.Ticket = &t
	}
	return &cp
}

func (s *Server) queueCall(w http.ResponseWriter, r *http.Request, u *dossier.User, op string) {
	var in workflow.QueueCallInput
	if r.ContentLength != 0 {
		if !s.decoded(w, r, &in) {
			return
		}
	}
	var c *workflow.QueueCall
	var t *workflow.QueueTicket
	var err error
	switch op {
	case "call":
		c, err = s.svc.CallNext(r.Context(), u, in)
	case "recall":
		c, err = s.svc.Recall(r.Context(), u, in)
	case "skip":
		t, err = s.svc.Skip(r.Context(), u, in)
	case "finish":
		t, err = s.svc.FinishTicket(r.Context(), u, in)
	}
	if err != nil {
		if workflow.IsNoTicket(err) {
			if op == "call" {
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			err = dossier.Errorf(dossier.ENOTFOUND, "Quầy chưa gọi số nào")
		}
		s.fail(w, r, err)
		return
	}
	if c != nil {
		s.publishCall(c)
		v := s.viewTicket(c.Ticket)
		v.CounterName = c.CounterName
		writeJSON(w, http.StatusOK, v)
		return
	}
	writeJSON(w, http.StatusOK, s.viewTicket(t))
}

func (s *Server) apiCallNext(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	s.queueCall(w, r, u, "call")
}

func (s *Server) apiRecall(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	s.queueCall(w, r, u, "recall")
}

func (s *Server) apiSkip(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	s.queueCall(w, r, u, "skip")
}

func (s *Server) apiFinishTicket(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	s.queueCall(w, r, u, "finish")
}

// apiQueueEvents streams the calls of a center as server-sent events:
// every call is `event: call` with the ticket and the counter. A comment
// line every 20 s keeps proxies from closing the stream.
func (s *Server) apiQueueEvents(w http.ResponseWriter, r *http.Request) {
	center := r.URL.Query().Get("center")
	if center == "" {
		s.fail(w, r, dossier.Invalid("Thiếu mã trung tâm", dossier.FieldError{Field: "center", Message: "bắt buộc"}))
		return
	}
	if _, err := s.svc.Center(r.Context(), center); err != nil {
		s.fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	ch, cancel := s.front.hub.subscribe(center)
	defer cancel()
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("retry: 3000\n: connected\n\n"))
	if err := rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.front.hub.done:
			return
		case frame := <-ch:
			if _, err := w.Write(frame); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}

// boardView is what a counter display shows when it (re)connects.
type boardView struct {
	CenterCode string       `json:"center_code"`
	CenterName string       `json:"center_name"`
	Waiting    int          `json:"waiting"`
	Counters   []ticketView `json:"counters"` // the ticket each counter serves now
	Recent     []ticketView `json:"recent"`   // the last calls, newest first
}

// board reads center's board and lays it out for the displays.
func (s *Server) board(r *http.Request, center string) (*boardView, error) {
	qb, err := s.svc.QueueBoard(r.Context(), center)
	if err != nil {
		return nil, err
	}
	b := &boardView{CenterCode: qb.Center.Code, CenterName: qb.Center.Name, Waiting: qb.Waiting, Counters: []ticketView{}, Recent: []ticketView{}}
	for _, t := range qb.Serving {
		v := s.viewTicket(&t.QueueTicket)
		v.CounterName = t.CounterName
		b.Counters = append(b.Counters, v)
	}
	for _, t := range qb.Recent {
		v := s.viewTicket(&t.QueueTicket)
		v.CounterName = t.CounterName
		b.Recent = append(b.Recent, v)
	}
	return b, nil
}

func (s *Server) apiQueueBoard(w http.ResponseWriter, r *http.Request) {
	b, err := s.board(r, r.URL.Query().Get("center"))
	s.reply(w, r, http.StatusOK, b, err)
}

// periodOf reads from/to (dates, both included, or RFC 3339 instants); a
// bound left out is zero (the use case takes today's).
func periodOf(r *http.Request) (time.Time, time.Time, error) {
	q := r.URL.Query()
	var from, to time.Time
	if v := q.Get("from"); v != "" {
		t, err := parseTimeOrDate(v)
		if err != nil {
			return from, to, dossier.Invalid("from không hợp lệ", dossier.FieldError{Field: "from", Message: "YYYY-MM-DD hoặc RFC 3339"})
		}
		from = t
	}
	if v := q.Get("to"); v != "" {
		t, err := parseTimeOrDate(v)
		if err != nil {
			return from, to, dossier.Invalid("to không hợp lệ", dossier.FieldError{Field: "to", Message: "YYYY-MM-DD hoặc RFC 3339"})
		}
		if len(v) == len("2006-01-02") {
			t = t.AddDate(0, 0, 1) // a date includes its whole day
		}
		to = t
	}
	return from, to, nil
}

func (s *Server) apiQueueStats(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	from, to, err := periodOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.svc.QueueStats(r.Context(), u, r.URL.Query().Get("center"), from, to)
	s.reply(w, r, http.StatusOK, list(st, ""), err)
}
