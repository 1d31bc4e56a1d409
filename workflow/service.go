// Package workflow holds motcua's use cases: sign-in, reception, the
// dossier state machine with its deadlines, numbering and sealing, and the
// administration of the catalog and of authority. Each use case checks who
// may do it (deny by default) and runs in one store transaction with one
// clock reading.
package workflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/blob"
	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
)

// Documents renders and signs the PDFs of a dossier (package render). A nil
// Documents means results are recorded without files.
type Documents interface {
	// ApproveResult renders the result document from the approved draft and
	// applies the approver's signature. verifyURL goes into its QR code.
	// It also returns an opaque layout that SealResult needs (where the
	// seal goes).
	ApproveResult(ctx context.Context, in ResultInput) (pdf []byte, layout string, err error)
	// SealResult applies the agency's seal signature (with the number and
	// the issue time) to an approved result as an incremental update.
	SealResult(ctx context.Context, pdf []byte, in SealInput) ([]byte, error)
	// Receipt renders Mẫu 01 with the lookup QR (only at reception: the
	// raw lookup token is never stored).
	Receipt(ctx context.Context, in FormInput) ([]byte, error)
	// ControlSlip renders the control slip from the dossier's history.
	ControlSlip(ctx context.Context, in FormInput) ([]byte, error)
	// Form renders the numbered form in.Doc (Mẫu 02, 03, 04, the stop
	// notice), unsigned.
	Form(ctx context.Context, in FormInput) ([]byte, error)
	// SignComponent is the reception officer's detached CMS signature
	// (CAdES) over a digitised component (Decision 299, step 1).
	SignComponent(ctx context.Context, officer *dossier.User, data []byte, at time.Time) ([]byte, error)
	// NumberResult writes the number and the date of issue into a signed
	// result without sealing it electronically (in.Seal unused).
	NumberResult(ctx context.Context, pdf []byte, in SealInput) ([]byte, error)
}

// Archiver makes archive copies of issued results (PAdES B-LTA); package
// docs implements it.
type Archiver interface {
	ArchiveResult(ctx context.Context, pdf []byte, at time.Time) ([]byte, error)
}

// FormInput is what the one-stop forms of a dossier need.
type FormInput struct {
	Dossier   *dossier.Dossier
	Procedure *dossier.Procedure
	Agency    *dossier.Agency
	Center    *dossier.Center
	Officer   string
	LookupURL string
	Calendar  *calendar.Calendar
	// Heading is the issuing block of the form from the catalog: the
	// center's for the forms the one-stop desk gives, the agency's for
	// those the agency gives (dossier.FormsOf).
	Heading dossier.Heading
	// Assignee is the appraiser the dossier is assigned to.
	Assignee string
	// Exchange is the dossier's inter-agency steps with their deadlines
	// (the control slip's "cơ quan phối hợp"); nil when none.
	Exchange *ExchangeView
	// Doc is the numbered form to render (number, verification address,
	// signer, what it states); nil for a receipt or control slip printed
	// without one.
	Doc *FormDoc
}

// ResultInput is what ApproveResult needs.
type ResultInput struct {
	Dossier   *dossier.Dossier
	Procedure *dossier.Procedure
	Agency    *dossier.Agency
	Parent    *dossier.Agency
	Approver  *dossier.User
	Approval  *dossier.Approval
	Symbol    string // register symbol, e.g. "GP-SXD" (the number is added at issue)
	VerifyURL string
	At        time.Time
	// Heading is the issuing block (parent, issuer, place) from the
	// catalog (dossier.HeadingOf).
	Heading dossier.Heading
}

// SealInput is what SealResult needs.
type SealInput struct {
	Agency *dossier.Agency
	Seal   *dossier.Seal
	Number string
	Layout string // from ApproveResult
	At     time.Time
}

// Notifier tells applicants about their dossier (e-mail, SMS…); package
// notify has the adapters.
type Notifier interface {
	Notify(ctx context.Context, to dossier.Applicant, subject, body string) error
}

// SheetReader streams the first sheet of an uploaded workbook, row by row
// as cell text, to fn, for the imports (package xlsx); an error from fn
// stops it and is returned. It bounds what the workbook may inflate to.
type SheetReader interface {
	EachRow(r io.Reader, fn func(row []string) error) error
}

// Ports are the adapters the use cases drive, each built by cmd/motcua
// (or a test) and handed to New. Any may be nil: a use case that needs a
// missing one says the server is not configured for it, or does without
// (no Documents: results are recorded without files; no EReceipts: fee
// receipts are numbered only; no Notifier: no messages).
type Ports struct {
	Documents Documents        // renders and signs forms and results (package render)
	Signer    TwoPhaseSigner   // signs in two phases: prepare, show, confirm (package render)
	Verifier  Verifier         // re-checks the signatures of issued results
	Keys      KeyStore         // officers' and seals' signing identities
	Archiver  Archiver         // archive copies of issued results (PAdES B-LTA)
	EReceipts EReceiptProvider // e-receipts of collected fees
	Notifier  Notifier         // messages to applicants (package notify)
	Sheets    SheetReader      // XLSX imports; without it only CSV is read
}

// Config holds the service's settings.
type Config struct {
	MaxUpload int64  // bytes; default 20 MB
	BaseURL   string // public base URL for lookup and verify links
	Demo      bool
	// Now is the clock (required). Each use case reads it once and hands
	// the instant to its transaction; nothing below workflow reads time.
	Now func() time.Time
	// ReportCache is how long the data of a report summary or breakdown
	// (per scope and period) is reused; 0 reads it for every request.
	// Reports may lag the writes by that long (report_cache.go).
	ReportCache time.Duration
	// OutboxRetention is how long sent outbox deliveries are kept before
	// the relay deletes them (outbox_retention.go); 0: 30 days.
	OutboxRetention time.Duration
	// Hasher, when set, computes password hashes (auth.go); nil: in this
	// process.
	Hasher Hasher
}

// Service implements the use cases. Create it with New.
type Service struct {
	db    *store.DB
	blobs blob.Backend
	docs  Documents
	note  Notifier
	ports Ports
	log   *slog.Logger
	cfg   Config
	now   func() time.Time
	cal   atomic.Pointer[calendar.Calendar]
	// centerCals holds the calendars of centers with their own hours or
	// overrides (see CalendarFor).
	centerCals  atomic.Pointer[map[string]*calendar.Calendar]
	calCfg      calendar.Config
	logins      chan struct{}  // caps concurrent password hashing
	hashWaiting atomic.Int32   // callers waiting for a hash slot (auth.go)
	imports     chan struct{}  // one import at a time (import.go)
	users       sync.Map       // user id → cachedUser (see userTTL)
	sealing     sync.Map       // dossier id → true while its seal is applied (see sealResult)
	signing     sync.Map       // session id → *SigningSession: a cache of the store's (see keepSession)
	out         outbox         // destinations of the outbox (outbox.go)
	portal      Portal         // the national portal, when connected (portal.go)
	exchange    *exchangeConn  // document exchange, when connected (exchange.go)
	payGW       PaymentGateway // the payment gateway, when connected (payment.go)
	payBase     string         // the public base URL the gateway calls back
	reports     reportCache    // report data reused for cfg.ReportCache (report_cache.go)
	brand       brandCache     // the branding every page shows (branding.go)
}

// New returns a Service over db and blobs driving ports. Any port may be
// nil (see Ports); cfg.Now may not.
func New(db *store.DB, blobs blob.Backend, ports Ports, log *slog.Logger, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		return nil, fmt.Errorf("workflow: Config.Now (the clock) is required")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 20 << 20
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = slog.New(RedactLogs(log.Handler())) // no personal data in logs
	if cfg.Hasher == nil {
		cfg.Hasher = inProcess{}
	}
	s := &Service{db: db, blobs: blobs, docs: ports.Documents, note: ports.Notifier, ports: ports, log: log, cfg: cfg, now: cfg.Now, logins: make(chan struct{}, hashSlots()), imports: make(chan struct{}, 1)}
	if err := s.ReloadCalendar(context.Background()); err != nil {
		return nil, err
	}
	if s.note != nil {
		s.addNotifyDestination()
	}
	return s, nil
}

// Now reads the service's clock. A request reads it once and passes the
// instant on.
func (s *Service) Now() time.Time { return s.now() }

// Blobs returns the blob store.
func (s *Service) Blobs() blob.Backend { return s.blobs }

// Calendar returns the working calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal.Load() }

// Config returns the service configuration.
func (s *Service) Config() Config { return s.cfg }

// CalendarFor returns the working calendar of a center: its own working
// hours and overrides on top of the national ones, or the national
// calendar when it has none.
func (s *Service) CalendarFor(center string) *calendar.Calendar {
	if m := s.centerCals.Load(); m != nil {
		if c, ok := (*m)[center]; ok {
			return c
		}
	}
	return s.Calendar()
}

// ReloadCalendar rebuilds the national calendar and the centers' own from
// the stored overrides and the centers' working hours.
func (s *Service) ReloadCalendar(ctx context.Context) error {
	os, err := s.db.Overrides(ctx, 0)
	if err != nil {
		return err
	}
	national := ToCalendarOverrides(os, "")
	s.cal.Store(calendar.New(s.calCfg, national))
	centers, err := s.db.Centers(ctx)
	if err != nil {
		return err
	}
	m := map[string]*calendar.Calendar{}
	for _, c := range centers {
		own := ToCalendarOverrides(os, c.Code)
		if c.WorkingHours == "" && c.SaturdayHours == "" && len(own) == len(national) {
			continue
		}
		cfg := s.calCfg
		if cfg.WorkingHours, err = ParseSpans(c.WorkingHours); err != nil {
			return fmt.Errorf("workflow: center %s working hours: %w", c.Code, err)
		}
		if cfg.SaturdayHours, err = ParseSpans(c.SaturdayHours); err != nil {
			return fmt.Errorf("workflow: center %s Saturday hours: %w", c.Code, err)
		}
		if err := cfg.Validate(); err != nil {
			return fmt.Errorf("workflow: center %s hours: %w", c.Code, err)
		}
		m[c.Code] = calendar.New(cfg, own)
	}
	s.centerCals.Store(&m)
	return nil
}

// ParseSpans reads working spans "07:30-11:30,13:30-17:00"; empty gives nil
// (the default).
func ParseSpans(v string) ([]calendar.Span, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	var out []calendar.Span
	for _, part := range strings.Split(v, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("%q: cần dạng HH:MM-HH:MM", part)
		}
		from, err1 := calendar.ParseClock(strings.TrimSpace(a))
		to, err2 := calendar.ParseClock(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || to <= from {
			return nil, fmt.Errorf("%q: khoảng giờ không hợp lệ", part)
		}
		out = append(out, calendar.Span{Start: from, End: to})
	}
	return out, nil
}

// ToCalendarOverrides converts stored overrides: the province-wide ones,
// then (when center is set) that center's own, which come later and so win
// on the same day.
func ToCalendarOverrides(os []store.Override, center string) []calendar.Override {
	var out []calendar.Override
	add := func(want string) {
		for _, o := range os {
			if o.Center != want {
				continue
			}
			if d, err := calendar.ParseDate(o.Day); err == nil {
				out = append(out, calendar.Override{Date: d, Kind: calendar.OverrideKind(o.Kind), Name: o.Name, Source: o.Source})
			}
		}
	}
	add("")
	if center != "" {
		add(center)
	}
	return out
}

// newToken returns a 128-bit random token, URL-safe.
func newToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Location is Asia/Ho_Chi_Minh (or UTC+7 without a zone database).
func (s *Service) Location() *time.Location { return s.Calendar().Location() }

func forbidden(msg string) error { return dossier.Errorf(dossier.EFORBIDDEN, "%s", msg) }

func unauthorized() error {
	return dossier.Errorf(dossier.EUNAUTHORIZED, "Vui lòng đăng nhập")
}
