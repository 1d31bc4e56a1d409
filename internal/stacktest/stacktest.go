// Package stacktest builds the application stack for tests the way
// cmd/motcua wires it: a fresh store and blob directory, the use cases
// (workflow.Service) over them, optionally the demo province, documents
// signed by demo keys, and the web server in front. Only tests import it.
package stacktest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"motcua/blob"
	"motcua/demo"
	"motcua/render"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// Service opens a fresh store on engine e (storetest.Open) and a blob
// directory under tb.TempDir(), and returns the use cases over them with
// ports and cfg. cfg.Now is the test's clock (required by workflow.New).
func Service(tb testing.TB, e store.Engine, ports workflow.Ports, cfg workflow.Config) (*store.DB, *workflow.Service) {
	tb.Helper()
	db := storetest.Open(tb, e)
	return db, Over(tb, db, ports, cfg)
}

// Over returns the use cases over the store db (already open and
// migrated) and a fresh blob directory under tb.TempDir().
func Over(tb testing.TB, db *store.DB, ports workflow.Ports, cfg workflow.Config) *workflow.Service {
	tb.Helper()
	blobs, err := blob.Open(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := workflow.New(db, blobs, ports, nil, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}

// Demo is Service with the demo province loaded (demo.Load).
func Demo(tb testing.TB, e store.Engine, ports workflow.Ports, cfg workflow.Config) (*store.DB, *workflow.Service) {
	tb.Helper()
	db, svc := Service(tb, e, ports, cfg)
	loadDemo(tb, svc, db)
	return db, svc
}

// DemoWith is Demo on the store opts names (storetest.OpenWith), for a
// test that needs a store of its own kind (e.g. SQLite's synchronous
// setting).
func DemoWith(tb testing.TB, opts store.Options, ports workflow.Ports, cfg workflow.Config) (*store.DB, *workflow.Service) {
	tb.Helper()
	db := storetest.OpenWith(tb, opts)
	svc := Over(tb, db, ports, cfg)
	loadDemo(tb, svc, db)
	return db, svc
}

func loadDemo(tb testing.TB, svc *workflow.Service, db *store.DB) {
	tb.Helper()
	if err := demo.Load(context.Background(), svc, db); err != nil {
		tb.Fatal(err)
	}
}

// Documents returns a demo key store in dir (its demo CA, demo-root.pem,
// valid from an hour before now(), issuing keys as they are needed) and
// the document adapter over it with opts, the clock now and that CA for
// the demo TSA (with opts.Demo and no TSAURL).
func Documents(tb testing.TB, dir string, now func() time.Time, opts render.Options) (*render.FileKeys, *render.Documents) {
	tb.Helper()
	keys, err := render.OpenFileKeys(dir, "", "", true, now().Add(-time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	opts.Now, opts.DemoCA = now, keys.DemoPKI()
	d, err := render.New(keys, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return keys, d
}

// SigningDemo is Demo with every document capability plugged in (Ports)
// from a demo key store in a temporary directory (Documents with
// render.Options{Demo: true}), on the clock cfg.Now: the demo province
// whose results are rendered, numbered and signed by demo keys.
func SigningDemo(tb testing.TB, e store.Engine, cfg workflow.Config) (*render.FileKeys, *store.DB, *workflow.Service) {
	tb.Helper()
	keys, d := Documents(tb, tb.TempDir(), cfg.Now, render.Options{Demo: true})
	db, svc := Demo(tb, e, Ports(d), cfg)
	return keys, db, svc
}

// Ports plugs every capability of the document adapter d into the use
// cases, as cmd/motcua does.
func Ports(d *render.Documents) workflow.Ports {
	return workflow.Ports{Documents: d, Signer: d, Verifier: d, Keys: d, Archiver: d, EReceipts: d.EReceipts()}
}

// Server serves svc (web.NewServer with opts; log nil discards) on a test
// HTTP server closed at the end of the test.
func Server(tb testing.TB, svc *workflow.Service, log *slog.Logger, opts web.Options) (*web.Server, *httptest.Server) {
	tb.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h, err := web.NewServer(svc, log, opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return h, srv
}
