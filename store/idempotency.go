package store

import (
	"context"
	"fmt"
	"time"
)

// IdempotentResponse is a stored first response to an Idempotency-Key.
type IdempotentResponse struct {
	Request string // fingerprint: method, path and body hash
	Status  int    // 0 while the first request is still running
	Body    []byte
}

// ClaimIdempotencyKey reserves (user, key) for a request. It returns nil
// when the caller owns the key now, or the stored response (Status 0 when
// the first request is still in flight). now stamps the claim.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, now time.Time, userID int64, key, request string) (*IdempotentResponse, error) {
	res, err := db.execContext(ctx, `INSERT INTO idempotency (user_id, key, request, status, body, created_at) VALUES ($1, $2, $3, 0, $4, $5)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, request, []byte{}, ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: idempotency claim: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r IdempotentResponse
	if err := db.queryRowContext(ctx, `SELECT request, status, body FROM idempotency WHERE user_id = $1 AND key = $2`, userID, key).Scan(
		&r.Request, &r.Status, &r.Body); err != nil {
		return nil, fmt.Errorf("store: idempotency read: %w", err)
	}
	return &r, nil
}

// CompleteIdempotencyKey stores the response of the request that owns the key.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID int64, key string, status int, body []byte) error {
	_, err := db.execContext(ctx, `UPDATE idempotency SET status = $1, body = $2 WHERE user_id = $3 AND key = $4`, status, body, userID, key)
	return err
}

// ReleaseIdempotencyKey forgets a key whose request failed before any change.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	_, err := db.execContext(ctx, `DELETE FROM idempotency WHERE user_id = $1 AND key = $2`, userID, key)
	return err
}
