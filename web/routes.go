package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"motcua/workflow"
)

// routes lists every route of motcua, for its four audiences: the JSON API
// under /api/v1 (api_*.go), the officers' pages (officer_*.go), the public
// pages and citizens' pages (public_*.go) and the reports (reports_*.go).
// Reading this function shows the whole surface.
//
// Wrappers say who may call: needUser (API, a signed-in user; the use case
// decides the rest), officer/admin/citizen/supervisor (pages, see gated),
// limited (public, rate limited per address), idem (honours
// Idempotency-Key). Errors of every route leave through fail (errors.go).
func (s *Server) routes() {
	m := muxRecorder{s} // s.mux, remembering each pattern (Routes)
	idem := func(h http.HandlerFunc) http.Handler { return s.idempotent(h) }

	// ---- Operations -------------------------------------------------------
	m.HandleFunc("GET /healthz", s.healthz)
	m.Handle("GET /metrics", s.metricsGate(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
	m.Handle("GET /static/", http.StripPrefix("/static/", s.ui.static))
	m.HandleFunc("GET /favicon.ico", s.favicon) // for what browsers ask without a page (PDF tabs)

	// ---- JSON API (contract §2–8) ------------------------------------------

	// The description of this API (contract §9).
	m.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)

	// Session (contract §2).
	m.HandleFunc("POST /api/v1/session", s.limited(s.apiLogin))
	m.HandleFunc("DELETE /api/v1/session", s.apiLogout)
	m.HandleFunc("GET /api/v1/me", s.needUser(s.apiMe))

	// Catalog (contract §3).
	m.HandleFunc("GET /api/v1/agencies", s.apiAgencies)
	m.HandleFunc("GET /api/v1/centers", s.apiCenters)
	m.Handle("POST /api/v1/centers", idem(s.needUser(apiSave(s, http.StatusOK, s.svc.SaveCenter))))
	m.HandleFunc("GET /api/v1/procedures", s.apiProcedures)
	m.HandleFunc("GET /api/v1/procedures/{code}", s.apiProcedure)
	m.Handle("POST /api/v1/imports/{kind}", idem(s.needUser(s.apiImport)))

	// Blobs.
	m.Handle("POST /api/v1/blobs", idem(s.needUser(s.apiUpload)))
	m.HandleFunc("GET /api/v1/blobs/{id}", s.needUser(s.apiBlob))

	// Dossiers (contract §3–4).
	m.Handle("POST /api/v1/guidance-slips", idem(s.needUser(apiSave(s, http.StatusCreated, s.svc.CreateGuidanceSlip))))
	m.HandleFunc("GET /api/v1/guidance-slips/{id}", s.needUser(s.apiGuidance))
	m.HandleFunc("GET /api/v1/guidance-slips/{id}/pdf", s.needUser(s.apiGuidancePDF))
	m.Handle("POST /api/v1/dossiers", idem(s.needUser(s.apiReceive)))
	m.HandleFunc("GET /api/v1/dossiers", s.needUser(s.apiDossiers))
	m.HandleFunc("GET /api/v1/dossiers/{code}", s.needUser(s.apiDossier))
	m.Handle("POST /api/v1/dossiers/{code}/actions/{action}", idem(s.needUser(s.apiAct)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/receipt.pdf", s.needUser(s.dossierPDF("giay-tiep-nhan-", s.svc.ReceiptPDF)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/control-slip.pdf", s.needUser(s.dossierPDF("phieu-kiem-soat-", s.svc.ControlSlipPDF)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/apology.pdf", s.needUser(s.dossierPDF("phieu-xin-loi-", s.svc.ApologyPDF)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/result.pdf", s.needUser(s.dossierPDF("ket-qua-", s.svc.ResultPDF)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/documents/{file}", s.needUser(s.apiDocumentPDF))
	m.Handle("POST /api/v1/dossiers/{code}/documents/{id}/sign", idem(s.needUser(apiOnDocument(s, http.StatusOK, s.svc.SignDocument))))
	m.Handle("POST /api/v1/dossiers/{code}/documents/{id}/signing", idem(s.needUser(apiOnDocument(s, http.StatusCreated, s.svc.BeginDocumentSigning))))
	m.HandleFunc("GET /api/v1/dossiers/{code}/components/{component}/signature.p7s", s.needUser(s.apiComponentSignature))
	m.HandleFunc("GET /api/v1/warehouse/{id_number}", s.needUser(s.apiWarehouse))
	m.HandleFunc("GET /api/v1/dossiers/{code}/warehouse", s.needUser(s.apiWarehouse))
	m.HandleFunc("GET /api/v1/access-log", s.needUser(s.apiAccessLog))

	// Signing with preview and consent (approve, issue; issue 17).
	m.Handle("POST /api/v1/dossiers/{code}/signing", idem(s.needUser(s.apiBeginSigning)))
	m.HandleFunc("GET /api/v1/signing/{id}/preview.pdf", s.needUser(s.apiSigningPreview))
	m.Handle("POST /api/v1/signing/{id}", idem(s.needUser(s.apiCompleteSigning)))

	// Document exchange with other bodies (issue 18 item 5): officers see
	// and send packages; the integration platform posts signed answers.
	m.HandleFunc("GET /api/v1/dossiers/{code}/exchange", s.needUser(s.apiDossierExchange))
	m.Handle("POST /api/v1/dossiers/{code}/exchange", idem(s.needUser(s.apiSendExchange)))
	m.HandleFunc("POST /api/v1/exchange/answers", s.apiExchangeAnswer)

	// Fees and e-receipts.
	m.Handle("POST /api/v1/dossiers/{code}/payments", idem(s.needUser(s.apiCollectFee)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/payments", s.needUser(s.apiPayments))
	m.HandleFunc("GET /api/v1/payments/{id}/receipt.pdf", s.needUser(s.receiptPDF))
	// Online payment through the payment gateway (docs/payment.md): the
	// applicant starts an order; the gateway calls back, signed.
	m.Handle("POST /api/v1/dossiers/{code}/payment-orders", idem(s.needUser(s.apiPayOnline)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/payment-orders", s.needUser(s.apiPaymentOrders))
	m.HandleFunc("POST /api/v1/public/payments/callback", s.apiPaymentCallback) // workflow.PaymentNotifyPath

	// Authority and administration.
	m.HandleFunc("GET /api/v1/users", s.needUser(apiByAgency(s, s.svc.Users)))
	m.Handle("POST /api/v1/users", idem(s.needUser(s.apiCreateUser)))
	m.Handle("POST /api/v1/users/{id}/disable", idem(s.needUser(s.apiDisableUser)))
	m.HandleFunc("GET /api/v1/delegations", s.needUser(apiByAgency(s, s.svc.Delegations)))
	m.Handle("POST /api/v1/delegations", idem(s.needUser(apiSave(s, http.StatusCreated, s.svc.CreateDelegation))))
	m.Handle("POST /api/v1/delegations/{id}/revoke", idem(s.needUser(s.apiRevokeDelegation)))
	m.HandleFunc("GET /api/v1/leader-schedule", s.needUser(s.apiShifts))
	m.Handle("POST /api/v1/leader-schedule", idem(s.needUser(apiSave(s, http.StatusCreated, s.svc.CreateShift))))
	m.HandleFunc("GET /api/v1/registers", s.needUser(apiByAgency(s, s.svc.Registers)))
	m.HandleFunc("GET /api/v1/seals", s.needUser(apiByAgency(s, s.svc.Seals)))
	m.Handle("POST /api/v1/seals", idem(s.needUser(apiSave(s, http.StatusCreated, s.svc.SaveSeal))))
	m.HandleFunc("GET /api/v1/calendar/overrides", s.apiOverrides)
	m.Handle("POST /api/v1/calendar/overrides", idem(s.needUser(s.apiPutOverride)))
	m.HandleFunc("DELETE /api/v1/calendar/overrides/{date}", s.needUser(s.apiDeleteOverride))
	m.HandleFunc("GET /api/v1/calendar/holidays/{year}", s.apiHolidays)
	m.HandleFunc("GET /api/v1/audit", s.needUser(s.apiAudit))
	m.HandleFunc("GET /api/v1/rule-sets", s.needUser(s.apiRuleSets))
	m.Handle("PUT /api/v1/rule-sets/schedule", idem(s.needUser(s.apiSetRuleSetSchedule)))
	m.HandleFunc("GET /api/v1/outbox", s.needUser(s.apiOutbox))
	m.Handle("POST /api/v1/outbox/{id}/retry", idem(s.needUser(s.apiRetryDelivery)))

	// Public API (no account; rate limited).
	m.HandleFunc("GET /api/v1/public/lookup", s.limited(s.apiLookup))
	m.HandleFunc("GET /api/v1/public/verify/{token}", s.limited(s.apiVerify))
	m.HandleFunc("GET /api/v1/public/verify-receipt/{token}", s.limited(s.apiVerifyReceipt))
	m.HandleFunc("GET /api/v1/public/leader-schedule", s.limited(s.apiPublicSchedule))
	m.HandleFunc("GET /api/v1/public/statistics", s.limited(s.apiPublicStatistics))
	m.HandleFunc("POST /api/v1/public/register", s.limited(s.apiRegister))
	m.HandleFunc("POST /api/v1/public/ratings", s.limited(s.apiRate))
	m.HandleFunc("GET /api/v1/ratings/summary", s.needUser(s.apiRatingSummary))
	m.Handle("POST /api/v1/ratings/{id}/answer", idem(s.needUser(s.apiAnswerFeedback)))
	m.HandleFunc("GET /api/v1/reports/feedback", s.needUser(s.apiFeedback))

	// Queue (contract §8).
	m.HandleFunc("GET /api/v1/queue/services", s.limited(s.apiQueueServices))
	m.Handle("PUT /api/v1/queue/services", idem(s.needUser(s.apiSetQueueServices)))
	m.HandleFunc("POST /api/v1/queue/tickets", s.limited(s.apiIssueTicket))
	m.Handle("POST /api/v1/queue/call-next", idem(s.needUser(s.apiCallNext)))
	m.Handle("POST /api/v1/queue/recall", idem(s.needUser(s.apiRecall)))
	m.Handle("POST /api/v1/queue/skip", idem(s.needUser(s.apiSkip)))
	m.Handle("POST /api/v1/queue/finish", idem(s.needUser(s.apiFinishTicket)))
	m.HandleFunc("GET /api/v1/queue/events", s.limited(s.apiQueueEvents))
	m.HandleFunc("GET /api/v1/queue/board", s.limited(s.apiQueueBoard))
	m.HandleFunc("GET /api/v1/queue/stats", s.needUser(s.apiQueueStats))

	// Reports (contract §7): each one as JSON at NAME and NAME.json and as a
	// spreadsheet at NAME.xlsx.
	report := func(name string, h reportHandlers) {
		m.HandleFunc("GET /api/v1/reports/"+name, h.json)
		m.HandleFunc("GET /api/v1/reports/"+name+".json", h.json)
		m.HandleFunc("GET /api/v1/reports/"+name+".xlsx", h.xlsx)
	}
	report("summary", reportOf(s, s.svc.Summary, summarySheet))
	report("by-agency", s.breakdownOf(workflow.ByAgency))
	report("by-procedure", s.breakdownOf(workflow.ByProcedure))
	report("by-center", s.breakdownOf(workflow.ByCenter))
	report("by-level", s.breakdownOf(workflow.ByLevel))
	report("by-month", s.breakdownOf(workflow.ByMonth))
	report("by-officer", reportOf(s, s.svc.ByOfficer, officerSheet))
	report("indicators", reportOf(s, s.svc.Indicators, indicatorsSheet))
	report("evaluation", reportOf(s, s.svc.Evaluation, evaluationSheet))
	m.HandleFunc("GET /api/v1/reports/overdue", s.needUser(s.apiOverdue(false)))
	m.HandleFunc("GET /api/v1/reports/overdue.xlsx", s.needUser(s.apiOverdue(true)))
	m.HandleFunc("GET /api/v1/reports/ledger.xlsx", s.needUser(s.apiLedger(false)))
	m.HandleFunc("GET /api/v1/reports/ledger.pdf", s.needUser(s.apiLedger(true)))
	m.Handle("POST /api/v1/reports/recount", idem(s.needUser(s.apiRecount)))

	// ---- Officers' pages (contract §2) -------------------------------------

	// Sign-in.
	m.HandleFunc("GET /login", s.uiLoginPage)
	m.HandleFunc("POST /login", s.limited(s.uiLogin))
	m.HandleFunc("POST /logout", s.uiLogout)

	// Work lists and dossiers.
	m.HandleFunc("GET /{$}", s.home) // officers: the work list; everybody else: the public home
	m.HandleFunc("GET /ho-so", s.officer(s.uiWorkList))
	m.HandleFunc("GET /ho-so/{code}", s.officer(s.uiDossier))
	m.HandleFunc("GET /ho-so/{code}/tep/{id}", s.officer(s.uiDossierFile))
	m.HandleFunc("GET /ho-so/{code}/{action}", s.officer(s.uiActionForm))
	m.HandleFunc("POST /ho-so/{code}/thu-phi", s.officer(s.uiCollectFee))
	m.HandleFunc("POST /ho-so/{code}/lien-thong", s.officer(s.uiSendExchange))
	m.HandleFunc("POST /ho-so/{code}/{action}", s.officer(s.uiAct))
	m.HandleFunc("POST /ho-so/{code}/ky/{action}", s.officer(s.uiSignStart))
	m.HandleFunc("GET /ky-so/{id}/van-ban.pdf", s.officer(s.uiSignPreview))
	m.HandleFunc("POST /ky-so/{id}", s.officer(s.uiSignComplete))

	// Reception desk.
	m.HandleFunc("GET /tiep-nhan", s.officer(s.uiReception))
	m.HandleFunc("GET /tiep-nhan/thu-tuc", s.officer(s.uiProcedureSearch))
	m.HandleFunc("POST /tiep-nhan/kiem-tra", s.officer(s.uiValidateApplicant))
	m.HandleFunc("POST /tiep-nhan", s.officer(s.uiReceive))
	m.HandleFunc("POST /tiep-nhan/phieu-huong-dan", s.officer(s.uiGuidance))
	m.HandleFunc("GET /tiep-nhan/phieu-huong-dan/{id}", s.officer(s.uiGuidancePage))

	// Counter caller for reception (call next, recall, skip).
	m.HandleFunc("GET /goi-so", s.reception(s.pageCaller))

	// Dashboards (supervisors and admins).
	m.HandleFunc("GET /bao-cao", s.supervisor(s.uiReports))

	// Administration (admins).
	m.HandleFunc("GET /quan-tri", s.admin(s.adminSection("home")))
	m.HandleFunc("GET /quan-tri/co-quan", s.admin(s.adminSection("co-quan")))
	m.HandleFunc("POST /quan-tri/nhap/{kind}", s.admin(s.uiAdminImport))
	m.HandleFunc("GET /quan-tri/thu-tuc", s.admin(s.adminSection("thu-tuc")))
	m.HandleFunc("GET /quan-tri/tai-khoan", s.admin(s.adminSection("tai-khoan")))
	m.HandleFunc("POST /quan-tri/tai-khoan", s.admin(s.adminPost("tai-khoan", s.uiAdminCreateUser)))
	m.HandleFunc("POST /quan-tri/tai-khoan/{id}/khoa", s.admin(s.adminPost("tai-khoan", s.uiAdminDisableUser)))
	m.HandleFunc("GET /quan-tri/uy-quyen", s.admin(s.adminSection("uy-quyen")))
	m.HandleFunc("POST /quan-tri/uy-quyen", s.admin(s.adminPost("uy-quyen", s.uiAdminCreateDelegation)))
	m.HandleFunc("POST /quan-tri/uy-quyen/{id}/thu-hoi", s.admin(s.adminPost("uy-quyen", s.uiAdminRevokeDelegation)))
	m.HandleFunc("GET /quan-tri/lich-truc", s.admin(s.adminSection("lich-truc")))
	m.HandleFunc("POST /quan-tri/lich-truc", s.admin(s.adminPost("lich-truc", s.uiAdminCreateShift)))
	m.HandleFunc("GET /quan-tri/ngay-nghi", s.admin(s.adminSection("ngay-nghi")))
	m.HandleFunc("POST /quan-tri/ngay-nghi", s.admin(s.adminPost("ngay-nghi", s.uiAdminPutOverride)))
	m.HandleFunc("POST /quan-tri/ngay-nghi/{date}/xoa", s.admin(s.adminPost("ngay-nghi", s.uiAdminDeleteOverride)))
	m.HandleFunc("GET /quan-tri/so-dang-ky", s.admin(s.adminSection("so-dang-ky")))
	m.HandleFunc("GET /quan-tri/khoa", s.admin(s.adminSection("khoa")))
	m.HandleFunc("POST /quan-tri/khoa", s.admin(s.uiAdminInstallKey))
	m.HandleFunc("GET /quan-tri/con-dau", s.admin(s.adminSection("con-dau")))
	m.HandleFunc("POST /quan-tri/con-dau", s.admin(s.adminPost("con-dau", s.uiAdminSaveSeal)))
	m.HandleFunc("GET /quan-tri/thuong-hieu", s.admin(s.uiAdminBranding))
	m.HandleFunc("POST /quan-tri/thuong-hieu", s.admin(s.uiAdminSaveBranding))
	m.HandleFunc("GET /quan-tri/hop-thu-di", s.admin(s.uiOutbox))
	m.HandleFunc("POST /quan-tri/hop-thu-di/{id}/gui-lai", s.admin(s.uiRetryDelivery))

	// ---- Public pages (contract §2, §5, §8): no account, rate limited -------
	m.HandleFunc("GET /thong-ke", s.limited(s.pageStats))
	m.HandleFunc("GET /xac-thuc", s.limited(s.pageVerifyForm))
	m.HandleFunc("GET /thu-tuc", s.limited(s.pageCatalog))
	m.HandleFunc("GET /thu-tuc/{code}", s.limited(s.pageProcedure))
	m.HandleFunc("GET /thuong-hieu.css", s.brandingCSS)
	m.HandleFunc("GET /thuong-hieu/bieu-trung", s.brandingEmblem)
	m.HandleFunc("GET /thu-tuc/{code}/mau/{component}", s.limited(s.pageBlankForm))
	m.HandleFunc("GET /tra-cuu", s.limited(s.pageLookup))
	m.HandleFunc("GET /verify/{token}", s.limited(s.pageVerify))
	m.HandleFunc("GET /verify/bien-lai/{token}", s.limited(s.pageVerifyReceipt))
	m.HandleFunc("GET /lich-truc", s.limited(s.pageSchedule))
	m.HandleFunc("GET /kiosk", s.limited(s.pageKiosk))
	m.HandleFunc("POST /kiosk", s.limited(s.pageKioskIssue))
	m.HandleFunc("GET /man-hinh", s.limited(s.pageDisplay))
	m.HandleFunc("GET /danh-gia", s.limited(s.pageRating))
	m.HandleFunc("POST /danh-gia", s.limited(s.pageRate))
	m.HandleFunc("GET /thanh-toan/ket-qua", s.limited(s.pagePaymentReturn)) // workflow.PaymentReturnPath

	// Citizens online (contract §5).
	m.HandleFunc("GET /dang-ky", s.limited(s.pageRegister))
	m.HandleFunc("POST /dang-ky", s.limited(s.pageRegisterPost))
	m.HandleFunc("GET /dang-nhap", s.limited(s.pageCitizenLogin))
	m.HandleFunc("POST /dang-nhap", s.limited(s.pageCitizenLoginPost))
	m.HandleFunc("POST /dang-xuat", s.pageCitizenLogout)
	m.HandleFunc("GET /dang-nhap/vneid", s.limited(s.pageVNeIDStart))             // OpenID Connect (public_vneid.go)
	m.HandleFunc("GET /dang-nhap/vneid/callback", s.limited(s.pageVNeIDCallback)) // the provider's redirect back
	m.HandleFunc("GET /nop-truc-tuyen", s.citizen(s.pageSubmit))
	m.HandleFunc("POST /nop-truc-tuyen", s.citizen(s.pageSubmitPost))
	m.HandleFunc("GET /cong-dan", s.citizen(s.pageMyDossiers))
	m.HandleFunc("GET /cong-dan/ho-so/{code}", s.citizen(s.pageMyDossier))
	m.HandleFunc("POST /cong-dan/ho-so/{code}/bo-sung", s.citizen(s.pageSupplement))
	m.HandleFunc("POST /cong-dan/ho-so/{code}/nop-phi", s.citizen(s.pagePayOnline))
	m.HandleFunc("GET /cong-dan/ho-so/{code}/ket-qua.pdf", s.citizen(s.dossierPDF("ket-qua-", s.svc.ResultPDF)))
	m.HandleFunc("GET /cong-dan/bien-lai/{id}", s.citizen(s.receiptPDF))
}
