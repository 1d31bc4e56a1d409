package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// The one-stop forms a dossier's handling produces (issue 15 item 3): the
// domain decides which action gives which form, by whom and signed by
// whom (dossier.FormsOf); the action's transaction numbers each form in
// its issuing body's own register for the year and records it; after the
// commit each form is rendered and, when its signer's key is on the
// server, signed (produceDocuments), outside any transaction. A form not
// produced then (a crash, a signing service down, a leader who has yet to
// sign) is produced when it is next read.

// FormDoc is a numbered form to render.
type FormDoc struct {
	Kind      dossier.DocKind
	Number    string
	VerifyURL string
	At        time.Time // the form's date
	// Signer is the signature block; zero while the form waits for the
	// leader who must sign it (then SignerPosition is printed).
	Signer         dossier.FormSigner
	SignerPosition string
	Data           dossier.DocData
	// Leader says a leader signs the form (dossier.SignerLeader).
	Leader bool
	// Guidance is the guidance slip given at the counter, for a Mẫu 02
	// without a dossier; FormSet is then the form set in force that day.
	Guidance *dossier.GuidanceSlip
	FormSet  string
}

// headingOf returns the issuing block of documents issued by agency code
// (dossier.HeadingOf) from chain, the agency and its superiors nearest
// first (store.DB.AgencyChain), read in one statement.
func headingOf(code string, chain []dossier.Agency, err error) dossier.Heading {
	if err != nil || len(chain) == 0 {
		return dossier.Heading{Issuer: code}
	}
	var up []dossier.Agency
	seen := map[string]bool{chain[0].Code: true}
	for _, a := range chain[1:] {
		if seen[a.Code] || len(up) == 8 {
			break
		}
		seen[a.Code] = true
		up = append(up, a)
	}
	return dossier.HeadingOf(&chain[0], up)
}

// Heading returns the issuing block of documents of agency code.
func (s *Service) Heading(ctx context.Context, code string) dossier.Heading {
	chain, err := s.db.AgencyChain(ctx, code)
	return headingOf(code, chain, err)
}

// ReadDocument is the personal-data access log's name for reading a
// dossier's form.
const ReadDocument = "document"

func (s *Service) verifyURL(token string) string { return s.cfg.BaseURL + "/verify/" + token }

// formContext is what recordForms needs of the action that produces the
// forms.
type formContext struct {
	action  dossier.Action
	role    dossier.Role
	from    dossier.Status
	signing *dossier.Signing // the leader's capacity, when the action was decided under authority
	data    dossier.DocData
}

// recordForms numbers and records, in tx, the forms an action produces on
// d (dossier.FormsOf; d as it was before the action, for the stop
// notice), and returns them. A form a leader must sign is signed by the
// actor when they hold the authority (the capacity of the decision, or
// dossier.Sign for an apology), otherwise it waits for such a leader.
func (s *Service) recordForms(tx *store.Tx, u *dossier.User, d *dossier.Dossier, p *dossier.Procedure, fc formContext) ([]store.StoredDocument, error) {
	plans := dossier.FormsOf(fc.action, fc.role, fc.from, d)
	if len(plans) == 0 {
		return nil, nil
	}
	now := tx.Now()
	year := dossier.DocYear(now, s.Location())
	var out []store.StoredDocument
	for _, pl := range plans {
		issuer := d.AgencyCode
		if pl.Issuer == dossier.IssuerCenter {
			var err error
			if issuer, err = tx.CenterAgency(d.CenterCode); err != nil {
				return nil, err
			}
		}
		n, err := tx.NextFormNumber(issuer, pl.Kind, year)
		if err != nil {
			return nil, err
		}
		sd := store.StoredDocument{DossierID: d.ID, Kind: pl.Kind, AgencyCode: issuer, Year: year, Seq: n,
			Number: dossier.DocNumber(pl.Kind, issuer, n), SignerKind: pl.Signer, Data: fc.data, VerifyToken: newToken(), CreatedBy: u.ID}
		switch pl.Signer {
		case dossier.SignerActor:
			sd.Signer = dossier.SignerFor(u, dossier.Signing{})
		case dossier.SignerLeader:
			if sg, ok := s.leaderSigning(tx, u, p, fc.signing, now); ok {
				sd.Signer = dossier.SignerFor(u, sg)
			}
		}
		if err := tx.InsertDossierDocument(&sd); err != nil {
			return nil, err
		}
		if err := tx.Audit(u.Username, "number", "document", sd.Number, fmt.Sprintf(`{"dossier":%q,"kind":%q}`, d.Code, sd.Kind)); err != nil {
			return nil, err
		}
		out = append(out, sd)
	}
	return out, nil
}

// leaderSigning returns how u signs, as the agency's competent leader, a
// form on procedure p: the capacity of the decision just taken, or, for
// an action decided without authority (an apology), u's own authority or
// delegation in force now. ok is false when u holds neither.
func (s *Service) leaderSigning(tx *store.Tx, u *dossier.User, p *dossier.Procedure, decided *dossier.Signing, now time.Time) (dossier.Signing, bool) {
	if decided != nil {
		return *decided, true
	}
	if !u.Has(dossier.RoleApprover) {
		return dossier.Signing{}, false
	}
	dels, err := tx.DelegationsTo(u.ID)
	if err != nil {
		return dossier.Signing{}, false
	}
	principals := map[int64]*dossier.User{}
	for _, del := range dels {
		if del.FromUserID != 0 && del.FromPosition == "" {
			if fu, err := tx.User(del.FromUserID); err == nil {
				principals[del.FromUserID] = fu
			}
		}
	}
	sg, err := dossier.Sign(u, p, now, dels, principals)
	return sg, err == nil
}

// formData is what the forms of decision dec state.
func formData(dec *dossier.Decision, req dossier.Request, p *dossier.Procedure, oldDue, newDue *time.Time, now time.Time) dossier.DocData {
	data := dossier.DocData{Reason: strings.TrimSpace(req.Reason)}
	switch dec.Rule.Action {
	case dossier.ActRequestSupplement:
		for _, m := range req.Missing {
			if c, ok := p.Component(m); ok {
				data.Missing = append(data.Missing, c.Name)
			}
		}
	case dossier.ActApologize:
		data.OldDue, data.NewDue = oldDue, newDue
	case dossier.ActWithdraw:
		data.RequestedAt = &now
	}
	return data
}

// produceDocuments renders, and signs where the signer's key is on the
// server, the forms of dossier id that have no file yet or an unsigned
// one with a known signer. Failures are logged: the action that produced
// the forms stands, and the forms are produced again when read.
//
// It returns the dossier's documents as they stand after it (produce
// updates each one it stores), so that the answer to the action lists
// them without reading them again; nil when they were not read.
func (s *Service) produceDocuments(ctx context.Context, dossierID int64) []store.StoredDocument {
	if s.docs == nil {
		return nil
	}
	docs, err := s.db.DossierDocuments(ctx, dossierID)
	if err != nil {
		s.log.Error("documents not produced", "dossier", dossierID, "err", err)
		return nil
	}
	for i := range docs {
		if !needsWork(&docs[i]) {
			continue // produce would only read its file back
		}
		if _, err := s.produce(ctx, &docs[i]); err != nil {
			s.log.Error("document not produced", "document", docs[i].Number, "err", err)
		}
	}
	return docs
}

// needsWork reports whether document sd has yet to be rendered or signed.
func needsWork(sd *store.StoredDocument) bool {
	if sd.Kind == dossier.DocResult || sd.Kind == dossier.DocControl {
		return false
	}
	return sd.BlobID == "" || (!sd.Signed && sd.Signer.UserID != 0)
}

// produce renders and signs sd when it needs it and returns its current
// file (nil when it has none).
func (s *Service) produce(ctx context.Context, sd *store.StoredDocument) ([]byte, error) {
	if !needsWork(sd) {
		if sd.BlobID == "" {
			return nil, nil
		}
		return s.ReadBlob(ctx, sd.BlobID)
	}
	if s.docs == nil {
		return nil, nil
	}
	var file []byte
	var err error
	if sd.BlobID != "" {
		file, err = s.ReadBlob(ctx, sd.BlobID)
	} else {
		file, err = s.renderDocument(ctx, sd)
	}
	if err != nil {
		return nil, err
	}
	signed := false
	if sd.Signer.UserID != 0 {
		if out, ok, err := s.signForm(ctx, sd.Signer.UserID, file); err != nil {
			s.log.Warn("form not signed", "document", sd.Number, "err", err)
		} else if ok {
			file, signed = out, true
		}
	}
	if sd.BlobID != "" && !signed {
		return file, nil // nothing changed
	}
	d := newDoc(file)
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := storeDocument(tx, d, sd.CreatedBy); err != nil {
			return err
		}
		return tx.SetDocumentFile(sd.ID, d.id, signed, sd.Signer)
	})
	if dossier.ErrorCode(err) == dossier.ECONFLICT {
		// Signed meanwhile (a token or remote signature, another
		// process): that file is the document now.
		cur, err := s.db.DocumentByID(ctx, sd.ID)
		if err != nil {
			return nil, err
		}
		*sd = *cur
		return s.ReadBlob(ctx, sd.BlobID)
	}
	if err != nil {
		return nil, err
	}
	sd.BlobID, sd.Signed = d.id, signed
	return file, nil
}

// signForm signs file for user id with their key when it is held by the
// server; ok is false (nothing done) when they sign with a token or a
// remote service: the form then waits for them.
func (s *Service) signForm(ctx context.Context, userID int64, file []byte) ([]byte, bool, error) {
	tp := s.ports.Signer
	if tp == nil {
		return nil, false, nil
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	if m, err := tp.SigningMethod(u); err != nil || m != SignOnServer {
		return nil, false, err
	}
	pre, err := tp.PrepareForm(ctx, u, file, s.now())
	if err != nil {
		return nil, false, err
	}
	out, err := pre.Complete(ctx, SignatureInput{At: s.now()})
	return out, err == nil, err
}

// formDoc is the render input of stored document sd.
func (s *Service) formDoc(sd *store.StoredDocument, p *dossier.Procedure) *FormDoc {
	fd := &FormDoc{Kind: sd.Kind, Number: sd.Number, At: sd.CreatedAt, Signer: sd.Signer, Data: sd.Data,
		Leader: sd.SignerKind == dossier.SignerLeader}
	if spec, _ := dossier.SpecOf(sd.Kind); spec.Leaves {
		fd.VerifyURL = s.verifyURL(sd.VerifyToken)
	}
	if sd.Signer.UserID == 0 && sd.SignerKind == dossier.SignerLeader && p != nil {
		fd.SignerPosition = p.ApproverPosition
	}
	return fd
}

// renderDocument renders stored document sd unsigned.
func (s *Service) renderDocument(ctx context.Context, sd *store.StoredDocument) ([]byte, error) {
	if sd.GuidanceID != 0 {
		g, err := s.db.GuidanceSlip(ctx, sd.GuidanceID)
		if err != nil {
			return nil, err
		}
		c, err := s.centerByCode(ctx, g.CenterCode)
		if err != nil {
			return nil, err
		}
		fd := s.formDoc(sd, nil)
		fd.Guidance = g
		// Without a dossier the slip prints with the forms in force the
		// day it was made (the province's rule-set schedule).
		if fd.FormSet, err = s.FormSetAt(ctx, sd.CreatedAt); err != nil {
			return nil, err
		}
		return s.docs.Form(ctx, FormInput{Center: c, Heading: s.Heading(ctx, sd.AgencyCode), Calendar: s.CalendarFor(g.CenterCode), Doc: fd})
	}
	d, err := s.db.DossierByID(ctx, sd.DossierID)
	if err != nil {
		return nil, err
	}
	in, err := s.formInput(ctx, d, sd.AgencyCode)
	if err != nil {
		return nil, err
	}
	in.Doc = s.formDoc(sd, in.Procedure)
	if sd.Kind == dossier.DocReceipt {
		in.Officer = sd.Signer.Name
		return s.docs.Receipt(ctx, in)
	}
	return s.docs.Form(ctx, in)
}

// documentURL is where document sd of dossier code is read.
func documentURL(code string, sd *store.StoredDocument) string {
	base := "/api/v1/dossiers/" + code
	switch sd.Kind {
	case dossier.DocReceipt:
		return base + "/receipt.pdf"
	case dossier.DocControl:
		return base + "/control-slip.pdf"
	case dossier.DocApology:
		return base + "/apology.pdf"
	case dossier.DocResult:
		return base + "/result.pdf"
	}
	return base + "/documents/" + strconv.FormatInt(sd.ID, 10) + ".pdf"
}

// attachDocuments lists d's documents on it (contract §9): every numbered
// form with where to read and to verify it, then the result once issued.
func (s *Service) attachDocuments(ctx context.Context, d *dossier.Dossier) error {
	return s.attachDocumentsFrom(ctx, d, nil)
}

// attachDocumentsFrom is attachDocuments with d's stored documents when
// the caller has them (produceDocuments); nil reads them.
func (s *Service) attachDocumentsFrom(ctx context.Context, d *dossier.Dossier, docs []store.StoredDocument) error {
	if docs == nil {
		var err error
		if docs, err = s.db.DossierDocuments(ctx, d.ID); err != nil {
			return err
		}
	}
	out := []dossier.Document{}
	resultToken := ""
	for i := range docs {
		sd := &docs[i]
		if sd.Kind == dossier.DocResult {
			resultToken = sd.VerifyToken
			continue
		}
		doc := dossier.Document{ID: sd.ID, Kind: sd.Kind, Label: sd.Kind.Label(), Number: sd.Number, URL: documentURL(d.Code, sd),
			Signed: sd.Signed, Signer: sd.Signer, IssuedAt: sd.CreatedAt}
		if spec, _ := dossier.SpecOf(sd.Kind); spec.Leaves {
			doc.VerifyURL = s.verifyURL(sd.VerifyToken)
		}
		out = append(out, doc)
	}
	if r := d.Result; r != nil {
		logs, err := s.db.SealLogOf(ctx, d.ID)
		if err != nil {
			return err
		}
		r.PhysicalSeals, r.SealChoice = logs, sealChoiceOf(r, logs)
		doc := dossier.Document{Kind: dossier.DocResult, Label: dossier.DocResult.Label(), Number: r.Number,
			URL: "/api/v1/dossiers/" + d.Code + "/result.pdf", Signed: r.SHA256 != "", IssuedAt: r.IssuedAt}
		if resultToken != "" {
			doc.VerifyURL = s.verifyURL(resultToken)
		}
		out = append(out, doc)
	}
	d.Documents = out
	return nil
}

// sealChoiceOf tells how result r was sealed from its seal names and the
// stamped copies: no copy is electronic; a copy under the result's only
// seal is physical; a copy besides an electronic seal is both.
func sealChoiceOf(r *dossier.Result, logs []dossier.SealLog) dossier.SealChoice {
	switch {
	case len(logs) == 0:
		return dossier.SealChoiceElectronic
	case r.Seal == logs[0].SealName:
		return dossier.SealChoicePhysical
	}
	return dossier.SealChoiceBoth
}

// dossierDocument returns the stored document of kind k (the latest) of a
// dossier u may see, produced if it was not yet.
func (s *Service) dossierDocument(ctx context.Context, u *dossier.User, code, what string, match func(*store.StoredDocument) bool) (*dossier.Dossier, []byte, error) {
	d, err := s.readDossier(ctx, u, code, what, "")
	if err != nil {
		return nil, nil, err
	}
	docs, err := s.db.DossierDocuments(ctx, d.ID)
	if err != nil {
		return nil, nil, err
	}
	for i := len(docs) - 1; i >= 0; i-- {
		if match(&docs[i]) {
			file, err := s.produce(ctx, &docs[i])
			if err != nil {
				return nil, nil, err
			}
			if file == nil {
				return nil, nil, dossier.Errorf(dossier.ENOTFOUND, "Chưa có tệp của %s", docs[i].Number)
			}
			return d, file, nil
		}
	}
	return d, nil, dossier.Errorf(dossier.ENOTFOUND, "Hồ sơ %s không có văn bản này", code)
}

// DocumentPDF returns document id of dossier code (GET
// /dossiers/{code}/documents/{id}.pdf).
func (s *Service) DocumentPDF(ctx context.Context, u *dossier.User, code string, id int64) ([]byte, error) {
	_, file, err := s.dossierDocument(ctx, u, code, ReadDocument, func(sd *store.StoredDocument) bool {
		return sd.ID == id && sd.Kind != dossier.DocResult && sd.Kind != dossier.DocControl
	})
	return file, err
}

// SignDocument has leader u sign form id of dossier code that waits for a
// leader's signature (an apology filed by reception or an appraiser): u
// must hold the authority over the procedure now, own or delegated
// (dossier.Sign); the form is rendered again with u's signature block and
// signed with u's key when the server holds it. Otherwise (a USB token, a
// remote signing service) the form keeps u as its signer and is signed
// when they next confirm it.
func (s *Service) SignDocument(ctx context.Context, u *dossier.User, code string, id int64) (*dossier.Dossier, error) {
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	sd, err := s.db.DocumentByID(ctx, id)
	if err != nil || sd.DossierID != d.ID {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Hồ sơ %s không có văn bản này", code)
	}
	if sd.SignerKind != dossier.SignerLeader {
		return nil, dossier.Errorf(dossier.ECONFLICT, "%s do người lập ký, không chờ lãnh đạo ký", sd.Number)
	}
	if sd.Signed {
		return nil, dossier.Errorf(dossier.ECONFLICT, "%s đã được ký", sd.Number)
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, err
	}
	if !dossier.CanActAs(u, dossier.RoleApprover, d) {
		return nil, forbidden("Chỉ lãnh đạo có thẩm quyền của cơ quan giải quyết được ký văn bản này")
	}
	var signer dossier.FormSigner
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		sg, ok := s.leaderSigning(tx, u, p, nil, tx.Now())
		if !ok {
			return forbidden(fmt.Sprintf("Ông/bà không có thẩm quyền hoặc ủy quyền còn hiệu lực để ký %s", sd.Number))
		}
		signer = dossier.SignerFor(u, sg)
		// The form is rendered again with the signer's block.
		if err := tx.SetDocumentFile(sd.ID, "", false, signer); err != nil {
			return err
		}
		return tx.Audit(u.Username, "sign_document", "document", sd.Number, fmt.Sprintf(`{"dossier":%q,"capacity":%q}`, d.Code, signer.Capacity))
	})
	if err != nil {
		return nil, err
	}
	s.produceDocuments(ctx, d.ID)
	return s.Dossier(ctx, u, code)
}

// ActSignDocument is the action of a signing session over a one-stop form.
const ActSignDocument dossier.Action = "sign-document"

// BeginDocumentSigning prepares u's signature of form id of dossier code
// as a signing session (see BeginSigning): the officer sees the exact
// form, then signs it with the key where it is — on the server, on a USB
// token through the local agent, or with a remote signing service — and
// CompleteSigning records it. u must be the form's signer, or, for a form
// waiting for the competent leader (an apology filed by reception or an
// appraiser), a leader holding the authority now: the form is then
// rendered with u's signature block.
func (s *Service) BeginDocumentSigning(ctx context.Context, u *dossier.User, code string, id int64) (*SigningSession, error) {
	if u == nil {
		return nil, unauthorized()
	}
	tp, err := s.twoPhase()
	if err != nil {
		return nil, err
	}
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	sd, err := s.db.DocumentByID(ctx, id)
	if err != nil || sd.DossierID != d.ID || sd.Kind == dossier.DocResult || sd.Kind == dossier.DocControl {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Hồ sơ %s không có văn bản này", code)
	}
	if sd.Signed {
		return nil, dossier.Errorf(dossier.ECONFLICT, "%s đã được ký", sd.Number)
	}
	signer := sd.Signer
	switch {
	case sd.SignerKind == dossier.SignerLeader && (sd.Signer.UserID == 0 || sd.Signer.UserID == u.ID):
		// A leader signs under the authority they hold when they sign,
		// own or delegated, even a form that already names them (a
		// delegation may have ended since the decision).
		if signer, err = s.leaderSignerNow(ctx, u, d); err != nil {
			return nil, err
		}
	case sd.Signer.UserID == u.ID:
	default:
		return nil, forbidden(fmt.Sprintf("%s do %s ký", sd.Number, sd.Signer.Name))
	}
	var file []byte
	if signer == sd.Signer && sd.BlobID != "" {
		file, err = s.ReadBlob(ctx, sd.BlobID)
	} else {
		draft := *sd
		draft.Signer = signer
		file, err = s.renderDocument(ctx, &draft)
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	pre, err := tp.PrepareForm(ctx, u, file, now)
	if err != nil {
		return nil, err
	}
	sess := &SigningSession{ID: newToken(), DossierCode: code, Action: ActSignDocument, Method: pre.Method, Version: d.Version,
		Digest: base64.StdEncoding.EncodeToString(pre.Digest), DocumentSHA256: pre.DocumentSHA256, ExpiresAt: pre.Expires,
		Certificate: pre.Certificate, DocumentTitle: sd.Kind.Label() + " số " + sd.Number, Number: sd.Number, DocumentID: sd.ID,
		userID: u.ID, pre: pre, docSigner: signer}
	if signer.Capacity != "" {
		sess.SignerLines = append(sess.SignerLines, strings.ToUpper(signer.Capacity))
	}
	sess.SignerLines = append(sess.SignerLines, strings.ToUpper(signer.Position), signer.Name)
	if err := s.keepSession(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

// leaderSignerNow returns the signature block under which leader u signs,
// now, a form of dossier d that waits for the competent leader: u must be
// a leader of the dossier's agency holding the authority over its
// procedure at this moment, own or delegated (dossier.Sign), as for an
// approval or a refusal.
func (s *Service) leaderSignerNow(ctx context.Context, u *dossier.User, d *dossier.Dossier) (dossier.FormSigner, error) {
	if !dossier.CanActAs(u, dossier.RoleApprover, d) {
		return dossier.FormSigner{}, forbidden("Chỉ lãnh đạo có thẩm quyền của cơ quan giải quyết được ký văn bản này")
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return dossier.FormSigner{}, err
	}
	dels, principals, err := s.LeaderDelegations(ctx, u)
	if err != nil {
		return dossier.FormSigner{}, err
	}
	sg, err := dossier.Sign(u, p, s.now(), dels, principals)
	if err != nil {
		return dossier.FormSigner{}, err
	}
	return dossier.SignerFor(u, sg), nil
}

// completeDocumentSigning finishes a "sign-document" session: the signed
// form replaces the draft, with the officer's consent in the audit trail.
// A leader's authority is checked again at this moment: a delegation that
// ended or changed since the session began refuses the signature (the
// form keeps waiting).
func (s *Service) completeDocumentSigning(ctx context.Context, u *dossier.User, sess *SigningSession, pre *PreparedSignature, c *consent, in CompleteInput) (*dossier.Dossier, error) {
	sd, err := s.db.DocumentByID(ctx, sess.DocumentID)
	if err != nil {
		return nil, err
	}
	if sd.SignerKind == dossier.SignerLeader {
		d, err := s.Dossier(ctx, u, sess.DossierCode)
		if err != nil {
			return nil, err
		}
		now, err := s.leaderSignerNow(ctx, u, d)
		if err != nil {
			return nil, err
		}
		if now != sess.docSigner {
			return nil, dossier.Errorf(dossier.ECONFLICT, "Thẩm quyền ký đã thay đổi từ khi mở phiên ký (%s); vui lòng bắt đầu lại", now.Capacity)
		}
	}
	signed, err := pre.Complete(ctx, SignatureInput{Signature: in.Signature, Certificate: in.Certificate, OTP: strings.TrimSpace(in.OTP), At: s.now()})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(signed)
	c.SignedFile = hex.EncodeToString(sum[:])
	audit, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	doc := newDoc(signed)
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := storeDocument(tx, doc, u.ID); err != nil {
			return err
		}
		if err := tx.SignDocumentFile(sess.DocumentID, doc.id, sess.docSigner); err != nil {
			return err
		}
		if err := tx.DeleteSigningSession(sess.ID); err != nil {
			return err
		}
		return tx.Audit(u.Username, "sign_consent", "document", sess.Number, string(audit))
	})
	if err != nil {
		return nil, err
	}
	return s.Dossier(ctx, u, sess.DossierCode)
}
