package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// National portal sync (issue 18 item 2; QĐ 766 indicator 1.4): each
// dossier's reception, every status change, its result and its payments
// reach the national public service portal (Cổng DVCQG) through the
// outbox, in order per dossier. The wire format is the adapter's (package
// dvcqg); this file decides what is sent and when.

// PortalDestination is the outbox destination of the national portal.
const PortalDestination = "dvcqg"

// PortalRecord is what the portal is told about a dossier at one event.
type PortalRecord struct {
	Event         string // the action (receive, accept, issue…), "payment" or "resync"
	EventAt       time.Time
	DossierCode   string
	ProcedureCode string
	AgencyCode    string
	Status        dossier.Status // after the event; "" for a payment
	Channel       dossier.Channel
	ApplicantKind dossier.ApplicantKind
	ReceivedAt    *time.Time
	DueAt         *time.Time
	FinishedAt    *time.Time
	// The result, once issued.
	ResultNumber string // MaKetQua: the result's number, e.g. 12/GP-SXD
	ResultLink   string // where the public verifies it
	// A payment (Event "payment").
	PaymentAmount  int64
	PaymentReceipt string
}

// PortalStatus is what the portal holds for one dossier.
type PortalStatus struct {
	DossierCode string
	Status      dossier.Status
}

// Portal is the national portal's adapter.
type Portal interface {
	// Push sends one record; key is the same for every attempt of it.
	// An error with a Permanent() bool method answering true is not
	// retried.
	Push(ctx context.Context, key string, r PortalRecord) error
	// Received lists the dossiers received in [from, to) the portal
	// holds, with the last status it was told.
	Received(ctx context.Context, from, to time.Time) ([]PortalStatus, error)
}

// AddPortal connects the national portal: from now on every dossier event
// and collected payment gets a delivery to it, ordered by dossier.
func (s *Service) AddPortal(p Portal, opts DestinationOptions) {
	s.portal = p
	route := func(topic string, payload []byte) (string, bool) {
		if !strings.HasPrefix(topic, "dossier.") && topic != "payment.collected" && topic != "portal.resync" {
			return "", false
		}
		return eventCode(payload)
	}
	s.AddDestination(PortalDestination, DestinationFunc(s.pushPortal), route, opts)
}

// pushPortal delivers one event to the portal.
func (s *Service) pushPortal(ctx context.Context, m Delivery) error {
	var e struct {
		Code    string         `json:"code"`
		Action  string         `json:"action"`
		To      dossier.Status `json:"to"`
		At      time.Time      `json:"at"`
		Amount  int64          `json:"amount"`
		Receipt string         `json:"receipt"`
	}
	if err := json.Unmarshal([]byte(m.Payload), &e); err != nil || e.Code == "" {
		return Permanent(errors.New("portal: unreadable event"))
	}
	d, err := s.dossierHead(ctx, e.Code)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil // removed since: nothing to tell
	}
	if err != nil {
		return err
	}
	r := PortalRecord{Event: e.Action, EventAt: e.At, DossierCode: d.Code, ProcedureCode: d.ProcedureCode, AgencyCode: d.AgencyCode,
		Status: e.To, Channel: d.Channel, ApplicantKind: d.Applicant.Kind, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt}
	switch m.Topic {
	case "payment.collected":
		// A payment changes no status; the portal keeps the one it has.
		r.Event, r.PaymentAmount, r.PaymentReceipt = "payment", e.Amount, e.Receipt
	case "portal.resync":
		r.Event, r.Status = "resync", d.Status
	}
	if r.Status == "" && r.Event != "payment" { // an event that changes no status (apologize)
		r.Status = d.Status
	}
	if r.Status == d.Status {
		r.FinishedAt = d.FinishedAt
	}
	if d.Result != nil && (r.Status == dossier.StatusIssued || r.Status == dossier.StatusReturned || r.Event == "resync") {
		r.ResultNumber = d.Result.Number
		if err := s.attachDocuments(ctx, d); err != nil {
			return err
		}
		for _, doc := range d.Documents {
			if doc.Kind == dossier.DocResult {
				r.ResultLink = doc.VerifyURL
			}
		}
	}
	if r.EventAt.IsZero() {
		r.EventAt = m.CreatedAt
	}
	return s.portal.Push(ctx, m.IdempotencyKey, r)
}

// SyncReport is the outcome of a reconciliation with the portal.
type SyncReport struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Local    int       `json:"local"`    // dossiers received here in the period
	Remote   int       `json:"remote"`   // of which the portal holds
	Missing  []string  `json:"missing"`  // not at the portal
	Stale    []string  `json:"stale"`    // at the portal with another status
	Unknown  []string  `json:"unknown"`  // at the portal, not here
	Resent   int       `json:"resent"`   // resync messages queued
	Resend   bool      `json:"resend"`   // whether they were queued
	Waiting  int       `json:"waiting"`  // portal deliveries not sent yet (pending or dead)
	Verified bool      `json:"verified"` // nothing missing nor stale
}

// SyncCheck compares the dossiers received in [from, to) with what the
// portal holds and, when resend is set, queues a resync of the current
// state of each missing or stale dossier (after the dossier's pending
// messages). It needs AddPortal.
func (s *Service) SyncCheck(ctx context.Context, from, to time.Time, resend bool) (*SyncReport, error) {
	if s.portal == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia")
	}
	if !to.After(from) {
		return nil, dossier.Invalid("Khoảng thời gian không hợp lệ", dossier.FieldError{Field: "to", Message: "Phải sau thời điểm bắt đầu"})
	}
	local, err := s.db.DossiersReceivedBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	remote, err := s.portal.Received(ctx, from, to)
	if err != nil {
		return nil, dossier.Errorf(dossier.EUNAVAILABLE, "Cổng Dịch vụ công quốc gia không trả lời: %v", err)
	}
	at := map[string]dossier.Status{}
	for _, r := range remote {
		at[r.DossierCode] = r.Status
	}
	rep := &SyncReport{From: from, To: to, Local: len(local), Resend: resend, Missing: []string{}, Stale: []string{}, Unknown: []string{}}
	here := map[string]bool{}
	var todo []string
	for _, l := range local {
		here[l.Code] = true
		st, ok := at[l.Code]
		switch {
		case !ok:
			rep.Missing = append(rep.Missing, l.Code)
			todo = append(todo, l.Code)
		case string(st) != l.Status:
			rep.Remote++
			rep.Stale = append(rep.Stale, l.Code)
			todo = append(todo, l.Code)
		default:
			rep.Remote++
		}
	}
	for _, r := range remote {
		if !here[r.DossierCode] {
			rep.Unknown = append(rep.Unknown, r.DossierCode)
		}
	}
	if counts, err := s.db.DeliveryCounts(ctx); err == nil {
		for _, c := range counts {
			if c.Destination == PortalDestination {
				rep.Waiting = c.Pending + c.Dead
			}
		}
	}
	rep.Verified = len(rep.Missing) == 0 && len(rep.Stale) == 0
	if !resend || len(todo) == 0 {
		return rep, nil
	}
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		for _, code := range todo {
			b, _ := json.Marshal(map[string]any{"code": code, "action": "resync", "at": tx.Now()})
			if _, err := tx.Enqueue("portal.resync", b, []store.OutboxRoute{{Destination: PortalDestination, Key: code}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Resent = len(todo)
	return rep, nil
}
