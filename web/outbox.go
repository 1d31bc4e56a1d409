package web

import (
	"net/http"
	"net/url"
	"strconv"

	"motcua/dossier"
	"motcua/workflow"
)

// The outbox seen by the admins (issue 18 item 1): the messages on their
// way to the applicants and to the connected systems, pending, failing or
// dead, with a retry button (page) and the same as JSON.

func outboxFilter(q url.Values) workflow.DeliveryFilter {
	limit, _ := strconv.Atoi(q.Get("limit"))
	return workflow.DeliveryFilter{Status: q.Get("status"), Destination: q.Get("destination"), Limit: limit}
}

// apiOutbox lists deliveries: ?status=pending|failing|dead|sent (default:
// all not sent) &destination= &limit= (admins).
func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	v, err := s.svc.Outbox(r.Context(), u, outboxFilter(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// apiRetryDelivery makes a dead or waiting delivery due now (admins).
func (s *Server) apiRetryDelivery(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := pathID(r)
	if err == nil {
		err = s.svc.RetryDelivery(r.Context(), u, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "pending"})
}

// outboxPage is the data of the outbox page.
type outboxPage struct {
	*workflow.OutboxView
	Status      string
	Destination string
	Statuses    [][2]string
}

var outboxStatuses = [][2]string{{"", "Chưa gửi được"}, {"pending", "Đang chờ gửi"}, {"failing", "Đang thử lại"},
	{"dead", "Đã dừng (cần xử lý)"}, {"sent", "Đã gửi"}}

func (s *Server) uiOutbox(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	q := r.URL.Query()
	v, err := s.svc.Outbox(r.Context(), u, outboxFilter(q))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := ""
	if q.Get("ok") != "" {
		flash = "Đã đưa tin nhắn trở lại hàng chờ gửi."
	}
	s.renderPage(w, r, http.StatusOK, "outbox", &uiPage{Title: "Hộp thư đi (tin nhắn gửi ra ngoài)", Active: "quan-tri", Flash: flash,
		D: &outboxPage{OutboxView: v, Status: q.Get("status"), Destination: q.Get("destination"), Statuses: outboxStatuses}})
}

func (s *Server) uiRetryDelivery(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := uiAdminForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r)
	if err == nil {
		err = s.svc.RetryDelivery(r.Context(), u, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/quan-tri/hop-thu-di?ok=1", http.StatusSeeOther)
}
