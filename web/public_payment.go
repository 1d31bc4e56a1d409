package web

import (
	"errors"
	"net/http"
	"net/url"

	"motcua/dossier"
	"motcua/workflow"
)

// Online payment of a dossier's fee through the payment gateway
// (workflow/payment.go, docs/payment.md): the citizen's button starts an
// order and goes to the gateway; the gateway calls back server to server
// (apiPaymentCallback) and sends the citizen back (pagePaymentReturn).

// gatewayLabel names the payment gateway on the citizen's pages ("" when
// none is connected); the demo's fake gateway (named "demo") says so.
func (s *Server) gatewayLabel() string {
	switch s.svc.PaymentGatewayName() {
	case "":
		return ""
	case "demo":
		return "cổng thanh toán thử nghiệm (DEMO, không trừ tiền thật)"
	}
	return "cổng thanh toán trực tuyến"
}

// pagePayOnline starts an order and sends the citizen to the gateway.
func (s *Server) pagePayOnline(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	o, err := s.feesOf().PayOnline(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, o.PayURL, http.StatusSeeOther)
}

// paymentResultPage is the page the gateway sends the citizen back to.
type paymentResultPage struct {
	Out     *workflow.PaymentOutcome
	Paid    bool
	Message string
}

// pagePaymentReturn verifies the signed answer the citizen's browser
// brings back and shows what became of the payment. It needs no session:
// the answer is the gateway's, checked by its signature.
func (s *Server) pagePaymentReturn(w http.ResponseWriter, r *http.Request) {
	out, err := s.feesOf().Confirm(r.Context(), r.URL.Query(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &paymentResultPage{Out: out}
	switch out.Order.Status {
	case workflow.OrderPaid:
		p.Paid, p.Message = true, "Thanh toán thành công; biên lai điện tử đã được phát hành."
	case workflow.OrderRefund:
		p.Message = "Cổng thanh toán đã nhận tiền nhưng phí, lệ phí của hồ sơ đã được nộp trước đó; Trung tâm sẽ hoàn trả khoản này."
	case workflow.OrderPending:
		p.Message = "Giao dịch đang chờ cổng thanh toán xác nhận; trang hồ sơ sẽ cập nhật khi có kết quả."
	default:
		p.Message = "Giao dịch không thành công hoặc đã bị hủy; chưa có khoản nào được thu."
	}
	s.frontRender(w, r, http.StatusOK, "payresult", &fpage{Title: "Kết quả thanh toán", Nav: "cong-dan", D: p})
}

// paymentAnswer is the JSON answer of the gateway's notify call.
type paymentAnswer struct {
	OrderRef      string `json:"order_ref"`
	Status        string `json:"status"`
	Replay        bool   `json:"replay"`
	ReceiptNumber string `json:"receipt_number,omitempty"`
}

// apiPaymentCallback is the gateway's server-to-server notify call: a
// form of signed fields. Replays answer 200 with replay true.
func (s *Server) apiPaymentCallback(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, dossier.Errorf(dossier.ETOOLARGE, "Dữ liệu gửi lên vượt quá %d byte", mbe.Limit))
			return
		}
		s.fail(w, r, dossier.Invalid("Thông báo thanh toán không đọc được", dossier.FieldError{Field: "body", Message: "cần application/x-www-form-urlencoded"}))
		return
	}
	fields := r.PostForm
	if len(fields) == 0 {
		fields = url.Values{}
	}
	out, err := s.feesOf().Confirm(r.Context(), fields, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := paymentAnswer{OrderRef: out.Order.Ref, Status: out.Order.Status, Replay: out.Replay}
	if out.Payment != nil {
		a.ReceiptNumber = out.Payment.ReceiptSeries + "/" + out.Payment.ReceiptNumber
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) viewOrder(o *workflow.PaymentOrder) *workflow.PaymentOrder {
	o.CreatedAt, o.ExpiresAt = o.CreatedAt.In(s.svc.Location()), o.ExpiresAt.In(s.svc.Location())
	if o.SettledAt != nil {
		t := o.SettledAt.In(s.svc.Location())
		o.SettledAt = &t
	}
	return o
}

// apiPayOnline starts an online payment of the caller's dossier: the
// answer's pay_url is where the citizen pays.
func (s *Server) apiPayOnline(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	o, err := s.feesOf().PayOnline(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.viewOrder(o))
}

// apiPaymentOrders lists a dossier's online payment orders.
func (s *Server) apiPaymentOrders(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	os, err := s.feesOf().PaymentOrders(r.Context(), u, r.PathValue("code"))
	s.reply(w, r, http.StatusOK, list(viewEach(os, s.viewOrder), ""), err)
}
