package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// SigningMethod says where an officer's signing key is, and so how an
// approval is signed (issue 17).
type SigningMethod string

// Signing methods.
const (
	// SignOnServer: the server holds the key (the demo PKCS#12 file, or an
	// HSM); it signs when the officer confirms.
	SignOnServer SigningMethod = "server"
	// SignWithAgent: the key is on the officer's USB token; the approve
	// page has "motcua sign-agent" on the officer's computer sign the
	// digest and sends back the signature value.
	SignWithAgent SigningMethod = "agent"
	// SignRemotely: the key is in a remote signing service (CSC API v2);
	// the officer authorises the signature with an OTP.
	SignRemotely SigningMethod = "csc"
)

// CertificateInfo describes a signing certificate for people and the audit
// trail.
type CertificateInfo struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	Serial   string    `json:"serial"`
	SHA256   string    `json:"sha256"` // of the DER certificate
	NotAfter time.Time `json:"not_after"`
	Demo     bool      `json:"demo"`
}

// SignatureInput completes a prepared signature: the agent's signature
// value and certificate (SignWithAgent), or the officer's OTP
// (SignRemotely); nothing for SignOnServer.
type SignatureInput struct {
	Signature   []byte
	Certificate []byte // DER
	OTP         string
	At          time.Time
}

// PreparedSignature is a signature waiting for its value (two-phase
// signing; package render makes them).
type PreparedSignature struct {
	Method SigningMethod
	// Digest is what the key signs: the SHA-256 of the CMS signed
	// attributes, which hold the document's digest.
	Digest []byte
	// DocumentSHA256 is the hex SHA-256 of the signed byte ranges of
	// Preview: the document as it is signed.
	DocumentSHA256 string
	// Preview is the file exactly as it will be signed (empty signature).
	Preview     []byte
	Layout      string // for SealResult
	Expires     time.Time
	Certificate CertificateInfo
	// State serializes the prepared signature: with ResumeInput it lets
	// TwoPhaseSigner.Resume rebuild this signature, Complete included, on
	// any instance (the session is stored, issue 21). It is called only
	// when a session is kept: a signature completed at once (the server's
	// keys) never copies the file into a state.
	State func() ([]byte, error)
	// Complete checks the input against the prepared digest and the
	// officer's registered certificate and returns the signed file.
	Complete func(ctx context.Context, in SignatureInput) ([]byte, error)
}

// TwoPhaseSigner is implemented by Documents adapters that sign in two
// phases, so that the officer sees the exact document and confirms before
// the signature is applied (package render).
type TwoPhaseSigner interface {
	SigningMethod(u *dossier.User) (SigningMethod, error)
	PrepareResult(ctx context.Context, in ResultInput) (*PreparedSignature, error)
	PrepareSeal(ctx context.Context, pdf []byte, in SealInput) (*PreparedSignature, error)
	// PrepareForm prepares signer's signature of a one-stop form
	// (invisible: the form prints the signer's block and where to verify
	// it).
	PrepareForm(ctx context.Context, signer *dossier.User, pdf []byte, at time.Time) (*PreparedSignature, error)
	// Resume rebuilds a prepared signature from its State, on this
	// instance or another, after a restart: the key is found again from
	// the officer (results and forms) or the agency's seal.
	Resume(ctx context.Context, in ResumeInput) (*PreparedSignature, error)
}

// ResumeInput is what a stored signing session gives to rebuild its
// prepared signature.
type ResumeInput struct {
	Method SigningMethod
	State  []byte // PreparedSignature.State
	Layout string // PreparedSignature.Layout
	// Signer is the officer who signs a result or a form (the session's
	// owner); Agency and Seal name the seal's key instead.
	Signer *dossier.User
	Agency *dossier.Agency
	Seal   *dossier.Seal
}

// SigningSession is a signature prepared for an officer's confirmation:
// the approver's signature of a result, or the clerk's seal at issue.
type SigningSession struct {
	ID             string         `json:"id"`
	DossierCode    string         `json:"dossier_code"`
	Action         dossier.Action `json:"action"` // "approve" or "issue"
	Method         SigningMethod  `json:"method"`
	Digest         string         `json:"digest"` // base64: what the key signs
	DocumentSHA256 string         `json:"document_sha256"`
	// DocumentTitle names the document for the officer and the agent's
	// PIN prompt.
	DocumentTitle string          `json:"document_title"`
	ExpiresAt     time.Time       `json:"expires_at"`
	Certificate   CertificateInfo `json:"certificate"`
	// SignerLines is the signature block as printed: capacity line
	// ("KT. CHỦ TỊCH"), position, name; or the seal's agency and number.
	SignerLines []string `json:"signer_lines"`
	// Delegation: under whose authority and on what legal basis the
	// approver signs (empty in their own name).
	Capacity   string `json:"capacity,omitempty"`
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
	LegalBasis string `json:"legal_basis,omitempty"`
	// Number is the number the result will most likely take (issue).
	Number  string `json:"number,omitempty"`
	Version int64  `json:"version"`

	// DocumentID is the one-stop form a "sign-document" session signs.
	DocumentID int64 `json:"document_id,omitempty"`

	userID    int64
	pre       *PreparedSignature // nil until needed when read from the store
	token     string             // the result's verification token (approve)
	docSigner dossier.FormSigner // the form's signature block (sign-document)
	layout    string             // the result's layout (approve, issue)
	agency    string             // the seal's agency (issue)
	sealID    int64              // the seal (issue)
}

// storedSession is a signing session as the store keeps it: what the
// officer sees and what the completion needs besides the signer's state.
type storedSession struct {
	Session   *SigningSession    `json:"session"`
	Token     string             `json:"token,omitempty"`
	DocSigner dossier.FormSigner `json:"doc_signer"`
	Layout    string             `json:"layout,omitempty"`
	Agency    string             `json:"agency,omitempty"`
	SealID    int64              `json:"seal_id,omitempty"`
}

// CompleteInput is the officer's answer to a signing session.
type CompleteInput struct {
	// Confirm says the officer read the document and consents; required.
	Confirm     bool   `json:"confirm"`
	Signature   []byte `json:"signature,omitempty"`   // from the agent (base64 in JSON)
	Certificate []byte `json:"certificate,omitempty"` // DER, from the agent
	OTP         string `json:"otp,omitempty"`
	// Note is the officer's remark recorded with the step (as in Act).
	Note string `json:"note,omitempty"`
}

// consent is what goes to the audit trail with the signed transition.
type consent struct {
	Session        string        `json:"session"`
	Method         SigningMethod `json:"method"`
	Confirmed      bool          `json:"confirmed"`
	Certificate    string        `json:"certificate_sha256"`
	Subject        string        `json:"certificate_subject"`
	Serial         string        `json:"certificate_serial"`
	DocumentSHA256 string        `json:"document_sha256"`
	Digest         string        `json:"signed_digest"`
	SignedFile     string        `json:"signed_file_sha256,omitempty"`
	Number         string        `json:"number,omitempty"`
}

// auditConsent writes the officer's consent with the transition (tx).
func auditConsent(tx *store.Tx, u *dossier.User, d *dossier.Dossier, pre *prepared) error {
	if pre == nil || pre.consent == nil {
		return nil
	}
	c := *pre.consent
	// The session is used: it ends with the transition it signed.
	if err := tx.DeleteSigningSession(c.Session); err != nil {
		return err
	}
	if c.SignedFile == "" && d.Result != nil {
		c.SignedFile = d.Result.SHA256 // the sealed result as issued
	}
	sum, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return tx.Audit(u.Username, "sign_consent", "dossier", d.Code, string(sum))
}

// maxSessions bounds the signing sessions cached in memory (the store
// keeps them all).
const maxSessions = 10000

// completionLease is how long a completion holds its session against a
// second one (on this instance or another) before a lost instance's claim
// is taken over: longer than a remote signing service takes to answer.
const completionLease = 2 * time.Minute

// SignsInTwoPhases reports whether documents are signed with preview and
// consent (Ports.Signer is set).
func (s *Service) SignsInTwoPhases() bool { return s.ports.Signer != nil }

// twoPhase returns the two-phase signer (Ports.Signer), or an error when
// there is none.
func (s *Service) twoPhase() (TwoPhaseSigner, error) {
	tp := s.ports.Signer
	if tp == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Hệ thống chưa cấu hình ký số")
	}
	return tp, nil
}

// BeginSigning prepares the signature of action a ("approve" or "issue")
// on dossier code at version for u and keeps it as a session until it
// expires: the approver's signature on the result rendered from the
// draft, or the agency's seal with the number the register will most
// likely give. Nothing changes in the dossier. The session says what the
// officer must see before confirming (the exact document: Preview) and
// what the key signs (Digest).
func (s *Service) BeginSigning(ctx context.Context, u *dossier.User, code string, a dossier.Action, version int64) (*SigningSession, error) {
	if u == nil {
		return nil, unauthorized()
	}
	tp, err := s.twoPhase()
	if err != nil {
		return nil, err
	}
	var sess *SigningSession
	switch a {
	case dossier.ActApprove:
		sess, err = s.beginApproval(ctx, tp, u, code, version)
	case dossier.ActIssue:
		sess, err = s.beginSeal(ctx, tp, u, code, version)
	default:
		return nil, dossier.Invalid("Chỉ phê duyệt (approve) và đóng dấu phát hành (issue) có bước ký",
			dossier.FieldError{Field: "action", Message: "approve hoặc issue"})
	}
	if err != nil {
		return nil, err
	}
	sess.ID, sess.DossierCode, sess.Action, sess.Version, sess.userID = newToken(), code, a, version, u.ID
	sess.Method, sess.ExpiresAt, sess.Certificate = sess.pre.Method, sess.pre.Expires, sess.pre.Certificate
	sess.Digest = base64.StdEncoding.EncodeToString(sess.pre.Digest)
	sess.DocumentSHA256 = sess.pre.DocumentSHA256
	if err := s.keepSession(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

func (s *Service) beginApproval(ctx context.Context, tp TwoPhaseSigner, u *dossier.User, code string, version int64) (*SigningSession, error) {
	in, tok, sg, err := s.approvalInput(ctx, u, code, dossier.Request{Action: dossier.ActApprove, Version: version})
	if err != nil {
		return nil, err
	}
	pre, err := tp.PrepareResult(ctx, in)
	if err != nil {
		return nil, err
	}
	sess := &SigningSession{pre: pre, token: tok, DocumentTitle: in.Procedure.Name, layout: pre.Layout}
	if line := sg.Line(); line != "" {
		// The capacity line, in capitals as printed (NĐ 30/2020 Phụ lục I).
		sess.SignerLines = append(sess.SignerLines, strings.ToUpper(line))
		sess.Capacity, sess.OnBehalfOf = string(sg.Capacity), sg.Principal
	}
	sess.SignerLines = append(sess.SignerLines, strings.ToUpper(u.Position), u.Name)
	if sg.Delegation != nil {
		sess.LegalBasis = sg.Delegation.BasisDocument
	}
	return sess, nil
}

func (s *Service) beginSeal(ctx context.Context, tp TwoPhaseSigner, u *dossier.User, code string, version int64) (*SigningSession, error) {
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return nil, err
	}
	if _, err := dossier.Decide(d, u, dossier.Request{Action: dossier.ActIssue, Version: version}, dossier.Facts{Now: s.now()}); err != nil {
		return nil, err
	}
	_, signed, layout, err := s.db.DossierFiles(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if signed == "" {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Hồ sơ chưa có kết quả đã ký duyệt để đóng dấu")
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, err
	}
	ag, err := s.db.Agency(ctx, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	// A signing session is the clerk's explicit choice of the electronic
	// seal (issue with seal "physical" or "both" to stamp printed copies).
	seals, err := s.db.Seals(ctx, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	seal, _, err := dossier.PickSeals(dossier.SealChoiceElectronic, p.Seal, d.AgencyCode, d.CenterCode, seals)
	if err != nil {
		return nil, err
	}
	now := s.now()
	number := ""
	if reg, err := s.db.Register(ctx, d.AgencyCode, now.In(s.Location()).Year(), p.ResultTypeCode); err == nil {
		number = dossier.FormatNumber(reg.Last+1, reg.Symbol)
	} else {
		number = dossier.FormatNumber(1, RegisterSymbol(p, ag))
	}
	pdf, err := s.ReadBlob(ctx, signed)
	if err != nil {
		return nil, err
	}
	pre, err := tp.PrepareSeal(ctx, pdf, SealInput{Agency: ag, Seal: seal, Number: number, Layout: layout, At: now})
	if err != nil {
		return nil, err
	}
	return &SigningSession{pre: pre, Number: number, DocumentTitle: p.Name, SignerLines: []string{ag.Name, "Số: " + number},
		agency: ag.Code, sealID: seal.ID}, nil
}

// keepSession stores sess so that any instance can show and complete it
// (issue 21), and caches it here with its prepared signature.
func (s *Service) keepSession(ctx context.Context, sess *SigningSession) error {
	now := s.now()
	if sess.pre != nil && sess.layout == "" {
		sess.layout = sess.pre.Layout
	}
	body, err := json.Marshal(storedSession{Session: sess, Token: sess.token, DocSigner: sess.docSigner,
		Layout: sess.layout, Agency: sess.agency, SealID: sess.sealID})
	if err != nil {
		return err
	}
	var state []byte
	if sess.pre.State != nil {
		if state, err = sess.pre.State(); err != nil {
			return err
		}
	}
	if err := s.db.SaveSigningSession(ctx, now, store.SigningSessionRecord{ID: sess.ID, UserID: sess.userID, DossierCode: sess.DossierCode,
		Action: string(sess.Action), CreatedAt: now, ExpiresAt: sess.ExpiresAt, Session: body, State: state}); err != nil {
		return err
	}
	n := 0
	s.signing.Range(func(k, v any) bool {
		o := v.(*SigningSession)
		// One session per officer, dossier and action; expired ones go.
		if now.After(o.ExpiresAt) || (o.userID == sess.userID && o.DossierCode == sess.DossierCode && o.Action == sess.Action) {
			s.signing.Delete(k)
		} else {
			n++
		}
		return true
	})
	if n < maxSessions {
		s.signing.Store(sess.ID, sess)
	}
	return nil
}

// Session returns u's signing session id (not expired), from the store:
// it may have been prepared on another instance, or before a restart.
func (s *Service) Session(ctx context.Context, u *dossier.User, id string) (*SigningSession, error) {
	gone := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phiên ký (đã hết hạn hoặc đã hoàn tất); vui lòng bắt đầu lại")
	if u == nil || id == "" {
		return nil, gone
	}
	rec, err := s.db.SigningSession(ctx, id)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		s.signing.Delete(id) // completed elsewhere
		return nil, gone
	}
	if err != nil {
		return nil, err
	}
	if rec.UserID != u.ID {
		return nil, gone
	}
	if s.now().After(rec.ExpiresAt) {
		s.signing.Delete(id)
		if err := s.db.DeleteSigningSession(ctx, id); err != nil {
			return nil, err
		}
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Phiên ký đã hết hạn lúc %s; vui lòng bắt đầu lại", rec.ExpiresAt.In(s.Location()).Format("15:04:05 02/01/2006"))
	}
	if v, ok := s.signing.Load(id); ok {
		return v.(*SigningSession), nil
	}
	var st storedSession
	if err := json.Unmarshal(rec.Session, &st); err != nil || st.Session == nil {
		return nil, fmt.Errorf("workflow: signing session %s: %v", id, err)
	}
	sess := st.Session
	sess.ID, sess.userID, sess.token, sess.docSigner = id, rec.UserID, st.Token, st.DocSigner
	sess.layout, sess.agency, sess.sealID = st.Layout, st.Agency, st.SealID
	return sess, nil
}

// preparedOf returns the prepared signature of sess, rebuilt from the
// store by the signer when sess was prepared on another instance or
// before a restart, and cached.
func (s *Service) preparedOf(ctx context.Context, u *dossier.User, sess *SigningSession) (*PreparedSignature, error) {
	if sess.pre != nil {
		return sess.pre, nil
	}
	tp, err := s.twoPhase()
	if err != nil {
		return nil, err
	}
	state, err := s.db.SigningSessionState(ctx, sess.ID)
	if err != nil {
		return nil, err
	}
	in := ResumeInput{Method: sess.Method, State: state, Layout: sess.layout, Signer: u}
	if sess.Action == dossier.ActIssue {
		if in.Agency, in.Seal, err = s.agencySeal(ctx, sess.agency, sess.sealID); err != nil {
			return nil, err
		}
		if in.Seal == nil {
			return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Con dấu của phiên ký không còn; vui lòng bắt đầu lại")
		}
		in.Signer = nil
	}
	pre, err := tp.Resume(ctx, in)
	if err != nil {
		return nil, err
	}
	cp := *sess
	cp.pre = pre
	v, _ := s.signing.LoadOrStore(sess.ID, &cp)
	return v.(*SigningSession).pre, nil
}

// SessionPreview returns the document of session id exactly as it will
// be signed.
func (s *Service) SessionPreview(ctx context.Context, u *dossier.User, id string) ([]byte, error) {
	sess, err := s.Session(ctx, u, id)
	if err != nil {
		return nil, err
	}
	pre, err := s.preparedOf(ctx, u, sess)
	if err != nil {
		return nil, err
	}
	return pre.Preview, nil
}

// CompleteSigning finishes session id with the officer's confirmation and,
// depending on the method, the agent's signature or the OTP, then takes
// the transition (approve or issue) exactly as Act does. A signature that
// does not match the prepared digest or the officer's registered
// certificate, a refused OTP or an expired session give EUNPROCESSABLE; a
// signing service that is down gives EUNAVAILABLE. In every failure the
// dossier stays as it was (awaiting_approval or approved).
func (s *Service) CompleteSigning(ctx context.Context, u *dossier.User, id string, in CompleteInput) (d *dossier.Dossier, err error) {
	sess, err := s.Session(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !in.Confirm {
		return nil, dossier.Invalid("Cần xác nhận đã xem văn bản và đồng ý ký", dossier.FieldError{Field: "confirm", Message: "phải là true"})
	}
	switch sess.Method {
	case SignWithAgent:
		if len(in.Signature) == 0 || len(in.Certificate) == 0 {
			return nil, dossier.Invalid("Thiếu chữ ký hoặc chứng thư số từ trình ký", dossier.FieldError{Field: "signature", Message: "bắt buộc"})
		}
	case SignRemotely:
		if strings.TrimSpace(in.OTP) == "" {
			return nil, dossier.Invalid("Nhập mã OTP của dịch vụ ký số từ xa", dossier.FieldError{Field: "otp", Message: "bắt buộc"})
		}
	}
	// One completion only, whichever instance it reaches: the session is
	// claimed in the store until the transition ends it; a failed
	// completion gives it back for another try.
	now := s.now()
	until := now.Add(completionLease)
	ok, err := s.db.ClaimSigningSession(ctx, id, now, until)
	if err != nil {
		return nil, err
	}
	if !ok {
		if _, err := s.db.SigningSession(ctx, id); dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phiên ký (đã hết hạn hoặc đã hoàn tất); vui lòng bắt đầu lại")
		}
		return nil, dossier.Errorf(dossier.ECONFLICT, "Phiên ký đang được hoàn tất ở một yêu cầu khác; vui lòng chờ")
	}
	defer func() {
		if err != nil {
			if rerr := s.db.ReleaseSigningSession(context.WithoutCancel(ctx), id, until); rerr != nil {
				s.log.Error("signing session release", slog.String("session", sess.String()), slog.Any("err", rerr))
			}
			return
		}
		s.signing.Delete(id)
		if derr := s.db.DeleteSigningSession(context.WithoutCancel(ctx), id); derr != nil {
			s.log.Error("signing session delete", slog.String("session", sess.String()), slog.Any("err", derr))
		}
	}()
	c := &consent{Session: sess.ID, Method: sess.Method, Confirmed: true, Certificate: sess.Certificate.SHA256,
		Subject: sess.Certificate.Subject, Serial: sess.Certificate.Serial, DocumentSHA256: sess.DocumentSHA256, Digest: sess.Digest, Number: sess.Number}
	if sess.DocumentID != 0 {
		pre, err := s.preparedOf(ctx, u, sess)
		if err != nil {
			return nil, err
		}
		return s.completeDocumentSigning(ctx, u, sess, pre, c, in)
	}
	// The seal is applied by the issue step itself, under the number the
	// register gives then (sealResult); the approval is signed here.
	var given *prepared
	if sess.Action == dossier.ActApprove {
		pre, err := s.preparedOf(ctx, u, sess)
		if err != nil {
			return nil, err
		}
		signed, err := pre.Complete(ctx, SignatureInput{Signature: in.Signature, Certificate: in.Certificate, OTP: strings.TrimSpace(in.OTP), At: s.now()})
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(signed)
		c.SignedFile = hex.EncodeToString(sum[:])
		given = &prepared{verifyToken: sess.token, signed: newDoc(signed), layout: pre.Layout, consent: c}
	} else {
		given = &prepared{consent: c}
	}
	ai := ActionInput{Version: sess.Version, Note: strings.TrimSpace(in.Note)}
	if sess.Action == dossier.ActIssue {
		ai.Seal = string(dossier.SealChoiceElectronic)
	}
	return s.act(ctx, u, sess.DossierCode, sess.Action, ai, given)
}

// String describes a session for logs.
func (sess *SigningSession) String() string {
	return fmt.Sprintf("%s %s (%s)", sess.Action, sess.DossierCode, sess.Method)
}
