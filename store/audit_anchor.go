package store

import (
	"context"
	"fmt"
	"time"
)

// AuditHead returns the last entry of the chain (0 and "" when empty).
func (db *DB) AuditHead(ctx context.Context) (seq int64, hash string, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	if err != nil {
		return 0, "", fmt.Errorf("store: audit head: %w", err)
	}
	return seq, hash, nil
}

// AuditHashes returns the hashes of entries from..to, in order (fewer
// when some are missing: callers compare against their own list).
func (db *DB) AuditHashes(ctx context.Context, from, to int64) (map[int64]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, hash FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: audit hashes: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var seq int64
		var h string
		if err := rows.Scan(&seq, &h); err != nil {
			return nil, err
		}
		out[seq] = h
	}
	return out, rows.Err()
}

// LastAnchor returns the seq of the newest anchor in the database (0 when
// none).
func (db *DB) LastAnchor(ctx context.Context) (int64, error) {
	var seq int64
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_anchors`).Scan(&seq)
	return seq, err
}

// InsertAnchor keeps the database copy of an anchor (line is the anchor
// as written to the anchors file). An anchor of the same head made by
// another instance is kept as it is.
func (db *DB) InsertAnchor(ctx context.Context, seq int64, hash string, at time.Time, line []byte) error {
	_, err := db.execContext(ctx, `INSERT INTO audit_anchors (seq, hash, at, line) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING`,
		seq, hash, ms(at), string(line))
	if err != nil {
		return fmt.Errorf("store: anchor: %w", err)
	}
	return nil
}

// AnchorLines returns the database copies of the anchors, oldest first.
func (db *DB) AnchorLines(ctx context.Context) ([][]byte, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT line FROM audit_anchors ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("store: anchors: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, []byte(l))
	}
	return out, rows.Err()
}
