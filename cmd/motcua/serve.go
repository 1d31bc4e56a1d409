package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"motcua/demo"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

func cmdServe(ctx context.Context, args []string, c config, stdout, stderr io.Writer) error {
	fs := c.storageFlags("serve")
	c.serverFlags(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	allow, err := parsePrefixes(c.MetricsAllow)
	if err != nil {
		return err
	}
	// No identity number, phone or e-mail in clear in the logs.
	log := slog.New(workflow.RedactLogs(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	tuneGC(os.LookupEnv)
	if c.PprofAddr != "" {
		servePprof(c.PprofAddr, log)
	}
	start := time.Now()
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", c.Addr, err)
	}
	defer ln.Close() // on every early return; Serve closes it too, a second Close is harmless
	if c.BaseURL == "" {
		c.BaseURL = "http://" + ln.Addr().String()
	}
	// Instances started together on one database and data folder create
	// the demo CA (DATA/keys) once.
	var svc *workflow.Service
	err = db.WithLock(ctx, "data-init", func() (err error) {
		svc, err = newService(c, db, log)
		return err
	})
	if err != nil {
		return err
	}
	// A database that held dossiers before the report aggregates existed
	// is recounted once.
	if _, err := svc.EnsureAggregates(ctx); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if c.Demo {
		if err := demo.Load(ctx, svc, db); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintln(stdout, "Tỉnh mẫu Bắc Ninh đã sẵn sàng. Tài khoản demo (mật khẩu \""+demo.Password+"\", chỉ dùng thử):")
		for _, a := range demo.Accounts {
			fmt.Fprintf(stdout, "  %-11s %-28s %s — %s\n", a.Username, a.Role.Label(), a.Name, a.Agency)
		}
	}
	oidc, err := newSSO(ctx, c, svc.Now, log)
	if err != nil {
		return err
	}
	h, err := web.NewServer(svc, log, web.Options{AccessLog: c.AccessLog, Demo: c.Demo, SecureCookies: c.SecureCookies,
		TrustedProxies: c.TrustedProxies, MetricsAllow: allow, OIDC: oidc})
	if err != nil {
		return err
	}
	if c.Demo && c.DVCQG.URL == "" {
		if err := startDemoPortal(ctx, svc, log); err != nil {
			return err
		}
	}
	if c.Demo && c.Exchange.URL == "" {
		if err := startDemoExchange(ctx, c, svc, log); err != nil {
			return err
		}
	}
	if c.Demo && c.Payment.URL == "" {
		if err := startDemoGateway(ctx, svc, log); err != nil {
			return err
		}
	}
	if svc.PaymentGatewayName() != "" {
		// Online payments whose callback never came are settled by asking
		// the gateway (one instance at a time).
		go workflow.NewFees(svc, nil, "").RunPaymentReconciler(ctx, c.Payment.ReconcileEvery)
	}
	go svc.RelayNotifications(ctx, 2*time.Second)
	// Results left numbered with their seal pending (a crash or a signer
	// failure between the two phases of issue) are sealed now and then.
	go svc.RunSealResumer(ctx, time.Minute)
	var anchored chan struct{}
	stopAnchors := func() {}
	if c.AnchorEvery > 0 {
		// Signed checkpoints of the audit chain, kept outside the database
		// too (DATA/audit-anchors.jsonl); one more when the server stops.
		a, err := newAnchorer(c, db, log, time.Now())
		if err != nil {
			return err
		}
		if _, err := a.identity(); err != nil {
			log.Warn("audit anchors off: no seal key", slog.String("seal", a.seal), slog.Any("err", err))
		} else {
			actx, stop := context.WithCancel(ctx)
			defer stop()
			anchored = make(chan struct{})
			go func() { defer close(anchored); a.run(actx, c.AnchorEvery) }()
			stopAnchors = stop
		}
	}
	if (c.Signing.TSAURL != "" || c.Demo) && c.Archive {
		// Archive copies (PAdES B-LTA) of issued results, renewed yearly
		// (in demo mode with the demo TSA).
		go svc.RunArchive(ctx, 6*time.Hour, 365*24*time.Hour)
	}
	if m := c.MultiInstance; m == "1" || (m == "" && db.Engine() == store.Postgres) {
		// Calls made on other instances reach this instance's displays
		// (on by default on PostgreSQL, where several instances may share
		// the database; MOTCUA_MULTI_INSTANCE=0 turns it off).
		go h.RelayQueueEvents(ctx, 500*time.Millisecond)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	srv.RegisterOnShutdown(h.CloseStreams)
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("engine", string(db.Engine())),
		slog.Bool("demo", c.Demo), slog.Duration("startup", time.Since(start)))
	fmt.Fprintf(stdout, "motcua đang chạy tại %s (%s)\n", c.BaseURL, db.Engine())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return err
		}
	}
	if anchored != nil {
		stopAnchors()
		<-anchored
	}
	log.Info("stopped")
	return nil
}

// parsePrefixes reads a comma-separated list of networks (CIDR) or single
// addresses (--metrics-allow).
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, usagef("--metrics-allow: %q không phải địa chỉ IP hoặc mạng CIDR", f)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, usagef("--metrics-allow: %q không phải địa chỉ IP hoặc mạng CIDR", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
