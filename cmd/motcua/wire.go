package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"motcua/dvcqg"
	"motcua/notify"
	"motcua/payment"
	"motcua/render"
	"motcua/sso"
	"motcua/store"
	"motcua/workflow"
	"motcua/xlsx"
)

// This file builds every adapter by hand, from the config only. The clock
// is the real one here and nowhere else: the use cases read it once each
// and hand the instant down.

// openStore connects to the database of c and migrates it.
func openStore(ctx context.Context, c config) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{DSN: c.DSN, DataDir: c.Data, Synchronous: c.SQLiteSync,
		IdempotencyLease: c.IdempotencyLease, ReportsDSN: c.ReportsDSN})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openStoreWithFlags parses the storage flags of the command name and opens
// the store they name; the caller closes it.
func openStoreWithFlags(ctx context.Context, name string, args []string, c config, stdout io.Writer) (*store.DB, error) {
	if err := parseFlags(c.storageFlags(name), args, stdout); err != nil {
		return nil, err
	}
	return openStore(ctx, c)
}

// openService opens the store (openStore) and the use cases over it
// (newService), for a one-shot command: nothing is logged.
func openService(ctx context.Context, c config) (*store.DB, *workflow.Service, error) {
	db, err := openStore(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	svc, err := newService(c, db, slog.New(slog.DiscardHandler))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, svc, nil
}

// newService builds the use cases over db with their ports: the blob
// store (openBlobs), the renderer and signer (render, keys under
// DATA/keys), e-mail through SMTP when configured (else the log), and the
// XLSX reader for imports.
func newService(c config, db *store.DB, log *slog.Logger) (*workflow.Service, error) {
	now := time.Now
	blobs, err := openBlobs(c, now)
	if err != nil {
		return nil, err
	}
	docs, err := newDocuments(c, now, log)
	if err != nil {
		return nil, err
	}
	var note workflow.Notifier = notify.Log{Log: log}
	if c.SMTP.Addr != "" {
		note = notify.SMTP{Addr: c.SMTP.Addr, From: c.SMTP.From, Username: c.SMTP.User, Password: c.SMTP.Password, Now: now}
	}
	if c.SMS.URL != "" {
		// E-mail when the applicant gave an address, else a text message.
		link := ""
		if c.BaseURL != "" {
			link = strings.TrimRight(c.BaseURL, "/") + "/tra-cuu"
		}
		note = notify.ByContact{Email: note, SMS: notify.SMS{URL: c.SMS.URL, Token: c.SMS.Token, Sender: c.SMS.Sender, Link: link}}
	}
	ports := workflow.Ports{
		Documents: docs,
		Signer:    docs,
		Verifier:  docs,
		Keys:      docs,
		Archiver:  docs,
		EReceipts: docs.EReceipts(),
		Notifier:  note,
		Sheets:    xlsx.Reader{},
	}
	svc, err := workflow.New(db, blobs, ports, log, workflow.Config{
		MaxUpload: c.MaxUploadMB << 20, BaseURL: c.BaseURL, Demo: c.Demo, Now: now,
		ReportCache: reportCacheTTL, OutboxRetention: c.OutboxRetention, Hasher: newHasher(log)})
	if err != nil {
		return nil, err
	}
	if c.DVCQG.URL != "" {
		svc.AddPortal(&dvcqg.Client{BaseURL: c.DVCQG.URL, Token: c.DVCQG.Token}, workflow.DestinationOptions{})
	}
	addExchange(c, svc)
	if c.Payment.URL != "" {
		svc.SetPaymentGateway(&payment.Client{BaseURL: c.Payment.URL, Merchant: c.Payment.Merchant, Secret: c.Payment.Secret,
			Label: c.Payment.Name, Now: now}, "")
	}
	return svc, nil
}

// startDemoGateway runs a fake payment gateway on 127.0.0.1 (serve --demo
// without MOTCUA_PAYMENT_URL), with a fresh secret, so that a newcomer
// sees the online payment flow; nothing is really charged.
func startDemoGateway(ctx context.Context, svc *workflow.Service, log *slog.Logger) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fake := payment.NewFake("MOTCUA-DEMO", hex.EncodeToString(key))
	fake.Now = time.Now
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	svc.SetPaymentGateway(&payment.Client{BaseURL: "http://" + ln.Addr().String(), Merchant: fake.Merchant, Secret: fake.Secret,
		Label: "demo", Now: time.Now}, "")
	log.Info("demo: fake payment gateway", slog.String("addr", ln.Addr().String()))
	return nil
}

// startDemoPortal runs a fake national portal on 127.0.0.1 (serve --demo
// without MOTCUA_DVCQG_URL), so that the portal's messages can be seen
// flowing on the outbox page.
func startDemoPortal(ctx context.Context, svc *workflow.Service, log *slog.Logger) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: dvcqg.NewFake(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	svc.AddPortal(&dvcqg.Client{BaseURL: "http://" + ln.Addr().String()}, workflow.DestinationOptions{})
	log.Info("demo: fake national portal (DVCQG)", slog.String("addr", ln.Addr().String()))
	return nil
}

// newDocuments returns the PDF renderer and signer. Keys are PKCS#12 files
// under DATA/keys (officers/<username>.p12, seals/<agency>.p12, password
// MOTCUA_KEY_PASSWORD); MOTCUA_TRUST_DIR holds the trusted root CAs;
// MOTCUA_TSA_URL names the RFC 3161 timestamping authority (in demo mode
// without it, an in-process demo TSA stamps every signature, so results
// are PAdES B-T and archiving works); MOTCUA_PKCS11_MODULE and
// MOTCUA_PKCS11_PIN open HSM-held seal keys. In demo mode a demo CA issues
// the missing certificates ("DEMO — không có giá trị pháp lý").
func newDocuments(c config, now func() time.Time, log *slog.Logger) (*render.Documents, error) {
	s := c.Signing
	keys, err := render.OpenFileKeys(filepath.Join(c.Data, "keys"), s.KeyPassword, s.TrustDir, c.Demo, now())
	if err != nil {
		return nil, err
	}
	// Seals whose key reference is "pkcs11:token=…;object=…" sign on this
	// PKCS#11 module (an HSM, a USB token, SoftHSM2).
	keys.PKCS11Module, keys.PKCS11PIN = s.PKCS11Module, s.PKCS11PIN
	return render.New(keys, render.Options{Demo: c.Demo, TSAURL: s.TSAURL, DemoCA: keys.DemoPKI(), Log: log, Now: now})
}

// reportCacheTTL is how long serve reuses a report's data per scope and
// period (workflow.Config.ReportCache): dashboards may lag the writes by
// that long, and a thousand supervisors cost one read per period.
const reportCacheTTL = 5 * time.Second

// newSSO returns the OpenID Connect client of "Đăng nhập bằng VNeID", or
// nil when no issuer is configured. Under --demo without an issuer it
// starts a local fake provider that signs in sso.DemoCitizen at once.
func newSSO(ctx context.Context, c config, now func() time.Time, log *slog.Logger) (*sso.Client, error) {
	o := c.OIDC
	if o.RedirectURL == "" {
		o.RedirectURL = strings.TrimSuffix(c.BaseURL, "/") + "/dang-nhap/vneid/callback"
	}
	if o.Issuer == "" {
		if !c.Demo {
			return nil, nil
		}
		fake, err := sso.NewFake("motcua-demo", rand.Text(), now)
		if err != nil {
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		fake.Issuer = "http://" + ln.Addr().String()
		srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		go func() { <-ctx.Done(); srv.Close() }()
		o.Issuer, o.ClientID, o.ClientSecret = fake.Issuer, fake.ClientID, fake.ClientSecret
		log.Info("demo: fake VNeID provider (OpenID Connect)", slog.String("issuer", fake.Issuer))
	}
	if o.ClientID == "" {
		return nil, usagef("MOTCUA_OIDC_CLIENT_ID: cần mã ứng dụng khi đặt MOTCUA_OIDC_ISSUER")
	}
	return sso.New(sso.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Scopes: strings.Fields(strings.ReplaceAll(o.Scopes, ",", " ")), IDClaim: o.IDClaim, LevelClaim: o.LevelClaim, Now: now})
}
