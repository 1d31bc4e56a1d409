package workflow

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// EReceipt is what an e-receipt (biên lai điện tử, Circular 68/2019/TT-BTC
// and Decree 11/2020) states: the collecting unit, the payer, the fee and
// the receipt's symbol and number.
type EReceipt struct {
	Symbol      string // ký hiệu, e.g. "BL26E"
	Number      string // số biên lai, 7 digits
	Year        int
	IssuedAt    time.Time
	Collector   dossier.Agency // đơn vị thu
	CenterName  string
	Payer       string
	DossierCode string
	Procedure   string
	Amount      int64
	AmountWords string
	Method      string
	Officer     string
	// BaseURL is the public base URL: the receipt prints its verification
	// address (VerifyURL).
	BaseURL string
}

// IssuedEReceipt is the provider's answer.
type IssuedEReceipt struct {
	ProviderRef string // the provider's id of the receipt
	LookupCode  string // mã tra cứu printed on the receipt
	PDF         []byte
}

// EReceiptProvider issues e-receipts. The demo provider renders them
// locally; a real e-invoice/e-receipt provider (Circular 68/2019/TT-BTC)
// plugs in here. Issue is called inside the payment's transaction, after
// the number is taken: an error rolls the payment and its number back.
type EReceiptProvider interface {
	Name() string
	Issue(ctx context.Context, r EReceipt) (*IssuedEReceipt, error)
}

// Money formats an amount in đồng: 1500000 → "1.500.000 đồng".
func Money(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + " đồng"
}

// MethodLabel returns the Vietnamese name of a payment method.
func MethodLabel(m string) string {
	switch m {
	case "cash":
		return "Tiền mặt"
	case "transfer":
		return "Chuyển khoản"
	case "card":
		return "Thẻ ngân hàng (POS)"
	case "online":
		return "Thanh toán trực tuyến"
	}
	return m
}

var digitWords = []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// AmountInWords spells an amount in Vietnamese: 1500000 → "Một triệu năm
// trăm nghìn đồng".
func AmountInWords(n int64) string {
	if n == 0 {
		return "Không đồng"
	}
	units := []string{"", " nghìn", " triệu", " tỷ", " nghìn tỷ", " triệu tỷ"}
	var groups []int
	for v := n; v > 0; v /= 1000 {
		groups = append(groups, int(v%1000))
	}
	var parts []string
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		parts = append(parts, triple(g, i < len(groups)-1)+units[i])
	}
	s := strings.Join(parts, " ") + " đồng"
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// triple spells 0 < g < 1000; full says hundreds must be spoken ("không
// trăm") because a higher group precedes.
func triple(g int, full bool) string {
	h, t, u := g/100, g/10%10, g%10
	var w []string
	if h > 0 || full {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u > 0 && (h > 0 || full):
		w = append(w, "linh")
	case t == 1:
		w = append(w, "mười")
	case t > 1:
		w = append(w, digitWords[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		w = append(w, "mốt")
	case u == 5 && t > 0:
		w = append(w, "lăm")
	case u == 4 && t > 1:
		w = append(w, "tư")
	default:
		w = append(w, digitWords[u])
	}
	return strings.Join(w, " ")
}

// PaymentInput is a fee payment request.
type PaymentInput struct {
	Amount    int64  `json:"amount"`               // 0 = the amount still due
	Method    string `json:"method"`               // cash, transfer, card (counter); online (citizen)
	PayerName string `json:"payer_name,omitempty"` // default: the applicant
}

// Fees collects procedure fees and issues e-receipts. Create it with
// NewFees.
type Fees struct {
	svc      *Service
	provider EReceiptProvider
	series   string
}

// NewFees returns the fee use cases over svc. A nil provider means the
// service's own (Ports.EReceipts) when it has one, else receipts numbered
// without a printed form; series is the receipt symbol prefix (default
// "BL"), to which the two-digit year and "E" (electronic) are appended.
func NewFees(svc *Service, provider EReceiptProvider, series string) *Fees {
	if provider == nil {
		provider = svc.ports.EReceipts
	}
	if provider == nil {
		provider = numberOnly{}
	}
	if series == "" {
		series = "BL"
	}
	return &Fees{svc: svc, provider: provider, series: series}
}

// numberOnly is the provider of last resort: the receipt has its number
// in our series and no printed form.
type numberOnly struct{}

func (numberOnly) Name() string { return "none" }

func (numberOnly) Issue(ctx context.Context, r EReceipt) (*IssuedEReceipt, error) {
	return &IssuedEReceipt{ProviderRef: r.Symbol + "-" + r.Number}, nil
}

// Provider returns the e-receipt provider in use.
func (f *Fees) Provider() EReceiptProvider { return f.provider }

// Collect records the payment of a dossier's fee collected at the counter
// and issues its e-receipt: by reception at the dossier's center (cash,
// transfer, card). The applicant pays online through the payment gateway
// instead (PayOnline, Confirm: payment.go). A procedure without fee is
// EUNPROCESSABLE; a fee already paid, or a refused or withdrawn dossier,
// is ECONFLICT.
//
// The payment and its receipt number are recorded first, in their own
// transaction: the money has changed hands. The provider is called after
// the commit, outside the database writer, so a slow or failing provider
// holds up nobody else; its answer is recorded in a second transaction.
// When it fails, the payment is returned with receipt_status "pending" and
// the e-receipt is issued again when someone asks for it (ReceiptPDF); the
// provider sees the same series and number each time, so it can tell a
// retry from a new receipt.
func (f *Fees) Collect(ctx context.Context, u *dossier.User, code string, in PaymentInput) (*store.Payment, error) {
	s := f.svc
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	channel := ""
	switch {
	case u.Has(dossier.RoleReception) && u.AtCenter(d.CenterCode):
		channel = "counter"
		if in.Method == "" {
			in.Method = "cash"
		}
		if in.Method != "cash" && in.Method != "transfer" && in.Method != "card" {
			return nil, dossier.Invalid("Hình thức thu không hợp lệ", dossier.FieldError{Field: "method", Message: "cash, transfer hoặc card"})
		}
	case d.ApplicantUser != 0 && d.ApplicantUser == u.ID:
		// The applicant pays through the payment gateway (payment.go):
		// only a verified answer of the gateway records the payment.
		return nil, forbidden("Người nộp hồ sơ nộp phí trực tuyến qua cổng thanh toán (nút \"Nộp phí trực tuyến\" trên trang hồ sơ)")
	default:
		return nil, forbidden("Chỉ cán bộ tiếp nhận của trung tâm hoặc người nộp hồ sơ được nộp phí")
	}
	if in.Amount < 0 {
		return nil, dossier.Invalid("Số tiền không hợp lệ", dossier.FieldError{Field: "amount", Message: "không âm"})
	}
	if err := uncollectable(d); err != nil {
		return nil, err
	}
	payer := vntext.NFC(in.PayerName)
	if payer == "" {
		payer = d.Applicant.Name
	}
	var p *store.Payment
	var receipt EReceipt
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		p, receipt, err = f.record(tx, collection{d: d, amount: in.Amount, method: in.Method, channel: channel, payer: payer,
			by: u.ID, byName: u.Name, actor: u.Username})
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := f.issueReceipt(ctx, p, receipt); err != nil {
		s.log.Warn("e-receipt not issued; it stays pending", "payment", p.ID, "provider", f.provider.Name(), "err", err)
	}
	return p, nil
}

// collection is one fee payment to record (Fees.record).
type collection struct {
	d               *dossier.Dossier
	amount          int64 // 0: the amount due
	method, channel string
	payer           string
	by              int64  // the user recorded as collector
	byName, actor   string // the collector's name; who the audit names
}

// uncollectable is ECONFLICT for a dossier whose fee is not collected any
// more (refused or withdrawn), else nil.
func uncollectable(d *dossier.Dossier) error {
	if d.Status == dossier.StatusRefused || d.Status == dossier.StatusWithdrawn {
		return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã %s; không thu phí", strings.ToLower(d.Status.Label()))
	}
	return nil
}

// feeDue returns the procedure of d and the fee still due. The dossier's
// row is locked and its status read again first: a refusal or withdrawal
// committed since d was read stops the collection, and collections of one
// fee run one after the other (tx.Payments).
func feeDue(tx *store.Tx, d *dossier.Dossier) (*dossier.Procedure, int64, error) {
	cur, err := tx.DossierForUpdate(d.Code)
	if err != nil {
		return nil, 0, err
	}
	if err := uncollectable(cur); err != nil {
		return nil, 0, err
	}
	proc, err := tx.Procedure(d.ProcedureCode)
	if err != nil {
		return nil, 0, err
	}
	if proc.Fee <= 0 {
		return nil, 0, dossier.Errorf(dossier.EUNPROCESSABLE, "Thủ tục %s không thu phí, lệ phí", proc.Code)
	}
	prev, err := tx.Payments(d.ID)
	if err != nil {
		return nil, 0, err
	}
	due := proc.Fee
	for _, x := range prev {
		due -= x.Amount
	}
	if due <= 0 {
		return nil, 0, dossier.Errorf(dossier.ECONFLICT, "Phí, lệ phí của hồ sơ %s đã được nộp đủ", d.Code)
	}
	return proc, due, nil
}

// record checks the amount of c against the fee due, takes the receipt
// number and records the payment, its audit entry and its outbox event
// inside tx. It returns the payment and what the e-receipt provider is
// to be told once the transaction has committed.
func (f *Fees) record(tx *store.Tx, c collection) (*store.Payment, EReceipt, error) {
	d := c.d
	proc, due, err := feeDue(tx, d)
	if err != nil {
		return nil, EReceipt{}, err
	}
	if c.amount == 0 {
		c.amount = due
	}
	if c.amount != due {
		return nil, EReceipt{}, dossier.Errorf(dossier.EUNPROCESSABLE, "Số tiền phải nộp là %s", Money(due))
	}
	agency, err := tx.Agency(d.AgencyCode)
	if err != nil {
		return nil, EReceipt{}, err
	}
	center, err := tx.Center(d.CenterCode)
	if err != nil {
		return nil, EReceipt{}, err
	}
	now := tx.Now()
	year := now.In(f.svc.Location()).Year()
	symbol := fmt.Sprintf("%s%02dE", f.series, year%100)
	seq, err := tx.NextReceiptSeq(symbol, year)
	if err != nil {
		return nil, EReceipt{}, err
	}
	p := &store.Payment{DossierID: d.ID, DossierCode: d.Code, CenterCode: d.CenterCode, AgencyCode: d.AgencyCode, Amount: c.amount,
		Method: c.method, Channel: c.channel, PayerName: c.payer, Description: "Phí, lệ phí " + proc.Name, Status: "paid",
		ReceiptSeries: symbol, ReceiptYear: year, ReceiptSeq: seq, ReceiptNumber: fmt.Sprintf("%07d", seq),
		Provider: f.provider.Name(), CollectedBy: c.by, CollectorName: c.byName, ReceiptStatus: "pending"}
	receipt := EReceipt{Symbol: symbol, Number: p.ReceiptNumber, Year: year, IssuedAt: now,
		Collector: *agency, CenterName: center.Name, Payer: c.payer, DossierCode: d.Code, Procedure: proc.Name, Amount: c.amount,
		AmountWords: AmountInWords(c.amount), Method: c.method, Officer: c.byName}
	if err := tx.InsertPayment(p); err != nil {
		return nil, EReceipt{}, err
	}
	if err := tx.Audit(c.actor, "collect-fee", "dossier", d.Code,
		fmt.Sprintf(`{"amount":%d,"receipt":%q}`, p.Amount, symbol+"/"+p.ReceiptNumber)); err != nil {
		return nil, EReceipt{}, err
	}
	err = tx.Outbox("payment.collected", map[string]any{"code": d.Code, "payment_id": p.ID, "amount": p.Amount,
		"receipt": symbol + "/" + p.ReceiptNumber, "at": now})
	return p, receipt, err
}

// issueReceipt asks the provider for the e-receipt of pending payment p
// and records it, updating p.
func (f *Fees) issueReceipt(ctx context.Context, p *store.Payment, r EReceipt) error {
	r.BaseURL = f.svc.cfg.BaseURL
	issued, err := f.provider.Issue(ctx, r)
	if err != nil {
		return fmt.Errorf("e-receipt provider %s: %w", f.provider.Name(), err)
	}
	var pdf doc
	if len(issued.PDF) > 0 {
		pdf = newDoc(issued.PDF)
	}
	err = f.svc.db.InTx(ctx, f.svc.now(), func(tx *store.Tx) error {
		if pdf.data != nil {
			if _, err := storeDocument(tx, pdf, p.CollectedBy); err != nil {
				return err
			}
		}
		_, err := tx.SetPaymentReceipt(p.ID, issued.ProviderRef, issued.LookupCode, pdf.id)
		return err
	})
	if err != nil {
		return err
	}
	// Another attempt may have recorded its answer first: read it back.
	q, err := f.svc.db.Payment(ctx, p.ID)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// retryReceipt issues the e-receipt of a payment still pending, rebuilding
// what the provider was told the first time from the payment, its dossier
// and the catalog.
func (f *Fees) retryReceipt(ctx context.Context, p *store.Payment) error {
	s := f.svc
	d, err := s.db.DossierByID(ctx, p.DossierID)
	if err != nil {
		return err
	}
	proc, err := s.db.Procedure(ctx, d.ProcedureCode)
	if err != nil {
		return err
	}
	agency, err := s.db.Agency(ctx, p.AgencyCode)
	if err != nil {
		return err
	}
	center, err := s.centerByCode(ctx, p.CenterCode)
	if err != nil {
		return err
	}
	return f.issueReceipt(ctx, p, EReceipt{Symbol: p.ReceiptSeries, Number: p.ReceiptNumber, Year: p.ReceiptYear, IssuedAt: p.CreatedAt,
		Collector: *agency, CenterName: center.Name, Payer: p.PayerName, DossierCode: p.DossierCode, Procedure: proc.Name,
		Amount: p.Amount, AmountWords: AmountInWords(p.Amount), Method: p.Method, Officer: p.CollectorName})
}

// Payments lists the payments of a dossier the caller may see.
func (f *Fees) Payments(ctx context.Context, u *dossier.User, code string) ([]store.Payment, error) {
	d, err := f.svc.readDossier(ctx, u, code, ReadPayments, "")
	if err != nil {
		return nil, err
	}
	return f.svc.db.Payments(ctx, d.ID)
}

// ReceiptPDF returns the e-receipt PDF of a payment whose dossier the
// caller may see; otherwise ENOTFOUND.
func (f *Fees) ReceiptPDF(ctx context.Context, u *dossier.User, id int64) (*store.Payment, []byte, error) {
	p, err := f.svc.db.Payment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.svc.readDossier(ctx, u, p.DossierCode, ReadEReceipt, strconv.FormatInt(p.ID, 10)); err != nil {
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil, nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy biên lai")
		}
		return nil, nil, err
	}
	if p.ReceiptStatus == "pending" {
		if err := f.retryReceipt(ctx, p); err != nil {
			f.svc.log.Warn("e-receipt still not issued", "payment", p.ID, "provider", f.provider.Name(), "err", err)
			return nil, nil, dossier.Errorf(dossier.EUNAVAILABLE, "Biên lai điện tử chưa được phát hành: nhà cung cấp chưa phản hồi, vui lòng thử lại sau ít phút")
		}
	}
	if p.PDFBlobID == "" {
		return nil, nil, dossier.Errorf(dossier.ENOTFOUND, "Biên lai chưa có bản PDF")
	}
	b, err := f.svc.ReadBlob(ctx, p.PDFBlobID)
	return p, b, err
}
