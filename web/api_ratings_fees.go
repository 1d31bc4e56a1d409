package web

import (
	"net/http"
	"strconv"

	"motcua/dossier"
	"motcua/workflow"
)

func (s *Server) apiRate(w http.ResponseWriter, r *http.Request) {
	var in workflow.RatingInput
	if !s.decoded(w, r, &in) {
		return
	}
	rt, err := s.svc.Rate(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rt.CreatedAt = rt.CreatedAt.In(s.svc.Location())
	writeJSON(w, http.StatusCreated, rt)
}

func (s *Server) apiRatingSummary(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	from, to, err := periodOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	sum, err := s.svc.RatingSummary(r.Context(), u, workflow.RatingQuery{From: from, To: to, Center: q.Get("center"), Agency: q.Get("agency")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

func (s *Server) viewPayment(p *workflow.Payment) *workflow.Payment {
	p.CreatedAt = p.CreatedAt.In(s.svc.Location())
	return p
}

func (s *Server) apiCollectFee(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.PaymentInput
	if r.ContentLength != 0 {
		if !s.decoded(w, r, &in) {
			return
		}
	}
	p, err := s.feesOf().Collect(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/payments/"+strconv.FormatInt(p.ID, 10)+"/receipt.pdf")
	writeJSON(w, http.StatusCreated, s.viewPayment(p))
}

func (s *Server) apiPayments(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	ps, err := s.feesOf().Payments(r.Context(), u, r.PathValue("code"))
	s.reply(w, r, http.StatusOK, list(viewEach(ps, s.viewPayment), ""), err)
}

// receiptPDF serves the e-receipt of payment {id}, to the API and to the
// citizen's pages (fail answers each in its own format).
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy biên lai"))
		return
	}
	p, pdf, err := s.feesOf().ReceiptPDF(r.Context(), u, id)
	name := "bien-lai.pdf"
	if p != nil {
		name = "bien-lai-" + p.ReceiptSeries + "-" + p.ReceiptNumber + ".pdf"
	}
	s.writePDF(w, r, pdf, err, name)
}
