package workflow

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// Document exchange (issue 18 item 5; liên thông, QLVB): packages — the
// dossier's metadata and a signed PDF — go to other bodies through the
// province's integration platform (LGSP) by the outbox, in order per
// dossier; the other side answers on an authenticated endpoint
// (ReceiveExchangeAnswer) and the answer is recorded on the dossier. The
// wire format is the adapter's (package exchange); this file decides what
// is sent, when, and what an answer may change. Deadlines are the
// domain's (dossier.ExchangeDeadlines).

// ExchangeDestination is the outbox destination of document exchange.
const ExchangeDestination = "exchange"

// Outbox topics of document exchange: a package an officer sent, and the
// registration of an issued result (queued only for the dossiers whose
// procedure registers its results: queueRegistration).
const (
	TopicExchangePackage  = "exchange.package"
	TopicExchangeRegister = "exchange.register"
)

// topicIssueLegacy is the topic registrations were delivered under
// before they had their own (every issued dossier, registered or not):
// deliveries of it still waiting are delivered like TopicExchangeRegister.
const topicIssueLegacy = "dossier.issue"

// ExchangeDocument is the signed PDF a package carries.
type ExchangeDocument struct {
	Kind    dossier.DocKind
	Name    string
	Number  string
	Content []byte
	SHA256  string // hex of Content
}

// ExchangeMessage is one package as the adapter sends it.
type ExchangeMessage struct {
	PackageID      string
	Kind           dossier.ExchangeKind
	DossierCode    string
	ProcedureCode  string
	ProcedureName  string
	FromAgency     string // national identifier, or the code
	FromAgencyName string
	ToAgency       string
	ToAgencyName   string
	Task           string
	ReceivedAt     *time.Time
	DossierDueAt   *time.Time
	DueAt          *time.Time // the step's own deadline
	ResultNumber   string
	AnswerURL      string
	Document       *ExchangeDocument
}

// Exchange is the adapter of the integration platform.
type Exchange interface {
	// Send delivers one package; key is the same for every attempt of
	// it. An error with a Permanent() bool method answering true is not
	// retried.
	Send(ctx context.Context, key string, m ExchangeMessage) error
}

// ExchangeOptions configure the answers.
type ExchangeOptions struct {
	// Peers maps each peer allowed to answer to its HMAC-SHA256 secret.
	Peers map[string][]byte
	// AnswerURL is where answers are posted (told in every package).
	AnswerURL string
	// MaxSkew is how far an answer's timestamp may be from the clock;
	// default 5 minutes (a captured answer is refused afterwards).
	MaxSkew time.Duration
}

type exchangeConn struct {
	x    Exchange
	opts ExchangeOptions
}

// AddExchange connects document exchange: packages queued from now on are
// delivered to x, and issued results of procedures that register them go
// to the agency's document-management system.
func (s *Service) AddExchange(x Exchange, o ExchangeOptions, opts DestinationOptions) {
	if o.MaxSkew <= 0 {
		o.MaxSkew = 5 * time.Minute
	}
	s.exchange = &exchangeConn{x: x, opts: o}
	route := func(topic string, payload []byte) (string, bool) {
		if topic != TopicExchangePackage && topic != TopicExchangeRegister {
			return "", false
		}
		return eventCode(payload)
	}
	s.AddDestination(ExchangeDestination, DestinationFunc(s.deliverExchange), route, opts)
}

// eventCode returns the dossier code of an outbox event (its order key
// for the destinations that keep a dossier's messages in order).
func eventCode(payload []byte) (string, bool) {
	var e struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(payload, &e) != nil || e.Code == "" {
		return "", false
	}
	return e.Code, true
}

// ExchangeStepView is one step of a dossier's plan with its deadline and
// the last package sent for it.
type ExchangeStepView struct {
	Step      int                      `json:"step"`
	Agency    string                   `json:"agency"`
	Name      string                   `json:"name"`
	Kind      dossier.ExchangeKind     `json:"kind"`
	KindLabel string                   `json:"kind_label"`
	Task      string                   `json:"task,omitempty"`
	Days      int                      `json:"days"`
	Start     time.Time                `json:"start"`
	Due       time.Time                `json:"due"`
	Planned   bool                     `json:"planned"`
	Beyond    bool                     `json:"beyond_dossier_due"`
	Late      bool                     `json:"late"`
	Package   *dossier.ExchangePackage `json:"package,omitempty"`
}

// ExchangeView is a dossier's exchange with other bodies.
type ExchangeView struct {
	Enabled bool `json:"enabled"` // the platform is connected
	// CanSend: the caller may send a step now (officers of the agency,
	// dossier being handled, platform connected); set for pages only.
	CanSend        bool                      `json:"-"`
	RegisterResult bool                      `json:"register_result"`
	Steps          []ExchangeStepView        `json:"steps"`
	Packages       []dossier.ExchangePackage `json:"packages"`
}

// exchangeView builds the view of d (no access check).
func (s *Service) exchangeView(ctx context.Context, d *dossier.Dossier, p *dossier.Procedure) (*ExchangeView, error) {
	if p.Exchange.Empty() {
		return s.exchangeViewOf(d, p, nil), nil
	}
	pkgs, err := s.db.ExchangePackages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return s.exchangeViewOf(d, p, pkgs), nil
}

// exchangeViewOf builds the view of d with its packages pkgs.
func (s *Service) exchangeViewOf(d *dossier.Dossier, p *dossier.Procedure, pkgs []dossier.ExchangePackage) *ExchangeView {
	v := &ExchangeView{Enabled: s.exchange != nil, Steps: []ExchangeStepView{}, Packages: []dossier.ExchangePackage{}}
	if p.Exchange.Empty() {
		return v
	}
	v.RegisterResult = p.Exchange.RegisterResult
	if pkgs != nil {
		v.Packages = pkgs
	}
	now := s.now()
	last := map[int]*dossier.ExchangePackage{}
	sent := map[int]time.Time{}
	for i := range pkgs {
		if pkgs[i].Step >= 0 {
			last[pkgs[i].Step], sent[pkgs[i].Step] = &pkgs[i], pkgs[i].SentAt
		}
	}
	start := now
	if d.FinishedAt != nil {
		start = *d.FinishedAt
	}
	var due time.Time
	if d.DueAt != nil {
		due = *d.DueAt
	}
	for _, e := range dossier.ExchangeDeadlines(p.Exchange, sent, start, due, s.CalendarFor(d.CenterCode)) {
		st := p.Exchange.Steps[e.Step]
		sv := ExchangeStepView{Step: e.Step, Agency: st.Agency, Name: st.Name, Kind: st.Kind, KindLabel: st.Kind.Label(), Task: st.Task,
			Days: st.Days, Start: e.Start, Due: e.Due, Planned: e.Planned, Beyond: e.Beyond, Package: last[e.Step]}
		if sv.Name == "" {
			sv.Name = st.Agency
		}
		if sv.Package != nil {
			sv.Late = sv.Package.Late(now)
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}

// exchangeOfficer reports whether u works the dossier in its agency
// (appraiser, approver or clerk): who sends its packages.
func exchangeOfficer(u *dossier.User, d *dossier.Dossier) bool {
	return CanActAs(u, dossier.RoleAppraiser, d) || CanActAs(u, dossier.RoleApprover, d) || CanActAs(u, dossier.RoleClerk, d)
}

// canSendExchange reports whether u may send a step of d now.
func (s *Service) canSendExchange(u *dossier.User, d *dossier.Dossier) bool {
	if s.exchange == nil {
		return false
	}
	if !exchangeOfficer(u, d) {
		return false
	}
	switch d.Status {
	case dossier.StatusReceived, dossier.StatusAppraising, dossier.StatusAwaitingApproval:
		return true
	}
	return false
}

// DossierExchange returns the exchange of a dossier the caller may see.
func (s *Service) DossierExchange(ctx context.Context, u *dossier.User, code string) (*ExchangeView, error) {
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if !u.IsOfficer() {
		return nil, forbidden("Chỉ cán bộ xem được thông tin liên thông")
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, err
	}
	return s.exchangeView(ctx, d, p)
}

// ExchangeSendInput names what to send: a step of the plan, or the
// registration of the issued result (Kind "register").
type ExchangeSendInput struct {
	Step *int                 `json:"step,omitempty"`
	Kind dossier.ExchangeKind `json:"kind,omitempty"`
}

// newPackageID returns a random package id ("pk-" and 24 hex digits).
func newPackageID() string {
	var b [12]byte
	rand.Read(b[:])
	return "pk-" + hex.EncodeToString(b[:])
}

// SendExchange queues a package of dossier code to another body, in one
// transaction with its record and its audit entry: the officers of the
// procedure's agency send a step while the dossier is being handled, or
// (again) the registration of an issued result.
func (s *Service) SendExchange(ctx context.Context, u *dossier.User, code string, in ExchangeSendInput) (*dossier.ExchangePackage, error) {
	if u == nil {
		return nil, unauthorized()
	}
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return nil, err
	}
	if !exchangeOfficer(u, d) {
		return nil, forbidden("Chỉ cán bộ của cơ quan giải quyết được gửi liên thông")
	}
	if s.exchange == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa cấu hình kết nối liên thông (LGSP)")
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return nil, err
	}
	if p.Exchange.Empty() {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Thủ tục %s không có bước liên thông", p.Code)
	}
	now := s.now()
	pkg := &dossier.ExchangePackage{ID: newPackageID(), DossierID: d.ID, DossierCode: d.Code, Status: dossier.ExchangeQueued,
		SentBy: u.Username, SentAt: now}
	err = s.db.InTx(ctx, now, func(tx *store.Tx) error {
		// The dossier's row is held until commit, and its status and
		// packages are read under it: of two officers sending the same
		// step at once, the second sees the first one's package.
		d, err := tx.DossierForUpdate(d.Code)
		if err != nil {
			return err
		}
		if err := s.planPackage(tx, d, p, in, pkg); err != nil {
			return err
		}
		if err := tx.InsertExchangePackage(pkg); err != nil {
			return err
		}
		if err := tx.Outbox(TopicExchangePackage, map[string]any{"code": d.Code, "package": pkg.ID}); err != nil {
			return err
		}
		sum, _ := json.Marshal(map[string]any{"dossier": d.Code, "step": pkg.Step, "kind": pkg.Kind, "agency": pkg.Agency})
		return tx.Audit(u.Username, "send", "exchange_package", pkg.ID, string(sum))
	})
	if err != nil {
		return nil, err
	}
	return pkg, nil
}

// planPackage fills in what pkg carries for in: the registration of d's
// result, or step *in.Step of procedure p's plan when d is being handled,
// the step is not sent already (or was sent back) and, in a chain, the
// bodies before it have answered. d is locked in tx.
func (s *Service) planPackage(tx *store.Tx, d *dossier.Dossier, p *dossier.Procedure, in ExchangeSendInput, pkg *dossier.ExchangePackage) error {
	switch {
	case in.Kind == dossier.ExchangeRegister:
		if !p.Exchange.RegisterResult {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Thủ tục %s không đăng ký kết quả vào hệ thống QLVB", p.Code)
		}
		if d.Status != dossier.StatusIssued && d.Status != dossier.StatusReturned {
			return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ chưa có kết quả để đăng ký")
		}
		pkg.Step, pkg.Kind, pkg.Agency, pkg.DocKind = -1, dossier.ExchangeRegister, d.AgencyCode, dossier.DocResult
		return nil
	case in.Step == nil:
		return dossier.Invalid("Thiếu bước liên thông", dossier.FieldError{Field: "step", Message: "Chọn bước liên thông cần gửi"})
	}
	i := *in.Step
	if i < 0 || i >= len(p.Exchange.Steps) {
		return dossier.Invalid("Bước liên thông không hợp lệ", dossier.FieldError{Field: "step",
			Message: fmt.Sprintf("Chọn từ 0 đến %d", len(p.Exchange.Steps)-1)})
	}
	switch d.Status {
	case dossier.StatusReceived, dossier.StatusAppraising, dossier.StatusAwaitingApproval:
	default:
		return dossier.Errorf(dossier.ECONFLICT, "Chỉ gửi liên thông khi hồ sơ đang được giải quyết")
	}
	pkgs, err := tx.ExchangePackages(d.ID)
	if err != nil {
		return err
	}
	v := s.exchangeViewOf(d, p, pkgs)
	st := p.Exchange.Steps[i]
	if cur := v.Steps[i].Package; cur != nil && cur.Status != dossier.ExchangeReturned {
		return dossier.Errorf(dossier.ECONFLICT, "Bước %d đã được gửi (%s)", i, cur.Status.Label())
	}
	if st.Kind == dossier.ExchangeChain {
		for j := 0; j < i; j++ {
			if prev := v.Steps[j]; prev.Kind == dossier.ExchangeChain && (prev.Package == nil || prev.Package.Status != dossier.ExchangeDone) {
				return dossier.Errorf(dossier.ECONFLICT, "Cơ quan trước trong chuỗi liên thông (%s) chưa có kết quả", prev.Name)
			}
		}
	}
	now := pkg.SentAt
	due := dossier.ExchangeDeadlines(&dossier.ExchangePlan{Steps: []dossier.ExchangeStep{st}}, map[int]time.Time{0: now}, now,
		time.Time{}, s.CalendarFor(d.CenterCode))[0].Due
	pkg.Step, pkg.Kind, pkg.Agency, pkg.AgencyName, pkg.Task, pkg.DueAt = i, st.Kind, st.Agency, st.Name, st.Task, &due
	pkg.DocKind = dossier.DocReceipt
	return nil
}

// queueRegistration queues, in the transaction that issues d, the
// registration of its result in the agency's document-management system
// when the platform is connected and d's procedure registers its results:
// the other issued dossiers have nothing to exchange and get no delivery.
func (s *Service) queueRegistration(tx *store.Tx, d *dossier.Dossier, p *dossier.Procedure) error {
	if s.exchange == nil || !p.Exchange.RegistersResult() {
		return nil
	}
	return tx.Outbox(TopicExchangeRegister, map[string]any{"code": d.Code})
}

// deliverExchange hands one outbox message to the platform: a queued
// package, or an issued result to register.
func (s *Service) deliverExchange(ctx context.Context, m Delivery) error {
	var e struct {
		Code    string `json:"code"`
		Package string `json:"package"`
	}
	if err := json.Unmarshal([]byte(m.Payload), &e); err != nil || e.Code == "" {
		return Permanent(errors.New("exchange: unreadable event"))
	}
	d, err := s.db.Dossier(ctx, e.Code, store.Scope{All: true})
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return err
	}
	var pkg *dossier.ExchangePackage
	switch m.Topic {
	case TopicExchangeRegister, topicIssueLegacy:
		if !p.Exchange.RegistersResult() {
			return nil // the plan changed since: nothing to register
		}
		// The package of a registration is written by its first
		// attempt, under an id every later attempt finds again.
		pkg = &dossier.ExchangePackage{ID: "pk-reg-" + strconv.FormatInt(m.EventID, 10), DossierID: d.ID, DossierCode: d.Code, Step: -1,
			Kind: dossier.ExchangeRegister, Agency: d.AgencyCode, Status: dossier.ExchangeQueued, DocKind: dossier.DocResult, SentAt: m.CreatedAt}
		if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error { return tx.InsertExchangePackage(pkg) }); err != nil {
			return err
		}
	default:
		if pkg, err = s.db.ExchangePackage(ctx, e.Package); dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
	}
	msg, err := s.exchangeMessage(ctx, d, p, pkg)
	if err != nil {
		return err
	}
	if err := s.exchange.x.Send(ctx, m.IdempotencyKey, msg); err != nil {
		return err
	}
	hash := ""
	if msg.Document != nil {
		hash = msg.Document.SHA256
	}
	return s.db.MarkExchangeSent(ctx, pkg.ID, hash)
}

// exchangeMessage assembles a package: the dossier's metadata and its
// signed PDF (the receipt for a step, the result for a registration).
func (s *Service) exchangeMessage(ctx context.Context, d *dossier.Dossier, p *dossier.Procedure, pkg *dossier.ExchangePackage) (ExchangeMessage, error) {
	m := ExchangeMessage{PackageID: pkg.ID, Kind: pkg.Kind, DossierCode: d.Code, ProcedureCode: p.Code, ProcedureName: p.Name,
		FromAgency: d.AgencyCode, ToAgency: pkg.Agency, ToAgencyName: pkg.AgencyName, Task: pkg.Task, ReceivedAt: d.ReceivedAt,
		DossierDueAt: d.DueAt, DueAt: pkg.DueAt, AnswerURL: s.exchange.opts.AnswerURL}
	if a, err := s.db.Agency(ctx, d.AgencyCode); err == nil {
		m.FromAgencyName = a.Name
		if a.Identifier != "" {
			m.FromAgency = a.Identifier
		}
	}
	if d.Result != nil {
		m.ResultNumber = d.Result.Number
	}
	var blob string
	var err error
	doc := &ExchangeDocument{Kind: pkg.DocKind}
	switch pkg.DocKind {
	case dossier.DocResult:
		blob, err = s.db.ResultPDF(ctx, d.ID)
		doc.Name, doc.Number = "ket-qua-"+d.Code+".pdf", m.ResultNumber
	default:
		// The numbered receipt signed by the reception officer, or the
		// one printed at reception before numbering existed.
		doc.Name = "giay-tiep-nhan-" + d.Code + ".pdf"
		blob, err = s.db.ReceiptBlob(ctx, d.ID)
		docs, derr := s.db.DossierDocuments(ctx, d.ID)
		if derr != nil {
			return m, derr
		}
		for _, sd := range docs {
			if sd.Kind == dossier.DocReceipt && sd.BlobID != "" {
				blob, err, doc.Number = sd.BlobID, nil, sd.Number
			}
		}
	}
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return m, nil // no signed document yet: the metadata alone
	}
	if err != nil {
		return m, err
	}
	if doc.Content, err = s.ReadBlob(ctx, blob); err != nil {
		return m, err
	}
	sum := sha256.Sum256(doc.Content)
	doc.SHA256 = hex.EncodeToString(sum[:])
	m.Document = doc
	return m, nil
}

// ExchangeAnswer is what the other side answers about a package.
type ExchangeAnswer struct {
	PackageID string                  `json:"package_id"`
	Status    dossier.ExchangeStatus  `json:"status"`
	Note      string                  `json:"note,omitempty"`
	Reference string                  `json:"reference,omitempty"` // its own number (số văn bản, số đăng ký)
	Document  *ExchangeAnswerDocument `json:"document,omitempty"`
}

// ExchangeAnswerDocument is the document an answer carries (its result,
// its registration receipt).
type ExchangeAnswerDocument struct {
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Content []byte `json:"content"` // base64 in JSON
}

// ExchangeSignature is the signature a peer puts on an answer:
// "sha256=" and the hex HMAC-SHA256, under its secret, of the timestamp
// (Unix seconds), a dot and the body.
func ExchangeSignature(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// maxAnswerDocument bounds the document an answer carries.
const maxAnswerDocument = 20 << 20

// ReceiveExchangeAnswer verifies and records an answer of peer: the
// signature under the peer's secret, a timestamp within MaxSkew of the
// clock, a known package; a repeated answer changes nothing, one that
// contradicts a closed package is refused (409).
func (s *Service) ReceiveExchangeAnswer(ctx context.Context, peer, timestamp, signature string, body []byte) (*dossier.ExchangePackage, error) {
	refuse := dossier.Errorf(dossier.EUNAUTHORIZED, "Không xác thực được bên trả lời liên thông")
	if s.exchange == nil {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Chưa cấu hình kết nối liên thông")
	}
	secret, ok := s.exchange.opts.Peers[peer]
	if !ok || len(secret) == 0 || !hmac.Equal([]byte(ExchangeSignature(secret, timestamp, body)), []byte(signature)) {
		return nil, refuse
	}
	now := s.now()
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > s.exchange.opts.MaxSkew {
		return nil, refuse
	}
	var a ExchangeAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, dossier.Invalid("Nội dung trả lời không đọc được", dossier.FieldError{Field: "body", Message: "JSON không hợp lệ"})
	}
	a.Note, a.Reference = vntext.NFC(strings.TrimSpace(a.Note)), strings.TrimSpace(a.Reference)
	var fs []dossier.FieldError
	if a.PackageID == "" {
		fs = append(fs, dossier.FieldError{Field: "package_id", Message: "Thiếu mã gói"})
	}
	if !a.Status.Answer() {
		fs = append(fs, dossier.FieldError{Field: "status", Message: "Chọn một trong: accepted, returned, done"})
	}
	if len(a.Note) > 2000 || len(a.Reference) > 100 {
		fs = append(fs, dossier.FieldError{Field: "note", Message: "Nội dung quá dài"})
	}
	var docHash string
	if a.Document != nil {
		sum := sha256.Sum256(a.Document.Content)
		docHash = hex.EncodeToString(sum[:])
		switch {
		case len(a.Document.Content) == 0 || len(a.Document.Content) > maxAnswerDocument:
			fs = append(fs, dossier.FieldError{Field: "document.content", Message: "Văn bản trống hoặc quá lớn"})
		case !strings.HasPrefix(string(a.Document.Content), "%PDF-"):
			fs = append(fs, dossier.FieldError{Field: "document.content", Message: "Văn bản phải là tệp PDF"})
		case !strings.EqualFold(a.Document.SHA256, docHash):
			fs = append(fs, dossier.FieldError{Field: "document.sha256", Message: "Mã băm không khớp với văn bản"})
		}
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Nội dung trả lời không hợp lệ", fs...)
	}
	var out *dossier.ExchangePackage
	err = s.db.InTx(ctx, now, func(tx *store.Tx) error {
		pkg, err := tx.ExchangePackage(a.PackageID)
		if err != nil {
			return err
		}
		same, err := dossier.AnswerExchange(pkg.Status, a.Status)
		if err != nil {
			return err
		}
		out = pkg
		if same {
			return nil
		}
		pkg.Status, pkg.AnsweredAt, pkg.AnswerPeer, pkg.AnswerNote, pkg.AnswerRef = a.Status, &now, peer, a.Note, a.Reference
		if a.Document != nil {
			id, err := storeDocument(tx, newDoc(a.Document.Content), 0)
			if err != nil {
				return err
			}
			pkg.AnswerBlob, pkg.AnswerHash = id, docHash
		}
		if err := tx.RecordExchangeAnswer(pkg); err != nil {
			return err
		}
		sum, _ := json.Marshal(map[string]any{"dossier": pkg.DossierCode, "status": pkg.Status, "reference": pkg.AnswerRef})
		return tx.Audit("lgsp:"+peer, "answer", "exchange_package", pkg.ID, string(sum))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExchangeAnswerPDF returns the document an answer carried (officers who
// may see the dossier).
func (s *Service) ExchangeAnswerPDF(ctx context.Context, u *dossier.User, code, id string) ([]byte, error) {
	v, err := s.DossierExchange(ctx, u, code)
	if err != nil {
		return nil, err
	}
	for _, p := range v.Packages {
		if p.ID == id && p.AnswerBlob != "" {
			return s.ReadBlob(ctx, p.AnswerBlob)
		}
	}
	return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có văn bản trả lời")
}

// ParseExchangeColumns reads the import columns inter_agency and
// register_result of a procedure (nil when both are empty).
func ParseExchangeColumns(steps, register string) (*dossier.ExchangePlan, error) {
	plan := &dossier.ExchangePlan{}
	switch register {
	case "1", "true":
		plan.RegisterResult = true
	case "0", "false", "":
	default:
		return nil, errors.New("register_result phải là 1 hoặc 0")
	}
	var err error
	if plan.Steps, err = dossier.ParseExchangeSteps(steps); err != nil {
		return nil, err
	}
	if plan.Empty() {
		return nil, nil
	}
	return plan, nil
}
