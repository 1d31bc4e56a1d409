package store

import (
	"context"
	"fmt"
	"time"

	"motcua/dossier"
)

// EnsureRegister returns the register of (agency, year, result type),
// creating it with symbol when missing.
func (tx *Tx) EnsureRegister(agency string, year int, resultType, symbol string) (*dossier.Register, error) {
	_, err := tx.exec(`INSERT INTO registers (agency_code, year, result_type_code, symbol, last) VALUES ($1, $2, $3, $4, 0)
		ON CONFLICT (agency_code, year, result_type_code) DO NOTHING`, agency, year, resultType, symbol)
	if err != nil {
		return nil, fmt.Errorf("store: ensure register: %w", err)
	}
	var r dossier.Register
	err = tx.queryRow(`SELECT id, agency_code, year, result_type_code, symbol, last FROM registers
		WHERE agency_code = $1 AND year = $2 AND result_type_code = $3`, agency, year, resultType).Scan(
		&r.ID, &r.AgencyCode, &r.Year, &r.ResultTypeCode, &r.Symbol, &r.Last)
	if err != nil {
		return nil, fmt.Errorf("store: register: %w", err)
	}
	return &r, nil
}

// Register returns the register of (agency, year, result type), or
// ENOTFOUND before its first number is taken.
func (db *DB) Register(ctx context.Context, agency string, year int, resultType string) (*dossier.Register, error) {
	var r dossier.Register
	err := db.sql.QueryRowContext(ctx, `SELECT id, agency_code, year, result_type_code, symbol, last FROM registers
		WHERE agency_code = $1 AND year = $2 AND result_type_code = $3`, agency, year, resultType).Scan(
		&r.ID, &r.AgencyCode, &r.Year, &r.ResultTypeCode, &r.Symbol, &r.Last)
	if isNoRows(err) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Chưa có sổ %s năm %d của cơ quan %s", resultType, year, agency)
	}
	if err != nil {
		return nil, fmt.Errorf("store: register: %w", err)
	}
	return &r, nil
}

// NextNumber advances register id and returns the new number. The update
// holds the register row until commit; a rollback returns the number, so
// numbers stay gap-free.
func (tx *Tx) NextNumber(registerID int64) (int64, error) {
	var n int64
	if err := tx.queryRow(`UPDATE registers SET last = last + 1 WHERE id = $1 RETURNING last`, registerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: next number: %w", err)
	}
	return n, nil
}

// LastIssuedAt returns the issue time of the last number register id
// gave (zero before the first).
func (tx *Tx) LastIssuedAt(registerID int64) (time.Time, error) {
	var at int64
	err := tx.queryRow(`SELECT issued_at FROM results WHERE register_id = $1 ORDER BY seq DESC LIMIT 1`, registerID).Scan(&at)
	if isNoRows(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last issue time: %w", err)
	}
	return fromMS(at), nil
}

// Registers lists registers, optionally of one agency.
func (db *DB) Registers(ctx context.Context, agency string) ([]dossier.Register, error) {
	q := `SELECT id, agency_code, year, result_type_code, symbol, last FROM registers`
	var args []any
	if agency != "" {
		q += ` WHERE agency_code = $1`
		args = append(args, agency)
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY agency_code, year DESC, result_type_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: registers: %w", err)
	}
	return scanAll(rows, func(r *dossier.Register) []any {
		return []any{&r.ID, &r.AgencyCode, &r.Year, &r.ResultTypeCode, &r.Symbol, &r.Last}
	})
}

// RegisterNumbers returns every issued sequence number of a register, in order.
func (db *DB) RegisterNumbers(ctx context.Context, registerID int64) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq FROM results WHERE register_id = $1 ORDER BY seq`, registerID)
	if err != nil {
		return nil, err
	}
	return scanColumn[int64](rows)
}
