package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"motcua/dossier"
)

// The numbered forms of a dossier (contract §9: GET /dossiers/{code} lists
// them with their url and verify_url).

// documentID reads "{id}.pdf" or "{id}"; anything else names no
// document (ENOTFOUND).
func documentID(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSuffix(v, ".pdf"), 10, 64)
	if err != nil || id <= 0 {
		return 0, dossier.Errorf(dossier.ENOTFOUND, "Không có văn bản %q", v)
	}
	return id, nil
}

func (s *Server) apiDocumentPDF(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := documentID(r.PathValue("file"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pdf, err := s.svc.DocumentPDF(r.Context(), u, r.PathValue("code"), id)
	s.writePDF(w, r, pdf, err, "van-ban-"+strconv.FormatInt(id, 10)+"-"+r.PathValue("code")+".pdf")
}

// apiOnDocument answers with status what the use case call does to the
// form {id} of the dossier {code}:
//   - SignDocument: a leader signs a form waiting for the competent
//     leader's signature (an apology filed by reception or an appraiser);
//   - BeginDocumentSigning opens a signing session over a form (its signer,
//     or a leader for a form waiting for one); POST /api/v1/signing/{id}
//     completes it as for a result.
func apiOnDocument[T any](s *Server, status int, call func(context.Context, *dossier.User, string, int64) (T, error)) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		id, err := documentID(r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := call(r.Context(), u, r.PathValue("code"), id)
		s.reply(w, r, status, out, err)
	}
}
