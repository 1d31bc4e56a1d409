package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
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
// the approval signature, or the reception officer's signatures of
// supplemented files.
type prepared struct {
	verifyToken string
	signed      doc // the result with the approval signature
	layout      string
	// componentSigs are the reception officer's signatures of files
	// supplemented at the counter, by component code.
	componentSigs map[string][]byte
	// consent is the officer's confirmation after the preview (two-phase
	// signing), written to the audit trail with the transition.
	consent *consent
}

// prepareApproval renders the result and applies the approver's signature.
// The domain decides it as the transaction will (and the transaction
// decides again, on the dossier as it then is).
func (s *Service) prepareApproval(ctx context.Context, u *dossier.User, code string, req dossier.Request) (*prepared, error) {
	in, tok, _, err := s.approvalInput(ctx, u, code, req)
	if err != nil {
		return nil, err
	}
	pdf, layout, err := s.docs.ApproveResult(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("workflow: approval signature: %w", err)
	}
	return &prepared{verifyToken: tok, signed: newDoc(pdf), layout: layout}, nil
}

// approvalInput decides (dossier.Decide) that u may approve dossier code as
// asked by req now and gathers what the result document needs, with a new
// verification token and how u signs (own authority or a delegation).
func (s *Service) approvalInput(ctx context.Context, u *dossier.User, code string, req dossier.Request) (ResultInput, string, dossier.Signing, error) {
	var in ResultInput
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	chain, err := s.db.AgencyChain(ctx, d.AgencyCode) // the agency, its parent, and the heading's
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	ag := &chain[0]
	var parent *dossier.Agency
	if len(chain) > 1 && chain[1].Code == ag.ParentCode {
		parent = &chain[1]
	}
	now := s.now()
	dels, principals, err := s.LeaderDelegations(ctx, u)
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	dec, err := dossier.Decide(d, u, req, dossier.Facts{Now: now, Procedure: p, Calendar: s.CalendarFor(d.CenterCode),
		Delegations: dels, Principals: principals})
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	ap := dec.Signing.Approval(u, now)
	tok := newToken()
	in = ResultInput{Dossier: d, Procedure: p, Agency: ag, Parent: parent, Approver: u,
		Approval: ap, Symbol: RegisterSymbol(p, ag), VerifyURL: s.cfg.BaseURL + "/verify/" + tok, At: now, Heading: headingOf(ag.Code, chain, nil)}
	return in, tok, *dec.Signing, nil
}

// LeaderDelegations returns the delegations given to leader u and the
// people who gave those given by a person, for dossier.Sign.
func (s *Service) LeaderDelegations(ctx context.Context, u *dossier.User) ([]dossier.Delegation, map[int64]*dossier.User, error) {
	dels, err := s.db.Delegations(ctx, "", u.ID)
	if err != nil {
		return nil, nil, err
	}
	principals := map[int64]*dossier.User{}
	for _, del := range dels {
		if del.FromUserID != 0 && del.FromPosition == "" {
			if fu, err := s.db.User(ctx, del.FromUserID); err == nil {
				principals[del.FromUserID] = fu
			}
		}
	}
	return dels, principals, nil
}

// The issue step runs in two phases, so that no lock is held while the
// result is sealed:
//
//  1. issue, inside the action's transaction, takes the next number of the
//     agency's register and records the result with it — numbered, seal
//     pending — with the status change, history, audit and outbox. The
//     register row is the only thing serialised, for the length of that
//     short transaction; numbers are gap-free and in issue order because
//     a rolled-back transaction gives its number back.
//  2. sealResult then applies the seal to the approver-signed file under
//     the recorded number and issue time, outside any transaction and
//     lock, and records the sealed file in a second short transaction,
//     only if the seal is still pending.
//
// If the process dies or the signer fails between the two, the result
// stays numbered with its seal pending (the dossier page says so, the
// result cannot be returned yet): ResumeSeals, run at start and every
// minute by the server, and any later attempt to return the dossier, seal
// it under the same number. A number is never taken twice for a dossier
// (results.dossier_id is unique) and never skipped.

// issue takes the next number of the agency's register for the result type
// in the same transaction as the status change and records the result as
// numbered, seal pending (phase 1 above), with the seal the clerk chose
// (in.Seal, else the procedure's rule: the electronic seal on the file,
// the physical seal on printed copies — each logged here — or both). A
// result sealed on paper only keeps the leader's signature alone, with its
// number and date written in by phase 2: no electronic seal is added
// behind the clerk's back.
func (s *Service) issue(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, in ActionInput) error {
	ag, err := tx.Agency(d.AgencyCode)
	if err != nil {
		return err
	}
	choice, err := dossier.ChooseSeal(in.Seal, p.Seal)
	if err != nil {
		return err
	}
	paper := dossier.PhysicalSealing{Copies: in.Copies, RegisterPage: in.RegisterPage}
	if err := dossier.CheckPhysical(choice, &paper); err != nil {
		return err
	}
	seals, err := tx.SealsOf(d.AgencyCode)
	if err != nil {
		return err
	}
	electronic, physical, err := dossier.PickSeals(choice, p.Seal, d.AgencyCode, d.CenterCode, seals)
	if err != nil {
		return err
	}
	// The seal recorded with the result is the one phase 2 applies: the
	// electronic one when there is one, else the physical one (the
	// number is then only written into the file).
	seal, sealName := electronic, ""
	switch {
	case electronic != nil && physical != nil:
		sealName = electronic.Name + "; " + physical.Name
	case electronic != nil:
		sealName = electronic.Name
	default:
		seal, sealName = physical, physical.Name
	}
	year := tx.Now().In(s.Location()).Year()
	reg, err := tx.EnsureRegister(d.AgencyCode, year, p.ResultTypeCode, RegisterSymbol(p, ag))
	if err != nil {
		return err
	}
	n, err := tx.NextNumber(reg.ID)
	if err != nil {
		return err
	}
	number := dossier.FormatNumber(n, reg.Symbol)
	// Issue times follow the numbers: the use case's clock reading was
	// taken before its transaction waited for the register row, so a
	// transaction that read the clock later may have taken the previous
	// number; the issue time is then that number's.
	now := tx.Now()
	last, err := tx.LastIssuedAt(reg.ID)
	if err != nil {
		return err
	}
	if last.After(now) {
		now = last
	}
	verifyHash, signed, _, err := tx.DossierFiles(d.ID)
	if err != nil {
		return err
	}
	if verifyHash == "" {
		verifyHash = store.HashToken(newToken())
	}
	r := &store.IssuedResult{
		Result: dossier.Result{Number: number, Seq: n, ResultType: p.ResultTypeCode, IssuedAt: now, IssuedBy: u.Name, Seal: sealName,
			DocumentCode: dossier.DocumentCode(d.Applicant.IDNumber, p.ResultTypeCode, year, n), SealPending: s.docs != nil && signed != ""},
		DossierID: d.ID, RegisterID: reg.ID, ApplicantID: d.Applicant.IDNumber, ApplicantName: d.Applicant.Name,
		AgencyCode: d.AgencyCode, SealID: seal.ID, VerifyHash: verifyHash, IssuedByID: u.ID,
	}
	// Each printed copy stamped with the physical seal is logged.
	if physical != nil {
		for c := 1; c <= paper.Copies; c++ {
			l := &dossier.SealLog{Number: number, SealID: physical.ID, SealName: physical.Name, Copy: c, RegisterPage: paper.RegisterPage, By: u.Name}
			if err := tx.InsertSealLog(d.ID, l, u.ID); err != nil {
				return err
			}
		}
		if err := tx.Audit(u.Username, "physical_seal", "dossier", d.Code, fmt.Sprintf(`{"number":%q,"seal":%q,"copies":%d,"register_page":%d}`,
			number, physical.Name, paper.Copies, paper.RegisterPage)); err != nil {
			return err
		}
	}
	d.Result = &r.Result
	if err := tx.InsertResult(r); err != nil {
		return err
	}
	return s.queueRegistration(tx, d, p)
}

// sealResult applies the seal to the result of dossier id if its seal is
// pending (phase 2 above); nil means the result is sealed, or needs no
// seal, when it returns. c, when not nil, is the clerk u's consent to the
// seal (two-phase signing), audited with the sealed file.
func (s *Service) sealResult(ctx context.Context, dossierID int64, u *dossier.User, c *consent) error {
	if s.docs == nil {
		return nil
	}
	ps, err := s.db.PendingSeal(ctx, dossierID)
	if err != nil || ps == nil {
		return err
	}
	// One attempt at a time per result within this process (the request
	// that issued it and the resumer may meet).
	if _, busy := s.sealing.LoadOrStore(dossierID, true); busy {
		return dossier.Errorf(dossier.ECONFLICT, "Kết quả số %s đang được đóng dấu; vui lòng thử lại", ps.Number)
	}
	defer s.sealing.Delete(dossierID)
	ag, seal, err := s.agencySeal(ctx, ps.AgencyCode, ps.SealID)
	if err != nil {
		return err
	}
	if seal == nil {
		return fmt.Errorf("workflow: seal %d of result %s not found", ps.SealID, ps.Number)
	}
	pdf, err := s.ReadBlob(ctx, ps.SignedBlob)
	if err != nil {
		return err
	}
	in := SealInput{Agency: ag, Seal: seal, Number: ps.Number, Layout: ps.Layout, At: ps.IssuedAt}
	var data []byte
	if seal.Kind == dossier.SealElectronic {
		data, err = s.docs.SealResult(ctx, pdf, in)
	} else {
		in.Seal = nil // sealed on paper only: the number and date are written in
		data, err = s.docs.NumberResult(ctx, pdf, in)
	}
	if err != nil {
		return fmt.Errorf("workflow: seal signature of result %s: %w", ps.Number, err)
	}
	sealed := newDoc(data)
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		pending, err := tx.SealPending(dossierID)
		if err != nil || !pending {
			return err // sealed meanwhile by another process
		}
		id, err := storeDocument(tx, sealed, ps.IssuedByID)
		if err != nil {
			return err
		}
		// The conditional update decides: another process (of a cluster)
		// may have sealed it since SealPending; then this copy and its
		// consent entry roll back.
		if ok, err := tx.CompleteSeal(dossierID, id, id); err != nil { // content address = SHA-256
			return err
		} else if !ok {
			return errSealedMeanwhile
		}
		if c == nil {
			return nil
		}
		return auditConsent(tx, u, &dossier.Dossier{Code: ps.Code, Result: &dossier.Result{Number: ps.Number, SHA256: id}}, &prepared{consent: c})
	})
	if errors.Is(err, errSealedMeanwhile) {
		return nil
	}
	return err
}

// errSealedMeanwhile rolls back a seal that another process completed
// first.
var errSealedMeanwhile = errors.New("result sealed meanwhile")

// sealBeforeReturn applies a seal still pending on the result of dossier
// code, so that it can be returned; the return's transaction refuses a
// result whose seal is still pending (a failure is only logged here).
func (s *Service) sealBeforeReturn(ctx context.Context, code string) {
	if s.docs == nil {
		return
	}
	ps, err := s.db.PendingSealByCode(ctx, code)
	if err != nil || ps == nil {
		return
	}
	if err := s.sealResult(ctx, ps.DossierID, nil, nil); err != nil {
		s.log.Warn("seal pending at return", slog.String("dossier", code), slog.Any("err", err))
	}
}

// ResumeSeals seals the results left numbered with their seal pending (a
// crash or a signer failure between the two phases of issue) and returns
// how many it sealed; it stops at the first failure.
func (s *Service) ResumeSeals(ctx context.Context) (int, error) {
	if s.docs == nil {
		return 0, nil
	}
	done := 0
	for {
		ps, err := s.db.PendingSeals(ctx, 100)
		if err != nil || len(ps) == 0 {
			return done, err
		}
		for _, p := range ps {
			if err := s.sealResult(ctx, p.DossierID, nil, nil); err != nil {
				return done, err
			}
			done++
		}
	}
}

// RunSealResumer runs ResumeSeals now and then every period until ctx
// ends, logging what it seals and what fails.
func (s *Service) RunSealResumer(ctx context.Context, every time.Duration) {
	tick(ctx, every, true, func() {
		n, err := s.ResumeSeals(ctx)
		if n > 0 {
			s.log.Info("pending seals applied", slog.Int("results", n))
		}
		if err != nil && ctx.Err() == nil {
			s.log.Error("pending seals", slog.Any("err", err))
		}
	})
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

// agencySeal loads agency code and its seal id, the seal a result is
// stamped with (the resumer of a pending seal and a resumed signing
// session find it again by id); the seal is nil when the agency no longer
// has it.
func (s *Service) agencySeal(ctx context.Context, code string, id int64) (*dossier.Agency, *dossier.Seal, error) {
	ag, err := s.db.Agency(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	seals, err := s.db.Seals(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	for i := range seals {
		if seals[i].ID == id {
			return ag, &seals[i], nil
		}
	}
	return ag, nil, nil
}
