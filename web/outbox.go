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
	s.reply(w, r, http.StatusOK, v, err)
}

// apiRetryDelivery makes a dead or waiting delivery due now (admins).
func (s *Server) apiRetryDelivery(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := s.retryDelivery(r, u)
	s.reply(w, r, http.StatusOK, map[string]any{"id": id, "status": "pending"}, err)
}

// retryDelivery makes the delivery whose id the path names due now, as u.
func (s *Server) retryDelivery(r *http.Request, u *dossier.User) (int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, err
	}
	return id, s.svc.RetryDelivery(r.Context(), u, id)
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
	s.renderPage(w, r, http.StatusOK, "outbox", &uiPage{Title: "Hộp thư đi (tin nhắn gửi ra ngoài)", Active: "quan-tri",
		Flash: okFlash(q, "Đã đưa tin nhắn trở lại hàng chờ gửi."),
		D:     &outboxPage{OutboxView: v, Status: q.Get("status"), Destination: q.Get("destination"), Statuses: outboxStatuses}})
}

func (s *Server) uiRetryDelivery(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	err := uiAdminForm(w, r)
	if err == nil {
		_, err = s.retryDelivery(r, u)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/quan-tri/hop-thu-di?ok=1", http.StatusSeeOther)
}

// okFlash is the banner msg on a page reached by the redirect that follows
// a successful form (?ok=…), and nothing otherwise.
func okFlash(q url.Values, msg string) string {
	if q.Get("ok") == "" {
		return ""
	}
	return msg
}
