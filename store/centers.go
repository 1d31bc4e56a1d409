package store

import (
	"context"
	"fmt"
	"motcua/dossier"
	"motcua/vntext"
)

// UpsertCenter inserts or updates a center and replaces its counters.
func (tx *Tx) UpsertCenter(c *dossier.Center) error {
	_, err := tx.exec(`INSERT INTO centers (code, name, level, agency_code, address, working_hours, saturday_hours) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
		agency_code = excluded.agency_code, address = excluded.address, working_hours = excluded.working_hours,
		saturday_hours = excluded.saturday_hours`,
		c.Code, vntext.NFC(c.Name), string(c.Level), c.AgencyCode, vntext.NFC(c.Address), c.WorkingHours, c.SaturdayHours)
	if err != nil {
		return fmt.Errorf("store: upsert center: %w", err)
	}
	for _, k := range c.Counters {
		if _, err := tx.exec(`INSERT INTO counters (center_code, code, name) VALUES ($1, $2, $3)
			ON CONFLICT (center_code, code) DO UPDATE SET name = excluded.name`, c.Code, k.Code, vntext.NFC(k.Name)); err != nil {
			return fmt.Errorf("store: upsert counter: %w", err)
		}
	}
	return nil
}

// Centers lists every center with its counters, ordered by code.
func (db *DB) Centers(ctx context.Context) ([]dossier.Center, error) {
	rows, err := db.queryContext(ctx, `SELECT code, name, level, agency_code, address, working_hours, saturday_hours FROM centers ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: centers: %w", err)
	}
	defer rows.Close()
	var out []dossier.Center
	idx := map[string]int{}
	for rows.Next() {
		var c dossier.Center
		var level string
		if err := rows.Scan(&c.Code, &c.Name, &level, &c.AgencyCode, &c.Address, &c.WorkingHours, &c.SaturdayHours); err != nil {
			return nil, err
		}
		c.Level = dossier.Level(level)
		idx[c.Code] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	krows, err := db.queryContext(ctx, `SELECT center_code, code, name FROM counters ORDER BY center_code, code`)
	if err != nil {
		return nil, fmt.Errorf("store: counters: %w", err)
	}
	defer krows.Close()
	for krows.Next() {
		var cc string
		var k dossier.Counter
		if err := krows.Scan(&cc, &k.Code, &k.Name); err != nil {
			return nil, err
		}
		if i, ok := idx[cc]; ok {
			out[i].Counters = append(out[i].Counters, k)
		}
	}
	return out, krows.Err()
}

// Center returns one center with its counters inside tx.
func (tx *Tx) Center(code string) (*dossier.Center, error) {
	var c dossier.Center
	var level string
	err := tx.queryRow(`SELECT code, name, level, agency_code, address, working_hours, saturday_hours FROM centers WHERE code = $1`, code).Scan(
		&c.Code, &c.Name, &level, &c.AgencyCode, &c.Address, &c.WorkingHours, &c.SaturdayHours)
	if isNoRows(err) {
		return nil, notFound("trung tâm " + code)
	}
	if err != nil {
		return nil, err
	}
	c.Level = dossier.Level(level)
	rows, err := tx.query(`SELECT code, name FROM counters WHERE center_code = $1 ORDER BY code`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dossier.Counter
		if err := rows.Scan(&k.Code, &k.Name); err != nil {
			return nil, err
		}
		c.Counters = append(c.Counters, k)
	}
	return &c, rows.Err()
}

// CenterForAgency returns the center that serves procedures of agency: the
// center whose own agency has the same parent as the procedure's agency.
func (tx *Tx) CenterForAgency(agency string) (string, error) {
	var code string
	err := tx.queryRow(`SELECT c.code FROM centers c
		JOIN agencies ca ON ca.code = c.agency_code
		JOIN agencies pa ON pa.code = $1
		WHERE ca.parent_code = pa.parent_code OR c.agency_code = pa.parent_code
		ORDER BY c.code LIMIT 1`, agency).Scan(&code)
	if isNoRows(err) {
		return "", dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa có trung tâm phục vụ hành chính công tiếp nhận thủ tục của cơ quan %s", agency)
	}
	return code, err
}
