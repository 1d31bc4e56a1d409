package dossier

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/calendar"
)

// Document exchange (liên thông, issue 18 item 5): a procedure may need
// other bodies before its result (an inter-agency step), or its result
// registered in the agency's document-management system (QLVB). Which
// procedures, which bodies and how long each has are catalog data
// (Procedure.Exchange), never code.

// ExchangeKind is what an inter-agency step asks of the other body.
type ExchangeKind string

// Exchange kinds.
const (
	// ExchangeConsult asks another body's opinion (xin ý kiến, NĐ 61
	// Art. 19.5): consultations run side by side, each from the moment
	// it is sent, each with its own deadline.
	ExchangeConsult ExchangeKind = "consult"
	// ExchangeChain passes the dossier along an inter-agency chain (liên
	// thông, NĐ 61 Art. 19.6–7): the desk sets the order and each body
	// gets its own deadline, which starts when the previous body's ends
	// (or when the dossier is actually sent to it).
	ExchangeChain ExchangeKind = "chain"
	// ExchangeRegister registers the issued result in the agency's
	// document-management system; it has no deadline of its own.
	ExchangeRegister ExchangeKind = "register"
)

// Label is the Vietnamese name of the kind.
func (k ExchangeKind) Label() string {
	switch k {
	case ExchangeConsult:
		return "Xin ý kiến"
	case ExchangeChain:
		return "Liên thông"
	case ExchangeRegister:
		return "Đăng ký kết quả vào hệ thống QLVB"
	}
	return string(k)
}

// ExchangeStep is one body an inter-agency procedure needs.
type ExchangeStep struct {
	Agency string       `json:"agency"` // the body's code (catalog or LGSP identifier)
	Name   string       `json:"name"`   // its name, printed on the control slip
	Kind   ExchangeKind `json:"kind"`   // consult or chain
	Days   int          `json:"days"`   // working days it has
	Task   string       `json:"task,omitempty"`
}

// ExchangePlan is what a procedure exchanges with other bodies.
type ExchangePlan struct {
	Steps []ExchangeStep `json:"steps,omitempty"`
	// RegisterResult sends the signed result to the agency's
	// document-management system when it is issued.
	RegisterResult bool `json:"register_result,omitempty"`
}

// Empty reports a plan that exchanges nothing (nil included).
func (p *ExchangePlan) Empty() bool { return p == nil || (len(p.Steps) == 0 && !p.RegisterResult) }

// RegistersResult reports whether an issued result of a procedure with
// this plan goes to the agency's document-management system (nil: no).
// Only those issued dossiers have a package to send when issued; the
// steps of a plan are sent by the officers, one by one.
func (p *ExchangePlan) RegistersResult() bool { return p != nil && p.RegisterResult }

// Validate checks the plan's steps (field "exchange").
func (p *ExchangePlan) Validate() []FieldError {
	if p == nil {
		return nil
	}
	var fs []FieldError
	if len(p.Steps) > 20 {
		fs = append(fs, FieldError{Field: "exchange", Message: "Tối đa 20 cơ quan phối hợp"})
	}
	for i, s := range p.Steps {
		bad := func(m string) {
			fs = append(fs, FieldError{Field: "exchange", Message: fmt.Sprintf("Bước %d: %s", i+1, m)})
		}
		if !ValidCode(s.Agency) {
			bad("mã cơ quan không hợp lệ")
		}
		if s.Kind != ExchangeConsult && s.Kind != ExchangeChain {
			bad("loại phải là consult hoặc chain")
		}
		if s.Days < 0 || s.Days > 365 {
			bad("số ngày làm việc phải từ 0 đến 365")
		}
		if len(s.Name) > 300 || len(s.Task) > 500 {
			bad("tên hoặc nội dung quá dài")
		}
	}
	return fs
}

// ParseExchangeSteps reads the import column "inter_agency":
// "AGENCY:DAYS:KIND[=Name];…", KIND consult (default) or chain, e.g.
// "BN.STNMT:5:chain=Sở Tài nguyên và Môi trường;BN.CT:3:chain=Cục Thuế".
func ParseExchangeSteps(s string) ([]ExchangeStep, error) {
	var out []ExchangeStep
	for _, part := range SplitList(s) {
		spec, name, _ := strings.Cut(part, "=")
		f := strings.Split(spec, ":")
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("bước liên thông %q phải có dạng MÃ_CƠ_QUAN:SỐ_NGÀY[:consult|chain][=Tên]", part)
		}
		days, err := strconv.Atoi(strings.TrimSpace(f[1]))
		if err != nil {
			return nil, fmt.Errorf("bước liên thông %q: số ngày không hợp lệ", part)
		}
		st := ExchangeStep{Agency: strings.TrimSpace(f[0]), Days: days, Kind: ExchangeConsult, Name: strings.TrimSpace(name)}
		if len(f) == 3 {
			st.Kind = ExchangeKind(strings.TrimSpace(f[2]))
		}
		out = append(out, st)
	}
	return out, nil
}

// ExchangeDue is the deadline of one inter-agency step.
type ExchangeDue struct {
	Step  int // index in the plan
	Start time.Time
	Due   time.Time
	// Planned: the step has not been sent yet; Start is when it would
	// begin if every earlier step used its full time.
	Planned bool
	// Beyond: the step ends after the dossier's own due time, so the
	// dossier cannot be returned on time unless the body answers early.
	Beyond bool
}

// ExchangeDeadlines returns the deadline of each step of plan on the
// center's calendar cal (regulation.md §4; NĐ 61/2018 Art. 19.5–7):
//   - a consultation (Art. 19.5) starts when it is sent (sent[i]) or, not
//     sent yet, at start (the moment the agency may send it, e.g. now);
//   - a chain step (Art. 19.6–7) starts when it is sent or, not sent yet,
//     when the previous chain step's deadline ends (start for the first);
//   - a step has Days working days, counted like the dossier's own period
//     (Civil Code Art. 147–148: from the next working day, ending at the
//     close of the last), with the 15:00 cut-off of a dossier passed on to
//     another body (NĐ 61 Art. 18.2–3: after 15:00 it counts from the
//     next working day).
//
// dossierDue, when not zero, marks the steps that end after it.
func ExchangeDeadlines(plan *ExchangePlan, sent map[int]time.Time, start, dossierDue time.Time, cal *calendar.Calendar) []ExchangeDue {
	if plan == nil {
		return nil
	}
	out := make([]ExchangeDue, 0, len(plan.Steps))
	chainAt := start
	for i, s := range plan.Steps {
		e := ExchangeDue{Step: i}
		at, ok := sent[i]
		switch {
		case ok:
			e.Start = at
		case s.Kind == ExchangeChain:
			e.Start, e.Planned = chainAt, true
		default:
			e.Start, e.Planned = start, true
		}
		e.Due = cal.DueDays(e.Start, s.Days, calendar.DefaultCutoff).UTC()
		if s.Kind == ExchangeChain {
			chainAt = e.Due
		}
		e.Beyond = !dossierDue.IsZero() && e.Due.After(dossierDue)
		out = append(out, e)
	}
	return out
}

// ExchangeStatus is where a package stands.
type ExchangeStatus string

// Package statuses: queued in the outbox, sent (the platform took it),
// then the other side's answers: accepted (received, being handled),
// returned (sent back: not competent, incomplete…) or done (answered; for
// a registration, registered).
const (
	ExchangeQueued   ExchangeStatus = "queued"
	ExchangeSent     ExchangeStatus = "sent"
	ExchangeAccepted ExchangeStatus = "accepted"
	ExchangeReturned ExchangeStatus = "returned"
	ExchangeDone     ExchangeStatus = "done"
)

// Label is the Vietnamese name of the status.
func (s ExchangeStatus) Label() string {
	switch s {
	case ExchangeQueued:
		return "Chờ gửi"
	case ExchangeSent:
		return "Đã gửi"
	case ExchangeAccepted:
		return "Đã tiếp nhận"
	case ExchangeReturned:
		return "Bị trả lại"
	case ExchangeDone:
		return "Đã có kết quả"
	}
	return string(s)
}

// Answer reports whether s is a status the other side may answer.
func (s ExchangeStatus) Answer() bool {
	return s == ExchangeAccepted || s == ExchangeReturned || s == ExchangeDone
}

// Final reports a status no later answer changes.
func (s ExchangeStatus) Final() bool { return s == ExchangeReturned || s == ExchangeDone }

// AnswerExchange decides what an answer to does to a package in status
// from: the new status, or same = true when the answer repeats the
// current one (a replay: nothing changes), or an error (409) when the
// package is already closed with another answer.
func AnswerExchange(from, to ExchangeStatus) (same bool, err error) {
	switch {
	case !to.Answer():
		return false, Invalid("Trạng thái trả lời không hợp lệ", FieldError{Field: "status", Message: "Chọn một trong: accepted, returned, done"})
	case from == to:
		return true, nil
	case from.Final():
		return false, Errorf(ECONFLICT, "Gói liên thông đã kết thúc (%s)", from.Label())
	}
	return false, nil
}

// ExchangePackage is one package sent to another body, and its answer.
type ExchangePackage struct {
	ID          string         `json:"id"`
	DossierID   int64          `json:"-"`
	DossierCode string         `json:"dossier_code"`
	Step        int            `json:"step"` // index in the plan; -1 for a registration
	Kind        ExchangeKind   `json:"kind"`
	Agency      string         `json:"agency"`
	AgencyName  string         `json:"agency_name,omitempty"`
	Task        string         `json:"task,omitempty"`
	Status      ExchangeStatus `json:"status"`
	DocKind     DocKind        `json:"document_kind,omitempty"`
	DocSHA256   string         `json:"document_sha256,omitempty"`
	SentBy      string         `json:"sent_by,omitempty"`
	SentAt      time.Time      `json:"sent_at"`
	DueAt       *time.Time     `json:"due_at,omitempty"`
	AnsweredAt  *time.Time     `json:"answered_at,omitempty"`
	AnswerPeer  string         `json:"answer_peer,omitempty"`
	AnswerNote  string         `json:"answer_note,omitempty"`
	AnswerRef   string         `json:"answer_reference,omitempty"`
	AnswerBlob  string         `json:"-"`
	AnswerHash  string         `json:"answer_document_sha256,omitempty"`
}

// Late reports a step package not answered by its deadline at now.
func (p *ExchangePackage) Late(now time.Time) bool {
	if p.DueAt == nil {
		return false
	}
	if p.AnsweredAt != nil && p.Status.Final() {
		return p.AnsweredAt.After(*p.DueAt)
	}
	return now.After(*p.DueAt)
}
