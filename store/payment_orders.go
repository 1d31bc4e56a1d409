package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"motcua/dossier"
)

// Payment order statuses (payment_orders.status).
const (
	OrderPending = "pending" // sent to the gateway, no verified answer yet
	OrderPaid    = "paid"    // verified paid; PaymentID is the e-receipt's payment
	OrderFailed  = "failed"  // the gateway answered not paid (cancelled, refused)
	OrderExpired = "expired" // never paid: the gateway knew of no payment after expiry
	// OrderRefund: verified paid at the gateway while the fee was already
	// settled (another order or the counter): no receipt, to be refunded.
	OrderRefund = "refund"
)

// PaymentOrder is an online payment of a dossier's fee through a payment
// gateway (docs/payment.md).
type PaymentOrder struct {
	ID          int64      `json:"-"`
	Ref         string     `json:"order_ref"`
	DossierID   int64      `json:"-"`
	DossierCode string     `json:"dossier_code"`
	Amount      int64      `json:"amount"`
	Gateway     string     `json:"gateway"`
	Status      string     `json:"status"`
	PayURL      string     `json:"pay_url,omitempty"`
	GatewayTxn  string     `json:"gateway_txn,omitempty"`
	ResultCode  string     `json:"result_code,omitempty"`
	PaymentID   int64      `json:"payment_id,omitempty"`
	CreatedBy   int64      `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	SettledAt   *time.Time `json:"settled_at,omitempty"`
}

const orderCols = `id, order_ref, dossier_id, dossier_code, amount, gateway, status, pay_url, gateway_txn, result_code,
	payment_id, created_by, created_at, expires_at, settled_at`

func scanOrder(s interface{ Scan(...any) error }) (*PaymentOrder, error) {
	var o PaymentOrder
	var at, exp int64
	var settled sql.NullInt64
	err := s.Scan(&o.ID, &o.Ref, &o.DossierID, &o.DossierCode, &o.Amount, &o.Gateway, &o.Status, &o.PayURL, &o.GatewayTxn,
		&o.ResultCode, &o.PaymentID, &o.CreatedBy, &at, &exp, &settled)
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.ExpiresAt, o.SettledAt = fromMS(at), fromMS(exp), fromNull(settled)
	return &o, nil
}

// InsertPaymentOrder stores a new pending order and sets its id.
func (tx *Tx) InsertPaymentOrder(o *PaymentOrder) error {
	o.CreatedAt, o.Status = tx.now, OrderPending
	err := tx.tx.QueryRow(`INSERT INTO payment_orders (order_ref, dossier_id, dossier_code, amount, gateway, status, pay_url,
		created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		o.Ref, o.DossierID, o.DossierCode, o.Amount, o.Gateway, o.Status, o.PayURL, o.CreatedBy, ms(tx.now), ms(o.ExpiresAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("store: insert payment order: %w", err)
	}
	return nil
}

// SetPaymentOrderURL records where the citizen pays order id.
func (tx *Tx) SetPaymentOrderURL(id int64, payURL string) error {
	_, err := tx.exec(`UPDATE payment_orders SET pay_url = $1 WHERE id = $2`, payURL, id)
	return err
}

// PaymentOrder returns the order with reference ref.
func (db *DB) PaymentOrder(ctx context.Context, ref string) (*PaymentOrder, error) {
	return paymentOrder(ctx, dbq{db}, ref, "")
}

// PaymentOrder is DB.PaymentOrder inside tx, locking the row.
//
// On PostgreSQL the row stays locked until the transaction ends, so two
// callbacks settling one order run one after the other: the second sees
// the first one's outcome instead of deciding on a stale "pending".
func (tx *Tx) PaymentOrder(ref string) (*PaymentOrder, error) {
	return paymentOrder(context.Background(), txq{tx.tx}, ref, tx.db.dialect.forUpdate(""))
}

func paymentOrder(ctx context.Context, q queryer, ref, lock string) (*PaymentOrder, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderCols+` FROM payment_orders WHERE order_ref = $1`+lock, ref))
	if isNoRows(err) {
		return nil, notFound("giao dịch thanh toán")
	}
	if err != nil {
		return nil, fmt.Errorf("store: payment order: %w", err)
	}
	return o, nil
}

// PaymentOrderByTxn returns the order the gateway's transaction txn
// settled, or nil.
func (tx *Tx) PaymentOrderByTxn(gateway, txn string) (*PaymentOrder, error) {
	o, err := scanOrder(tx.tx.QueryRow(`SELECT `+orderCols+` FROM payment_orders WHERE gateway = $1 AND gateway_txn = $2`, gateway, txn))
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: payment order by txn: %w", err)
	}
	return o, nil
}

// PaymentOrders lists the orders of a dossier, oldest first.
func (tx *Tx) PaymentOrders(dossierID int64) ([]PaymentOrder, error) {
	return listOrders(context.Background(), txq{tx.tx}, `WHERE dossier_id = $1 ORDER BY id`, dossierID)
}

// PendingPaymentOrders lists up to limit pending orders created before
// before, oldest first (the reconciliation's work).
func (db *DB) PendingPaymentOrders(ctx context.Context, before time.Time, limit int) ([]PaymentOrder, error) {
	return listOrders(ctx, dbq{db}, `WHERE status = 'pending' AND created_at < $1 ORDER BY created_at, id LIMIT $2`, ms(before), limit)
}

func listOrders(ctx context.Context, q queryer, where string, args ...any) ([]PaymentOrder, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orderCols+` FROM payment_orders `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: payment orders: %w", err)
	}
	out, err := scanEach(rows, func(r rowScanner) (PaymentOrder, error) {
		o, err := scanOrder(r)
		if err != nil {
			return PaymentOrder{}, err
		}
		return *o, nil
	})
	if out == nil && err == nil {
		out = []PaymentOrder{}
	}
	return out, err
}

// SettlePaymentOrder moves a pending order to status (paid, failed,
// expired, refund) with the gateway's transaction id and result code;
// late also lets a failed or expired order become paid (a verified
// payment wins). It reports false when the order was not in a state it
// may leave: another answer settled it first (the row lock makes a
// concurrent answer wait, then find it settled).
func (tx *Tx) SettlePaymentOrder(id int64, status, txn, code string, paymentID int64, late bool) (bool, error) {
	from := `status = 'pending'`
	if late {
		from = `status IN ('pending', 'failed', 'expired')`
	}
	res, err := tx.tx.Exec(`UPDATE payment_orders SET status = $1, gateway_txn = $2, result_code = $3, payment_id = $4, settled_at = $5
		WHERE id = $6 AND `+from, status, txn, code, paymentID, ms(tx.now), id)
	if isUnique(err) {
		return false, dossier.Errorf(dossier.ECONFLICT, "Mã giao dịch %s đã thanh toán một giao dịch khác", txn)
	}
	if err != nil {
		return false, fmt.Errorf("store: settle payment order: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetPaymentOrderPayment links a paid order to its payment.
func (tx *Tx) SetPaymentOrderPayment(id, paymentID int64) error {
	_, err := tx.exec(`UPDATE payment_orders SET payment_id = $1 WHERE id = $2`, paymentID, id)
	return err
}

// PaymentOrdersOf lists the orders of a dossier, oldest first.
func (db *DB) PaymentOrdersOf(ctx context.Context, dossierID int64) ([]PaymentOrder, error) {
	return listOrders(ctx, dbq{db}, `WHERE dossier_id = $1 ORDER BY id`, dossierID)
}

// OnlinePaidProcedures returns the procedures with at least one dossier
// whose fee was paid through the gateway (a verified order) before to:
// their online payment is integrated (QĐ 766 indicator 3.5).
func (db *DB) OnlinePaidProcedures(ctx context.Context, to time.Time) (map[string]bool, error) {
	rows, err := db.reader().QueryContext(ctx, `SELECT DISTINCT d.procedure_code FROM payment_orders o
		JOIN dossiers d ON d.id = o.dossier_id WHERE o.status = 'paid' AND o.settled_at < $1`, ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: online paid procedures: %w", err)
	}
	return scanSet(rows)
}
