package web

import "net/http"

// pageVerifyReceipt is the public verification page of an e-receipt
// (GET /verify/bien-lai/{token}, the address printed with its QR code).
func (s *Server) pageVerifyReceipt(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.VerifyEReceipt(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frontRender(w, r, http.StatusOK, "verify_receipt", &fpage{Title: "Xác thực biên lai điện tử", D: v})
}

// apiVerifyReceipt is GET /api/v1/public/verify-receipt/{token}.
func (s *Server) apiVerifyReceipt(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.VerifyEReceipt(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
