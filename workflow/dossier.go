package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"motcua/blob"
	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// ComponentInput is a component handed in: an uploaded blob, or a result
// the applicant already holds (reuse from the warehouse).
type ComponentInput struct {
	Code         string `json:"code"`
	BlobID       string `json:"blob_id,omitempty"`
	DocumentCode string `json:"reuse_document_code,omitempty"`
}

// ReceiveInput is a new dossier (contract §3 POST /dossiers).
type ReceiveInput struct {
	ProcedureCode string            `json:"procedure_code"`
	Channel       dossier.Channel   `json:"channel"`
	Applicant     dossier.Applicant `json:"applicant"`
	Components    []ComponentInput  `json:"components"`
	CenterCode    string            `json:"center_code,omitempty"`
}

// DueFor returns the due instant of procedure p for a dossier received at
// from at center (dossier.DueFor on the center's calendar).
func (s *Service) DueFor(p *dossier.Procedure, center string, from time.Time) time.Time {
	return dossier.DueFor(p, s.CalendarFor(center), from)
}

func tptr(t time.Time) *time.Time { return &t }

// Receive creates a dossier: at the counter by reception (status received,
// the clock starts), or online by a citizen (status submitted). Missing
// required components are EUNPROCESSABLE naming each one. The creation is
// decided and applied by the domain's table like every action (rules
// receive and submit of dossier.Rules), under the rule set the province's
// schedule has in force now.
func (s *Service) Receive(ctx context.Context, u *dossier.User, in ReceiveInput) (*dossier.Dossier, error) {
	if u == nil {
		return nil, unauthorized()
	}
	online := u.Has(dossier.RoleCitizen) && !u.IsOfficer()
	if !online && !u.Has(dossier.RoleReception) {
		return nil, forbidden("Chỉ cán bộ tiếp nhận hoặc công dân (nộp trực tuyến) được nộp hồ sơ")
	}
	in.Applicant.Name = vntext.NFC(in.Applicant.Name)
	in.Applicant.Address = vntext.NFC(in.Applicant.Address)
	in.Applicant.IDNumber = strings.TrimSpace(in.Applicant.IDNumber)
	var fs []dossier.FieldError
	if in.ProcedureCode == "" {
		fs = append(fs, dossier.FieldError{Field: "procedure_code", Message: "Cần chọn thủ tục"})
	}
	if online {
		if in.Channel == "" {
			in.Channel = dossier.ChannelOnline
		}
		if in.Channel != dossier.ChannelOnline {
			fs = append(fs, dossier.FieldError{Field: "channel", Message: "Công dân chỉ nộp trực tuyến (online)"})
		}
		if in.Applicant.Kind == dossier.ApplicantCitizen && in.Applicant.IDNumber == "" {
			in.Applicant.IDNumber = u.IDNumber
		}
	} else if !in.Channel.Valid() {
		fs = append(fs, dossier.FieldError{Field: "channel", Message: "Kênh nộp phải là counter, online hoặc postal"})
	}
	fs = append(fs, in.Applicant.Validate("applicant.")...)
	seen := map[string]bool{}
	for i, c := range in.Components {
		f := fmt.Sprintf("components[%d]", i)
		switch {
		case c.Code == "":
			fs = append(fs, dossier.FieldError{Field: f + ".code", Message: "Thiếu mã thành phần"})
		case seen[c.Code]:
			fs = append(fs, dossier.FieldError{Field: f + ".code", Message: "Thành phần bị lặp: " + c.Code})
		case (c.BlobID == "") == (c.DocumentCode == ""):
			fs = append(fs, dossier.FieldError{Field: f + ".blob_id", Message: "Cần đúng một trong blob_id hoặc reuse_document_code"})
		}
		seen[c.Code] = true
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Hồ sơ không hợp lệ", fs...)
	}
	// The reception officer signs each digitised file before the
	// transaction (signing reads the files; the writer must not wait).
	sigs, err := s.signComponents(ctx, u, online, in.Components)
	if err != nil {
		return nil, err
	}
	centers, err := s.db.Centers(ctx) // for the receipt's header
	if err != nil {
		return nil, err
	}
	var d *dossier.Dossier
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		p, err := tx.Procedure(in.ProcedureCode)
		if err != nil {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Không có thủ tục %s trong danh mục", in.ProcedureCode)
		}
		agency, err := tx.Agency(p.AgencyCode)
		if err != nil {
			return err
		}
		center, err := tx.CenterForAgency(p.AgencyCode)
		if err != nil {
			return err
		}
		if !online {
			if in.CenterCode != "" && in.CenterCode != center {
				return dossier.Errorf(dossier.EUNPROCESSABLE, "Thủ tục %s không tiếp nhận tại trung tâm %s", p.Code, in.CenterCode)
			}
			if !u.AtCenter(center) {
				return forbidden("Thủ tục này được tiếp nhận tại trung tâm khác (" + center + ")")
			}
		}
		now := tx.Now()
		comps := make([]dossier.DossierComponent, 0, len(in.Components))
		have := map[string]bool{}
		var bad []dossier.FieldError
		for i, c := range in.Components {
			pc, ok := p.Component(c.Code)
			if !ok {
				bad = append(bad, dossier.FieldError{Field: fmt.Sprintf("components[%d].code", i), Message: "Thủ tục không có thành phần " + c.Code})
				continue
			}
			dc := dossier.DossierComponent{Code: c.Code, Name: pc.Name}
			if c.BlobID != "" {
				ok, err := attachable(tx, u, c.BlobID)
				if err != nil {
					return err
				}
				if !ok {
					bad = append(bad, dossier.FieldError{Field: fmt.Sprintf("components[%d].blob_id", i), Message: "Không có tệp đã tải lên với mã này"})
					continue
				}
				dc.BlobID = c.BlobID
			} else {
				w, err := heldResult(tx, u, online, in.Applicant.IDNumber, c.DocumentCode)
				if err != nil {
					return err
				}
				if w == nil {
					bad = append(bad, dossier.FieldError{Field: fmt.Sprintf("components[%d].reuse_document_code", i), Message: "Người nộp không có kết quả " + c.DocumentCode})
					continue
				}
				dc.ReusedFrom, dc.BlobID = w.DocumentCode, w.PDFBlobID
			}
			if !online {
				// Reception attests and signs the digitised copy
				// (Decision 299 step 1).
				dc.AttestedBy, dc.AttestedAt = u.Name, tptr(now)
				if dc.ReusedFrom == "" {
					dc.Signature = sigs[c.Code]
				}
			}
			have[c.Code] = true
			comps = append(comps, dc)
		}
		if len(bad) > 0 {
			return dossier.Invalid("Thành phần hồ sơ không hợp lệ", bad...)
		}
		if miss := p.RequiredMissing(have); len(miss) > 0 {
			e := dossier.Errorf(dossier.EUNPROCESSABLE, "Hồ sơ chưa đủ thành phần bắt buộc (%d thiếu); lập phiếu hướng dẫn bổ sung (Mẫu 02)", len(miss))
			for _, m := range miss {
				e.Fields = append(e.Fields, dossier.FieldError{Field: "components." + m.Code, Message: "Thiếu: " + m.Name})
			}
			return e
		}
		day := now.In(s.Location())
		seq, err := tx.NextDossierSeq(agency.Code, day.Format("2006-01-02"))
		if err != nil {
			return err
		}
		ident := agency.Identifier
		if ident == "" {
			ident = strings.ToUpper(agency.Code)
		}
		sched, err := tx.RuleSetSchedule()
		if err != nil {
			return err
		}
		d = &dossier.Dossier{
			Code: dossier.DossierCode(ident, day, seq), ProcedureCode: p.Code, ProcedureName: p.Name, AgencyCode: p.AgencyCode,
			CenterCode: center, Channel: in.Channel, Mode: dossier.ModeStandard, Applicant: in.Applicant,
			Components: comps, SubmittedAt: tptr(now),
		}
		if p.FiveOnSpotAt(day.Format("2006-01-02")) {
			d.Mode = dossier.ModeFiveOnSpot
		}
		req := dossier.Request{Action: dossier.ActReceive}
		if online {
			req.Action, d.ApplicantUser, d.IdentityLevel = dossier.ActSubmit, u.ID, u.IdentityLevel
		}
		f := dossier.Facts{Now: now, Procedure: p, Calendar: s.CalendarFor(center), RuleSet: s.ruleSetAt(sched, now)}
		dec, err := dossier.Decide(d, u, req, f)
		if err != nil {
			return err
		}
		dossier.Apply(d, dec, req, f)
		d.Version = 1
		h := dec.History
		d.LookupToken = newToken()
		id, err := tx.InsertDossier(d, store.HashToken(d.LookupToken))
		if err != nil {
			return err
		}

		if err := recordReuse(tx, u, d); err != nil {
			return err
		}
		// The receipt and the control slip, numbered in the center's
		// registers (an online dossier gets them when accepted).
		var receipt *store.StoredDocument
		if !online {
			forms, err := s.recordForms(tx, u, d, p, formContext{action: dossier.ActReceive, role: dossier.RoleReception})
			if err != nil {
				return err
			}
			for i := range forms {
				if forms[i].Kind == dossier.DocReceipt {
					receipt = &forms[i]
				}
			}
		}
		s.printReceipt(ctx, tx, u, d, p, agency, centers, receipt)
		if err := s.afterTransition(tx, d, p, h); err != nil {
			return err
		}
		if err := tx.InsertHistory(id, u.ID, h); err != nil {
			return err
		}
		if err := tx.Audit(u.Username, string(h.Action), "dossier", d.Code, fmt.Sprintf(`{"to":%q,"procedure":%q}`, d.Status, p.Code)); err != nil {
			return err
		}
		return tx.Outbox("dossier."+string(h.Action), event(d, h))
	})
	if err != nil {
		return nil, err
	}
	tok := d.LookupToken
	docs := s.produceDocuments(ctx, d.ID)
	out, err := s.answer(ctx, d)
	if err != nil {
		return nil, err
	}
	out.LookupToken = tok
	s.decorate(out)
	return out, s.attachDocumentsFrom(ctx, out, docs)
}

func event(d *dossier.Dossier, h dossier.HistoryEntry) map[string]any {
	return map[string]any{"code": d.Code, "action": h.Action, "from": h.From, "to": h.To, "at": h.At,
		"center": d.CenterCode, "agency": d.AgencyCode}
}

// GuidanceInput is an incomplete dossier found at the counter.
type GuidanceInput struct {
	ProcedureCode string            `json:"procedure_code"`
	Applicant     dossier.Applicant `json:"applicant"`
	Missing       []string          `json:"missing"`
	Note          string            `json:"note"`
}

// CreateGuidanceSlip records Mẫu 02: everything missing, listed at once.
func (s *Service) CreateGuidanceSlip(ctx context.Context, u *dossier.User, in GuidanceInput) (*dossier.GuidanceSlip, error) {
	if !u.Has(dossier.RoleReception) {
		return nil, forbidden("Chỉ cán bộ tiếp nhận được lập phiếu hướng dẫn")
	}
	in.Applicant.Name = vntext.NFC(in.Applicant.Name)
	var fs []dossier.FieldError
	if n := len([]rune(in.Applicant.Name)); n < 2 || n > 200 {
		fs = append(fs, dossier.FieldError{Field: "applicant.name", Message: "Họ tên phải từ 2 đến 200 ký tự"})
	}
	if len(in.Missing) == 0 && strings.TrimSpace(in.Note) == "" {
		fs = append(fs, dossier.FieldError{Field: "missing", Message: "Cần ghi các thành phần còn thiếu hoặc nội dung cần hoàn thiện"})
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Phiếu hướng dẫn không hợp lệ", fs...)
	}
	g := &dossier.GuidanceSlip{ProcedureCode: in.ProcedureCode, Applicant: in.Applicant, Note: in.Note, Officer: u.Name}
	var guidanceDoc *store.StoredDocument
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		p, err := tx.Procedure(in.ProcedureCode)
		if err != nil {
			return dossier.Invalid("Thủ tục không tồn tại", dossier.FieldError{Field: "procedure_code", Message: "Không có thủ tục " + in.ProcedureCode})
		}
		g.ProcedureName = p.Name
		for _, m := range in.Missing {
			c, ok := p.Component(m)
			if !ok {
				return dossier.Invalid("Thành phần không thuộc thủ tục", dossier.FieldError{Field: "missing", Message: "Thủ tục không có thành phần " + m})
			}
			g.Missing = append(g.Missing, c)
		}
		if g.CenterCode, err = tx.CenterForAgency(p.AgencyCode); err != nil {
			return err
		}
		// A center numbers slips only in its own series, for the
		// procedures it receives (as Receive).
		if !u.AtCenter(g.CenterCode) {
			return forbidden("Thủ tục này được tiếp nhận tại trung tâm khác (" + g.CenterCode + ")")
		}
		// Numbered in the center's own register of Mẫu 02 for the year,
		// signed by the reception officer.
		issuer, err := tx.CenterAgency(g.CenterCode)
		if err != nil {
			return err
		}
		year := dossier.DocYear(tx.Now(), s.Location())
		n, err := tx.NextFormNumber(issuer, dossier.DocGuidance, year)
		if err != nil {
			return err
		}
		g.Number = dossier.DocNumber(dossier.DocGuidance, issuer, n)
		if err := tx.InsertGuidanceSlip(g, u.ID); err != nil {
			return err
		}
		sd := store.StoredDocument{GuidanceID: g.ID, Kind: dossier.DocGuidance, AgencyCode: issuer, Year: year, Seq: n, Number: g.Number,
			SignerKind: dossier.SignerActor, Signer: dossier.SignerFor(u, dossier.Signing{}), VerifyToken: newToken(), CreatedBy: u.ID,
			Data: dossier.DocData{Reason: g.Note}}
		for _, m := range g.Missing {
			sd.Data.Missing = append(sd.Data.Missing, m.Name)
		}
		if err := tx.InsertDossierDocument(&sd); err != nil {
			return err
		}
		guidanceDoc = &sd
		return tx.Audit(u.Username, "create", "guidance_slip", g.Number, fmt.Sprintf(`{"procedure":%q,"missing":%d}`, p.Code, len(g.Missing)))
	})
	if err != nil {
		return nil, err
	}
	if guidanceDoc != nil {
		if _, err := s.produce(ctx, guidanceDoc); err != nil {
			s.log.Error("guidance slip not produced", "number", g.Number, "err", err)
		}
	}
	return g, nil
}

// ActionInput carries the fields of POST /dossiers/{code}/actions/{action}.
type ActionInput struct {
	Version        int64            `json:"version"`
	Note           string           `json:"note"`
	Reason         string           `json:"reason"`
	Recommendation string           `json:"recommendation"`
	Report         string           `json:"report"`
	DraftResult    string           `json:"draft_result"`
	AssigneeID     int64            `json:"assignee_id"`
	NewDueAt       *time.Time       `json:"new_due_at"`
	Missing        []string         `json:"missing"`
	Components     []ComponentInput `json:"components"`
	// Seal is the clerk's choice at issue: "electronic", "physical"
	// (the printed copy) or "both"; "" takes the procedure's rule. With a
	// physical seal, Copies (default 1) and RegisterPage (the page of the
	// outgoing register) are logged.
	Seal         string `json:"seal"`
	Copies       int    `json:"copies"`
	RegisterPage int    `json:"register_page"`
}

// request is the domain's view of an action's input.
func (in *ActionInput) request(a dossier.Action) dossier.Request {
	return dossier.Request{Action: a, Version: in.Version, Note: vntext.NFC(strings.TrimSpace(in.Note)),
		Reason: vntext.NFC(strings.TrimSpace(in.Reason)), Recommendation: in.Recommendation, Report: vntext.NFC(in.Report),
		DraftResult: vntext.NFC(in.DraftResult), Missing: in.Missing, NewDueAt: in.NewDueAt, Components: len(in.Components)}
}

// Act takes an action of contract §4 on dossier code: the domain's table
// (dossier.Rules) decides whether it is allowed and what it changes; this
// method loads what the decision needs and stores the result, in one
// transaction with one clock reading.
func (s *Service) Act(ctx context.Context, u *dossier.User, code string, a dossier.Action, in ActionInput) (*dossier.Dossier, error) {
	return s.act(ctx, u, code, a, in, nil)
}

// act is Act; given, when not nil, is an approval signed in two phases or
// the officer's consent to the seal (see CompleteSigning).
func (s *Service) act(ctx context.Context, u *dossier.User, code string, a dossier.Action, in ActionInput, given *prepared) (*dossier.Dossier, error) {
	if u == nil {
		return nil, unauthorized()
	}
	r, ok := dossier.RuleOf(a)
	if !ok || r.Creates() {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có thao tác %q", a)
	}
	if in.Version <= 0 {
		return nil, dossier.Invalid("Thiếu phiên bản hồ sơ", dossier.FieldError{Field: "version", Message: "Cần phiên bản (version) của hồ sơ đã đọc"})
	}
	req := in.request(a)
	if err := dossier.CheckRequest(r, &req, 0); err != nil {
		return nil, err
	}
	// The approval signature is prepared outside the transaction so the
	// database lock is not held while rendering and signing.
	var pre *prepared
	if a == dossier.ActApprove && given != nil && given.signed.data != nil {
		pre = given
	} else if a == dossier.ActApprove && s.docs != nil {
		var err error
		if pre, err = s.prepareApproval(ctx, u, code, req); err != nil {
			return nil, err
		}
	}
	// The seal is applied after the issuing transaction (see issue); the
	// officer's consent to it is audited with the sealed file.
	if a == dossier.ActIssue && given != nil {
		pre = &prepared{consent: given.consent}
	}
	// A result is sealed before it is returned: a seal left pending by a
	// failure is applied now.
	if a == dossier.ActReturn {
		s.sealBeforeReturn(ctx, code)
	}
	// Files supplemented at the counter are signed by the reception
	// officer, like those received.
	if a == dossier.ActSupplement && len(in.Components) > 0 && u.Has(dossier.RoleReception) {
		sigs, err := s.signComponents(ctx, u, false, in.Components)
		if err != nil {
			return nil, err
		}
		pre = &prepared{componentSigs: sigs}
	}
	var id int64
	var written *dossier.Dossier // the dossier as the transaction left it
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		d, err := tx.DossierForUpdate(code)
		if err != nil {
			return err
		}
		if !dossier.Visible(u, d) {
			return dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ %s", code)
		}
		p, err := tx.Procedure(d.ProcedureCode)
		if err != nil {
			return err
		}
		f, err := s.factsFor(tx, u, d, p, r, in, tx.Now())
		if err != nil {
			return err
		}
		dec, err := dossier.Decide(d, u, req, f)
		if err != nil {
			return err
		}
		if dec.To == dossier.StatusReturned && d.Mode == dossier.ModeFiveOnSpot {
			// The "5 tại chỗ" verdict recorded at return reads every step.
			if d.History, err = tx.History(d.ID); err != nil {
				return err
			}
		}
		id = d.ID
		if err := s.transition(tx, u, d, p, dec, req, f, in, pre); err != nil {
			return err
		}
		written = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	docs := s.produceDocuments(ctx, id)
	if a == dossier.ActIssue {
		docs = nil // the seal below stores the result's file: read them again
		// Phase 2 of issue: the seal, outside the transaction. A failure
		// leaves the result numbered with its seal pending, which the
		// answer shows; it is resumed later.
		var c *consent
		if pre != nil {
			c = pre.consent
		}
		if err := s.sealResult(ctx, id, u, c); err != nil {
			s.log.Error("seal pending", slog.String("dossier", code), slog.Any("err", err))
			if c != nil {
				// The consent is audited all the same, without the file.
				if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
					return auditConsent(tx, u, &dossier.Dossier{Code: code}, pre)
				}); err != nil {
					return nil, err
				}
			}
		}
	}
	out, err := s.answer(ctx, written)
	if err != nil {
		return nil, err
	}
	s.decorate(out)
	return out, s.attachDocumentsFrom(ctx, out, docs)
}

// answer is what a use case that wrote d answers with: d as stored (its
// row is not read again: 22 reads of a dossier row per signed lifecycle
// were the answers' and the relay's), with the components, history and
// result read now.
func (s *Service) answer(ctx context.Context, d *dossier.Dossier) (*dossier.Dossier, error) {
	out := store.AsStored(d)
	if err := s.db.LoadDetails(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// factsFor loads what the domain needs to decide action r by u on d at
// now: the center's calendar, the delegations to a leader (with the
// people who gave them), the appraiser an assignment names.
func (s *Service) factsFor(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, r *dossier.Rule,
	in ActionInput, now time.Time) (dossier.Facts, error) {
	f := dossier.Facts{Now: now, Procedure: p, Calendar: s.CalendarFor(d.CenterCode)}
	if r.Clock == dossier.ClockStart {
		// The acceptance of an online dossier is its receipt: it takes
		// the rule set in force now.
		sched, err := tx.RuleSetSchedule()
		if err != nil {
			return f, err
		}
		f.RuleSet = s.ruleSetAt(sched, now)
	}
	for _, g := range r.Grants {
		if g.Authority && u.Has(g.Role) {
			dels, err := tx.DelegationsTo(u.ID)
			if err != nil {
				return f, err
			}
			f.Delegations = dels
			f.Principals = map[int64]*dossier.User{}
			for _, del := range dels {
				if del.FromUserID != 0 && del.FromPosition == "" {
					if fu, err := tx.User(del.FromUserID); err == nil {
						f.Principals[del.FromUserID] = fu
					}
				}
			}
			break
		}
	}
	if u.Has(dossier.RoleApprover) {
		on, err := tx.OnShift(u.ID, d.CenterCode, now)
		if err != nil {
			return f, err
		}
		f.LeaderOnSite = on
	}
	if r.Action == dossier.ActAssign && in.AssigneeID != 0 {
		ass, err := tx.User(in.AssigneeID)
		if err != nil {
			return f, dossier.Invalid("Người được giao không phải chuyên viên thẩm định của cơ quan", dossier.FieldError{Field: "assignee_id", Message: "không hợp lệ"})
		}
		f.Assignee = ass
	}
	return f, nil
}

// transition applies the decision dec on d inside tx: the action's own side
// work (documents, numbering, files, pause intervals, apology slip), then
// the dossier, its history, the report aggregates, audit and outbox, all
// or nothing.
func (s *Service) transition(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, dec *dossier.Decision,
	req dossier.Request, f dossier.Facts, in ActionInput, pre *prepared) error {
	expected := d.Version
	oldDue := d.DueAt
	dossier.Apply(d, dec, req, f)
	h := dec.History
	// The forms the action gives (Mẫu 02, 03, 04, the stop notice, the
	// receipt of an accepted online dossier), numbered now.
	if _, err := s.recordForms(tx, u, d, p, formContext{action: dec.Rule.Action, role: dec.Role, from: dec.From, signing: dec.Signing,
		data: formData(dec, req, p, oldDue, d.DueAt, tx.Now())}); err != nil {
		return err
	}
	switch dec.Rule.Action {
	case dossier.ActApprove:
		if pre != nil {
			id, err := storeDocument(tx, pre.signed, u.ID)
			if err != nil {
				return err
			}
			if err := tx.SetDossierFiles(d.ID, store.HashToken(pre.verifyToken), id, pre.layout); err != nil {
				return err
			}
			// The result's verification address, listed with the
			// dossier's documents (the token is printed on the result).
			if err := tx.InsertDossierDocument(&store.StoredDocument{DossierID: d.ID, Kind: dossier.DocResult, AgencyCode: d.AgencyCode,
				Year: dossier.DocYear(tx.Now(), s.Location()), VerifyToken: pre.verifyToken, CreatedBy: u.ID}); err != nil {
				return err
			}
		}
		if err := auditConsent(tx, u, d, pre); err != nil {
			return err
		}
	case dossier.ActIssue:
		// The officer's consent to the seal is audited with the sealed
		// file, by phase 2 (sealResult).
		if err := s.issue(tx, u, d, p, in); err != nil {
			return err
		}
	case dossier.ActReturn:
		if pending, err := tx.SealPending(d.ID); err != nil {
			return err
		} else if pending {
			return dossier.Errorf(dossier.EUNAVAILABLE, "Kết quả đã lấy số nhưng chưa đóng dấu xong; vui lòng thử lại sau ít phút")
		}
	case dossier.ActSupplement:
		if dec.Role == dossier.RoleCitizen || len(in.Components) > 0 {
			var sigs map[string][]byte
			if pre != nil {
				sigs = pre.componentSigs
			}
			if err := s.attachSupplement(tx, u, d, p, in.Components, dec.Role != dossier.RoleCitizen, sigs); err != nil {
				return err
			}
		}
	case dossier.ActApologize:
		if err := tx.InsertApology(d.ID, dec.Reason, *oldDue, *d.DueAt, u.Name); err != nil {
			return err
		}
	}
	if dec.PauseStarted {
		if err := tx.StartPause(d.ID, d.Reason); err != nil {
			return err
		}
	}
	if dec.PauseEnded {
		if err := tx.EndPause(d.ID); err != nil {
			return err
		}
	}
	if err := tx.UpdateDossier(d, expected); err != nil {
		return err
	}
	if err := tx.InsertHistory(d.ID, u.ID, h); err != nil {
		return err
	}
	if err := s.afterTransition(tx, d, p, h); err != nil {
		return err
	}
	sum := map[string]any{"from": h.From, "to": h.To, "version": d.Version, "note": h.Note, "on_behalf_of": h.OnBehalfOf}
	if dec.Rule.Action == dossier.ActApologize {
		sum["old_due"], sum["new_due"] = oldDue.Format(time.RFC3339), d.DueAt.Format(time.RFC3339)
	}
	if dec.LateSupplement {
		sum["late_supplement_request"] = true
	}
	js, _ := json.Marshal(sum)
	if err := tx.Audit(u.Username, string(dec.Rule.Action), "dossier", d.Code, string(js)); err != nil {
		return err
	}
	return tx.Outbox("dossier."+string(dec.Rule.Action), event(d, h))
}

// attachSupplement adds or replaces components handed in as a supplement.
func (s *Service) attachSupplement(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, cs []ComponentInput, attest bool, sigs map[string][]byte) error {
	if len(cs) == 0 {
		return dossier.Invalid("Cần tệp bổ sung", dossier.FieldError{Field: "components", Message: "Cần ít nhất một thành phần bổ sung"})
	}
	now := tx.Now()
	for i, c := range cs {
		pc, ok := p.Component(c.Code)
		if !ok || c.BlobID == "" {
			return dossier.Invalid("Thành phần bổ sung không hợp lệ", dossier.FieldError{Field: fmt.Sprintf("components[%d]", i), Message: "Mã thành phần hoặc tệp không hợp lệ"})
		}
		ok, err := attachable(tx, u, c.BlobID)
		if err != nil {
			return err
		}
		if !ok {
			return dossier.Invalid("Tệp không tồn tại", dossier.FieldError{Field: fmt.Sprintf("components[%d].blob_id", i), Message: "Không có tệp đã tải lên với mã này"})
		}
		dc := dossier.DossierComponent{Code: pc.Code, Name: pc.Name, BlobID: c.BlobID}
		var sig []byte
		if attest {
			dc.AttestedBy, dc.AttestedAt = u.Name, tptr(now)
			sig = sigs[c.Code]
		}
		if err := tx.PutComponent(d.ID, dc, sig); err != nil {
			return err
		}
	}
	return nil
}

// printReceipt renders the receipt (Mẫu 01) and stores it in the
// reception transaction, so the dossier and its receipt commit together:
// its QR carries the lookup token, which is stored only hashed, so it is
// printed now or never. Rendering takes under a millisecond of the
// writer's time. A receipt that cannot be rendered is logged and the
// dossier stands; it can be reprinted without the QR code.
func (s *Service) printReceipt(ctx context.Context, tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, a *dossier.Agency,
	centers []dossier.Center, receipt *store.StoredDocument) {
	if s.docs == nil {
		return
	}
	c := &dossier.Center{Code: d.CenterCode, Name: d.CenterCode}
	for i := range centers {
		if centers[i].Code == d.CenterCode {
			c = &centers[i]
		}
	}
	in := FormInput{Dossier: d, Procedure: p, Agency: a, Center: c, Officer: u.Name,
		LookupURL: s.cfg.BaseURL + "/tra-cuu?token=" + d.LookupToken, Calendar: s.CalendarFor(d.CenterCode)}
	issuer := c.AgencyCode
	if receipt != nil {
		issuer, in.Doc = receipt.AgencyCode, s.formDoc(receipt, p)
	}
	if issuer == "" {
		issuer = c.Code
	}
	chain, err := tx.AgencyChain(issuer)
	in.Heading = headingOf(issuer, chain, err)
	pdf, err := s.docs.Receipt(ctx, in)
	if err == nil {
		var id string
		if id, err = storeDocument(tx, newDoc(pdf), u.ID); err == nil {
			err = tx.SetReceiptBlob(d.ID, id)
		}
		// The numbered receipt is signed by the officer after the commit
		// (produceDocuments), over this very file: its QR code cannot be
		// printed again.
		if err == nil && receipt != nil {
			err = tx.SetDocumentFile(receipt.ID, id, false, receipt.Signer)
		}
	}
	if err != nil {
		s.log.Error("receipt not stored", "dossier", d.Code, "err", err)
	}
}

// centerByCode returns a center with its counters for printing; a center
// no longer in the catalog prints under its code.
func (s *Service) centerByCode(ctx context.Context, code string) (*dossier.Center, error) {
	c, err := s.Center(ctx, code)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return &dossier.Center{Code: code, Name: code}, nil
	}
	return c, err
}

// signComponents returns the reception officer's detached signature of
// each uploaded component (none for online submissions, nor without a
// document signer).
func (s *Service) signComponents(ctx context.Context, u *dossier.User, online bool, cs []ComponentInput) (map[string][]byte, error) {
	if online || s.docs == nil {
		return nil, nil
	}
	now := s.now()
	out := map[string][]byte{}
	for _, c := range cs {
		if c.BlobID == "" || !blob.ValidID(c.BlobID) {
			continue // reused results are signed already; bad ids are reported later
		}
		data, err := s.ReadBlob(ctx, c.BlobID)
		if err != nil {
			continue // an unknown blob is reported by the validation in the transaction
		}
		sig, err := s.docs.SignComponent(ctx, u, data, now)
		if err != nil {
			return nil, fmt.Errorf("workflow: component signature: %w", err)
		}
		out[c.Code] = sig
	}
	return out, nil
}
