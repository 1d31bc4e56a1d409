package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
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
// made on other instances (workflow.WatchQueueCalls: PostgreSQL
// notifications, or the outbox polled every interval on SQLite), until ctx
// ends. A single instance does not need it: its own calls reach its
// displays directly.
func (s *Server) RelayQueueEvents(ctx context.Context, every time.Duration) {
	s.svc.WatchQueueCalls(ctx, every, s.front.hub.publishRaw)
}
