package web

import (
	"net/http"
	"strconv"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

func (s *Server) apiRate(w http.ResponseWriter, r *http.Request) {
	var in workflow.RatingInput
	if err := decode(w, r, &in); err != nil {
		s.fail(w, r, err)
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

// ratingSummary is the satisfaction of a period (supervisors, admins).
type ratingSummary struct {
	store.RatingTotals
	SatisfactionRate float64 `json:"satisfaction_rate"`
}

func (s *Server) apiRatingSummary(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if !u.HasAny(dossier.RoleSupervisor, dossier.RoleAdmin) {
		s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Chỉ giám sát hoặc quản trị được xem kết quả đánh giá"))
		return
	}
	from, to, err := s.periodOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.RatingFilter{From: from, To: to, Center: q.Get("center"), Agency: q.Get("agency")}
	if !u.Has(dossier.RoleAdmin) {
		if f.Center == "" && len(u.Centers) == 1 {
			f.Center = u.Centers[0]
		}
		if !u.AtCenter(f.Center) {
			s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Chỉ xem được trung tâm của mình"))
			return
		}
	}
	c, err := s.svc.DB().RatingTotals(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ratingSummary{RatingTotals: c, SatisfactionRate: c.SatisfactionRate()})
}

func (s *Server) viewPayment(p *store.Payment) *store.Payment {
	p.CreatedAt = p.CreatedAt.In(s.svc.Location())
	return p
}

func (s *Server) apiCollectFee(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	var in workflow.PaymentInput
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			s.fail(w, r, err)
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
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range ps {
		s.viewPayment(&ps[i])
	}
	writeJSON(w, http.StatusOK, list(ps, ""))
}

func (s *Server) apiPaymentReceipt(w http.ResponseWriter, r *http.Request, u *dossier.User) {
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
