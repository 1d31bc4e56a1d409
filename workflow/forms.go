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

// formInput loads what a dossier's forms need.
func (s *Service) formInput(ctx context.Context, d *dossier.Dossier) (FormInput, error) {
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
	if len(d.History) > 0 {
		in.Officer = d.History[0].Actor
	}
	return in, nil
}

// ReceiptPDF returns the receipt (Mẫu 01) printed at reception.
func (s *Service) ReceiptPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	d, err := s.readDossier(ctx, u, code, ReadReceipt, "")
	if err != nil {
		return nil, err
	}
	id, err := s.db.ReceiptBlob(ctx, d.ID)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND && s.docs != nil && d.ReceivedAt != nil {
		// Reprint (the lookup token is not stored, so without its QR).
		in, err := s.formInput(ctx, d)
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

// ControlSlipPDF renders the control slip from the dossier's history.
func (s *Service) ControlSlipPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	d, err := s.readDossier(ctx, u, code, ReadControlSlip, "")
	if err != nil {
		return nil, err
	}
	in, err := s.formInput(ctx, d)
	if err != nil {
		return nil, err
	}
	return s.docs.ControlSlip(ctx, in)
}

// ApologyPDF renders the apology slip (Mẫu 04) of a dossier that has one.
func (s *Service) ApologyPDF(ctx context.Context, u *dossier.User, code string) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	d, err := s.readDossier(ctx, u, code, ReadApology, "")
	if err != nil {
		return nil, err
	}
	a, err := s.db.ApologyOf(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	in, err := s.formInput(ctx, d)
	if err != nil {
		return nil, err
	}
	return s.docs.ApologySlip(ctx, in, a.Reason, a.OldDue, a.NewDue)
}

// GuidanceSlipPDF renders Mẫu 02.
func (s *Service) GuidanceSlipPDF(ctx context.Context, g *dossier.GuidanceSlip) ([]byte, error) {
	if err := s.needDocs(); err != nil {
		return nil, err
	}
	c, err := s.centerByCode(ctx, g.CenterCode)
	if err != nil {
		return nil, err
	}
	return s.docs.GuidanceSlip(ctx, g, c)
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
		return nil, nf
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
		DocumentCode: dossier.MaskDocumentCode(f.Result.DocumentCode), IssuedAt: f.Result.IssuedAt, SHA256: f.Result.SHA256, DossierStatus: d.Status, Signatures: []SignatureSummary{}}
	if f.PDFBlobID == "" {
		return v, nil
	}
	pdf, err := s.ReadBlob(ctx, f.PDFBlobID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	intact := hex.EncodeToString(sum[:]) == f.Result.SHA256
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
		v.Status, v.StatusLabel = "valid", "Kết quả hợp lệ: chữ ký số toàn vẹn, trùng khớp bản lưu"
	} else {
		v.Status, v.StatusLabel = "tampered", "Cảnh báo: tệp kết quả không còn toàn vẹn"
	}
	return v, nil
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
