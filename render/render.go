// Package render renders the one-stop forms and result documents of a
// dossier (package pdf) and signs them (package sign): the approver's
// signature at approval and the agency's seal at issue, as incremental
// updates of one PAdES file. It implements workflow.Documents.
package render

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/dossier"
	"motcua/pdf"
	"motcua/sign"
	"motcua/workflow"
)

// Keys gives the signing identities of officers and agencies.
type Keys interface {
	// Officer returns the signing identity of an approver.
	Officer(u *dossier.User) (*sign.Identity, error)
	// Seal returns the electronic seal identity of an agency.
	Seal(agency *dossier.Agency, seal *dossier.Seal) (*sign.Identity, error)
	// Roots is the trust store used to verify results.
	Roots() *x509.CertPool
	// Revocation supplies the CRLs embedded in issued results (PAdES
	// B-LT); nil issues results without them.
	Revocation() sign.RevocationSource
	// ListKeys lists the installed identities (the admin page).
	ListKeys() ([]workflow.KeyInfo, error)
	// InstallKey stores a PKCS#12 identity (see Documents.InstallKey).
	InstallKey(kind, name string, p12 []byte, password string, now time.Time) (*workflow.KeyInfo, error)
}

// Documents implements workflow.Documents and workflow.Verifier.
type Documents struct {
	log       *slog.Logger
	r         *pdf.Renderer
	keys      Keys
	templates pdf.ResultTemplates
	place     string
	demo      bool
	tsa       *sign.TSAClient // nil: no timestamps
	demoTSA   bool            // tsa is the in-process demo TSA
	now       func() time.Time
	sigPNG    func(string) []byte
	sealPNG   func(string) []byte
	images    sync.Map // name → PNG bytes: the generated images are pure functions of the name
	sigCache  sign.AppearanceCache
}

// Options configure New.
type Options struct {
	Place string // place printed before dates; default "Bắc Ninh"
	// Demo marks results "DEMO — không có giá trị pháp lý" and, without
	// TSAURL, stamps them with an in-process demo TSA (certificate from
	// the demo CA, named sign.DemoTSAName) so that every demo result is
	// PAdES B-T or better and archiving works without setup.
	Demo bool
	// TSAURL is the RFC 3161 timestamping authority (production: a
	// licensed trust service).
	TSAURL string
	// NoTimestamps turns the demo TSA off (to measure what it costs).
	NoTimestamps bool
	// DemoCA issues the certificate of the in-process demo TSA (Demo
	// without TSAURL); nil means no demo TSA. main passes the demo CA of
	// the key store (FileKeys.DemoPKI).
	DemoCA *sign.DemoPKI
	// Now is the clock: signing checks, verification, the demo TSA.
	// Required.
	Now func() time.Time
	Log *slog.Logger
}

// New returns the documents adapter.
func New(keys Keys, opts Options) (*Documents, error) {
	if opts.Now == nil {
		return nil, errors.New("render: Options.Now is required")
	}
	r, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	go r.Warm() // an error shows again on the first document
	if opts.Place == "" {
		opts.Place = "Bắc Ninh"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		return nil, errors.New("render: Options.Now (the clock) is required")
	}
	d := &Documents{r: r, keys: keys, templates: pdf.BuiltinResultTemplates(), place: opts.Place, demo: opts.Demo,
		now: opts.Now, sigPNG: pdf.SignaturePNG, sealPNG: pdf.SealPNG, log: opts.Log}
	switch {
	case opts.TSAURL != "":
		d.tsa = &sign.TSAClient{URL: opts.TSAURL}
	case opts.Demo && !opts.NoTimestamps && opts.DemoCA != nil:
		tsa, err := sign.NewDemoTSA(opts.DemoCA, opts.Now)
		if err != nil {
			return nil, fmt.Errorf("render: demo TSA: %w", err)
		}
		d.tsa, d.demoTSA = tsa.Client(), true
	}
	return d, nil
}

// Timestamps says where signature timestamps come from: "" (none), the
// URL of the TSA, or "demo" for the in-process demo TSA.
func (d *Documents) Timestamps() string {
	switch {
	case d.tsa == nil:
		return ""
	case d.demoTSA:
		return "demo"
	}
	return d.tsa.URL
}

// image returns the cached output of gen(name).
func (d *Documents) image(kind, name string, gen func(string) []byte) []byte {
	if v, ok := d.images.Load(kind + "\x00" + name); ok {
		return v.([]byte)
	}
	b := gen(name)
	d.images.Store(kind+"\x00"+name, b)
	return b
}

func upper(s string) string { return strings.ToUpper(s) }

func (d *Documents) header(parent, unit string) pdf.Header {
	return pdf.Header{ParentAgency: upper(parent), Unit: upper(unit), Place: d.place}
}

func person(a dossier.Applicant) pdf.Person {
	return pdf.Person{Name: a.Name, IDNumber: a.IDNumber, Address: a.Address, Phone: a.Phone, Email: a.Email}
}

func formSet(s string) pdf.FormSet {
	if s == string(pdf.FormSetTT01_2018) {
		return pdf.FormSetTT01_2018
	}
	return pdf.FormSetTT03_2025
}

// processingText describes a procedure's time limit.
func processingText(p *dossier.Procedure) string {
	switch {
	case p.ProcessingHours != nil && *p.ProcessingHours == 8:
		return "Trong ngày làm việc (nhận sau 15 giờ trả ngày làm việc tiếp theo)"
	case p.ProcessingHours != nil:
		return fmt.Sprintf("%d giờ làm việc", *p.ProcessingHours)
	case p.ProcessingDays != nil:
		return fmt.Sprintf("%d ngày làm việc", *p.ProcessingDays)
	}
	return ""
}

// formMeta is the form set, issuing block, number, date and verification
// address of a form of dossier ds ("" set: a slip without a dossier).
func (d *Documents) formMeta(set string, in workflow.FormInput, date time.Time) pdf.FormMeta {
	h := in.Heading
	if h.Issuer == "" && in.Center != nil {
		h.Issuer = in.Center.Name
	}
	if h.Place == "" {
		h.Place = d.place
	}
	m := pdf.FormMeta{Set: formSet(set), Header: d.header(h.Parent, h.Issuer), Date: date}
	m.Header.Place = h.Place
	if doc := in.Doc; doc != nil {
		m.Number, m.VerifyURL = doc.Number, doc.VerifyURL
		if !doc.At.IsZero() {
			m.Date = doc.At
		}
	}
	return m
}

// Receipt renders Mẫu 01 with the lookup QR.
func (d *Documents) Receipt(ctx context.Context, in workflow.FormInput) ([]byte, error) {
	ds := in.Dossier
	f := pdf.Receipt{
		FormMeta:    d.formMeta(ds.FormSet, in, deref(ds.ReceivedAt)),
		DossierCode: ds.Code, Applicant: person(ds.Applicant), Procedure: ds.ProcedureName, Sets: 1,
		ProcessingTime: processingText(in.Procedure), ReceivedAt: deref(ds.ReceivedAt), DueAt: deref(ds.DueAt),
		ResultAt: in.Center.Name, Officer: in.Officer, LookupURL: in.LookupURL, LookupToken: ds.LookupToken,
	}
	if ds.ReceivedAt == nil {
		f.ReceivedAt, f.Date = deref(ds.SubmittedAt), deref(ds.SubmittedAt)
	}
	if doc := in.Doc; doc != nil {
		// Sổ theo dõi hồ sơ: one book a year, the receipt's number as its
		// line (TT 01/2018 Điều 10).
		f.LedgerBook = 1
		if n, _, ok := strings.Cut(doc.Number, "/"); ok {
			f.LedgerSeq, _ = strconv.Atoi(n)
		}
		if doc.Signer.Name != "" {
			f.Officer = doc.Signer.Name
		}
	}
	for _, c := range ds.Components {
		f.Components = append(f.Components, pdf.Component{Name: c.Name, Copies: 1})
	}
	var b bytes.Buffer
	err := d.r.RenderReceipt(&b, f)
	return b.Bytes(), err
}

// ControlSlip renders the control slip: one row per hand-over
// (dossier.ControlSlip), each naming the giving and receiving unit and
// person, the time and the verdict on the step that ended.
func (d *Documents) ControlSlip(ctx context.Context, in workflow.FormInput) ([]byte, error) {
	ds := in.Dossier
	f := pdf.ControlSlip{
		FormMeta:    d.formMeta(ds.FormSet, in, deref(ds.ReceivedAt)),
		DossierCode: ds.Code, Applicant: ds.Applicant.Name, Agency: in.Agency.Name, ReceivedAt: deref(ds.ReceivedAt), DueAt: deref(ds.DueAt),
		Coordinating: coordinating(in.Exchange, in.Calendar.Location()),
	}
	if ds.ReceivedAt == nil {
		f.ReceivedAt = deref(ds.SubmittedAt)
	}
	unit := func(r dossier.Role) string {
		switch r {
		case dossier.RoleReception:
			return "Bộ phận tiếp nhận và trả kết quả"
		case dossier.RoleAppraiser:
			return in.Agency.Name + " (thẩm định)"
		case dossier.RoleApprover:
			return "Lãnh đạo " + in.Agency.Name
		case dossier.RoleClerk:
			return "Văn thư " + in.Agency.Name
		}
		return "Tổ chức, cá nhân"
	}
	verdict := map[string]pdf.Timeliness{dossier.OutcomeEarly: pdf.Early, dossier.OutcomeOnTime: pdf.OnTime, dossier.OutcomeLate: pdf.Overdue}
	for _, h := range dossier.ControlSlip(ds, in.Calendar, in.Assignee) {
		f.Handovers = append(f.Handovers, pdf.Handover{From: unit(h.FromRole), To: unit(h.ToRole), FromPerson: h.Giver, ToPerson: h.Receiver,
			At: h.At, Result: verdict[h.Verdict], Note: h.Note})
	}
	var b bytes.Buffer
	err := d.r.RenderControlSlip(&b, f)
	return b.Bytes(), err
}

// formSigner is the printed signature block of a form: its signer's
// capacity line, position and name; while the form waits for a leader,
// the position that must sign (pos) and a blank name.
func formSigner(doc *workflow.FormDoc, fallback string) pdf.Signer {
	s := doc.Signer
	if s.Name == "" && s.Position == "" {
		pos := doc.SignerPosition
		if pos == "" {
			pos = fallback
		}
		return pdf.Signer{Position: upper(pos)}
	}
	pos := s.Position
	if pos == "" {
		pos = fallback
	}
	return pdf.Signer{Capacity: upper(s.Capacity), Position: upper(pos), Name: s.Name}
}

// Form renders a numbered one-stop form: Mẫu 02 (a guidance slip at the
// counter, or a supplement asked during appraisal), Mẫu 03, Mẫu 04 or the
// stop notice of Circular 03/2025.
func (d *Documents) Form(ctx context.Context, in workflow.FormInput) ([]byte, error) {
	doc := in.Doc
	if doc == nil {
		return nil, errors.New("render: no form to render")
	}
	var b bytes.Buffer
	if g := doc.Guidance; g != nil {
		f := pdf.GuidanceSlip{FormMeta: d.formMeta(doc.FormSet, in, g.CreatedAt), Applicant: person(g.Applicant), Procedure: g.ProcedureName,
			Reason: g.Note, Officer: doc.Signer.Name, ContactOfficer: doc.Signer.Name}
		for _, m := range g.Missing {
			f.Missing = append(f.Missing, m.Name)
		}
		if len(f.Missing) == 0 && g.Note != "" {
			f.Missing = []string{g.Note}
		}
		err := d.r.RenderGuidanceSlip(&b, f)
		return b.Bytes(), err
	}
	ds := in.Dossier
	if ds == nil {
		return nil, errors.New("render: form without a dossier")
	}
	meta := d.formMeta(ds.FormSet, in, doc.At)
	var err error
	switch doc.Kind {
	case dossier.DocGuidance:
		f := pdf.GuidanceSlip{FormMeta: meta, DossierCode: ds.Code, Applicant: person(ds.Applicant), Procedure: ds.ProcedureName,
			Missing: doc.Data.Missing, Reason: doc.Data.Reason, Officer: doc.Signer.Name, ContactOfficer: doc.Signer.Name}
		if len(f.Missing) == 0 && f.Reason != "" {
			f.Missing = []string{f.Reason}
		}
		err = d.r.RenderGuidanceSlip(&b, f)
	case dossier.DocRefusal:
		f := pdf.RefusalSlip{FormMeta: meta, ReceivingUnit: in.Heading.Issuer, Applicant: person(ds.Applicant), DossierCode: ds.Code,
			Procedure: ds.ProcedureName, Reason: doc.Data.Reason, Officer: doc.Signer.Name}
		if doc.Signer.Capacity != "" || doc.SignerPosition != "" || doc.Leader {
			f.Signer = formSigner(doc, "Thủ trưởng cơ quan, đơn vị")
		}
		err = d.r.RenderRefusalSlip(&b, f)
	case dossier.DocApology:
		f := pdf.ApologySlip{FormMeta: meta, Agency: in.Agency.Name, Applicant: person(ds.Applicant), DossierCode: ds.Code,
			Procedure: ds.ProcedureName, ReceivedAt: deref(ds.ReceivedAt), OriginalDueAt: deref(doc.Data.OldDue), Reason: doc.Data.Reason,
			NewDueAt: deref(doc.Data.NewDue), Signer: formSigner(doc, "Thủ trưởng cơ quan, đơn vị")}
		err = d.r.RenderApologySlip(&b, f)
	case dossier.DocStop:
		f := pdf.StopNotice{FormMeta: meta, Agency: in.Heading.Issuer, Applicant: person(ds.Applicant), DossierCode: ds.Code,
			Procedure: ds.ProcedureName, ReceivedAt: deref(ds.ReceivedAt), RequestedAt: deref(doc.Data.RequestedAt), Reason: doc.Data.Reason,
			Signer: formSigner(doc, "Người tiếp nhận hồ sơ")}
		if f.ReceivedAt.IsZero() {
			f.ReceivedAt = deref(ds.SubmittedAt)
		}
		err = d.r.RenderStopNotice(&b, f)
	default:
		return nil, fmt.Errorf("render: no form of kind %q", doc.Kind)
	}
	return b.Bytes(), err
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// ApproveResult renders the result from the approved draft and applies the
// approver's PAdES signature in the signature block, in one go: only for
// officers whose key the server holds (the demo, an HSM). An officer who
// signs with a USB token or a remote signing service approves through a
// signing session (workflow.BeginSigning), which shows the document and
// waits for the signature.
func (d *Documents) ApproveResult(ctx context.Context, in workflow.ResultInput) ([]byte, string, error) {
	p, err := d.PrepareResult(ctx, in)
	if err != nil {
		return nil, "", err
	}
	if p.Method != workflow.SignOnServer {
		return nil, "", dossier.Errorf(dossier.EUNPROCESSABLE, "%s ký bằng %s: hãy phê duyệt trên trang hồ sơ để xem trước văn bản và ký",
			in.Approver.Name, methodText(p.Method))
	}
	signed, err := p.Complete(ctx, workflow.SignatureInput{At: in.At})
	if err != nil {
		return nil, "", err
	}
	return signed, p.Layout, nil
}

// renderResult renders the result document of in, unsigned, for the
// leader's signature: the issuing block and the place from the catalog
// (in.Heading, NĐ 30/2020 Phụ lục I), the number and the date left blank
// for issue (the layout says where), the capacity line, position and name
// of the signer, and the recipients.
func (d *Documents) renderResult(in workflow.ResultInput) ([]byte, pdf.Layout, error) {
	tpl := d.templates.Lookup(in.Procedure.ResultTypeCode)
	h := in.Heading
	if h.Issuer == "" && in.Agency != nil {
		h.Issuer = in.Agency.Name
	}
	if h.Parent == "" && in.Parent != nil {
		h.Parent = in.Parent.Name
	}
	if h.Place == "" {
		h.Place = d.place
	}
	signer := pdf.Signer{Position: upper(in.Approver.Position), Name: in.Approver.Name}
	if in.Approval.Capacity != "" {
		signer.Capacity = upper(in.Approval.Capacity + " " + in.Approval.OnBehalfOf)
	}
	body := []string{}
	if tpl.BodyIntro != "" {
		body = append(body, tpl.BodyIntro)
	}
	for _, p := range strings.Split(in.Dossier.DraftResult, "\n\n") {
		if strings.TrimSpace(p) != "" {
			body = append(body, strings.TrimSpace(p))
		}
	}
	body = append(body, fmt.Sprintf("Cấp cho: %s; số định danh: %s.", in.Dossier.Applicant.Name, in.Dossier.Applicant.IDNumber),
		fmt.Sprintf("Mã hồ sơ: %s.", in.Dossier.Code))
	doc := pdf.ResultDoc{ParentAgency: upper(h.Parent), Agency: upper(h.Issuer), Symbol: in.Symbol, Place: h.Place, Date: in.At,
		Title: tpl.Title, Subtitle: in.Procedure.Name, Body: body,
		Recipients: []string{in.Dossier.Applicant.Name + ";", "Lưu: VT, hồ sơ " + in.Dossier.Code + "."}, Signer: signer,
		VerifyURL: in.VerifyURL, Demo: d.demo}
	var b bytes.Buffer
	lay, err := d.r.RenderResult(&b, doc)
	if err != nil {
		return nil, lay, err
	}
	return b.Bytes(), lay, nil
}

// numberStamps are the number and the date of issue written into the
// places the result left for them (pdf.Layout), or nil for a result
// rendered with its number.
func numberStamps(lay pdf.Layout, number string, at time.Time) []sign.Stamp {
	if lay.Number.Width() <= 0 {
		return nil
	}
	return []sign.Stamp{
		{Page: 1, Rect: rect(lay.Number), Text: pdf.NumberText(number), Size: lay.Size, Font: pdf.SerifFont()},
		{Page: 1, Rect: rect(lay.Date), Text: pdf.DateText(lay.Place, at), Size: lay.Size, Font: pdf.SerifItalicFont(), Center: true},
	}
}

// NumberResult writes the register number and the date of issue into a
// signed result without sealing it electronically (a result sealed only
// with the physical seal on its printed copies). Written after the
// leader's signature, they are covered by a document timestamp (RFC 3161,
// not a seal) so that the file stays whole; without a timestamping
// authority the file is left as the leader signed it, and the clerk
// writes the number and date on the printed copies as on paper (NĐ
// 30/2020 Điều 15.2).
func (d *Documents) NumberResult(ctx context.Context, file []byte, in workflow.SealInput) ([]byte, error) {
	var lay pdf.Layout
	if err := json.Unmarshal([]byte(in.Layout), &lay); err != nil || lay.Page == 0 {
		return nil, fmt.Errorf("render: result layout missing: %v", err)
	}
	if d.tsa == nil {
		return file, nil
	}
	stamped, err := sign.StampPDF(file, numberStamps(lay, in.Number, in.At), &d.sigCache)
	if err != nil {
		return nil, err
	}
	out, err := sign.TimestampPDF(ctx, stamped, d.tsa)
	if err != nil {
		return nil, fmt.Errorf("render: timestamp of the number: %w", userError(err))
	}
	return out, nil
}

func rect(r pdf.Rect) [4]float64 { return [4]float64{r.LLX, r.LLY, r.URX, r.URY} }

// SealResult applies the agency's seal signature, with the register
// number and the issue time in its appearance, overlapping the left third
// of the approver's signature (Decree 30/2020, Phụ lục I), then adds the
// long-term validation data (B-LT).
func (d *Documents) SealResult(ctx context.Context, file []byte, in workflow.SealInput) ([]byte, error) {
	p, err := d.PrepareSeal(ctx, file, in)
	if err != nil {
		return nil, err
	}
	sealed, err := p.Complete(ctx, workflow.SignatureInput{At: in.At})
	if err != nil {
		return nil, err
	}
	return d.addLTV(ctx, sealed, in.At), nil
}

// ArchiveResult makes the archive copy of a result, PAdES B-LTA: revocation
// data as of now for every signature (and for earlier document
// timestamps), then a document timestamp over the whole file from the
// configured TSA. Run again before the last timestamp's certificate or
// algorithm ages out, it adds fresh data and a new timestamp over the old.
// It needs MOTCUA_TSA_URL and revocation data: without either it fails
// (EUNPROCESSABLE) rather than archive a file that would not last.
func (d *Documents) ArchiveResult(ctx context.Context, file []byte, at time.Time) ([]byte, error) {
	if d.tsa == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa cấu hình máy chủ dấu thời gian (MOTCUA_TSA_URL): không lưu trữ dài hạn được")
	}
	rev := d.keys.Revocation()
	if rev == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Không có nguồn dữ liệu thu hồi chứng thư số")
	}
	withDSS, err := sign.AddDSS(ctx, file, sign.DSSOptions{Roots: d.keys.Roots(), Revocation: rev, Now: at})
	if err != nil {
		return nil, fmt.Errorf("render: archive: %w", err)
	}
	out, err := sign.TimestampPDF(ctx, withDSS, d.tsa)
	if err != nil {
		return nil, fmt.Errorf("render: archive timestamp: %w", err)
	}
	return out, nil
}

// addLTV makes an issued result PAdES B-LT (security.md §3): a DSS with
// the certificate chains of both signatures and the CRLs that cover them,
// so the result can be verified offline after the certificates expire.
// When revocation data cannot be had (a CA's CRL server does not answer),
// the result is issued as it is — the seal is valid — and the omission is
// logged; it shows as "LTV: không" on verification.
func (d *Documents) addLTV(ctx context.Context, sealed []byte, at time.Time) []byte {
	rev := d.keys.Revocation()
	if rev == nil {
		return sealed
	}
	out, err := sign.AddDSS(ctx, sealed, sign.DSSOptions{Roots: d.keys.Roots(), Revocation: rev, Now: at})
	if err != nil {
		d.log.Warn("result issued without long-term validation data", "err", err)
		return sealed
	}
	return out
}

// VerifyPDF checks every signature of a result against the trust store,
// now, and reports per signature its PAdES level, timestamp and a plain
// Vietnamese sentence.
func (d *Documents) VerifyPDF(file []byte) ([]workflow.SignatureSummary, error) {
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: d.keys.Roots(), Now: d.now()})
	if err != nil {
		return nil, err
	}
	var out []workflow.SignatureSummary
	approvals := 0
	for _, s := range rep.Signatures {
		role := "Dấu thời gian tài liệu"
		if s.Kind != "timestamp" {
			// An organisation's certificate names the organisation
			// (CN = O); an officer's names the person.
			role = "Lãnh đạo phê duyệt"
			if approvals > 0 || (s.Organization != "" && s.SignerName == s.Organization) {
				role = "Con dấu cơ quan"
			}
			approvals++
		}
		st := "Chữ ký hợp lệ"
		switch {
		case s.Revocation == sign.RevocationRevoked && !s.RevokedAt.After(s.SigningTime):
			st = "Chứng thư số đã bị thu hồi trước thời điểm ký"
		case !s.Intact:
			st = "Tài liệu đã bị sửa đổi sau khi ký"
		}
		sum := workflow.SignatureSummary{Signer: s.SignerName, Role: role, SigningTime: s.SigningTime,
			Intact: s.Intact && rep.Intact, Trusted: s.Trusted, LTV: s.LTV, Revocation: s.Revocation, Status: st,
			Level: s.Level, Issuer: s.Issuer, TimestampAuthority: s.TimestampAuthority, Description: s.Sentence("vi")}
		if s.Timestamped {
			t := s.TimestampTime
			sum.TimestampTime = &t
		}
		if s.Kind == "timestamp" {
			sum.TimestampAuthority = s.SignerName
		}
		out = append(out, sum)
	}
	return out, nil
}

// FileKeys keeps PKCS#12 files under a directory: officers/<username>.p12
// and seals/<agency>.p12, all with one password. In demo mode a missing
// identity is issued by a demo CA kept in the same directory.
type FileKeys struct {
	// PKCS11Module and PKCS11PIN open the token of seals whose key
	// reference is "pkcs11:token=LABEL;object=KEYLABEL" (an HSM).
	PKCS11Module string
	PKCS11PIN    string

	dir      string
	password string
	roots    *x509.CertPool
	demo     *sign.DemoPKI
	http     sign.HTTPRevocation
	mu       sync.Mutex
	cache    map[string]*sign.Identity
}

// OpenFileKeys opens (and in demo mode creates) the key directory.
func OpenFileKeys(dir, password string, trustDir string, demo bool, now time.Time) (*FileKeys, error) {
	if err := os.MkdirAll(filepath.Join(dir, "officers"), 0o700); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "seals"), 0o700); err != nil {
		return nil, err
	}
	k := &FileKeys{dir: dir, password: password, cache: map[string]*sign.Identity{}}
	if trustDir != "" {
		pool, err := sign.LoadTrustStore(trustDir)
		if err != nil {
			return nil, err
		}
		k.roots = pool
	}
	if demo {
		if k.password == "" {
			k.password = sign.DefaultDemoPassword
		}
		certPath, keyPath := filepath.Join(dir, "demo-root.pem"), filepath.Join(dir, "demo-root-key.pem")
		certPEM, err1 := os.ReadFile(certPath)
		keyPEM, err2 := os.ReadFile(keyPath)
		var p *sign.DemoPKI
		var err error
		if err1 == nil && err2 == nil {
			p, err = sign.LoadDemoPKI(certPEM, keyPEM, now)
		} else {
			p, err = sign.NewDemoPKI(now)
			if err == nil {
				var kp []byte
				if kp, err = p.RootKeyPEM(); err == nil {
					err = errors.Join(os.WriteFile(certPath, p.RootPEM(), 0o600), os.WriteFile(keyPath, kp, 0o600))
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("render: demo CA: %w", err)
		}
		p.Password = k.password
		k.demo = p
		if k.roots == nil {
			k.roots = x509.NewCertPool()
		}
		k.roots.AddCert(p.Root)
	}
	return k, nil
}

// Roots returns the trust store.
func (k *FileKeys) Roots() *x509.CertPool { return k.roots }

// DemoPKI returns the demo CA (nil outside demo mode).
func (k *FileKeys) DemoPKI() *sign.DemoPKI { return k.demo }

// Revocation returns the demo CA (which issues its own CRLs) in demo mode,
// else the CRL distribution points of the certificates, over HTTP.
func (k *FileKeys) Revocation() sign.RevocationSource {
	if k.demo != nil {
		return k.demo
	}
	return &k.http
}

func (k *FileKeys) load(kind, name string, issue func() (*sign.Identity, []byte, error)) (*sign.Identity, error) {
	key := kind + "/" + name
	k.mu.Lock()
	defer k.mu.Unlock()
	if id, ok := k.cache[key]; ok {
		return id, nil
	}
	path := filepath.Join(k.dir, kind, safeName(name)+".p12")
	data, err := os.ReadFile(path)
	var id *sign.Identity
	switch {
	case err == nil:
		id, err = sign.LoadPKCS12(data, k.password)
		if err != nil {
			return nil, fmt.Errorf("render: %s: %w", path, err)
		}
	case os.IsNotExist(err) && k.demo != nil:
		var p12 []byte
		id, p12, err = issue()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, p12, 0o600); err != nil {
			return nil, err
		}
	default:
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa có chứng thư số (%s) cho %s", kind, name)
	}
	k.cache[key] = id
	return id, nil
}

// Officer returns the approver's identity.
func (k *FileKeys) Officer(u *dossier.User) (*sign.Identity, error) {
	return k.load("officers", u.Username, func() (*sign.Identity, []byte, error) {
		return k.demo.IssuePerson(u.Name, u.Position, "DEMO "+u.AgencyCode)
	})
}

// Seal returns the agency's seal identity: a key on a PKCS#11 token or
// HSM when the seal's key reference says so, otherwise its PKCS#12 file.
func (k *FileKeys) Seal(a *dossier.Agency, s *dossier.Seal) (*sign.Identity, error) {
	if strings.HasPrefix(s.KeyRef, "pkcs11:") {
		return k.token(s.KeyRef)
	}
	return k.load("seals", a.Code, func() (*sign.Identity, []byte, error) { return k.demo.IssueOrganization(a.Name) })
}

// token opens (once) the key named by a "pkcs11:token=…;object=…"
// reference. The session stays open for the life of the process.
func (k *FileKeys) token(ref string) (*sign.Identity, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id, ok := k.cache[ref]; ok {
		return id, nil
	}
	cfg := sign.PKCS11Config{Module: k.PKCS11Module, PIN: k.PKCS11PIN}
	for _, kv := range strings.Split(strings.TrimPrefix(ref, "pkcs11:"), ";") {
		key, val, _ := strings.Cut(kv, "=")
		switch key {
		case "token":
			cfg.TokenLabel = val
		case "object":
			cfg.KeyLabel = val
		}
	}
	if cfg.Module == "" || cfg.TokenLabel == "" || cfg.KeyLabel == "" {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Khóa con dấu %q: cần MOTCUA_PKCS11_MODULE và tham chiếu pkcs11:token=…;object=…", ref)
	}
	id, _, err := sign.OpenPKCS11(cfg)
	if err != nil {
		return nil, fmt.Errorf("render: seal key %s: %w", ref, err)
	}
	k.cache[ref] = id
	return id, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// ListKeys describes the stored signing identities (officers and seals).
func (d *Documents) ListKeys() ([]workflow.KeyInfo, error) { return d.keys.ListKeys() }

// InstallKey stores a PKCS#12 identity for an officer ("officers", by
// username) or an agency seal ("seals", by agency code) after checking
// that it opens with the password and is usable now.
func (d *Documents) InstallKey(kind, name string, p12 []byte, password string, now time.Time) (*workflow.KeyInfo, error) {
	return d.keys.InstallKey(kind, name, p12, password, now)
}

func keyInfo(kind, name string, id *sign.Identity) workflow.KeyInfo {
	c := id.Certificate
	return workflow.KeyInfo{Kind: kind, Name: name, Subject: c.Subject.CommonName, Organization: strings.Join(c.Subject.Organization, ", "),
		Issuer: c.Issuer.CommonName, NotBefore: c.NotBefore, NotAfter: c.NotAfter,
		Demo: strings.Contains(c.Issuer.CommonName, "DEMO")}
}

// ListKeys reads every PKCS#12 file of the key directory.
func (k *FileKeys) ListKeys() ([]workflow.KeyInfo, error) {
	var out []workflow.KeyInfo
	for _, kind := range []string{"officers", "seals"} {
		files, err := filepath.Glob(filepath.Join(k.dir, kind, "*.p12"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".p12")
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			id, err := sign.LoadPKCS12(data, k.password)
			if err != nil {
				out = append(out, workflow.KeyInfo{Kind: kind, Name: name, Error: "không mở được tệp khóa: " + err.Error()})
				continue
			}
			out = append(out, keyInfo(kind, name, id))
		}
	}
	return out, nil
}

// InstallKey validates and stores a PKCS#12 file, re-encrypting it with
// the key directory's password.
func (k *FileKeys) InstallKey(kind, name string, p12 []byte, password string, now time.Time) (*workflow.KeyInfo, error) {
	if kind != "officers" && kind != "seals" {
		return nil, dossier.Invalid("Loại khóa phải là officers hoặc seals", dossier.FieldError{Field: "kind", Message: "officers hoặc seals"})
	}
	if !dossier.ValidCode(name) {
		return nil, dossier.Invalid("Tên không hợp lệ", dossier.FieldError{Field: "name", Message: "tên đăng nhập hoặc mã cơ quan"})
	}
	id, err := sign.LoadPKCS12(p12, password)
	if err != nil {
		return nil, dossier.Invalid("Không mở được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng)", dossier.FieldError{Field: "file", Message: err.Error()})
	}
	if err := sign.CheckUsable(id.Certificate, now); err != nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Chứng thư số không dùng được: %v", err)
	}
	enc, err := sign.EncodePKCS12(id, k.password)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(k.dir, kind, safeName(name)+".p12")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, enc, 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.cache[kind+"/"+name] = id
	k.mu.Unlock()
	info := keyInfo(kind, name, id)
	return &info, nil
}

// SignComponent signs a digitised component for the reception officer
// (detached CMS, SHA-256, signing-certificate-v2).
func (d *Documents) SignComponent(ctx context.Context, officer *dossier.User, data []byte, at time.Time) ([]byte, error) {
	id, err := d.keys.Officer(officer)
	if err != nil {
		return nil, err
	}
	return sign.SignDetached(data, id, at)
}

// VerifyComponent checks a component's detached signature against the
// trust store and returns the signer's name.
func (d *Documents) VerifyComponent(data, sig []byte) (string, error) {
	info, err := sign.VerifyDetached(data, sig, d.keys.Roots())
	if err != nil {
		return "", err
	}
	return info.SignerName, nil
}
