package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

func (s *Service) needDocs() error {
	if s.docs == nil {
		return dossier.Errorf(dossier.ENOTFOUND, "Máy chủ chưa cấu hình in biểu mẫu")
	}
	return nil
}

// formInput loads what a dossier's forms need: its procedure, agency,
// center, the center's calendar, the appraiser it is assigned to, and the
// heading of issuer, the body that numbers the form in its register ("":
// the one-stop desk, whose forms carry the center's heading).
func (s *Service) formInput(ctx context.Context, d *dossier.Dossier, issuer string) (FormInput, error) {
	in := FormInput{Dossier: d, Calendar: s.CalendarFor(d.CenterCode)}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return in, err
	}
	a, err := s.db.Agency(ctx, d.AgencyCode)
	if err != nil {
		return in, err
	}
	in.Procedure, in.Agency = p, a
	if in.Center, err = s.centerByCode(ctx, d.CenterCode); err != nil {
		return in, err
	}
	if issuer == "" {
		issuer = in.Center.AgencyCode
	}
	if issuer == "" {
		issuer = in.Center.Code
	}
	in.Heading = s.Heading(ctx, issuer)
	if len(d.History) > 0 {
		in.Officer = d.History[0].Actor
	}
	if d.AssigneeID != 0 {
		if au, err := s.db.User(ctx, d.AssigneeID); err == nil {
			in.Assignee = au.Name
		}
	}
	return in, nil
}

// ReceiptPDF returns the receipt (Mẫu 01): the numbered receipt, signed by
// the reception officer, once the dossier is received; the receipt
// printed at an online submission before that.
func (s *Service) ReceiptPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	file, d, err := s.latestOfKind(ctx, u, code, ReadReceipt, dossier.DocReceipt)
	if d == nil {
		return file, err
	}
	id, err := s.db.ReceiptBlob(ctx, d.ID)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND && s.docs != nil && d.ReceivedAt != nil {
		// Reprint (the lookup token is not stored, so without its QR).
		in, err := s.formInput(ctx, d, "")
		if err != nil {
			return nil, err
		}
		return s.docs.Receipt(ctx, in)
	}
	if err != nil {
		return nil, err
	}
	return s.ReadBlob(ctx, id)
}

// ControlSlipPDF renders the control slip from the dossier's history,
// under the number it took at reception.
func (s *Service) ControlSlipPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	d, err := s.readDossier(ctx, u, code, ReadControlSlip, "")
	if err != nil {
		return nil, err
	}
	in, err := s.formInput(ctx, d, "")
	if err != nil {
		return nil, err
	}
	docs, err := s.db.DossierDocuments(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		if docs[i].Kind == dossier.DocControl {
			in.Doc = s.formDoc(&docs[i], in.Procedure)
		}
	}
	if in.Exchange, err = s.exchangeView(ctx, d, in.Procedure); err != nil {
		return nil, err
	}
	return s.docs.ControlSlip(ctx, in)
}

// ApologyPDF returns the apology slip (Mẫu 04) of a dossier that has one.
func (s *Service) ApologyPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	file, d, err := s.latestOfKind(ctx, u, code, ReadApology, dossier.DocApology)
	if d == nil {
		return file, err
	}
	// An apology recorded before its slip was numbered.
	a, err := s.db.ApologyOf(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	in, err := s.formInput(ctx, d, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	old, nd := a.OldDue, a.NewDue
	in.Doc = &FormDoc{Kind: dossier.DocApology, At: a.At, Data: dossier.DocData{Reason: a.Reason, OldDue: &old, NewDue: &nd},
		SignerPosition: in.Procedure.ApproverPosition}
	return s.docs.Form(ctx, in)
}

// latestOfKind returns the latest stored document of kind k of dossier
// code (u reading it as what); when the dossier has none (it was made
// before its forms were numbered and stored) it returns the dossier
// instead, for the caller to render the form from its records.
func (s *Service) latestOfKind(ctx context.Context, u *dossier.User, code, what string, k dossier.DocKind) ([]byte, *dossier.Dossier, error) {
	d, file, err := s.dossierDocument(ctx, u, code, what, func(sd *store.StoredDocument) bool { return sd.Kind == k })
	if err != nil && d != nil {
		return nil, d, nil
	}
	return file, nil, err
}

// GuidanceSlipPDF returns Mẫu 02 given at the counter, numbered in the
// center's register and signed by the reception officer.
func (s *Service) GuidanceSlipPDF(ctx context.Context, g *dossier.GuidanceSlip) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	sd, err := s.db.GuidanceDocument(ctx, g.ID)
	if err == nil {
		file, err := s.produce(ctx, sd)
		if err != nil || file != nil {
			return file, err
		}
	}
	// A slip given before the forms were numbered in registers.
	c, err := s.centerByCode(ctx, g.CenterCode)
	if err != nil {
		return nil, err
	}
	return s.docs.Form(ctx, FormInput{Center: c, Heading: s.Heading(ctx, c.AgencyCode), Calendar: s.CalendarFor(g.CenterCode),
		Doc: &FormDoc{Kind: dossier.DocGuidance, Number: g.Number, At: g.CreatedAt, Guidance: g, Signer: dossier.FormSigner{Name: g.Officer}}})
}

// ResultPDF returns the signed result: sealed once issued, otherwise the
// approver-signed draft for officers.
func (s *Service) ResultPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	d, err := s.readDossier(ctx, u, code, ReadResult, "")
	if err != nil {
		return nil, err
	}
	if u.Has(dossier.RoleCitizen) && !u.IsOfficer() && d.Status != dossier.StatusReturned {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Kết quả chưa được trả")
	}
	id, err := s.db.ResultPDF(ctx, d.ID)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND && u.IsOfficer() {
		// Approved, not yet numbered: the officers of the unit see the
		// leader-signed file, before the clerk numbers and seals it.
		_, signed, _, ferr := s.db.DossierFiles(ctx, d.ID)
		if ferr == nil && signed != "" {
			id, err = signed, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return s.ReadBlob(ctx, id)
}

// Verification is the public answer about an issued result.
type Verification struct {
	Status        string             `json:"status"` // "valid", "tampered", "unsigned"
	StatusLabel   string             `json:"status_label"`
	IssuingAgency string             `json:"issuing_agency"`
	Number        string             `json:"number"`
	DocumentCode  string             `json:"document_code"`
	IssuedAt      time.Time          `json:"issued_at"`
	SHA256        string             `json:"sha256"`
	Signatures    []SignatureSummary `json:"signatures"`
	DossierStatus dossier.Status     `json:"dossier_status"`
	// Kind and Document name what was verified: "result", or a one-stop
	// form ("guidance", "refusal", …) with its Vietnamese name.
	Kind     dossier.DocKind `json:"kind"`
	Document string          `json:"document"`
	// SealNote tells that printed copies of the result were stamped with
	// a physical seal (which copies, which register page).
	SealNote string `json:"seal_note,omitempty"`
}

// SignatureSummary is one signature of a result, for verification.
type SignatureSummary struct {
	Signer      string    `json:"signer"`
	Role        string    `json:"role"`
	Capacity    string    `json:"capacity,omitempty"`
	SigningTime time.Time `json:"signing_time"`
	Intact      bool      `json:"intact"`
	Trusted     bool      `json:"trusted"`
	// LTV: the file carries the certificate chain and revocation data of
	// the signature (PAdES B-LT), so it verifies offline for the long term.
	LTV bool `json:"ltv"`
	// Revocation of the signer's certificate at the signing time, from the
	// file: "good", "revoked" or "unknown".
	Revocation string `json:"revocation,omitempty"`
	Status     string `json:"status"`
	// Level is the PAdES baseline level reached: "B-B", "B-T", "B-LT" or
	// "B-LTA" (empty for a document timestamp).
	Level string `json:"level"`
	// TimestampTime and TimestampAuthority: the RFC 3161 timestamp of the
	// signature, when it has one.
	TimestampTime      *time.Time `json:"timestamp_time,omitempty"`
	TimestampAuthority string     `json:"timestamp_authority,omitempty"`
	// Issuer is the certification authority that issued the certificate.
	Issuer string `json:"issuer,omitempty"`
	// Description says it in one plain Vietnamese sentence ("Chữ ký hợp
	// lệ, chứng thư do … cấp, còn hiệu lực tại thời điểm ký.").
	Description string `json:"description"`
}

// Verifier checks the signatures of a PDF (package render).
type Verifier interface {
	VerifyPDF(pdf []byte) ([]SignatureSummary, error)
}

// VerifyResult answers /verify/{token}: the issued result, its signers and
// the SHA-256 of the stored PDF, re-checked now.
func (s *Service) VerifyResult(ctx context.Context, token string) (*Verification, error) {
	token = strings.TrimSpace(token)
	nf := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy kết quả với mã xác thực này")
	if len(token) < 16 || len(token) > 64 {
		return nil, nf
	}
	f, err := s.db.ResultByVerifyHash(ctx, store.HashToken(token))
	if err != nil {
		return s.verifyDocument(ctx, token, nf)
	}
	d, err := s.db.DossierByID(ctx, f.DossierID)
	if err != nil {
		return nil, err
	}
	a, err := s.db.Agency(ctx, f.AgencyCode)
	if err != nil {
		return nil, err
	}
	v := &Verification{Status: "unsigned", StatusLabel: "Kết quả không có tệp ký số", IssuingAgency: a.Name, Number: f.Result.Number,
		DocumentCode: dossier.MaskDocumentCode(f.Result.DocumentCode), IssuedAt: f.Result.IssuedAt, SHA256: f.Result.SHA256, DossierStatus: d.Status, Signatures: []SignatureSummary{},
		Kind: dossier.DocResult, Document: dossier.DocResult.Label()}
	if logs, err := s.db.SealLogOf(ctx, f.DossierID); err == nil && len(logs) > 0 {
		notes := make([]string, len(logs))
		for i, l := range logs {
			notes[i] = l.Note()
		}
		v.SealNote = "Đóng dấu trên bản giấy — " + strings.Join(notes, "; ")
	}
	if f.PDFBlobID == "" {
		return v, nil
	}
	pdf, err := s.ReadBlob(ctx, f.PDFBlobID)
	if err != nil {
		return nil, err
	}
	s.checkSignatures(v, pdf, f.Result.SHA256, "Kết quả")
	return v, nil
}

// verifyDocument answers /verify/{token} for a one-stop form: its issuing
// body, number, signer and the SHA-256 of the stored file, re-checked now.
// A form that does not leave the administration, or that has no file, is
// not found (nf).
func (s *Service) verifyDocument(ctx context.Context, token string, nf error) (*Verification, error) {
	sd, err := s.db.DocumentByVerifyHash(ctx, store.HashToken(token))
	if err != nil || sd.Kind == dossier.DocResult {
		return nil, nf
	}
	if spec, _ := dossier.SpecOf(sd.Kind); !spec.Leaves {
		return nil, nf
	}
	pdf, err := s.produce(ctx, sd)
	if err != nil || pdf == nil {
		return nil, nf
	}
	name := sd.AgencyCode
	if a, err := s.db.Agency(ctx, sd.AgencyCode); err == nil {
		name = a.Name
	}
	v := &Verification{IssuingAgency: name, Number: sd.Number, IssuedAt: sd.CreatedAt, SHA256: sd.BlobID, Signatures: []SignatureSummary{},
		Kind: sd.Kind, Document: sd.Kind.Label()}
	if sd.DossierID != 0 {
		if d, err := s.db.DossierByID(ctx, sd.DossierID); err == nil {
			v.DossierStatus = d.Status
		}
	}
	if !sd.Signed {
		v.Status, v.StatusLabel = "unsigned", "Văn bản chưa được ký số"
		return v, nil
	}
	s.checkSignatures(v, pdf, sd.BlobID, "Văn bản")
	for i := range v.Signatures {
		if v.Signatures[i].Role != "Dấu thời gian tài liệu" {
			v.Signatures[i].Role = "Người ký văn bản"
		}
	}
	return v, nil
}

// checkSignatures fills v's signatures and status from pdf, whose SHA-256
// must be want; what names the document in the status ("Kết quả").
func (s *Service) checkSignatures(v *Verification, pdf []byte, want, what string) {
	sum := sha256.Sum256(pdf)
	intact := hex.EncodeToString(sum[:]) == want
	if vr := s.ports.Verifier; vr != nil {
		sigs, err := vr.VerifyPDF(pdf)
		if err == nil {
			v.Signatures = sigs
			for _, sg := range sigs {
				intact = intact && sg.Intact
			}
		} else {
			intact = false
		}
	}
	if intact {
		v.Status, v.StatusLabel = "valid", what+" hợp lệ: chữ ký số toàn vẹn, trùng khớp bản lưu"
	} else {
		v.Status, v.StatusLabel = "tampered", "Cảnh báo: tệp "+strings.ToLower(what)+" không còn toàn vẹn"
	}
}

// ComponentSignature returns the reception officer's detached CMS
// signature (.p7s) of a component of a dossier the caller may see.
func (s *Service) ComponentSignature(ctx context.Context, u *dossier.User, code, component string) ([]byte, error) {
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	_, sig, err := s.db.ComponentSignature(ctx, d.ID, component)
	return sig, err
}
