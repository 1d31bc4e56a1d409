package store

import (
	"context"
	"fmt"
	"time"
)

// SigningSessionRecord is a two-phase signature waiting for an officer's
// confirmation (workflow.SigningSession). The store keeps it so that any
// instance can complete it, and after a restart; Session and State are
// opaque here.
type SigningSessionRecord struct {
	ID          string // the session id, stored hashed
	UserID      int64
	DossierCode string
	Action      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	Session     []byte // the workflow's JSON
	State       []byte // the signer's serialized prepared signature
}

// SaveSigningSession stores r at now. It replaces the user's earlier
// session for the same dossier and action (one at a time), and purges the
// sessions expired at now.
func (db *DB) SaveSigningSession(ctx context.Context, now time.Time, r SigningSessionRecord) error {
	err := db.InTx(ctx, now, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM signing_sessions WHERE expires_at < $1 OR (user_id = $2 AND dossier_code = $3 AND action = $4)`,
			ms(now), r.UserID, r.DossierCode, r.Action); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO signing_sessions (id_hash, user_id, dossier_code, action, created_at, expires_at, session, state)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			HashToken(r.ID), r.UserID, r.DossierCode, r.Action, ms(r.CreatedAt), ms(r.ExpiresAt), string(r.Session), r.State)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save signing session: %w", err)
	}
	return nil
}

// SigningSession returns session id without its State, or ENOTFOUND.
func (db *DB) SigningSession(ctx context.Context, id string) (*SigningSessionRecord, error) {
	r := SigningSessionRecord{ID: id}
	var c, e int64
	var sess string
	err := db.queryRowContext(ctx, `SELECT user_id, dossier_code, action, created_at, expires_at, session FROM signing_sessions WHERE id_hash = $1`,
		HashToken(id)).Scan(&r.UserID, &r.DossierCode, &r.Action, &c, &e, &sess)
	if isNoRows(err) {
		return nil, notFound("phiên ký")
	}
	if err != nil {
		return nil, fmt.Errorf("store: signing session: %w", err)
	}
	r.CreatedAt, r.ExpiresAt, r.Session = fromMS(c), fromMS(e), []byte(sess)
	return &r, nil
}

// SigningSessionState returns the State of session id, or ENOTFOUND.
func (db *DB) SigningSessionState(ctx context.Context, id string) ([]byte, error) {
	var state []byte
	err := db.queryRowContext(ctx, `SELECT state FROM signing_sessions WHERE id_hash = $1`, HashToken(id)).Scan(&state)
	if isNoRows(err) {
		return nil, notFound("phiên ký")
	}
	if err != nil {
		return nil, fmt.Errorf("store: signing session state: %w", err)
	}
	return state, nil
}

// ClaimSigningSession reserves session id for one completion until until:
// it reports false when the session is gone or another completion holds
// it (a claim whose time ran out, its process lost, is taken over). The
// claim is bookkeeping, not the request's change: it does not mark an
// idempotency claim of ctx committed.
func (db *DB) ClaimSigningSession(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := db.execContext(withoutClaim(ctx), `UPDATE signing_sessions SET claimed_until = $1 WHERE id_hash = $2 AND claimed_until <= $3`,
		ms(until), HashToken(id), ms(now))
	if err != nil {
		return false, fmt.Errorf("store: claim signing session: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseSigningSession gives up the claim of session id made until
// until (not a later one of another completion): the completion failed
// and the officer may try again.
func (db *DB) ReleaseSigningSession(ctx context.Context, id string, until time.Time) error {
	_, err := db.execContext(withoutClaim(ctx), `UPDATE signing_sessions SET claimed_until = 0 WHERE id_hash = $1 AND claimed_until = $2`,
		HashToken(id), ms(until))
	return err
}

// DeleteSigningSession removes session id (expired, or used).
func (db *DB) DeleteSigningSession(ctx context.Context, id string) error {
	_, err := db.execContext(withoutClaim(ctx), `DELETE FROM signing_sessions WHERE id_hash = $1`, HashToken(id))
	return err
}

// DeleteSigningSession removes session id with the transition that used
// it: the signature and the end of its session commit together.
func (tx *Tx) DeleteSigningSession(id string) error {
	_, err := tx.exec(`DELETE FROM signing_sessions WHERE id_hash = $1`, HashToken(id))
	return err
}
