package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every route of motcua: the JSON API under /api/v1 and the
// web pages. Reading this function shows the whole surface.
func (s *Server) routes() {
	m := s.mux
	idem := func(h http.HandlerFunc) http.Handler { return s.idempotent(h) }

	// Operations.
	m.HandleFunc("GET /healthz", s.healthz)
	m.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))

	// Session (contract §2).
	m.HandleFunc("POST /api/v1/session", s.limited(s.apiLogin))
	m.HandleFunc("DELETE /api/v1/session", s.apiLogout)
	m.HandleFunc("GET /api/v1/me", s.needUser(s.apiMe))

	// Catalog (contract §3).
	m.HandleFunc("GET /api/v1/agencies", s.apiAgencies)
	m.HandleFunc("GET /api/v1/centers", s.apiCenters)
	m.Handle("POST /api/v1/centers", idem(s.needUser(s.apiSaveCenter)))
	m.HandleFunc("GET /api/v1/procedures", s.apiProcedures)
	m.HandleFunc("GET /api/v1/procedures/{code}", s.apiProcedure)
	m.Handle("POST /api/v1/imports/{kind}", idem(s.needUser(s.apiImport)))

	// Blobs.
	m.Handle("POST /api/v1/blobs", idem(s.needUser(s.apiUpload)))
	m.HandleFunc("GET /api/v1/blobs/{id}", s.needUser(s.apiBlob))

	// Dossiers (contract §3–4).
	m.Handle("POST /api/v1/guidance-slips", idem(s.needUser(s.apiCreateGuidance)))
	m.HandleFunc("GET /api/v1/guidance-slips/{id}", s.needUser(s.apiGuidance))
	m.HandleFunc("GET /api/v1/guidance-slips/{id}/pdf", s.needUser(s.apiGuidancePDF))
	m.Handle("POST /api/v1/dossiers", idem(s.needUser(s.apiReceive)))
	m.HandleFunc("GET /api/v1/dossiers", s.needUser(s.apiDossiers))
	m.HandleFunc("GET /api/v1/dossiers/{code}", s.needUser(s.apiDossier))
	m.Handle("POST /api/v1/dossiers/{code}/actions/{action}", idem(s.needUser(s.apiAct)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/receipt.pdf", s.needUser(s.apiReceiptPDF))
	m.HandleFunc("GET /api/v1/dossiers/{code}/control-slip.pdf", s.needUser(s.apiControlSlipPDF))
	m.HandleFunc("GET /api/v1/dossiers/{code}/apology.pdf", s.needUser(s.apiApologyPDF))
	m.HandleFunc("GET /api/v1/dossiers/{code}/result.pdf", s.needUser(s.apiResultPDF))
	m.HandleFunc("GET /api/v1/dossiers/{code}/components/{component}/signature.p7s", s.needUser(s.apiComponentSignature))
	m.HandleFunc("GET /api/v1/warehouse/{id_number}", s.needUser(s.apiWarehouse))

	// Authority and administration.
	m.HandleFunc("GET /api/v1/users", s.needUser(s.apiUsers))
	m.Handle("POST /api/v1/users", idem(s.needUser(s.apiCreateUser)))
	m.Handle("POST /api/v1/users/{id}/disable", idem(s.needUser(s.apiDisableUser)))
	m.HandleFunc("GET /api/v1/delegations", s.needUser(s.apiDelegations))
	m.Handle("POST /api/v1/delegations", idem(s.needUser(s.apiCreateDelegation)))
	m.Handle("POST /api/v1/delegations/{id}/revoke", idem(s.needUser(s.apiRevokeDelegation)))
	m.HandleFunc("GET /api/v1/leader-schedule", s.needUser(s.apiShifts))
	m.Handle("POST /api/v1/leader-schedule", idem(s.needUser(s.apiCreateShift)))
	m.HandleFunc("GET /api/v1/registers", s.needUser(s.apiRegisters))
	m.HandleFunc("GET /api/v1/seals", s.needUser(s.apiSeals))
	m.Handle("POST /api/v1/seals", idem(s.needUser(s.apiCreateSeal)))
	m.HandleFunc("GET /api/v1/calendar/overrides", s.apiOverrides)
	m.Handle("POST /api/v1/calendar/overrides", idem(s.needUser(s.apiPutOverride)))
	m.HandleFunc("DELETE /api/v1/calendar/overrides/{date}", s.needUser(s.apiDeleteOverride))
	m.HandleFunc("GET /api/v1/calendar/holidays/{year}", s.apiHolidays)
	m.HandleFunc("GET /api/v1/audit", s.needUser(s.apiAudit))

	// Public (no account; rate limited).
	m.HandleFunc("GET /api/v1/public/lookup", s.limited(s.apiLookup))
	m.HandleFunc("GET /api/v1/public/verify/{token}", s.limited(s.apiVerify))
	m.HandleFunc("POST /api/v1/public/register", s.limited(s.apiRegister))

	// BEGIN front routes (issue 7: public front, queue, ratings, fees) — front.go
	s.frontRoutes(m)
	// END front routes

	// BEGIN report routes (issue 8) — reports_api.go
	s.reportRoutes(m)
	// END report routes

	// BEGIN ui routes (issue 6: officers' web UI) — ui.go
	s.uiRoutes(m)
	// END ui routes
}
