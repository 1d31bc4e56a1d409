package web

import (
	"errors"
	"io"
	"net/http"

	"motcua/dossier"
	"motcua/workflow"
)

// Document exchange (issue 18 item 5): a dossier's inter-agency steps and
// packages (officers), sending one, and the other side's signed answers
// (the integration platform, no session: HMAC per peer).

// Answer headers (package exchange, docs/exchange.md).
const (
	exchangePeerHeader      = "X-Exchange-Peer"
	exchangeTimestampHeader = "X-Exchange-Timestamp"
	exchangeSignatureHeader = "X-Exchange-Signature"
)

// maxExchangeAnswer bounds an answer's body (a base64 PDF of 20 MB).
const maxExchangeAnswer = 28 << 20

func (s *Server) apiDossierExchange(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	v, err := s.svc.DossierExchange(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiSendExchange(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.ExchangeSendInput
	if !s.decoded(w, r, &in) {
		return
	}
	p, err := s.svc.SendExchange(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// apiExchangeAnswer takes an answer of the platform: the body is checked
// against the X-Exchange-Signature of the peer named in X-Exchange-Peer.
func (s *Server) apiExchangeAnswer(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxExchangeAnswer))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = dossier.Errorf(dossier.ETOOLARGE, "Nội dung trả lời vượt quá %d byte", mbe.Limit)
		} else {
			err = dossier.Invalid("Không đọc được nội dung trả lời")
		}
		s.fail(w, r, err)
		return
	}
	p, err := s.svc.ReceiveExchangeAnswer(r.Context(), r.Header.Get(exchangePeerHeader), r.Header.Get(exchangeTimestampHeader),
		r.Header.Get(exchangeSignatureHeader), body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"package_id": p.ID, "status": p.Status})
}
