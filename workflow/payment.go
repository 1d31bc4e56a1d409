package workflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// Online payment of a dossier's fee through a payment gateway (issue 18
// item 4, docs/payment.md). The citizen asks to pay (PayOnline): an order
// is recorded pending with the fee still due and the citizen is sent to
// the gateway. The gateway answers with a signed message, server to
// server (notify) and through the citizen's browser (return); Confirm
// verifies it and, for the first verified "paid" answer, records the
// payment and issues its e-receipt in the transaction that settles the
// order. A pending order whose answer never came is settled by asking the
// gateway (ReconcilePayments: "motcua payments reconcile" and serve's
// loop).

// PaymentOrderTTL is how long the citizen has to pay an order at the
// gateway; the gateway refuses it afterwards.
const PaymentOrderTTL = 15 * time.Minute

// reconcileGrace is how long after its expiry a pending order the gateway
// knows no payment of is held before being set expired: the gateway's own
// clock and processing may lag.
const reconcileGrace = 5 * time.Minute

// GatewayOrder is what the gateway is told of an order.
type GatewayOrder struct {
	Ref         string // our order reference, unique
	DossierCode string
	Amount      int64 // đồng
	Info        string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ReturnURL   string // where the gateway sends the citizen's browser back
	NotifyURL   string // where the gateway calls back, server to server
}

// GatewayState is a gateway's answer about an order.
type GatewayState string

const (
	GatewayPaid    GatewayState = "paid"
	GatewayPending GatewayState = "pending" // not paid yet, or unknown to the gateway
	GatewayFailed  GatewayState = "failed"  // cancelled or refused
)

// GatewayResult is a verified answer of the gateway about an order.
type GatewayResult struct {
	OrderRef    string
	DossierCode string // as signed by the gateway ("" when it does not echo it)
	Amount      int64
	TxnID       string // the gateway's transaction id (paid and failed answers)
	Code        string // the gateway's result code
	State       GatewayState
}

// PaymentGateway is the payment gateway's adapter (package payment).
type PaymentGateway interface {
	// Name identifies the gateway; its transaction ids are unique per name.
	Name() string
	// CreateOrder returns the address the citizen pays order o at.
	CreateOrder(ctx context.Context, o GatewayOrder) (payURL string, err error)
	// Verify checks the signature of a callback (notify or return) and
	// reads it; an error means the message is not the gateway's.
	Verify(params url.Values) (*GatewayResult, error)
	// Query asks the gateway what became of order o.
	Query(ctx context.Context, o GatewayOrder) (*GatewayResult, error)
}

// SetPaymentGateway connects the payment gateway; baseURL is the public
// address the gateway sends the citizen back to and calls back (""
// means Config.BaseURL).
func (s *Service) SetPaymentGateway(g PaymentGateway, baseURL string) {
	if baseURL == "" {
		baseURL = s.cfg.BaseURL
	}
	s.payGW, s.payBase = g, strings.TrimRight(baseURL, "/")
}

// PaymentGatewayName names the connected gateway ("" when none: citizens
// cannot pay online).
func (s *Service) PaymentGatewayName() string {
	if s.payGW == nil {
		return ""
	}
	return s.payGW.Name()
}

// Order statuses (PaymentOrder.Status).
const (
	OrderPending = store.OrderPending
	OrderPaid    = store.OrderPaid
	OrderFailed  = store.OrderFailed
	OrderExpired = store.OrderExpired
	OrderRefund  = store.OrderRefund
)

// PaymentReturnPath and PaymentNotifyPath are where the gateway sends the
// citizen back and calls back (routes of package web).
const (
	PaymentReturnPath = "/thanh-toan/ket-qua"
	PaymentNotifyPath = "/api/v1/public/payments/callback"
)

func (s *Service) gatewayOrder(o *store.PaymentOrder) GatewayOrder {
	return GatewayOrder{Ref: o.Ref, DossierCode: o.DossierCode, Amount: o.Amount, Info: "Nop phi ho so " + o.DossierCode,
		CreatedAt: o.CreatedAt, ExpiresAt: o.ExpiresAt, ReturnURL: s.payBase + PaymentReturnPath, NotifyURL: s.payBase + PaymentNotifyPath}
}

func errNoGateway() error {
	return dossier.Errorf(dossier.EUNPROCESSABLE, "Hệ thống chưa kết nối cổng thanh toán trực tuyến; vui lòng nộp phí, lệ phí tại Bộ phận Một cửa")
}

// PayOnline starts the online payment of the fee still due on the
// applicant's dossier code: it records a pending order and returns it
// with the gateway's address to send the citizen to. An unexpired pending
// order of the same amount is returned again rather than a second one.
// Only the dossier's applicant may pay online; without a gateway, or for
// a procedure without fee, EUNPROCESSABLE; a fee already paid, or a
// refused or withdrawn dossier, ECONFLICT.
func (f *Fees) PayOnline(ctx context.Context, u *dossier.User, code string) (*store.PaymentOrder, error) {
	s := f.svc
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if d.ApplicantUser == 0 || d.ApplicantUser != u.ID {
		return nil, forbidden("Chỉ người nộp hồ sơ được nộp phí trực tuyến")
	}
	if s.payGW == nil {
		return nil, errNoGateway()
	}
	if err := uncollectable(d); err != nil {
		return nil, err
	}
	ref, err := newOrderRef(s.now())
	if err != nil {
		return nil, err
	}
	var o *store.PaymentOrder
	now := s.now()
	err = s.db.InTx(ctx, now, func(tx *store.Tx) error {
		_, due, err := feeDue(tx, d)
		if err != nil {
			return err
		}
		prev, err := tx.PaymentOrders(d.ID)
		if err != nil {
			return err
		}
		for i := len(prev) - 1; i >= 0; i-- {
			p := prev[i]
			if p.Status == store.OrderPending && p.Amount == due && p.PayURL != "" && tx.Now().Before(p.ExpiresAt.Add(-time.Minute)) {
				o = &p
				return nil
			}
		}
		o = &store.PaymentOrder{Ref: ref, DossierID: d.ID, DossierCode: d.Code, Amount: due, Gateway: s.payGW.Name(),
			CreatedBy: u.ID, ExpiresAt: tx.Now().Add(PaymentOrderTTL)}
		if err := tx.InsertPaymentOrder(o); err != nil {
			return err
		}
		return tx.Audit(u.Username, "pay-online", "dossier", d.Code, `{"order":"`+o.Ref+`"}`)
	})
	if err != nil || o.PayURL != "" {
		return o, err
	}
	// The gateway is asked outside the transaction: a slow gateway holds
	// up nobody else. An order it never heard of stays pending until the
	// reconciliation expires it.
	payURL, err := s.payGW.CreateOrder(ctx, s.gatewayOrder(o))
	if err != nil {
		s.log.Warn("payment gateway: order not created", "order", o.Ref, "gateway", s.payGW.Name(), "err", err)
		return nil, dossier.Errorf(dossier.EUNAVAILABLE, "Cổng thanh toán chưa phản hồi; vui lòng thử lại sau ít phút")
	}
	o.PayURL = payURL
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error { return tx.SetPaymentOrderURL(o.ID, payURL) })
	return o, err
}

// newOrderRef returns a fresh order reference: MC, the date and 10 random
// hex digits (the gateway's reference field is alphanumeric).
func newOrderRef(now time.Time) (string, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "MC" + now.UTC().Format("060102") + strings.ToUpper(hex.EncodeToString(b)), nil
}

// PaymentOutcome is what an answer of the gateway did.
type PaymentOutcome struct {
	Order *store.PaymentOrder
	// Payment is the recorded payment (with its e-receipt) of a paid
	// order.
	Payment *store.Payment
	// Replay: the order had been settled by an earlier answer; nothing
	// was recorded this time.
	Replay bool
}

// Confirm handles a callback of the gateway: params are its signed fields
// (the notify call's form, or the query string the citizen's browser
// comes back with); dossierCode, when not "", is the dossier the caller
// expects the order to belong to. A message the gateway did not sign is
// EFORBIDDEN; an unknown order, or one of another dossier, ENOTFOUND; an
// amount other than the order's, EUNPROCESSABLE. An order already settled
// is answered again (Replay) without a second receipt.
func (f *Fees) Confirm(ctx context.Context, params url.Values, dossierCode string) (*PaymentOutcome, error) {
	s := f.svc
	if s.payGW == nil {
		return nil, errNoGateway()
	}
	r, err := s.payGW.Verify(params)
	if err != nil {
		s.log.Warn("payment callback refused: bad signature", "gateway", s.payGW.Name(), "err", err)
		return nil, dossier.Errorf(dossier.EFORBIDDEN, "Thông báo thanh toán không có chữ ký hợp lệ của cổng thanh toán")
	}
	return f.settle(ctx, r, dossierCode)
}

// settle applies the verified answer r to its order.
func (f *Fees) settle(ctx context.Context, r *GatewayResult, dossierCode string) (*PaymentOutcome, error) {
	s := f.svc
	o, err := s.db.PaymentOrder(ctx, r.OrderRef)
	if err != nil {
		return nil, err
	}
	if o.Gateway != s.payGW.Name() || (dossierCode != "" && dossierCode != o.DossierCode) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy giao dịch thanh toán")
	}
	if r.DossierCode != "" && r.DossierCode != o.DossierCode {
		s.log.Warn("payment callback refused: dossier mismatch", "order", o.Ref)
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Giao dịch %s không thuộc hồ sơ %s", o.Ref, r.DossierCode)
	}
	if r.Amount != o.Amount {
		s.log.Warn("payment callback refused: amount mismatch", "order", o.Ref, "amount", r.Amount, "expected", o.Amount)
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Số tiền thanh toán %s khác số tiền của giao dịch %s", Money(r.Amount), Money(o.Amount))
	}
	switch r.State {
	case GatewayPaid:
		if r.TxnID == "" {
			return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Thông báo thanh toán thiếu mã giao dịch")
		}
		return f.settlePaid(ctx, o, r)
	case GatewayFailed:
		return f.settleNot(ctx, o, store.OrderFailed, r.TxnID, r.Code)
	}
	return &PaymentOutcome{Order: o, Replay: o.Status != store.OrderPending}, nil
}

// errSettled rolls back a transaction that found its order already
// settled.
var errSettled = errors.New("order already settled")

// settlePaid records the verified payment of order o: the order moves to
// paid and the payment with its receipt number is recorded in one
// transaction, then the e-receipt is issued. The fee already settled
// otherwise (or changed) leaves the order "refund", without a receipt.
func (f *Fees) settlePaid(ctx context.Context, o *store.PaymentOrder, r *GatewayResult) (*PaymentOutcome, error) {
	s := f.svc
	d, err := s.db.DossierByID(ctx, o.DossierID)
	if err != nil {
		return nil, err
	}
	gw := s.payGW.Name()
	var p *store.Payment
	var receipt EReceipt
	status := store.OrderPaid
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		p, status = nil, store.OrderPaid
		cur, err := tx.PaymentOrder(o.Ref)
		if err != nil {
			return err
		}
		if cur.Status == store.OrderPaid || cur.Status == store.OrderRefund {
			return errSettled
		}
		if other, err := tx.PaymentOrderByTxn(gw, r.TxnID); err != nil {
			return err
		} else if other != nil && other.ID != cur.ID {
			return dossier.Errorf(dossier.ECONFLICT, "Mã giao dịch %s đã thanh toán giao dịch %s", r.TxnID, other.Ref)
		}
		_, due, err := feeDue(tx, d)
		switch c := dossier.ErrorCode(err); {
		case err != nil && c != dossier.ECONFLICT && c != dossier.EUNPROCESSABLE:
			return err
		case err != nil || due != o.Amount:
			// Paid at the gateway, but nothing (or another amount) is due
			// any more: no receipt; the center refunds it.
			status = store.OrderRefund
		}
		// A verified payment wins over an earlier "failed" or "expired".
		if ok, err := tx.SettlePaymentOrder(cur.ID, status, r.TxnID, r.Code, 0, true); err != nil || !ok {
			if err == nil {
				err = errSettled
			}
			return err
		}
		actor := "gateway:" + gw
		if status == store.OrderRefund {
			return tx.Audit(actor, "payment-refund-due", "dossier", d.Code, `{"order":"`+o.Ref+`","txn":"`+r.TxnID+`"}`)
		}
		p, receipt, err = f.record(tx, collection{d: d, amount: o.Amount, method: "online", channel: "online", payer: d.Applicant.Name,
			by: o.CreatedBy, byName: "Thanh toán trực tuyến (" + gw + ")", actor: actor})
		if err != nil {
			return err
		}
		return tx.SetPaymentOrderPayment(cur.ID, p.ID)
	})
	if errors.Is(err, errSettled) {
		return f.replay(ctx, o.Ref)
	}
	if err != nil {
		return nil, err
	}
	if status == store.OrderRefund {
		s.log.Warn("payment received for a fee already settled: to refund", "order", o.Ref, "dossier", o.DossierCode)
	} else if err := f.issueReceipt(ctx, p, receipt); err != nil {
		s.log.Warn("e-receipt not issued; it stays pending", "payment", p.ID, "provider", f.provider.Name(), "err", err)
	}
	o, err = s.db.PaymentOrder(ctx, o.Ref)
	return &PaymentOutcome{Order: o, Payment: p}, err
}

// settleNot moves pending order o to failed or expired.
func (f *Fees) settleNot(ctx context.Context, o *store.PaymentOrder, status, txn, code string) (*PaymentOutcome, error) {
	s := f.svc
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		ok, err := tx.SettlePaymentOrder(o.ID, status, txn, code, 0, false)
		if err == nil && !ok {
			err = errSettled
		}
		return err
	})
	if errors.Is(err, errSettled) {
		return f.replay(ctx, o.Ref)
	}
	if err != nil {
		return nil, err
	}
	o, err = s.db.PaymentOrder(ctx, o.Ref)
	return &PaymentOutcome{Order: o}, err
}

// replay answers an answer for an order settled before.
func (f *Fees) replay(ctx context.Context, ref string) (*PaymentOutcome, error) {
	o, err := f.svc.db.PaymentOrder(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := &PaymentOutcome{Order: o, Replay: true}
	if o.PaymentID != 0 {
		if out.Payment, err = f.svc.db.Payment(ctx, o.PaymentID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReconcileReport is what a reconciliation did.
type ReconcileReport struct {
	Checked int `json:"checked"` // pending orders asked about
	Paid    int `json:"paid"`    // found paid: payment and e-receipt recorded
	Failed  int `json:"failed"`  // the gateway answered not paid
	Expired int `json:"expired"` // expired without payment
	Pending int `json:"pending"` // still pending (not expired yet)
	Errors  int `json:"errors"`  // the gateway did not answer, or its answer was refused
}

// ReconcileAfter is how old a pending order must be before the
// reconciliation asks about it: the callback usually comes within it.
const ReconcileAfter = time.Minute

// ReconcilePayments asks the gateway about every order still pending
// olderThan after it was created (up to 500 a run; ReconcileAfter in
// serve's loop): paid ones are recorded
// as a callback would have been; failed ones and, past their expiry,
// those the gateway knows no payment of are closed. It runs from "motcua
// payments reconcile" and every few minutes in serve.
func (f *Fees) ReconcilePayments(ctx context.Context, olderThan time.Duration) (*ReconcileReport, error) {
	s := f.svc
	if s.payGW == nil {
		return nil, errNoGateway()
	}
	now := s.now()
	orders, err := s.db.PendingPaymentOrders(ctx, now.Add(-olderThan), 500)
	if err != nil {
		return nil, err
	}
	rep := &ReconcileReport{}
	for i := range orders {
		o := &orders[i]
		if o.Gateway != s.payGW.Name() {
			continue
		}
		rep.Checked++
		r, err := s.payGW.Query(ctx, s.gatewayOrder(o))
		if err == nil && r.OrderRef != o.Ref {
			err = errors.New("answer about another order")
		}
		if err != nil {
			s.log.Warn("payment reconciliation: query failed", "order", o.Ref, "gateway", s.payGW.Name(), "err", err)
			rep.Errors++
			continue
		}
		var out *PaymentOutcome
		switch {
		case r.State == GatewayPaid || r.State == GatewayFailed:
			out, err = f.settle(ctx, r, "")
		case now.After(o.ExpiresAt.Add(reconcileGrace)):
			out, err = f.settleNot(ctx, o, store.OrderExpired, "", r.Code)
		default:
			rep.Pending++
			continue
		}
		if err != nil {
			s.log.Warn("payment reconciliation: answer refused", "order", o.Ref, "err", err)
			rep.Errors++
			continue
		}
		switch out.Order.Status {
		case store.OrderPaid, store.OrderRefund:
			rep.Paid++
		case store.OrderFailed:
			rep.Failed++
		case store.OrderExpired:
			rep.Expired++
		}
	}
	return rep, nil
}

// RunPaymentReconciler reconciles pending payments every interval until
// ctx ends, on one instance at a time.
func (f *Fees) RunPaymentReconciler(ctx context.Context, every time.Duration) {
	tick(ctx, every, false, func() {
		release, ok, err := f.svc.db.TryLock(ctx, "payments-reconcile")
		if err != nil || !ok {
			return
		}
		if _, err := f.ReconcilePayments(ctx, ReconcileAfter); err != nil {
			f.svc.log.Warn("payment reconciliation failed", "err", err)
		}
		release()
	})
}

// PaymentOrders lists the online payment orders of a dossier the caller
// may see.
func (f *Fees) PaymentOrders(ctx context.Context, u *dossier.User, code string) ([]store.PaymentOrder, error) {
	d, err := f.svc.readDossier(ctx, u, code, ReadPayments, "")
	if err != nil {
		return nil, err
	}
	return f.svc.db.PaymentOrdersOf(ctx, d.ID)
}
