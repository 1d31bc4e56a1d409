package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"
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
	ag, err := s.db.Agency(ctx, d.AgencyCode)
	if err != nil {
		return in, "", dossier.Signing{}, err
	}
	var parent *dossier.Agency
	if ag.ParentCode != "" {
		parent, _ = s.db.Agency(ctx, ag.ParentCode)
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
		Approval: ap, Symbol: RegisterSymbol(p, ag), VerifyURL: s.cfg.BaseURL + "/verify/" + tok, At: now, Heading: s.Heading(ctx, ag.Code)}
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
func (s *Service) prepareIssue(ctx context.Context, u *dossier.User, code string, version int64, asked string) (*preSeal, error) {
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil || d.Version != version {
		return nil, nil
	}
	if _, err := dossier.Decide(d, u, dossier.Request{Action: dossier.ActIssue, Version: version}, dossier.Facts{Now: s.now()}); err != nil {
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
	// Only an electronic seal is applied ahead; a result sealed on paper
	// only is numbered in the transaction.
	choice, err := dossier.ChooseSeal(asked, p.Seal)
	if err != nil || !choice.Electronic() {
		return nil, nil
	}
	seals, err := s.db.Seals(ctx, d.AgencyCode)
	if err != nil {
		return nil, nil
	}
	seal, _, err := dossier.PickSeals(dossier.SealChoiceElectronic, p.Seal, d.AgencyCode, d.CenterCode, seals)
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
// in the same transaction as the status change, applies the seal the clerk
// chose (in.Seal, else the procedure's rule: the electronic seal on the
// file, the physical seal on printed copies — each logged — or both) and
// stores the result in the warehouse. A result sealed on paper only keeps
// the leader's signature alone, with its number and date written in: no
// electronic seal is added behind the clerk's back.
func (s *Service) issue(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, pre *preSeal, in ActionInput) error {
	now := tx.Now()
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
	seal, sealName := electronic, ""
	switch {
	case electronic != nil && physical != nil:
		sealName = electronic.Name + "; " + physical.Name
	case electronic != nil:
		sealName = electronic.Name
	default:
		seal, sealName = physical, physical.Name
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
	if pre != nil && (electronic == nil || pre.registerID != reg.ID || pre.n != n || pre.sealID != electronic.ID) {
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
		Result: dossier.Result{Number: number, Seq: n, ResultType: p.ResultTypeCode, IssuedAt: now, IssuedBy: u.Name, Seal: sealName,
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
		in := SealInput{Agency: ag, Seal: electronic, Number: number, Layout: layout, At: now}
		var data []byte
		if electronic != nil {
			data, err = s.docs.SealResult(context.Background(), pdf, in)
		} else {
			data, err = s.docs.NumberResult(context.Background(), pdf, in)
		}
		if err != nil {
			return fmt.Errorf("workflow: seal signature: %w", err)
		}
		sealed = newDoc(data)
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
