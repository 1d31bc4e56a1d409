package dvcqg_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/dvcqg"
	"motcua/internal/benchtest"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/store/storetest"
	"motcua/workflow"
)

// timedPortal records, for every accepted message, how long after its
// event it reached the portal.
type timedPortal struct {
	*dvcqg.Client
	mu   sync.Mutex
	lags []time.Duration
}

func (p *timedPortal) Push(ctx context.Context, key string, r workflow.PortalRecord) error {
	if err := p.Client.Push(ctx, key, r); err != nil {
		return err
	}
	p.mu.Lock()
	p.lags = append(p.lags, clocktest.Now().Sub(r.EventAt))
	p.mu.Unlock()
	return nil
}

// BenchmarkPortalUnderWorkflowLoad: 4 reception desks receive dossiers
// (b.N in all) while the outbox relay pushes each reception to a local
// fake portal (127.0.0.1). Reports messages delivered per second (from
// the first reception to the last delivery) and the lag from the event's
// commit to the portal's acceptance (p50, p99). Run:
//
//	go test ./dvcqg -run '^$' -bench PortalUnderWorkflowLoad -benchtime 2000x
func BenchmarkPortalUnderWorkflowLoad(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, svc := stacktest.Demo(b, e, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
			users := demotest.Users(b, db)
			bl := demotest.Upload(b, svc, users["reception"], "scan")
			srv := httptest.NewServer(dvcqg.NewFake())
			defer srv.Close()
			p := &timedPortal{Client: &dvcqg.Client{BaseURL: srv.URL}}
			svc.AddPortal(p, workflow.DestinationOptions{})
			in := workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
				Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234"},
				Components: []workflow.ComponentInput{{Code: "GDN", BlobID: bl}, {Code: "GTPL", BlobID: bl}}}
			var relay sync.WaitGroup
			relay.Add(1)
			go func() { defer relay.Done(); svc.RelayOutbox(ctx, 5*time.Millisecond) }()
			b.ResetTimer()
			var wg sync.WaitGroup
			jobs := make(chan struct{})
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range jobs {
						if _, err := svc.Receive(ctx, users["reception"], in); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for range b.N {
				jobs <- struct{}{}
			}
			close(jobs)
			wg.Wait()
			for {
				p.mu.Lock()
				n := len(p.lags)
				p.mu.Unlock()
				if n >= b.N {
					break
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			relay.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			benchtest.ReportPercentiles(b, p.lags, "lag-p50-ms", "lag-p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
