package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"motcua/workflow"
)

// The public front (issue 7): the procedure catalog, lookup and
// verification pages, citizens' online submission, the queue kiosk and
// counter display with their live event stream, satisfaction ratings, and
// fees with e-receipts. Handlers live in public_*.go and api_queue.go, templates in
// templates/public/, assets in static/front.css and static/front.js.

//go:embed templates/public
var frontTemplateFS embed.FS

// front holds the state of the public front: its templates, the fee use
// cases and the in-process hub of queue display streams.
type front struct {
	pages map[string]*template.Template
	hub   *hub

	mu   sync.Mutex
	fees *workflow.Fees
}

func newFront() *front {
	base := template.Must(template.New("base").Funcs(frontFuncs).ParseFS(frontTemplateFS, "templates/public/layout.html"))
	names, err := fs.Glob(frontTemplateFS, "templates/public/pages/*.html")
	if err != nil {
		panic(err)
	}
	f := &front{pages: map[string]*template.Template{}, hub: newHub()}
	for _, n := range names {
		t := template.Must(template.Must(base.Clone()).ParseFS(frontTemplateFS, n))
		f.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return f
}

// feesOf returns the fee use cases, built with the document adapter's
// e-receipt provider (workflow.NewFees) unless SetEReceiptProvider was
// called.
func (s *Server) feesOf() *workflow.Fees {
	s.front.mu.Lock()
	defer s.front.mu.Unlock()
	if s.front.fees == nil {
		s.front.fees = workflow.NewFees(s.svc, nil, "")
	}
	return s.front.fees
}

// SetEReceiptProvider plugs an e-receipt provider (Circular 68/2019/TT-BTC)
// in place of the default one; series is the receipt symbol prefix
// ("" = "BL").
func (s *Server) SetEReceiptProvider(p workflow.EReceiptProvider, series string) {
	s.front.mu.Lock()
	defer s.front.mu.Unlock()
	s.front.fees = workflow.NewFees(s.svc, p, series)
}

// CloseStreams ends every open queue event stream, so that
// http.Server.Shutdown does not wait for the counter displays (they
// reconnect to another instance or after the restart). Register it with
// srv.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.front.hub.closeAll() }

// RelayQueueEvents feeds this instance's counter displays with the calls
// made on other instances, read from the outbox (topic queue.call) every
// interval, until ctx ends. A single instance does not need it: its own
// calls reach its displays directly.
func (s *Server) RelayQueueEvents(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	db := s.svc.DB()
	after, err := db.LastOutboxID(ctx)
	if err != nil {
		s.log.Warn("queue relay", slog.Any("err", err))
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		evs, err := db.OutboxAfter(ctx, []string{workflow.TopicQueueCall}, after, 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("queue relay", slog.Any("err", err))
			}
			continue
		}
		for _, e := range evs {
			after = e.ID
			s.front.hub.publishRaw(e.ID, []byte(e.Payload))
		}
	}
}

// frontRoutes registers the public pages, queue and ratings.
func (s *Server) frontRoutes(m *http.ServeMux) {
	idem := func(h http.HandlerFunc) http.Handler { return s.idempotent(h) }

	// Public pages (contract §2), no account.
	m.HandleFunc("GET /thu-tuc", s.limited(s.pageCatalog))
	m.HandleFunc("GET /thu-tuc/{code}", s.limited(s.pageProcedure))
	m.HandleFunc("GET /tra-cuu", s.limited(s.pageLookup))
	m.HandleFunc("GET /verify/{token}", s.limited(s.pageVerify))
	m.HandleFunc("GET /kiosk", s.limited(s.pageKiosk))
	m.HandleFunc("POST /kiosk", s.limited(s.pageKioskIssue))
	m.HandleFunc("GET /man-hinh", s.limited(s.pageDisplay))
	m.HandleFunc("GET /danh-gia", s.limited(s.pageRating))
	m.HandleFunc("POST /danh-gia", s.limited(s.pageRate))

	// Citizens online (contract §5).
	m.HandleFunc("GET /dang-ky", s.limited(s.pageRegister))
	m.HandleFunc("POST /dang-ky", s.limited(s.pageRegisterPost))
	m.HandleFunc("GET /dang-nhap", s.limited(s.pageCitizenLogin))
	m.HandleFunc("POST /dang-nhap", s.limited(s.pageCitizenLoginPost))
	m.HandleFunc("POST /dang-xuat", s.pageCitizenLogout)
	m.HandleFunc("GET /nop-truc-tuyen", s.citizen(s.pageSubmit))
	m.HandleFunc("POST /nop-truc-tuyen", s.citizen(s.pageSubmitPost))
	m.HandleFunc("GET /cong-dan", s.citizen(s.pageMyDossiers))
	m.HandleFunc("GET /cong-dan/ho-so/{code}", s.citizen(s.pageMyDossier))
	m.HandleFunc("POST /cong-dan/ho-so/{code}/bo-sung", s.citizen(s.pageSupplement))
	m.HandleFunc("POST /cong-dan/ho-so/{code}/nop-phi", s.citizen(s.pagePayOnline))
	m.HandleFunc("GET /cong-dan/ho-so/{code}/ket-qua.pdf", s.citizen(s.pageResultPDF))
	m.HandleFunc("GET /cong-dan/bien-lai/{id}", s.citizen(s.pageReceiptPDF))

	// Counter caller for reception (call next, recall, skip).
	m.HandleFunc("GET /goi-so", s.pageCaller)

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

	// Ratings (contract §8).
	m.HandleFunc("POST /api/v1/public/ratings", s.limited(s.apiRate))
	m.HandleFunc("GET /api/v1/ratings/summary", s.needUser(s.apiRatingSummary))

	// Fees and e-receipts.
	m.Handle("POST /api/v1/dossiers/{code}/payments", idem(s.needUser(s.apiCollectFee)))
	m.HandleFunc("GET /api/v1/dossiers/{code}/payments", s.needUser(s.apiPayments))
	m.HandleFunc("GET /api/v1/payments/{id}/receipt.pdf", s.needUser(s.apiPaymentReceipt))
}
