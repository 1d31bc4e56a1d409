package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"motcua/demo"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := newDBFlags("serve", getenv)
	addr := fs.String("addr", envOr(getenv, "MOTCUA_ADDR", "127.0.0.1:8080"), "địa chỉ lắng nghe")
	isDemo := fs.Bool("demo", false, "nạp tỉnh mẫu Bắc Ninh và các tài khoản demo")
	baseURL := fs.String("base-url", getenv("MOTCUA_BASE_URL"), "địa chỉ công khai (cho mã QR); mặc định http://ADDR")
	maxUpload := fs.Int64("max-upload-mb", 20, "dung lượng tệp tải lên tối đa (MB)")
	accessLog := fs.Bool("access-log", getenv("MOTCUA_ACCESS_LOG") == "1", "ghi nhật ký mọi yêu cầu")
	secure := fs.Bool("secure-cookies", getenv("MOTCUA_SECURE_COOKIES") == "1", "cookie Secure và __Host- (khi chạy sau HTTPS)")
	fs.StringVar(&c.sync, "sqlite-synchronous", envOr(getenv, "MOTCUA_SQLITE_SYNCHRONOUS", "FULL"), "FULL (mặc định) hoặc NORMAL")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if v := getenv("MOTCUA_IDEMPOTENCY_LEASE"); v != "" {
		// How long a crashed request's Idempotency-Key stays claimed.
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return usagef("MOTCUA_IDEMPOTENCY_LEASE phải là khoảng thời gian ≥ 1s, ví dụ 30s")
		}
		store.IdempotencyLease = d
	}
	if a := getenv("MOTCUA_PPROF_ADDR"); a != "" {
		servePprof(a, log)
	}
	start := time.Now()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	if *baseURL == "" {
		*baseURL = "http://" + ln.Addr().String()
	}
	c.smtp = workflow.SMTPNotifier{Addr: getenv("MOTCUA_SMTP_ADDR"), From: getenv("MOTCUA_SMTP_FROM"),
		Username: getenv("MOTCUA_SMTP_USER"), Password: getenv("MOTCUA_SMTP_PASSWORD"), Now: time.Now}
	// Instances started together on one database and data folder create
	// the demo CA (DATA/keys) once.
	var svc *workflow.Service
	err = db.WithLock(ctx, "data-init", func() (err error) {
		svc, err = c.service(db, log, workflow.Config{MaxUpload: *maxUpload << 20, BaseURL: *baseURL, Demo: *isDemo})
		return err
	})
	if err != nil {
		ln.Close()
		return err
	}
	// A database that held dossiers before the report aggregates existed
	// is recounted once.
	if _, err := svc.EnsureAggregates(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("reports: %w", err)
	}
	if *isDemo {
		if err := demo.Load(ctx, svc, db); err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintln(stdout, "Tỉnh mẫu Bắc Ninh đã sẵn sàng. Tài khoản demo (mật khẩu \""+demo.Password+"\", chỉ dùng thử):")
		for _, a := range demo.Accounts {
			fmt.Fprintf(stdout, "  %-11s %-28s %s — %s\n", a.Username, a.Role.Label(), a.Name, a.Agency)
		}
	}
	h, err := web.NewServer(svc, log, web.Options{AccessLog: *accessLog, Demo: *isDemo, SecureCookies: *secure})
	if err != nil {
		ln.Close()
		return err
	}
	go svc.RelayNotifications(ctx, 2*time.Second)
	if getenv("MOTCUA_TSA_URL") != "" && getenv("MOTCUA_ARCHIVE") != "0" {
		// Archive copies (PAdES B-LTA) of issued results, renewed yearly.
		go svc.RunArchive(ctx, 6*time.Hour, 365*24*time.Hour)
	}
	if m := getenv("MOTCUA_MULTI_INSTANCE"); m == "1" || (m == "" && db.Engine() == store.Postgres) {
		// Calls made on other instances reach this instance's displays
		// (on by default on PostgreSQL, where several instances may share
		// the database; MOTCUA_MULTI_INSTANCE=0 turns it off).
		go h.RelayQueueEvents(ctx, 500*time.Millisecond)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	srv.RegisterOnShutdown(h.CloseStreams)
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("engine", string(db.Engine())),
		slog.Bool("demo", *isDemo), slog.Duration("startup", time.Since(start)))
	fmt.Fprintf(stdout, "motcua đang chạy tại %s (%s)\n", *baseURL, db.Engine())
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
	log.Info("stopped")
	return nil
}
