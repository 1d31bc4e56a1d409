package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"motcua/dossier"
	"time"
)

// HashToken returns the stored form of a bearer or lookup token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession stores a session for a raw token, signed in at identity
// level (dossier.IdentityNone for a password).
func (tx *Tx) CreateSession(token string, userID int64, expires time.Time, level dossier.IdentityLevel) error {
	_, err := tx.exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, identity_level) VALUES ($1, $2, $3, $3, $4, $5)`,
		HashToken(token), userID, ms(tx.now), ms(expires), int(level))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// DeleteSession removes the session of token.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.execContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, HashToken(token))
	return err
}

// Session returns the session of token, or ENOTFOUND.
func (db *DB) Session(ctx context.Context, token string) (*dossier.Session, error) {
	var s dossier.Session
	var c, l, e, level int64
	err := db.queryRowContext(ctx, `SELECT user_id, created_at, last_seen, expires_at, identity_level FROM sessions WHERE token_hash = $1`,
		HashToken(token)).Scan(&s.UserID, &c, &l, &e, &level)
	if isNoRows(err) {
		return nil, notFound("phiên làm việc")
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	s.CreatedAt, s.LastSeen, s.ExpiresAt, s.IdentityLevel = fromMS(c), fromMS(l), fromMS(e), dossier.IdentityLevel(level)
	return &s, nil
}

// TouchSession records activity on a session.
func (db *DB) TouchSession(ctx context.Context, token string, at time.Time) error {
	_, err := db.execContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, ms(at), HashToken(token))
	return err
}
