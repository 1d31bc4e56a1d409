package store

import (
	"context"
	"fmt"
)

// Override is a stored calendar override.
type Override struct {
	Day    string `json:"date"`
	Center string `json:"center_code,omitempty"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

// Overrides lists the calendar overrides, optionally of one year.
func (db *DB) Overrides(ctx context.Context, year int) ([]Override, error) {
	q := `SELECT day, center_code, kind, name, source FROM calendar_overrides`
	var args []any
	if year != 0 {
		q += ` WHERE day >= $1 AND day <= $2`
		args = append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY day, center_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	return scanAll(rows, func(o *Override) []any { return []any{&o.Day, &o.Center, &o.Kind, &o.Name, &o.Source} })
}

// PutOverride inserts or replaces an override.
func (tx *Tx) PutOverride(o Override) error {
	_, err := tx.exec(`INSERT INTO calendar_overrides (day, center_code, kind, name, source) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (day, center_code) DO UPDATE SET kind = excluded.kind, name = excluded.name, source = excluded.source`,
		o.Day, o.Center, o.Kind, o.Name, o.Source)
	if err != nil {
		return fmt.Errorf("store: put override: %w", err)
	}
	return nil
}

// DeleteOverride removes an override.
func (tx *Tx) DeleteOverride(day, center string) error {
	res, err := tx.exec(`DELETE FROM calendar_overrides WHERE day = $1 AND center_code = $2`, day, center)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ngày điều chỉnh " + day)
	}
	return nil
}
