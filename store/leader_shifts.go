package store

import (
	"context"
	"fmt"
	"motcua/dossier"
	"time"
)

// InsertShift stores a leader's on-site shift.
func (tx *Tx) InsertShift(s *dossier.LeaderShift) error {
	return tx.queryRow(`INSERT INTO leader_shifts (user_id, center_code, starts_at, ends_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		s.UserID, s.CenterCode, ms(s.StartsAt), ms(s.EndsAt)).Scan(&s.ID)
}

// OnShift reports whether leader userID is on an on-site shift at center at
// instant at.
func (tx *Tx) OnShift(userID int64, center string, at time.Time) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM leader_shifts WHERE user_id = $1 AND center_code = $2 AND starts_at <= $3 AND ends_at > $3`,
		userID, center, ms(at)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: on shift: %w", err)
	}
	return n > 0, nil
}

// Shifts lists leaders' shifts at a center overlapping [from, to).
func (db *DB) Shifts(ctx context.Context, center string, from, to time.Time) ([]dossier.LeaderShift, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT s.id, s.user_id, u.name, s.center_code, s.starts_at, s.ends_at
		FROM leader_shifts s JOIN users u ON u.id = s.user_id
		WHERE ($1 = '' OR s.center_code = $1) AND s.ends_at > $2 AND s.starts_at < $3 ORDER BY s.starts_at`, center, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: shifts: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (dossier.LeaderShift, error) {
		var s dossier.LeaderShift
		var a, b int64
		if err := rows.Scan(&s.ID, &s.UserID, &s.UserName, &s.CenterCode, &a, &b); err != nil {
			return s, err
		}
		s.StartsAt, s.EndsAt = fromMS(a), fromMS(b)
		return s, nil
	})
}
