package main

import (
	"flag"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"motcua/workflow"
)

// config is all of motcua's configuration. loadConfig reads the MOTCUA_*
// variables into it once; each command's flags (bound by flags) then
// override their fields. wire.go builds every adapter from it: nothing
// below cmd/ reads the environment.
type config struct {
	// Storage, for every command that opens the database.
	Data       string // --data, MOTCUA_DATA: SQLite file, blobs, keys
	DSN        string // --db, MOTCUA_DB: postgres://… (empty: SQLite)
	ReportsDSN string // MOTCUA_REPORTS_DB: a PostgreSQL read replica for reports (empty: the primary)
	SQLiteSync string // --sqlite-synchronous, MOTCUA_SQLITE_SYNCHRONOUS

	// The server (motcua serve).
	Addr          string // --addr, MOTCUA_ADDR
	BaseURL       string // --base-url, MOTCUA_BASE_URL (empty: http://ADDR)
	MaxUploadMB   int64  // --max-upload-mb
	Demo          bool   // --demo (serve, archive)
	AccessLog     bool   // --access-log, MOTCUA_ACCESS_LOG=1
	SecureCookies bool   // --secure-cookies, MOTCUA_SECURE_COOKIES=1
	MetricsAllow  string // --metrics-allow, MOTCUA_METRICS_ALLOW: networks that may read /metrics unsigned
	MultiInstance string // MOTCUA_MULTI_INSTANCE: "1" relay queue calls between instances, "0" not, "" only on PostgreSQL
	Archive       bool   // MOTCUA_ARCHIVE != "0": renew archive copies when a TSA is set
	PprofAddr     string // MOTCUA_PPROF_ADDR
	// IdempotencyLease is how long a crashed request's Idempotency-Key
	// stays claimed (MOTCUA_IDEMPOTENCY_LEASE; 0: the store's default).
	IdempotencyLease time.Duration
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed (MOTCUA_TRUSTED_PROXIES: comma-separated addresses or CIDR
	// prefixes, e.g. 127.0.0.1,10.0.0.0/24).
	TrustedProxies []netip.Prefix

	// AuditSeal names the seal that signs the audit anchors
	// (MOTCUA_AUDIT_SEAL: a name under DATA/keys/seals, default "audit",
	// or pkcs11:token=…;object=…); AnchorEvery is how often serve anchors
	// (MOTCUA_AUDIT_ANCHOR_EVERY, default 10m; 0 turns it off).
	AuditSeal   string
	AnchorEvery time.Duration
	// OutboxRetention is how long sent outbox deliveries are kept
	// (MOTCUA_OUTBOX_RETENTION, default 30 days: 720h or 30d).
	OutboxRetention time.Duration

	Blobs   blobsConfig
	Signing signingConfig
	SMTP    smtpConfig
	DVCQG   dvcqgConfig
	SMS     smsConfig
	OIDC    oidcConfig
	// Exchange connects document exchange (liên thông, QLVB) through the
	// province's integration platform (exchange.go of this command).
	Exchange exchangeConfig
	Payment  paymentConfig
}

// oidcConfig offers citizens "Đăng nhập bằng VNeID" through an OpenID
// Connect provider (package sso, docs/oidc.md); off without an issuer,
// except that serve --demo runs a local fake provider in-process.
type oidcConfig struct {
	Issuer       string // --oidc-issuer, MOTCUA_OIDC_ISSUER
	ClientID     string // --oidc-client-id, MOTCUA_OIDC_CLIENT_ID
	ClientSecret string // MOTCUA_OIDC_CLIENT_SECRET (never logged, no flag: it would show in ps)
	RedirectURL  string // --oidc-redirect-url, MOTCUA_OIDC_REDIRECT_URL (default BASE/dang-nhap/vneid/callback)
	Scopes       string // --oidc-scopes, MOTCUA_OIDC_SCOPES: space- or comma-separated (default "openid profile")
	IDClaim      string // --oidc-id-claim, MOTCUA_OIDC_ID_CLAIM: the personal ID number's claim (default personal_id)
	LevelClaim   string // --oidc-level-claim, MOTCUA_OIDC_LEVEL_CLAIM: the identity level's claim (default acr)
}

// paymentConfig connects the payment gateway citizens pay their fees
// online through (package payment, docs/payment.md); off without a URL,
// except that serve --demo runs a local fake gateway in-process.
type paymentConfig struct {
	URL      string // MOTCUA_PAYMENT_URL: the gateway's address (URL/pay, URL/query)
	Merchant string // MOTCUA_PAYMENT_MERCHANT: our merchant id at the gateway
	Secret   string // MOTCUA_PAYMENT_SECRET: the shared HMAC-SHA256 key (never logged)
	Name     string // MOTCUA_PAYMENT_NAME: the gateway's name in our records (default "gateway")
	// ReconcileEvery is how often serve asks the gateway about orders
	// still pending (MOTCUA_PAYMENT_RECONCILE_EVERY, default 5m).
	ReconcileEvery time.Duration
}

// smsConfig sends text messages to applicants without an e-mail address
// (package notify, SMS); off without a URL.
type smsConfig struct {
	URL    string // MOTCUA_SMS_URL: the gateway's send endpoint
	Token  string // MOTCUA_SMS_TOKEN (never logged)
	Sender string // MOTCUA_SMS_SENDER: the registered brand name
}

// dvcqgConfig connects the national public service portal (package
// dvcqg, docs/dvcqg.md); off without a URL, except that serve --demo runs
// a local fake portal in-process.
type dvcqgConfig struct {
	URL   string // MOTCUA_DVCQG_URL: the portal's (or the LGSP's) sync endpoint
	Token string // MOTCUA_DVCQG_TOKEN: its bearer token (never logged)
}

// blobsConfig says where uploaded files and generated documents' files
// live (see openBlobs).
type blobsConfig struct {
	Dir         string // MOTCUA_BLOB_DIR (default DATA/blobs)
	S3Endpoint  string // MOTCUA_S3_ENDPOINT: an S3-compatible bucket instead of a directory
	S3Bucket    string // MOTCUA_S3_BUCKET
	S3Region    string // MOTCUA_S3_REGION (default us-east-1)
	S3Prefix    string // MOTCUA_S3_PREFIX
	S3AccessKey string // MOTCUA_S3_ACCESS_KEY
	S3SecretKey string // MOTCUA_S3_SECRET_KEY
}

// signingConfig configures the signing keys and the time-stamping
// authority (package render).
type signingConfig struct {
	KeyPassword  string // MOTCUA_KEY_PASSWORD: the PKCS#12 files in DATA/keys
	TrustDir     string // MOTCUA_TRUST_DIR: trusted root CAs
	TSAURL       string // MOTCUA_TSA_URL: RFC 3161 timestamps
	PKCS11Module string // MOTCUA_PKCS11_MODULE
	PKCS11PIN    string // MOTCUA_PKCS11_PIN
}

// smtpConfig configures e-mail to applicants (package notify); without an
// address the messages go to the log.
type smtpConfig struct {
	Addr, From, User, Password string // MOTCUA_SMTP_ADDR, _FROM, _USER, _PASSWORD
}

// loadConfig reads every MOTCUA_* variable, once, and applies the defaults.
// A malformed value is a usage error.
func loadConfig(getenv func(string) string) (config, error) {
	or := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	c := config{
		Data:          or("MOTCUA_DATA", "data"),
		DSN:           getenv("MOTCUA_DB"),
		ReportsDSN:    getenv("MOTCUA_REPORTS_DB"),
		SQLiteSync:    or("MOTCUA_SQLITE_SYNCHRONOUS", "FULL"),
		Addr:          or("MOTCUA_ADDR", "127.0.0.1:8080"),
		BaseURL:       getenv("MOTCUA_BASE_URL"),
		MaxUploadMB:   20,
		AccessLog:     getenv("MOTCUA_ACCESS_LOG") == "1",
		SecureCookies: getenv("MOTCUA_SECURE_COOKIES") == "1",
		MetricsAllow:  getenv("MOTCUA_METRICS_ALLOW"),
		MultiInstance: getenv("MOTCUA_MULTI_INSTANCE"),
		Archive:       getenv("MOTCUA_ARCHIVE") != "0",
		PprofAddr:     getenv("MOTCUA_PPROF_ADDR"),
		Blobs: blobsConfig{
			Dir:         getenv("MOTCUA_BLOB_DIR"),
			S3Endpoint:  getenv("MOTCUA_S3_ENDPOINT"),
			S3Bucket:    getenv("MOTCUA_S3_BUCKET"),
			S3Region:    or("MOTCUA_S3_REGION", "us-east-1"),
			S3Prefix:    getenv("MOTCUA_S3_PREFIX"),
			S3AccessKey: getenv("MOTCUA_S3_ACCESS_KEY"),
			S3SecretKey: getenv("MOTCUA_S3_SECRET_KEY"),
		},
		Signing: signingConfig{
			KeyPassword:  getenv("MOTCUA_KEY_PASSWORD"),
			TrustDir:     getenv("MOTCUA_TRUST_DIR"),
			TSAURL:       getenv("MOTCUA_TSA_URL"),
			PKCS11Module: getenv("MOTCUA_PKCS11_MODULE"),
			PKCS11PIN:    getenv("MOTCUA_PKCS11_PIN"),
		},
		DVCQG: dvcqgConfig{URL: getenv("MOTCUA_DVCQG_URL"), Token: getenv("MOTCUA_DVCQG_TOKEN")},
		SMS:   smsConfig{URL: getenv("MOTCUA_SMS_URL"), Token: getenv("MOTCUA_SMS_TOKEN"), Sender: getenv("MOTCUA_SMS_SENDER")},
		OIDC: oidcConfig{Issuer: getenv("MOTCUA_OIDC_ISSUER"), ClientID: getenv("MOTCUA_OIDC_CLIENT_ID"),
			ClientSecret: getenv("MOTCUA_OIDC_CLIENT_SECRET"), RedirectURL: getenv("MOTCUA_OIDC_REDIRECT_URL"),
			Scopes: getenv("MOTCUA_OIDC_SCOPES"), IDClaim: getenv("MOTCUA_OIDC_ID_CLAIM"), LevelClaim: getenv("MOTCUA_OIDC_LEVEL_CLAIM")},
		SMTP: smtpConfig{
			Addr:     getenv("MOTCUA_SMTP_ADDR"),
			From:     getenv("MOTCUA_SMTP_FROM"),
			User:     getenv("MOTCUA_SMTP_USER"),
			Password: getenv("MOTCUA_SMTP_PASSWORD"),
		},
	}
	c.Payment = paymentConfig{URL: getenv("MOTCUA_PAYMENT_URL"), Merchant: getenv("MOTCUA_PAYMENT_MERCHANT"),
		Secret: getenv("MOTCUA_PAYMENT_SECRET"), Name: or("MOTCUA_PAYMENT_NAME", "gateway"), ReconcileEvery: 5 * time.Minute}
	if c.Payment.URL != "" && (c.Payment.Merchant == "" || c.Payment.Secret == "") {
		return c, usagef("MOTCUA_PAYMENT_URL cần cả MOTCUA_PAYMENT_MERCHANT và MOTCUA_PAYMENT_SECRET")
	}
	if v := getenv("MOTCUA_PAYMENT_RECONCILE_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 10*time.Second {
			return c, usagef("MOTCUA_PAYMENT_RECONCILE_EVERY phải là khoảng thời gian ≥ 10s, ví dụ 5m")
		}
		c.Payment.ReconcileEvery = d
	}
	c.AuditSeal = getenv("MOTCUA_AUDIT_SEAL")
	c.AnchorEvery = 10 * time.Minute
	if v := getenv("MOTCUA_AUDIT_ANCHOR_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || (d > 0 && d < time.Second) {
			return c, usagef("MOTCUA_AUDIT_ANCHOR_EVERY phải là khoảng thời gian ≥ 1s (hoặc 0 để tắt), ví dụ 10m")
		}
		c.AnchorEvery = d
	}
	c.OutboxRetention = workflow.DefaultOutboxRetention
	if v := getenv("MOTCUA_OUTBOX_RETENTION"); v != "" {
		d, err := parseDays(v)
		if err != nil || d < time.Hour {
			return c, usagef("MOTCUA_OUTBOX_RETENTION phải là khoảng thời gian ≥ 1h, ví dụ 30d hoặc 720h")
		}
		c.OutboxRetention = d
	}
	if v := getenv("MOTCUA_IDEMPOTENCY_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, usagef("MOTCUA_IDEMPOTENCY_LEASE phải là khoảng thời gian ≥ 1s, ví dụ 30s")
		}
		c.IdempotencyLease = d
	}
	var err error
	if c.Exchange, err = loadExchangeConfig(getenv); err != nil {
		return c, err
	}
	for _, v := range strings.Split(getenv("MOTCUA_TRUSTED_PROXIES"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return c, usagef("MOTCUA_TRUSTED_PROXIES: %q không phải địa chỉ IP hay dải CIDR", v)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	return c, nil
}

// storageFlags returns a flag set for command name with --data and --db
// bound to c (their defaults are the variables loadConfig read).
func (c *config) storageFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.Data, "data", c.Data, "thư mục dữ liệu (SQLite, tệp, khóa)")
	fs.StringVar(&c.DSN, "db", c.DSN, "postgres://… để dùng PostgreSQL thay cho SQLite")
	return fs
}

// serverFlags adds the flags of motcua serve to fs.
func (c *config) serverFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "địa chỉ lắng nghe")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "nạp tỉnh mẫu Bắc Ninh và các tài khoản demo")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "địa chỉ công khai (cho mã QR); mặc định http://ADDR")
	fs.Int64Var(&c.MaxUploadMB, "max-upload-mb", c.MaxUploadMB, "dung lượng tệp tải lên tối đa (MB)")
	fs.BoolVar(&c.AccessLog, "access-log", c.AccessLog, "ghi nhật ký mọi yêu cầu")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "cookie Secure và __Host- (khi chạy sau HTTPS)")
	fs.StringVar(&c.MetricsAllow, "metrics-allow", c.MetricsAllow, "mạng được đọc /metrics không cần đăng nhập, ví dụ 127.0.0.1/32,10.0.5.0/24 (mặc định: chỉ quản trị viên)")
	fs.StringVar(&c.SQLiteSync, "sqlite-synchronous", c.SQLiteSync, "FULL (mặc định) hoặc NORMAL")
	fs.StringVar(&c.OIDC.Issuer, "oidc-issuer", c.OIDC.Issuer, "địa chỉ nhà cung cấp OpenID Connect (VNeID qua Cổng DVCQG); trống: tắt")
	fs.StringVar(&c.OIDC.ClientID, "oidc-client-id", c.OIDC.ClientID, "mã ứng dụng (client id) đã đăng ký với nhà cung cấp")
	fs.StringVar(&c.OIDC.RedirectURL, "oidc-redirect-url", c.OIDC.RedirectURL, "địa chỉ trả về đã đăng ký; mặc định BASE-URL/dang-nhap/vneid/callback")
	fs.StringVar(&c.OIDC.Scopes, "oidc-scopes", c.OIDC.Scopes, "phạm vi xin cấp, cách nhau bởi dấu cách (mặc định \"openid profile\")")
	fs.StringVar(&c.OIDC.IDClaim, "oidc-id-claim", c.OIDC.IDClaim, "claim chứa số định danh cá nhân (mặc định personal_id)")
	fs.StringVar(&c.OIDC.LevelClaim, "oidc-level-claim", c.OIDC.LevelClaim, "claim chứa mức độ định danh (mặc định acr)")
}

// parseDays parses a Go duration (720h) or a whole number of days (30d).
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 100*365 {
			return 0, fmt.Errorf("bad number of days %q", v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}
