package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// RegisterSymbol is the symbol of results of procedure p issued by agency
// a: the result-type code and the agency's short name joined by "-"
// (Decree 30/2020 Phụ lục I: "12/GP-SXD").
func RegisterSymbol(p *dossier.Procedure, a *dossier.Agency) string {
	short := a.Code
	if i := strings.LastIndexByte(short, '.'); i >= 0 {
		short = short[i+1:]
	}
	rt := p.ResultTypeCode
	if rt == "" {
		rt = "KQ"
	}
	return strings.ToUpper(rt + "-" + short)
}

// prepared is work done before an action's transaction, so that the
// database writer is not held while rendering, signing and writing files:
// the approval signature, or the seal under the number the result will
// most likely take (see prepareIssue).
type prepared struct {
	verifyToken string
	signed      doc // the result with the approval signature
	layout      string
	seal        *preSeal
	// componentSigs are the reception officer's signatures of files
	// supplemented at the counter, by component code.
	componentSigs map[string][]byte
	// consent is the officer's confirmation after the preview (two-phase
	// signing), written to the audit trail with the transition.
	consent *consent
}

// prepareApproval renders the result and applies the approver's signature.
// Its authority checks are repeated inside the transaction.
func (s *Service) prepareApproval(ctx context.Context, u *dossier.User, code string, version int64) (*prepared, error) {
	in, tok, _, err := s.approvalInput(ctx, u, code, version)
	if err != nil {
		return nil, err
	}
	pdf, layout, err := s.docs.ApproveResult(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("workflow: approval signature: %w", err)
	}
	return &prepared{verifyToken: tok, signed: newDoc(pdf), layout: layout}, nil
}

// approvalInput checks that u may approve dossier code at version now and
// gathers what the result document needs, with a new verification token
// and the delegation u acts under (nil when u acts in their own name).
func (s *Service) approvalInput(ctx context.Context, u *dossier.User, code string, version int64) (ResultInput, string, *dossier.Delegation, error) {
	var in ResultInput
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return in, "", nil, err
	}
	if d.Version != version {
		return in, "", nil, dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã thay đổi (phiên bản %d, yêu cầu gửi phiên bản %d); vui lòng tải lại", d.Version, version)
	}
	if d.Status != dossier.StatusAwaitingApproval {
		_, err := dossier.Next(d.Status, dossier.ActApprove)
		return in, "", nil, err
	}
	if !CanActAs(u, dossier.RoleApprover, d) {
		return in, "", nil, forbidden("Ông/bà không có quyền phê duyệt hồ sơ này")
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return in, "", nil, err
	}
	ag, err := s.db.Agency(ctx, d.AgencyCode)
	if err != nil {
		return in, "", nil, err
	}
	var parent *dossier.Agency
	if ag.ParentCode != "" {
		parent, _ = s.db.Agency(ctx, ag.ParentCode)
	}
	now := s.now()
	dels, err := s.db.Delegations(ctx, "", u.ID)
	if err != nil {
		return in, "", nil, err
	}
	del, err := dossier.Authority(u, p, now, dels)
	if err != nil {
		return in, "", nil, err
	}
	ap := &dossier.Approval{ApproverID: u.ID, ApproverName: u.Name, Position: u.Position, At: now}
	if del != nil {
		ap.Capacity, ap.OnBehalfOf = string(del.Capacity), del.FromPosition
	}
	tok := newToken()
	in = ResultInput{Dossier: d, Procedure: p, Agency: ag, Parent: parent, Approver: u,
		Approval: ap, Symbol: RegisterSymbol(p, ag), VerifyURL: s.cfg.BaseURL + "/verify/" + tok, At: now}
	return in, tok, del, nil
}

// preSeal is a result sealed before the issuing transaction under the
// number its register will give next. The register's lock (Service.
// registerLock) is held from reading the register until the transaction
// ends, so within this process the guess is right; when another process
// took the number meanwhile, issue seals again inside the transaction.
type preSeal struct {
	registerID int64
	n          int64
	at         time.Time
	sealID     int64
	sealed     doc
	unlock     func()
}

// prepareIssue seals the approved result of dossier code under the next
// number of its register, outside the transaction. It returns nil, with
// nothing held, whenever the guess cannot be made (first result of the
// register this year, a check that fails: the transaction then reports
// it); the caller must call unlock on what it returns.
func (s *Service) prepareIssue(ctx context.Context, u *dossier.User, code string, version int64) (*preSeal, error) {
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil || d.Version != version {
		return nil, nil
	}
	if _, err := dossier.Next(d.Status, dossier.ActIssue); err != nil {
		return nil, nil
	}
	if _, ok := actingRole(u, dossier.Transitions[dossier.ActIssue].Roles, d); !ok {
		return nil, nil
	}
	_, signed, layout, err := s.db.DossierFiles(ctx, d.ID)
	if err != nil || signed == "" {
		return nil, nil
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, nil
	}
	ag, err := s.db.Agency(ctx, d.AgencyCode)
	if err != nil {
		return nil, nil
	}
	seal, err := s.db.ActiveSeal(ctx, d.AgencyCode)
	if err != nil {
		return nil, nil
	}
	now := s.now()
	reg, err := s.db.Register(ctx, d.AgencyCode, now.In(s.Location()).Year(), p.ResultTypeCode)
	if err != nil {
		return nil, nil
	}
	unlock := s.registerLock(reg.ID)
	// Read the register again under the lock: the last number may have
	// moved while waiting.
	if reg, err = s.db.Register(ctx, d.AgencyCode, reg.Year, p.ResultTypeCode); err != nil {
		unlock()
		return nil, nil
	}
	pdf, err := s.ReadBlob(ctx, signed)
	if err != nil {
		unlock()
		return nil, err
	}
	// The seal's time is taken under the lock, so results of a register
	// are sealed in the order of their numbers.
	now = s.now()
	n := reg.Last + 1
	sealed, err := s.docs.SealResult(ctx, pdf, SealInput{Agency: ag, Seal: seal, Number: dossier.FormatNumber(n, reg.Symbol), Layout: layout, At: now})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("workflow: seal signature: %w", err)
	}
	return &preSeal{registerID: reg.ID, n: n, at: now, sealID: seal.ID, sealed: newDoc(sealed), unlock: unlock}, nil
}

// registerLock locks register id within this process and returns the
// unlock function.
func (s *Service) registerLock(id int64) func() {
	v, _ := s.registers.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// issue takes the next number of the agency's register for the result type
// in the same transaction as the status change, applies the seal and
// stores the result in the warehouse.
func (s *Service) issue(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, pre *preSeal) error {
	now := tx.Now()
	ag, err := tx.Agency(d.AgencyCode)
	if err != nil {
		return err
	}
	seal, err := tx.ActiveSeal(d.AgencyCode)
	if err != nil {
		return err
	}
	year := now.In(s.Location()).Year()
	reg, err := tx.EnsureRegister(d.AgencyCode, year, p.ResultTypeCode, RegisterSymbol(p, ag))
	if err != nil {
		return err
	}
	n, err := tx.NextNumber(reg.ID)
	if err != nil {
		return err
	}
	number := dossier.FormatNumber(n, reg.Symbol)
	if pre != nil && (pre.registerID != reg.ID || pre.n != n || pre.sealID != seal.ID) {
		pre = nil // another process took the number: seal again below
	}
	if pre != nil {
		now = pre.at // the result was issued when it was sealed
	}
	verifyHash, signed, layout, err := tx.DossierFiles(d.ID)
	if err != nil {
		return err
	}
	if verifyHash == "" {
		verifyHash = store.HashToken(newToken())
	}
	r := &store.IssuedResult{
		Result: dossier.Result{Number: number, Seq: n, ResultType: p.ResultTypeCode, IssuedAt: now, IssuedBy: u.Name, Seal: seal.Name,
			DocumentCode: dossier.DocumentCode(d.Applicant.IDNumber, p.ResultTypeCode, year, n)},
		DossierID: d.ID, RegisterID: reg.ID, ApplicantID: d.Applicant.IDNumber, ApplicantName: d.Applicant.Name,
		AgencyCode: d.AgencyCode, SealID: seal.ID, VerifyHash: verifyHash,
	}
	var sealed doc
	switch {
	case pre != nil && signed != "":
		sealed = pre.sealed
	case s.docs != nil && signed != "":
		pdf, err := s.readBlobTx(tx, signed)
		if err != nil {
			return err
		}
		data, err := s.docs.SealResult(context.Background(), pdf, SealInput{Agency: ag, Seal: seal, Number: number, Layout: layout, At: now})
		if err != nil {
			return fmt.Errorf("workflow: seal signature: %w", err)
		}
		sealed = newDoc(data)
	}
	if sealed.data != nil {
		id, err := storeDocument(tx, sealed, u.ID)
		if err != nil {
			return err
		}
		r.PDFBlobID, r.SHA256 = id, id // content address = SHA-256
	}
	d.Result = &r.Result // for the audit of the seal (auditConsent)
	return tx.InsertResult(r)
}

// apologize records the apology slip (Mẫu 04) with a new return date: at
// least one working day before the due date, or — lateness not foreseen —
// once overdue, before the result is returned; only once.
func (s *Service) apologize(ctx context.Context, u *dossier.User, code string, in ActionInput) (*dossier.Dossier, error) {
	if in.Version <= 0 {
		return nil, dossier.Invalid("Thiếu phiên bản hồ sơ", dossier.FieldError{Field: "version", Message: "Cần phiên bản (version) của hồ sơ đã đọc"})
	}
	in.Reason = vntext.NFC(in.Reason)
	if in.Reason == "" {
		in.Reason = vntext.NFC(in.Note)
	}
	if in.Reason == "" {
		return nil, dossier.Invalid("Cần ghi lý do", dossier.FieldError{Field: "reason", Message: "Cần ghi lý do chậm trả kết quả"})
	}
	if in.NewDueAt == nil {
		return nil, dossier.Invalid("Cần ngày hẹn trả mới", dossier.FieldError{Field: "new_due_at", Message: "Cần ngày hẹn trả mới (RFC 3339)"})
	}
	var id int64
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		d, err := tx.DossierForUpdate(code)
		if err != nil {
			return err
		}
		if !visible(u, d) {
			return dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ %s", code)
		}
		if _, ok := actingRole(u, []dossier.Role{dossier.RoleReception, dossier.RoleApprover, dossier.RoleAppraiser}, d); !ok {
			return forbidden("Ông/bà không có quyền lập phiếu xin lỗi cho hồ sơ này")
		}
		if d.Version != in.Version {
			return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã thay đổi; vui lòng tải lại")
		}
		if d.Status.Terminal() || d.DueAt == nil {
			return dossier.Errorf(dossier.ECONFLICT, "Không thể lập phiếu xin lỗi khi hồ sơ ở trạng thái %q", d.Status.Label())
		}
		if d.ApologyAt != nil {
			return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã có phiếu xin lỗi; chỉ được hẹn lại một lần")
		}
		now := tx.Now()
		cal := s.CalendarFor(d.CenterCode)
		lastDay := cal.AddWorkingDays(calendar.DateOf(d.DueAt.In(cal.Location())), -1)
		if !now.After(*d.DueAt) && calendar.DateOf(now.In(cal.Location())).After(lastDay) {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Phiếu xin lỗi phải lập chậm nhất 01 ngày làm việc trước hạn trả (%s)", d.DueAt.In(cal.Location()).Format("02/01/2006"))
		}
		newDue := in.NewDueAt.UTC()
		if !newDue.After(*d.DueAt) || !newDue.After(now) {
			return dossier.Invalid("Ngày hẹn mới phải sau hạn cũ", dossier.FieldError{Field: "new_due_at", Message: "Phải sau hạn trả hiện tại"})
		}
		if err := tx.InsertApology(d.ID, in.Reason, *d.DueAt, newDue, u.Name); err != nil {
			return err
		}
		old := *d.DueAt
		expected := d.Version
		d.DueAt, d.ApologyAt = &newDue, tptr(now)
		if err := tx.UpdateDossier(d, expected); err != nil {
			return err
		}
		h := dossier.HistoryEntry{Action: dossier.ActApologize, From: d.Status, To: d.Status, Actor: u.Name, At: now,
			Note: fmt.Sprintf("%s Hẹn lại: %s (hạn cũ %s)", in.Reason, newDue.In(cal.Location()).Format("15:04 02/01/2006"), old.In(cal.Location()).Format("15:04 02/01/2006"))}
		if err := tx.InsertHistory(d.ID, u.ID, h); err != nil {
			return err
		}
		// The new due date moves the dossier in the overdue aggregates.
		if err := s.afterTransition(tx, d, nil, h); err != nil {
			return err
		}
		id = d.ID
		if err := tx.Audit(u.Username, "apologize", "dossier", d.Code, fmt.Sprintf(`{"old_due":%q,"new_due":%q}`, old.Format(time.RFC3339), newDue.Format(time.RFC3339))); err != nil {
			return err
		}
		return tx.Outbox("dossier.apologize", event(d, h))
	})
	if err != nil {
		return nil, err
	}
	out, err := s.db.DossierByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.decorate(out)
	return out, nil
}

// PublicStatus is what anyone holding a lookup token may see.
type PublicStatus struct {
	Code         string         `json:"code"`
	Procedure    string         `json:"procedure"`
	Applicant    string         `json:"applicant"` // masked
	Status       dossier.Status `json:"status"`
	StatusLabel  string         `json:"status_label"`
	ReceivedAt   *time.Time     `json:"received_at,omitempty"`
	DueAt        *time.Time     `json:"due_at,omitempty"`
	FinishedAt   *time.Time     `json:"finished_at,omitempty"`
	Steps        []PublicStep   `json:"steps"`
	ResultNumber string         `json:"result_number,omitempty"`
}

// PublicStep is one step done, without names of officers.
type PublicStep struct {
	Action string         `json:"action"`
	Label  string         `json:"label"`
	To     dossier.Status `json:"to"`
	At     time.Time      `json:"at"`
}

// Lookup returns the public status of the dossier whose receipt token is
// token. A wrong and an unknown token are the same ENOTFOUND.
func (s *Service) Lookup(ctx context.Context, token string) (*PublicStatus, error) {
	token = strings.TrimSpace(token)
	if len(token) < 16 || len(token) > 64 {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ với mã tra cứu này")
	}
	d, err := s.db.DossierByLookup(ctx, store.HashToken(token))
	if err != nil {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ với mã tra cứu này")
	}
	ps := &PublicStatus{Code: d.Code, Procedure: d.ProcedureName, Applicant: dossier.MaskName(d.Applicant.Name), Status: d.Status,
		StatusLabel: d.Status.Label(), ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, FinishedAt: d.FinishedAt, Steps: []PublicStep{}}
	for _, h := range d.History {
		ps.Steps = append(ps.Steps, PublicStep{Action: string(h.Action), Label: h.Action.Label(), To: h.To, At: h.At})
	}
	if d.Result != nil {
		ps.ResultNumber = d.Result.Number
	}
	return ps, nil
}
