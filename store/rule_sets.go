package store

import (
	"context"
	"database/sql"
	"fmt"

	"motcua/dossier"
)

// RuleSetSchedule returns the province's rule-set periods in day order
// (migration 00016; dossier.Schedule).
func (db *DB) RuleSetSchedule(ctx context.Context) (dossier.Schedule, error) {
	return scanSchedule(db.sql.QueryContext(ctx, scheduleQuery))
}

// RuleSetSchedule reads the schedule inside tx (the one in force for a
// receipt in it).
func (tx *Tx) RuleSetSchedule() (dossier.Schedule, error) {
	return scanSchedule(tx.query(scheduleQuery))
}

const scheduleQuery = `SELECT effective_from, rule_set, basis, confirmed FROM rule_set_schedule ORDER BY effective_from`

func scanSchedule(rows *sql.Rows, err error) (dossier.Schedule, error) {
	if err != nil {
		return nil, fmt.Errorf("store: rule set schedule: %w", err)
	}
	defer rows.Close()
	var out dossier.Schedule
	for rows.Next() {
		var p dossier.RuleSetPeriod
		var id string
		if err := rows.Scan(&p.From, &id, &p.Basis, &p.Confirmed); err != nil {
			return nil, err
		}
		p.RuleSet = dossier.RuleSetID(id)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReplaceRuleSetSchedule replaces the schedule by s (checked by the
// caller), recording who changed it.
func (tx *Tx) ReplaceRuleSetSchedule(s dossier.Schedule, by string) error {
	if _, err := tx.exec(`DELETE FROM rule_set_schedule`); err != nil {
		return fmt.Errorf("store: rule set schedule: %w", err)
	}
	for _, p := range s {
		if _, err := tx.exec(`INSERT INTO rule_set_schedule (effective_from, rule_set, basis, confirmed, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, p.From, string(p.RuleSet), p.Basis, p.Confirmed, by, ms(tx.now)); err != nil {
			return fmt.Errorf("store: rule set schedule: %w", err)
		}
	}
	return nil
}

// DossiersToBackfill returns up to limit dossiers with id > after that lack
// a rule set, a measure date (received with a due date) or, returned under
// "5 tại chỗ", its verdicts — with the history's places for the latter.
func (tx *Tx) DossiersToBackfill(after int64, limit int) ([]*dossier.Dossier, error) {
	rows, err := tx.tx.Query(`SELECT id, center_code, mode, status, form_set, rule_set, submitted_at, received_at, finished_at,
		due_at, original_due_at, paused_seconds, measure_due_at, five_on_spot_achieved, returned_same_day FROM dossiers
		WHERE id > $1 AND (rule_set = ''
			OR (received_at IS NOT NULL AND measure_due_at IS NULL AND (due_at IS NOT NULL OR original_due_at IS NOT NULL))
			OR (status = 'returned' AND mode = 'five_on_spot' AND five_on_spot_achieved IS NULL))
		ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: backfill: %w", err)
	}
	var out []*dossier.Dossier
	for rows.Next() {
		var d dossier.Dossier
		var mode, st, rs string
		var sub, rec, fin, due, odue, mdue sql.NullInt64
		var achieved, sameDay sql.NullBool
		if err := rows.Scan(&d.ID, &d.CenterCode, &mode, &st, &d.FormSet, &rs, &sub, &rec, &fin, &due, &odue, &d.PausedSeconds,
			&mdue, &achieved, &sameDay); err != nil {
			rows.Close()
			return nil, err
		}
		d.Mode, d.Status, d.RuleSet = dossier.Mode(mode), dossier.Status(st), dossier.RuleSetID(rs)
		d.SubmittedAt, d.ReceivedAt, d.FinishedAt, d.DueAt, d.OriginalDueAt = fromNull(sub), fromNull(rec), fromNull(fin), fromNull(due), fromNull(odue)
		d.MeasureDueAt, d.FiveOnSpotAchieved, d.ReturnedSameDay = fromNull(mdue), fromNullBool(achieved), fromNullBool(sameDay)
		out = append(out, &d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		if d.Status != dossier.StatusReturned || d.Mode != dossier.ModeFiveOnSpot || d.FiveOnSpotAchieved != nil {
			continue
		}
		hs, err := tx.tx.Query(`SELECT action, place FROM dossier_history WHERE dossier_id = $1 ORDER BY id`, d.ID)
		if err != nil {
			return nil, fmt.Errorf("store: backfill history: %w", err)
		}
		for hs.Next() {
			var a, p string
			if err := hs.Scan(&a, &p); err != nil {
				hs.Close()
				return nil, err
			}
			d.History = append(d.History, dossier.HistoryEntry{Action: dossier.Action(a), Place: dossier.Place(p)})
		}
		hs.Close()
		if err := hs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetBackfill records what the backfill derived for dossier d: its rule
// set, measure date and "5 tại chỗ" verdicts.
func (tx *Tx) SetBackfill(d *dossier.Dossier) error {
	_, err := tx.exec(`UPDATE dossiers SET rule_set = $1, measure_due_at = $2, five_on_spot_achieved = $3, returned_same_day = $4
		WHERE id = $5`, string(d.RuleSet), msp(d.MeasureDueAt), nullBool(d.FiveOnSpotAchieved), nullBool(d.ReturnedSameDay), d.ID)
	if err != nil {
		return fmt.Errorf("store: backfill: %w", err)
	}
	return nil
}
