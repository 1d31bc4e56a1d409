package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

// Signing with preview and consent (issue 17): the approve and issue forms
// of the dossier page open a signing session; its page shows the exact
// document to be signed, the signature block with the capacity line and
// the delegation's legal basis, and the certificate; the officer confirms
// and, by method, signs on the server, through the local signing agent
// (static/sign.js) or with a remote signing OTP.

// AgentOrigin is where the approve page looks for the officer's signing
// agent ("motcua sign-agent").
const AgentOrigin = "http://127.0.0.1:17870"

type uiSignView struct {
	S     *workflow.SigningSession
	Agent string
	Note  string
}

func (s *Server) renderSign(w http.ResponseWriter, r *http.Request, status int, sess *workflow.SigningSession, note string, err error) {
	agent := s.opts.SignAgent
	if agent == "" {
		agent = AgentOrigin
	}
	p := &uiPage{Title: "Xem trước và ký số", Active: "ho-so", D: &uiSignView{S: sess, Agent: agent, Note: note}}
	if sess.Action == dossier.ActIssue {
		p.Title = "Xem trước và đóng dấu"
	}
	if err != nil {
		p.Error = dossier.ErrorMessage(err)
	}
	// The page may talk to the agent on the loopback address, and shows
	// the document in a frame.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "+
		"connect-src 'self' "+agent+"; frame-src 'self'; object-src 'self'; frame-ancestors 'none'")
	s.renderPage(w, r, status, "sign", p)
}

// uiSignStart prepares the signature of an approval or an issue (POST
// /ho-so/{code}/ky/{action}) and shows it for consent.
func (s *Server) uiSignStart(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if !s.svc.SignsInTwoPhases() {
		// No documents are signed (a deployment without the renderer):
		// the step is taken as it is.
		s.uiAct(w, r, u)
		return
	}
	code, a := r.PathValue("code"), dossier.Action(r.PathValue("action"))
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, uiFormError(err))
		return
	}
	v, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	sess, err := s.svc.BeginSigning(r.Context(), u, code, a, v)
	if err != nil {
		switch status := statusOf(dossier.ErrorCode(err)); status {
		case http.StatusForbidden, http.StatusNotFound, http.StatusInternalServerError, http.StatusUnauthorized:
			s.fail(w, r, err)
		default:
			s.showDossier(w, r, u, code, status, a, err, "")
		}
		return
	}
	s.renderSign(w, r, http.StatusOK, sess, strings.TrimSpace(r.PostForm.Get("note")), nil)
}

// uiSignPreview serves the document of a session exactly as it will be
// signed, for the frame of the signing page.
func (s *Server) uiSignPreview(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	pdf, err := s.svc.SessionPreview(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	frameableBySelf(w, "default-src 'none'; object-src 'self'")
	s.writePDF(w, r, pdf, nil, "xem-truoc.pdf")
}

// uiSignComplete takes the officer's consent (POST /ky-so/{id}) with the
// agent's signature or the OTP, and finishes the step.
func (s *Server) uiSignComplete(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, uiFormError(err))
		return
	}
	f := r.PostForm
	in := workflow.CompleteInput{Confirm: f.Get("confirm") != "", OTP: f.Get("otp"), Note: f.Get("note")}
	var err error
	if v := f.Get("signature"); v != "" {
		in.Signature, err = base64.StdEncoding.DecodeString(v)
	}
	if v := f.Get("certificate"); v != "" && err == nil {
		in.Certificate, err = base64.StdEncoding.DecodeString(v)
	}
	sess, serr := s.svc.Session(r.Context(), u, id)
	if serr != nil {
		s.fail(w, r, serr)
		return
	}
	if err != nil {
		err = dossier.Invalid("Chữ ký từ trình ký không đọc được", dossier.FieldError{Field: "signature", Message: "không phải base64"})
	} else {
		_, err = s.svc.CompleteSigning(r.Context(), u, id, in)
	}
	if err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusForbidden || status == http.StatusUnauthorized || status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		if _, gone := s.svc.Session(r.Context(), u, id); gone != nil {
			// The session ended (expired): back to the dossier.
			s.showDossier(w, r, u, sess.DossierCode, status, sess.Action, err, "")
			return
		}
		s.renderSign(w, r, status, sess, in.Note, err)
		return
	}
	http.Redirect(w, r, "/ho-so/"+url.PathEscape(sess.DossierCode)+"?ok="+url.QueryEscape(string(sess.Action)), http.StatusSeeOther)
}

// apiBeginSigning is POST /api/v1/dossiers/{code}/signing {"action",
// "version"}: a signing session (201) with the digest to sign.
func (s *Server) apiBeginSigning(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in struct {
		Action  dossier.Action `json:"action"`
		Version int64          `json:"version"`
	}
	if !s.decoded(w, r, &in) {
		return
	}
	sess, err := s.svc.BeginSigning(r.Context(), u, r.PathValue("code"), in.Action, in.Version)
	s.reply(w, r, http.StatusCreated, sess, err)
}

// apiSigningPreview is GET /api/v1/signing/{id}/preview.pdf.
func (s *Server) apiSigningPreview(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	pdf, err := s.svc.SessionPreview(r.Context(), u, r.PathValue("id"))
	s.writePDF(w, r, pdf, err, "xem-truoc.pdf")
}

// apiCompleteSigning is POST /api/v1/signing/{id} {"confirm": true,
// "signature", "certificate" (base64, from the agent) | "otp"}: the
// dossier after the step; 422 when the signature does not match the
// prepared digest or the registered certificate.
func (s *Server) apiCompleteSigning(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.CompleteInput
	if !s.decoded(w, r, &in) {
		return
	}
	d, err := s.svc.CompleteSigning(r.Context(), u, r.PathValue("id"), in)
	s.reply(w, r, http.StatusOK, d, err)
}
