package store

import (
	"context"
	"fmt"
)

// PaymentByReceipt returns the payment whose e-receipt is number seq of
// series in year (the unique key of payments, so an indexed lookup): the
// public verification of an e-receipt.
func (db *DB) PaymentByReceipt(ctx context.Context, series string, year int, seq int64) (*Payment, error) {
	p, err := scanPayment(db.sql.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments
		WHERE receipt_series = $1 AND receipt_year = $2 AND receipt_seq = $3`, series, year, seq))
	if isNoRows(err) {
		return nil, notFound("biên lai")
	}
	if err != nil {
		return nil, fmt.Errorf("store: payment by receipt: %w", err)
	}
	return p, nil
}
