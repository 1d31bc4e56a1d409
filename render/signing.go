package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png" // the signature image's size
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua/dossier"
	"motcua/pdf"
	"motcua/sign"
	"motcua/sign/csc"
	"motcua/workflow"
)

// OfficerSigning is how one officer signs, kept beside the key files as
// officers/<username>.signing.json. Without it the server holds the
// officer's key (officers/<username>.p12; issued by the demo CA in demo
// mode).
type OfficerSigning struct {
	Method workflow.SigningMethod `json:"method"`
	// Certificates is the officer's registered certificate followed by
	// its CA chain, PEM (SignWithAgent): the certificate on their USB
	// token. A signature made with any other is refused.
	Certificates string `json:"certificates,omitempty"`
	// CSC is the officer's remote signing account (SignRemotely).
	CSC *csc.Config `json:"csc,omitempty"`
}

// officerSigner is implemented by Keys that know how officers sign.
type officerSigner interface {
	OfficerSigning(u *dossier.User) (*OfficerSigning, error)
}

func (k *FileKeys) signingPath(username string) string {
	return filepath.Join(k.dir, "officers", safeName(username)+".signing.json")
}

// OfficerSigning returns how u signs (SignOnServer when nothing is
// configured).
func (k *FileKeys) OfficerSigning(u *dossier.User) (*OfficerSigning, error) {
	data, err := os.ReadFile(k.signingPath(u.Username))
	if errors.Is(err, os.ErrNotExist) {
		return &OfficerSigning{Method: workflow.SignOnServer}, nil
	}
	if err != nil {
		return nil, err
	}
	var cfg OfficerSigning
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("render: %s: %w", k.signingPath(u.Username), err)
	}
	return &cfg, cfg.validate()
}

// SetOfficerSigning registers how the officer username signs: the
// certificate of their USB token (SignWithAgent) or their remote signing
// account (SignRemotely); SignOnServer removes the registration.
func (k *FileKeys) SetOfficerSigning(username string, cfg OfficerSigning) error {
	if !dossier.ValidCode(username) {
		return dossier.Invalid("Tên đăng nhập không hợp lệ", dossier.FieldError{Field: "username", Message: "không hợp lệ"})
	}
	path := k.signingPath(username)
	if cfg.Method == workflow.SignOnServer {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (c *OfficerSigning) validate() error {
	switch c.Method {
	case workflow.SignOnServer:
	case workflow.SignWithAgent:
		if _, err := c.certificates(); err != nil {
			return err
		}
	case workflow.SignRemotely:
		if c.CSC == nil || c.CSC.URL == "" {
			return dossier.Invalid("Thiếu địa chỉ dịch vụ ký số từ xa", dossier.FieldError{Field: "csc.url", Message: "bắt buộc"})
		}
	default:
		return dossier.Invalid("Cách ký không hợp lệ", dossier.FieldError{Field: "method", Message: "server, agent hoặc csc"})
	}
	return nil
}

// certificates parses the registered certificate and chain.
func (c *OfficerSigning) certificates() ([]*x509.Certificate, error) {
	out, err := sign.ParsePEMCertificates([]byte(c.Certificates))
	if err != nil {
		return nil, dossier.Invalid("Chứng thư số đăng ký không hợp lệ", dossier.FieldError{Field: "certificates", Message: err.Error()})
	}
	if len(out) == 0 {
		return nil, dossier.Invalid("Chưa đăng ký chứng thư số của thiết bị ký", dossier.FieldError{Field: "certificates", Message: "cần chứng thư PEM"})
	}
	return out, nil
}

func methodText(m workflow.SigningMethod) string {
	switch m {
	case workflow.SignWithAgent:
		return "thiết bị ký số (USB token) qua trình ký trên máy"
	case workflow.SignRemotely:
		return "dịch vụ ký số từ xa"
	}
	return "khóa lưu trên máy chủ"
}

// SigningMethod implements workflow.TwoPhaseSigner.
func (d *Documents) SigningMethod(u *dossier.User) (workflow.SigningMethod, error) {
	cfg, err := d.officerSigning(u)
	if err != nil {
		return "", err
	}
	return cfg.Method, nil
}

func (d *Documents) officerSigning(u *dossier.User) (*OfficerSigning, error) {
	if k, ok := d.keys.(officerSigner); ok {
		return k.OfficerSigning(u)
	}
	return &OfficerSigning{Method: workflow.SignOnServer}, nil
}

// cscClients caches one client per officer account (its access token and
// certificates).
var cscClients sync.Map // string → *csc.Client

func cscClient(username string, cfg *csc.Config) (*csc.Client, error) {
	key := username + "\x00" + cfg.URL + "\x00" + cfg.CredentialID + "\x00" + cfg.Username
	if c, ok := cscClients.Load(key); ok {
		return c.(*csc.Client), nil
	}
	c, err := csc.New(*cfg, nil)
	if err != nil {
		return nil, err
	}
	v, _ := cscClients.LoadOrStore(key, c)
	return v.(*csc.Client), nil
}

// userError turns a signing failure into the error the officer sees: the
// signer's fault (a signature or certificate that does not match, a
// refused OTP, an expired session or certificate) is EUNPROCESSABLE (422),
// a signing service or revocation responder that does not answer is
// EUNAVAILABLE (503); other errors pass unchanged.
func userError(err error) error {
	if err == nil {
		return nil
	}
	var se *sign.Error
	if !errors.As(err, &se) {
		return err
	}
	msg := se.Message
	if r := []rune(msg); len(r) > 0 {
		msg = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	switch {
	case sign.Refused(err):
		return dossier.Errorf(dossier.EUNPROCESSABLE, "%s", msg)
	case se.Code == sign.ERemote || se.Code == sign.ERevocation || se.Code == sign.ETimestamp:
		return dossier.Errorf(dossier.EUNAVAILABLE, "%s", msg)
	}
	return err
}

// CertificateInfo describes cert for the officer and the audit trail.
func CertificateInfo(cert *x509.Certificate) workflow.CertificateInfo {
	sum := sha256.Sum256(cert.Raw)
	return workflow.CertificateInfo{Subject: cert.Subject.CommonName, Issuer: cert.Issuer.CommonName, Serial: strings.ToUpper(cert.SerialNumber.Text(16)),
		SHA256: hex.EncodeToString(sum[:]), NotAfter: cert.NotAfter, Demo: strings.Contains(cert.Issuer.CommonName, "DEMO")}
}

// prepared wraps a sign.PreparedPDF as a workflow.PreparedSignature whose
// Complete gets the signature value from complete, and whose State lets
// Resume rebuild it on another instance.
func prepared(method workflow.SigningMethod, p *sign.PreparedPDF, layout string, complete func(ctx context.Context, in workflow.SignatureInput) ([]byte, error)) (*workflow.PreparedSignature, error) {
	if p == nil {
		return nil, fmt.Errorf("render: no prepared signature")
	}
	var mu sync.Mutex // Finish is not for concurrent calls on one PreparedPDF
	return &workflow.PreparedSignature{Method: method, Digest: bytes.Clone(p.Digest[:]), DocumentSHA256: hex.EncodeToString(p.DocumentDigest[:]),
		Preview: p.File(), Layout: layout, Expires: p.Expires, Certificate: CertificateInfo(p.Certificate), State: p.MarshalBinary,
		Complete: func(ctx context.Context, in workflow.SignatureInput) ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			out, err := complete(ctx, in)
			return out, userError(err)
		}}, nil
}

// Resume implements workflow.TwoPhaseSigner: the prepared signature of a
// stored session, on this instance or another, with this instance's TSA
// and keys: the seal's (in.Seal), or the officer's by the method the
// session was prepared with (the certificate was checked then). An
// officer whose way of signing changed since must begin again.
func (d *Documents) Resume(ctx context.Context, in workflow.ResumeInput) (*workflow.PreparedSignature, error) {
	p, err := sign.ResumePDF(in.State, d.tsa)
	if err != nil {
		return nil, userError(err)
	}
	if in.Seal != nil {
		id, err := d.keys.Seal(in.Agency, in.Seal)
		if err != nil {
			return nil, err
		}
		return prepared(workflow.SignOnServer, p, in.Layout, func(ctx context.Context, si workflow.SignatureInput) ([]byte, error) {
			return sign.SignPrepared(ctx, p, id, si.At)
		})
	}
	if in.Signer == nil {
		return nil, fmt.Errorf("render: resume: no signer")
	}
	cfg, err := d.officerSigning(in.Signer)
	if err != nil {
		return nil, err
	}
	if cfg.Method != in.Method {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Cách ký của %s đã thay đổi từ khi chuẩn bị (nay: %s); vui lòng bắt đầu lại", in.Signer.Name, methodText(cfg.Method))
	}
	k := &officerKey{method: cfg.Method}
	switch cfg.Method {
	case workflow.SignOnServer:
		k.server, err = d.keys.Officer(in.Signer)
	case workflow.SignRemotely:
		k.remote, err = cscClient(in.Signer.Username, cfg.CSC)
	}
	if err != nil {
		return nil, err
	}
	return prepared(k.method, p, in.Layout, k.complete(p))
}

// officerKey is the key an officer signs with under cfg: the server-held
// key, the agent's certificate or the remote signing service.
type officerKey struct {
	method workflow.SigningMethod
	certs  []*x509.Certificate
	server *sign.Identity // SignOnServer
	remote *csc.Client    // SignRemotely
}

// officerKey finds u's key for the signing method u has set
// (officerSigning) and checks its certificate (checkCertificate) at time
// at.
func (d *Documents) officerKey(ctx context.Context, u *dossier.User, at time.Time) (*officerKey, error) {
	cfg, err := d.officerSigning(u)
	if err != nil {
		return nil, err
	}
	k := &officerKey{method: cfg.Method}
	switch cfg.Method {
	case workflow.SignOnServer:
		if k.server, err = d.keys.Officer(u); err != nil {
			return nil, err
		}
		k.certs, _ = k.server.Certificates(ctx)
	case workflow.SignWithAgent:
		if k.certs, err = cfg.certificates(); err != nil {
			return nil, err
		}
	case workflow.SignRemotely:
		if k.remote, err = cscClient(u.Username, cfg.CSC); err != nil {
			return nil, err
		}
		if k.certs, err = k.remote.Certificates(ctx); err != nil {
			return nil, userError(err)
		}
	}
	if err := d.checkCertificate(ctx, k.certs, at); err != nil {
		return nil, err
	}
	return k, nil
}

// complete finishes p with k: the agent's signature, the remote service
// (with the OTP) or the server-held key.
func (k *officerKey) complete(p *sign.PreparedPDF) func(ctx context.Context, si workflow.SignatureInput) ([]byte, error) {
	return func(ctx context.Context, si workflow.SignatureInput) ([]byte, error) {
		switch k.method {
		case workflow.SignWithAgent:
			cert, err := x509.ParseCertificate(si.Certificate)
			if err != nil {
				return nil, sign.NewError(sign.ECertMismatch, "chứng thư số do trình ký gửi không đọc được", "the agent's certificate cannot be parsed", err)
			}
			return p.Finish(ctx, si.Signature, cert, si.At)
		case workflow.SignRemotely:
			return sign.SignPrepared(ctx, p, csc.Authorized{Client: k.remote, OTP: si.OTP}, si.At)
		}
		return sign.SignPrepared(ctx, p, k.server, si.At)
	}
}

// PrepareResult implements workflow.TwoPhaseSigner: it checks the
// approver's certificate (validity, key usage, revocation), renders the
// result and prepares the approver's signature. Complete signs with the
// server-held key, or takes the agent's signature, or asks the remote
// signing service with the OTP.
func (d *Documents) PrepareResult(ctx context.Context, in workflow.ResultInput) (*workflow.PreparedSignature, error) {
	k, err := d.officerKey(ctx, in.Approver, in.At)
	if err != nil {
		return nil, err
	}
	raw, lay, err := d.renderResult(in)
	if err != nil {
		return nil, err
	}
	// The signature image alone, sized to its shape in the blank between
	// position and name; the seal will cover its left third (NĐ 30/2020
	// Phụ lục I). The signer's name, capacity and time are in the
	// signature itself and printed around it.
	img := d.image("sig", in.Approver.Name, d.sigPNG)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(img)); err == nil && cfg.Height > 0 {
		lay = lay.FitSignature(float64(cfg.Width) / float64(cfg.Height))
	}
	p, err := sign.PreparePDF(raw, k.certs, sign.PDFOptions{Kind: sign.Approval, Name: in.Approver.Name,
		Position: in.Approver.Position, Capacity: in.Approval.Capacity, Location: d.place, Time: in.At,
		Font: pdf.SerifFont(), Cache: &d.sigCache, Page: lay.Page, Rect: rect(lay.Signer), Image: img, Lines: []string{}, TSA: d.tsa})
	if err != nil {
		return nil, userError(err)
	}
	l, _ := json.Marshal(lay)
	return prepared(k.method, p, string(l), k.complete(p))
}

// PrepareSeal implements workflow.TwoPhaseSigner: the agency's seal over
// an approved result, with the server-held seal key (PKCS#12 or HSM).
func (d *Documents) PrepareSeal(ctx context.Context, file []byte, in workflow.SealInput) (*workflow.PreparedSignature, error) {
	id, err := d.keys.Seal(in.Agency, in.Seal)
	if err != nil {
		return nil, err
	}
	var lay pdf.Layout
	if err := json.Unmarshal([]byte(in.Layout), &lay); err != nil || lay.Page == 0 {
		return nil, fmt.Errorf("render: result layout missing: %v", err)
	}
	certs, err := id.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.checkCertificate(ctx, certs, in.At); err != nil {
		return nil, err
	}
	// The number and the date of issue go into their places first; the
	// seal then covers them (NĐ 30/2020 Điều 15.3).
	if st := numberStamps(lay, in.Number, in.At); st != nil {
		if file, err = sign.StampPDF(file, st, &d.sigCache); err != nil {
			return nil, err
		}
	}
	p, err := sign.PreparePDF(file, certs, sign.PDFOptions{Kind: sign.Seal, Name: in.Agency.Name, Location: d.place, Time: in.At,
		Reason: "Số: " + in.Number, Font: pdf.SerifFont(), Cache: &d.sigCache, Page: lay.Page, Rect: rect(lay.Seal),
		Image: d.image("seal", in.Agency.Name, d.sealPNG), TSA: d.tsa, Lines: []string{}})
	if err != nil {
		return nil, userError(err)
	}
	return prepared(workflow.SignOnServer, p, in.Layout, func(ctx context.Context, si workflow.SignatureInput) ([]byte, error) {
		return sign.SignPrepared(ctx, p, id, si.At)
	})
}

// checkCertificate is the check before signing (sign.CheckCertificate).
// A key whose chain was not given with it (a certificate stored alone on
// a token) gets its issuer from the trust store.
func (d *Documents) checkCertificate(ctx context.Context, certs []*x509.Certificate, at time.Time) error {
	if len(certs) == 1 && d.keys.Roots() != nil {
		if chain, err := sign.VerifiedChain(certs[0], nil, d.keys.Roots(), at); err == nil && len(chain) > 1 {
			certs = chain
		}
	}
	return userError(sign.CheckCertificate(ctx, certs, at, d.keys.Revocation()))
}

// PrepareForm implements workflow.TwoPhaseSigner: signer's signature of a
// one-stop form (TT 01/2018 Điều 10: forms are digitally signed). The
// signature is invisible: the form prints the signer's block and where to
// verify it. Complete signs as for a result.
func (d *Documents) PrepareForm(ctx context.Context, signer *dossier.User, file []byte, at time.Time) (*workflow.PreparedSignature, error) {
	k, err := d.officerKey(ctx, signer, at)
	if err != nil {
		return nil, err
	}
	p, err := sign.PreparePDF(file, k.certs, sign.PDFOptions{Kind: sign.Approval, Name: signer.Name, Position: signer.Position,
		Reason: "Ký số biểu mẫu một cửa", Location: d.place, Time: at, TSA: d.tsa})
	if err != nil {
		return nil, userError(err)
	}
	return prepared(k.method, p, "", k.complete(p))
}

var _ workflow.TwoPhaseSigner = (*Documents)(nil)
