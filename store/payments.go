package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"motcua/dossier"
)

// Payment is a fee collected for a dossier, with its e-receipt (biên lai
// điện tử): a number in its own series per year.
type Payment struct {
	ID            int64  `json:"id"`
	DossierID     int64  `json:"-"`
	DossierCode   string `json:"dossier_code"`
	CenterCode    string `json:"center_code"`
	AgencyCode    string `json:"agency_code"`
	Amount        int64  `json:"amount"`
	Method        string `json:"method"`  // cash, transfer, card, online
	Channel       string `json:"channel"` // counter, online
	PayerName     string `json:"payer_name"`
	Description   string `json:"description"`
	Status        string `json:"status"` // paid
	ReceiptSeries string `json:"receipt_series"`
	ReceiptYear   int    `json:"receipt_year"`
	ReceiptSeq    int64  `json:"-"`
	ReceiptNumber string `json:"receipt_number"`
	Provider      string `json:"provider"`
	ProviderRef   string `json:"provider_ref,omitempty"`
	LookupCode    string `json:"lookup_code,omitempty"` // mã tra cứu of the e-receipt
	PDFBlobID     string `json:"-"`
	// ReceiptStatus is "issued" once the provider has issued the
	// e-receipt, "pending" until then (see workflow.Fees.Collect).
	ReceiptStatus string    `json:"receipt_status"`
	CollectedBy   int64     `json:"-"`
	CollectorName string    `json:"collector_name,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// NextReceiptSeq takes the next number of an e-receipt series for a year;
// the upsert locks the row until the transaction ends.
func (tx *Tx) NextReceiptSeq(series string, year int) (int64, error) {
	var n int64
	err := tx.tx.QueryRow(`INSERT INTO ereceipt_seq (series, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (series, year) DO UPDATE SET last = ereceipt_seq.last + 1 RETURNING last`, series, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: receipt seq: %w", err)
	}
	return n, nil
}

// InsertPayment stores p and sets its id and time.
func (tx *Tx) InsertPayment(p *Payment) error {
	p.CreatedAt = tx.now
	err := tx.tx.QueryRow(`INSERT INTO payments (dossier_id, dossier_code, center_code, agency_code, amount, method, channel,
		payer_name, description, status, receipt_series, receipt_year, receipt_seq, receipt_number, provider, provider_ref,
		lookup_code, pdf_blob_id, collected_by, collector_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`,
		p.DossierID, p.DossierCode, p.CenterCode, p.AgencyCode, p.Amount, p.Method, p.Channel, p.PayerName, p.Description,
		p.Status, p.ReceiptSeries, p.ReceiptYear, p.ReceiptSeq, p.ReceiptNumber, p.Provider, p.ProviderRef, p.LookupCode,
		p.PDFBlobID, p.CollectedBy, p.CollectorName, ms(tx.now)).Scan(&p.ID)
	if isUnique(err) {
		return dossier.Errorf(dossier.ECONFLICT, "Số biên lai %s đã được dùng", p.ReceiptNumber)
	}
	if err != nil {
		return fmt.Errorf("store: insert payment: %w", err)
	}
	return nil
}

// SetPaymentPDF records the rendered e-receipt of a payment.
func (tx *Tx) SetPaymentPDF(id int64, blobID string) error {
	_, err := tx.tx.Exec(`UPDATE payments SET pdf_blob_id = $1 WHERE id = $2`, blobID, id)
	return err
}

const paymentCols = `id, dossier_id, dossier_code, center_code, agency_code, amount, method, channel, payer_name, description,
	status, receipt_series, receipt_year, receipt_seq, receipt_number, provider, provider_ref, lookup_code, pdf_blob_id,
	collected_by, collector_name, created_at`

func scanPayment(s interface{ Scan(...any) error }) (*Payment, error) {
	var p Payment
	var year, at int64
	err := s.Scan(&p.ID, &p.DossierID, &p.DossierCode, &p.CenterCode, &p.AgencyCode, &p.Amount, &p.Method, &p.Channel, &p.PayerName,
		&p.Description, &p.Status, &p.ReceiptSeries, &year, &p.ReceiptSeq, &p.ReceiptNumber, &p.Provider, &p.ProviderRef,
		&p.LookupCode, &p.PDFBlobID, &p.CollectedBy, &p.CollectorName, &at)
	if err != nil {
		return nil, err
	}
	p.ReceiptYear, p.CreatedAt = int(year), fromMS(at)
	p.ReceiptStatus = "pending"
	if p.ProviderRef != "" {
		p.ReceiptStatus = "issued"
	}
	return &p, nil
}

// SetPaymentReceipt records the e-receipt the provider issued for a
// pending payment; it reports false when the payment was no longer
// pending (another attempt recorded it first).
func (tx *Tx) SetPaymentReceipt(id int64, providerRef, lookupCode, pdfBlobID string) (bool, error) {
	res, err := tx.exec(`UPDATE payments SET provider_ref = $1, lookup_code = $2, pdf_blob_id = $3 WHERE id = $4 AND provider_ref = ''`,
		providerRef, lookupCode, pdfBlobID, id)
	if err != nil {
		return false, fmt.Errorf("store: payment receipt: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Payments lists the payments of a dossier, oldest first.
func (db *DB) Payments(ctx context.Context, dossierID int64) ([]Payment, error) {
	return payments(ctx, dbq{db}, dossierID)
}

// Payments is DB.Payments inside tx, for deciding what is still due: it
// first locks the dossier's row until the transaction ends, so that two
// collections of one fee (two officers, a counter and a gateway callback)
// run one after the other on PostgreSQL and the second sees the first's
// payment instead of a fee still unpaid.
func (tx *Tx) Payments(dossierID int64) ([]Payment, error) {
	if err := tx.lockDossier(dossierID); err != nil {
		return nil, err
	}
	return payments(context.Background(), txq{tx.tx}, dossierID)
}

func payments(ctx context.Context, q queryer, dossierID int64) ([]Payment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+paymentCols+` FROM payments WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("store: payments: %w", err)
	}
	return orEmpty(scanEach(rows, values(scanPayment)))
}

// Payment returns one payment by id.
func (db *DB) Payment(ctx context.Context, id int64) (*Payment, error) {
	p, err := scanPayment(db.sql.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments WHERE id = $1`, id))
	if isNoRows(err) {
		return nil, notFound("biên lai")
	}
	if err != nil {
		return nil, fmt.Errorf("store: payment: %w", err)
	}
	return p, nil
}

// FeeTotals sums the fees collected in [from, to) per center ("" = all).
func (db *DB) FeeTotals(ctx context.Context, center string, from, to time.Time) (count, amount int64, err error) {
	args := []any{ms(from), ms(to)}
	where := `created_at >= $1 AND created_at < $2 AND status = 'paid'`
	if center != "" {
		args = append(args, center)
		where += ` AND center_code = $3`
	}
	var sum sql.NullInt64
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*), SUM(amount) FROM payments WHERE `+where, args...).Scan(&count, &sum)
	return count, sum.Int64, err
}
