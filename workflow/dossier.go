package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"motcua/blob"
	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// FormSetTT03From is the first day dossiers print with the Circular
// 03/2025/TT-VPCP form set (signed 15/9/2025; assumed in force 45 days
// later). Dossiers received before keep the Circular 01/2018 set.
const FormSetTT03From = "2025-10-30"

// FormSetFor returns the form set in force on instant t.
func (s *Service) FormSetFor(t time.Time) string {
	if t.In(s.Location()).Format("2006-01-02") >= FormSetTT03From {
		return "TT03/2025"
	}
	return "TT01/2018"
}

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

// cutoffOf returns the procedure's cut-off hour. Procedures counted in
// hours of one working day (processing_hours = 8: "the same working day,
// or the next when received after 15:00") default to 15:00.
func cutoffOf(p *dossier.Procedure) calendar.Clock {
	if p.Cutoff != "" {
		if c, err := calendar.ParseClock(p.Cutoff); err == nil {
			return c
		}
	}
	if p.ProcessingHours != nil && *p.ProcessingHours == 8 {
		return calendar.DefaultCutoff
	}
	return 0
}

// DueFor returns the due instant of procedure p for a dossier received at
// from. This is the only place the catalog's time units become a deadline.
func (s *Service) DueFor(p *dossier.Procedure, center string, from time.Time) time.Time {
	cal := s.CalendarFor(center)
	cut := cutoffOf(p)
	switch {
	case p.ProcessingHours != nil && *p.ProcessingHours == 8:
		return cal.DueDays(from, 0, cut).UTC()
	case p.ProcessingHours != nil:
		return cal.DueHours(from, *p.ProcessingHours, cut).UTC()
	case p.ProcessingDays != nil:
		return cal.DueDays(from, *p.ProcessingDays, cut).UTC()
	}
	return cal.DueDays(from, 0, cut).UTC()
}

// stepDue returns the deadline of the step that starts at now in status
// to, from the procedure's internal process budgets; without a budget for
// that step it is the dossier's due date.
func (s *Service) stepDue(p *dossier.Procedure, center string, to dossier.Status, now time.Time, due *time.Time) *time.Time {
	role := map[dossier.Status]dossier.Role{
		dossier.StatusReceived: dossier.RoleAppraiser, dossier.StatusAppraising: dossier.RoleAppraiser,
		dossier.StatusAwaitingApproval: dossier.RoleApprover, dossier.StatusApproved: dossier.RoleClerk,
		dossier.StatusIssued: dossier.RoleReception,
	}[to]
	for _, st := range p.Process {
		if st.Role == role && st.Hours > 0 {
			t := s.CalendarFor(center).AddWorking(now, time.Duration(st.Hours*float64(time.Hour))).UTC()
			if due != nil && t.After(*due) {
				t = *due
			}
			return &t
		}
	}
	if due == nil || to.Terminal() {
		return nil
	}
	t := *due
	return &t
}

func tptr(t time.Time) *time.Time { return &t }

// Receive creates a dossier: at the counter by reception (status received,
// the clock starts), or online by a citizen (status submitted). Missing
// required components are EUNPROCESSABLE naming each one.
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
				b, err := tx.Blob(c.BlobID)
				if err != nil || (b.CreatedBy != u.ID && online) {
					bad = append(bad, dossier.FieldError{Field: fmt.Sprintf("components[%d].blob_id", i), Message: "Không có tệp đã tải lên với mã này"})
					continue
				}
				dc.BlobID = c.BlobID
			} else {
				w, err := tx.WarehouseItem(in.Applicant.IDNumber, c.DocumentCode)
				if err != nil {
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
		d = &dossier.Dossier{
			Code: dossier.DossierCode(ident, day, seq), ProcedureCode: p.Code, ProcedureName: p.Name, AgencyCode: p.AgencyCode,
			CenterCode: center, Channel: in.Channel, Mode: dossier.ModeStandard, Version: 1, Applicant: in.Applicant,
			Components: comps, FormSet: s.FormSetFor(now), SubmittedAt: tptr(now),
		}
		if p.FiveOnSpotAt(day.Format("2006-01-02")) {
			d.Mode = dossier.ModeFiveOnSpot
		}
		h := dossier.HistoryEntry{At: now, Actor: u.Name, From: "", OnBehalfOf: ""}
		if online {
			d.Status, d.ApplicantUser = dossier.StatusSubmitted, u.ID
			h.Action, h.To = dossier.ActSubmit, dossier.StatusSubmitted
		} else {
			s.startClock(d, p, now)
			d.Status = dossier.StatusReceived
			h.Action, h.To, h.StepDueAt = dossier.ActReceive, dossier.StatusReceived, d.StepDueAt
		}
		d.LookupToken = newToken()
		id, err := tx.InsertDossier(d, store.HashToken(d.LookupToken))
		if err != nil {
			return err
		}

		s.printReceipt(ctx, tx, u, d, p, agency, centers)
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
	out, err := s.db.DossierByID(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out.LookupToken = tok
	s.decorate(out)
	return out, nil
}

// startClock sets the receipt instant and the deadlines of a dossier.
func (s *Service) startClock(d *dossier.Dossier, p *dossier.Procedure, now time.Time) {
	due := s.DueFor(p, d.CenterCode, now)
	d.ReceivedAt, d.DueAt, d.OriginalDueAt, d.LegalDueAt = tptr(now), tptr(due), tptr(due), tptr(due)
	d.StepDueAt = s.stepDue(p, d.CenterCode, dossier.StatusReceived, now, d.DueAt)
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
		if err := tx.InsertGuidanceSlip(g, u.ID); err != nil {
			return err
		}
		return tx.Audit(u.Username, "create", "guidance_slip", g.Number, fmt.Sprintf(`{"procedure":%q,"missing":%d}`, p.Code, len(g.Missing)))
	})
	if err != nil {
		return nil, err
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
}

// Act takes a transition of contract §4 on dossier code.
func (s *Service) Act(ctx context.Context, u *dossier.User, code string, a dossier.Action, in ActionInput) (*dossier.Dossier, error) {
	return s.act(ctx, u, code, a, in, nil)
}

// act is Act; given, when not nil, is an approval signed in two phases or
// the officer's consent to the seal (see CompleteSigning).
func (s *Service) act(ctx context.Context, u *dossier.User, code string, a dossier.Action, in ActionInput, given *prepared) (*dossier.Dossier, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if a == dossier.ActApologize {
		return s.apologize(ctx, u, code, in)
	}
	t, ok := dossier.Transitions[a]
	if !ok {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có thao tác %q", a)
	}
	if in.Version <= 0 {
		return nil, dossier.Invalid("Thiếu phiên bản hồ sơ", dossier.FieldError{Field: "version", Message: "Cần phiên bản (version) của hồ sơ đã đọc"})
	}
	in.Note, in.Reason = vntext.NFC(in.Note), vntext.NFC(in.Reason)
	if err := validateAction(a, &in); err != nil {
		return nil, err
	}
	// The approval signature is prepared outside the transaction so the
	// database lock is not held while rendering and signing.
	var pre *prepared
	if a == dossier.ActApprove && given != nil && given.signed.data != nil {
		pre = given
	} else if a == dossier.ActApprove && s.docs != nil {
		var err error
		if pre, err = s.prepareApproval(ctx, u, code, in.Version); err != nil {
			return nil, err
		}
	}
	// The seal, likewise, under the number the register will give next.
	if a == dossier.ActIssue && s.docs != nil {
		seal, err := s.prepareIssue(ctx, u, code, in.Version)
		if err != nil {
			return nil, err
		}
		if seal != nil {
			defer seal.unlock()
			pre = &prepared{seal: seal}
		}
		if given != nil {
			if pre == nil {
				pre = &prepared{}
			}
			pre.consent = given.consent
		}
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
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		d, err := tx.DossierForUpdate(code)
		if err != nil {
			return err
		}
		if !visible(u, d) {
			return dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ %s", code)
		}
		role, ok := actingRole(u, t.Roles, d)
		if !ok {
			return forbidden(fmt.Sprintf("Ông/bà không có quyền %s đối với hồ sơ này", strings.ToLower(a.Label())))
		}
		if d.Version != in.Version {
			return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã thay đổi (phiên bản %d, yêu cầu gửi phiên bản %d); vui lòng tải lại", d.Version, in.Version)
		}
		to, err := dossier.Next(d.Status, a)
		if err != nil {
			return err
		}
		p, err := tx.Procedure(d.ProcedureCode)
		if err != nil {
			return err
		}
		id = d.ID
		return s.transition(tx, u, role, d, p, a, to, in, pre)
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

func validateAction(a dossier.Action, in *ActionInput) error {
	need := func(f, v, m string) error {
		if strings.TrimSpace(v) == "" {
			return dossier.Invalid(m, dossier.FieldError{Field: f, Message: m})
		}
		return nil
	}
	switch a {
	case dossier.ActSubmitAppraisal:
		if in.Recommendation != "approve" && in.Recommendation != "refuse" {
			return dossier.Invalid("Đề xuất phải là approve hoặc refuse", dossier.FieldError{Field: "recommendation", Message: "approve hoặc refuse"})
		}
		if err := need("report", in.Report, "Cần nội dung phiếu trình (báo cáo thẩm định)"); err != nil {
			return err
		}
		if in.Recommendation == "approve" {
			return need("draft_result", in.DraftResult, "Cần dự thảo kết quả")
		}
	case dossier.ActRequestClarification, dossier.ActRefuse:
		if in.Reason == "" {
			in.Reason = in.Note
		}
		return need("reason", in.Reason, "Cần ghi lý do")
	case dossier.ActRequestSupplement:
		if in.Reason == "" {
			in.Reason = in.Note
		}
		if len(in.Missing) == 0 {
			return need("reason", in.Reason, "Cần ghi nội dung yêu cầu bổ sung")
		}
	case dossier.ActWithdraw:
		if in.Reason == "" {
			in.Reason = in.Note
		}
		return need("reason", in.Reason, "Cần ghi lý do rút hồ sơ")
	}
	return nil
}

// actingRole picks the role under which u may act on d.
func actingRole(u *dossier.User, roles []dossier.Role, d *dossier.Dossier) (dossier.Role, bool) {
	for _, r := range roles {
		if CanActAs(u, r, d) {
			return r, true
		}
	}
	return "", false
}

// transition applies action a to d inside tx: rules, deadlines, history,
// audit and outbox, all or nothing.
func (s *Service) transition(tx *store.Tx, u *dossier.User, role dossier.Role, d *dossier.Dossier, p *dossier.Procedure,
	a dossier.Action, to dossier.Status, in ActionInput, pre *prepared) error {
	now := tx.Now()
	from := d.Status
	expected := d.Version
	h := dossier.HistoryEntry{Action: a, From: from, To: to, Actor: u.Name, At: now, Note: in.Note}
	cal := s.CalendarFor(d.CenterCode)
	switch a {
	case dossier.ActAccept:
		s.startClock(d, p, now)
	case dossier.ActAssign:
		d.AssigneeID = u.ID
		if in.AssigneeID != 0 {
			ass, err := tx.User(in.AssigneeID)
			if err != nil || !ass.Has(dossier.RoleAppraiser) || ass.AgencyCode != d.AgencyCode {
				return dossier.Invalid("Người được giao không phải chuyên viên thẩm định của cơ quan", dossier.FieldError{Field: "assignee_id", Message: "không hợp lệ"})
			}
			d.AssigneeID = ass.ID
			h.Note = strings.TrimSpace(h.Note + " Giao: " + ass.Name)
		}
	case dossier.ActSubmitAppraisal:
		d.Recommendation, d.Report, d.DraftResult = in.Recommendation, vntext.NFC(in.Report), vntext.NFC(in.DraftResult)
	case dossier.ActRequestClarification:
		d.Reason, h.Note = in.Reason, in.Reason
	case dossier.ActApprove:
		if d.Recommendation != "approve" {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Phiếu trình đề xuất từ chối; không thể phê duyệt kết quả")
		}
		dels, err := tx.DelegationsTo(u.ID)
		if err != nil {
			return err
		}
		del, err := dossier.Authority(u, p, now, dels)
		if err != nil {
			return err
		}
		ap := &dossier.Approval{ApproverID: u.ID, ApproverName: u.Name, Position: u.Position, At: now}
		if del != nil {
			ap.Capacity, ap.DelegationID = string(del.Capacity), del.ID
			ap.OnBehalfOf = del.FromPosition
			if ap.OnBehalfOf == "" && del.FromUserID != 0 {
				if fu, err := tx.User(del.FromUserID); err == nil {
					ap.OnBehalfOf = fu.Position + " " + fu.Name
				}
			}
			h.OnBehalfOf = strings.TrimSpace(ap.Capacity + " " + ap.OnBehalfOf)
			h.Note = strings.TrimSpace(h.Note + " Theo ủy quyền: " + del.BasisDocument)
		}
		d.Approval = ap
		if pre != nil {
			id, err := storeDocument(tx, pre.signed, u.ID)
			if err != nil {
				return err
			}
			if err := tx.SetDossierFiles(d.ID, store.HashToken(pre.verifyToken), id, pre.layout); err != nil {
				return err
			}
		}
		if err := auditConsent(tx, u, d, pre); err != nil {
			return err
		}
	case dossier.ActIssue:
		var seal *preSeal
		if pre != nil {
			seal = pre.seal
		}
		if err := s.issue(tx, u, d, p, seal); err != nil {
			return err
		}
		if err := auditConsent(tx, u, d, pre); err != nil {
			return err
		}
	case dossier.ActReturn:
		if d.DueAt != nil && now.After(*d.DueAt) && d.ApologyAt == nil {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Hồ sơ quá hạn: cần lập phiếu xin lỗi và hẹn lại (Mẫu 04) trước khi trả kết quả")
		}
		s.finish(d, now)
	case dossier.ActRequestSupplement:
		if role == dossier.RoleReception && from != dossier.StatusSubmitted && from != dossier.StatusReceived {
			return forbidden("Bộ phận tiếp nhận chỉ yêu cầu bổ sung trước khi chuyển thẩm định")
		}
		reason := in.Reason
		if len(in.Missing) > 0 {
			var names []string
			for _, m := range in.Missing {
				c, ok := p.Component(m)
				if !ok {
					return dossier.Invalid("Thành phần không thuộc thủ tục", dossier.FieldError{Field: "missing", Message: "Thủ tục không có thành phần " + m})
				}
				names = append(names, c.Name)
			}
			reason = strings.TrimSpace(reason + " Cần bổ sung: " + strings.Join(names, "; "))
		}
		d.Reason, h.Note = reason, reason
		if d.ReceivedAt != nil {
			d.PausedAt = tptr(now)
			d.Supplements++
			if err := tx.StartPause(d.ID, reason); err != nil {
				return err
			}
		}
	case dossier.ActSupplement:
		if role == dossier.RoleCitizen || len(in.Components) > 0 {
			var sigs map[string][]byte
			if pre != nil {
				sigs = pre.componentSigs
			}
			if err := s.attachSupplement(tx, u, d, p, in.Components, role != dossier.RoleCitizen, sigs); err != nil {
				return err
			}
		}
		if d.ReceivedAt == nil {
			// An online dossier completed before acceptance: the clock
			// starts now.
			s.startClock(d, p, now)
		} else if d.PausedAt != nil {
			paused := cal.WorkingDuration(*d.PausedAt, now)
			d.PausedSeconds += int64(paused / time.Second)
			d.DueAt = tptr(cal.AddWorking(*d.DueAt, paused).UTC())
			// Legal view (Decree 61 art. 19.4): a dossier found
			// insufficient after receipt restarts its period from zero.
			d.LegalDueAt = tptr(s.DueFor(p, d.CenterCode, now))
			d.PausedAt = nil
			if err := tx.EndPause(d.ID); err != nil {
				return err
			}
		}
	case dossier.ActRefuse:
		if role == dossier.RoleReception && from != dossier.StatusSubmitted {
			return forbidden("Bộ phận tiếp nhận chỉ từ chối hồ sơ trực tuyến chưa tiếp nhận (Mẫu 03)")
		}
		d.Reason, h.Note = in.Reason, in.Reason
		s.finish(d, now)
	case dossier.ActWithdraw:
		d.Reason, h.Note = in.Reason, in.Reason
		d.FinishedAt = tptr(now)
		d.PausedAt = nil
	}
	d.Status = to
	if !to.Terminal() && to != dossier.StatusSupplementRequested {
		d.StepDueAt = s.stepDue(p, d.CenterCode, to, now, d.DueAt)
	} else {
		d.StepDueAt = nil
	}
	h.StepDueAt = d.StepDueAt
	if err := tx.UpdateDossier(d, expected); err != nil {
		return err
	}
	if err := tx.InsertHistory(d.ID, u.ID, h); err != nil {
		return err
	}
	if err := s.afterTransition(tx, d, p, h); err != nil {
		return err
	}
	sum, _ := json.Marshal(map[string]any{"from": from, "to": to, "version": d.Version, "note": h.Note, "on_behalf_of": h.OnBehalfOf})
	if err := tx.Audit(u.Username, string(a), "dossier", d.Code, string(sum)); err != nil {
		return err
	}
	return tx.Outbox("dossier."+string(a), event(d, h))
}

// finish closes a dossier's clock and classifies it (contract §7).
func (s *Service) finish(d *dossier.Dossier, now time.Time) {
	d.FinishedAt = tptr(now)
	d.PausedAt = nil
	if d.DueAt != nil {
		d.Outcome = string(s.CalendarFor(d.CenterCode).Classify(now, *d.DueAt))
	}
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
		b, err := tx.Blob(c.BlobID)
		if err != nil || (!attest && b.CreatedBy != u.ID) {
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
func (s *Service) printReceipt(ctx context.Context, tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, a *dossier.Agency, centers []dossier.Center) {
	if s.docs == nil {
		return
	}
	c := &dossier.Center{Code: d.CenterCode, Name: d.CenterCode}
	for i := range centers {
		if centers[i].Code == d.CenterCode {
			c = &centers[i]
		}
	}
	pdf, err := s.docs.Receipt(ctx, FormInput{Dossier: d, Procedure: p, Agency: a, Center: c, Officer: u.Name,
		LookupURL: s.cfg.BaseURL + "/tra-cuu?token=" + d.LookupToken, Calendar: s.CalendarFor(d.CenterCode)})
	if err == nil {
		var id string
		if id, err = storeDocument(tx, newDoc(pdf), u.ID); err == nil {
			err = tx.SetReceiptBlob(d.ID, id)
		}
	}
	if err != nil {
		s.log.Error("receipt not stored", "dossier", d.Code, "err", err)
	}
}

// centerByCode returns a center with its counters for printing; a center
// no longer in the catalog prints under its code.
func (s *Service) centerByCode(ctx context.Context, code string) (*dossier.Center, error) {
	cs, err := s.db.Centers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Code == code {
			return &cs[i], nil
		}
	}
	return &dossier.Center{Code: code, Name: code}, nil
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
