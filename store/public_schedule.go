package store

import (
	"context"
	"fmt"
	"time"

	"motcua/dossier"
)

// PublicShifts lists the leaders' shifts at a center ("" = every center)
// overlapping [from, to), as the public schedule shows them: the query
// reads the leader's name and position and nothing else of the account.
func (db *DB) PublicShifts(ctx context.Context, center string, from, to time.Time) ([]dossier.PublicShift, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT s.center_code, COALESCE(c.name, ''), u.name, u.position, s.starts_at, s.ends_at
		FROM leader_shifts s JOIN users u ON u.id = s.user_id LEFT JOIN centers c ON c.code = s.center_code
		WHERE ($1 = '' OR s.center_code = $1) AND s.ends_at > $2 AND s.starts_at < $3 AND NOT u.disabled
		ORDER BY s.starts_at, s.center_code, u.name`, center, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: public shifts: %w", err)
	}
	defer rows.Close()
	out := []dossier.PublicShift{}
	for rows.Next() {
		var sh dossier.LeaderShift
		var cname string
		var leader dossier.User
		var a, b int64
		if err := rows.Scan(&sh.CenterCode, &cname, &leader.Name, &leader.Position, &a, &b); err != nil {
			return nil, err
		}
		sh.StartsAt, sh.EndsAt = fromMS(a), fromMS(b)
		out = append(out, dossier.PublishShift(sh, &leader, &dossier.Center{Code: sh.CenterCode, Name: cname}))
	}
	return out, rows.Err()
}
