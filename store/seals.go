package store

import (
	"context"
	"fmt"
	"motcua/dossier"
	"motcua/vntext"
)

// UpsertSeal inserts or updates a seal.
func (tx *Tx) UpsertSeal(s *dossier.Seal) error {
	if s.ID == 0 {
		return tx.queryRow(`INSERT INTO seals (agency_code, kind, name, center_code, key_ref, active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.AgencyCode, string(s.Kind), vntext.NFC(s.Name), s.CenterCode, s.KeyRef, s.Active).Scan(&s.ID)
	}
	_, err := tx.exec(`UPDATE seals SET agency_code = $1, kind = $2, name = $3, center_code = $4, key_ref = $5, active = $6 WHERE id = $7`,
		s.AgencyCode, string(s.Kind), vntext.NFC(s.Name), s.CenterCode, s.KeyRef, s.Active, s.ID)
	return err
}

// Seals lists seals, optionally of one agency.
func (db *DB) Seals(ctx context.Context, agency string) ([]dossier.Seal, error) {
	return querySeals(ctx, dbq{db}, agency)
}

// ActiveSeal returns the agency's active seal, preferring an electronic one.
func (tx *Tx) ActiveSeal(agency string) (*dossier.Seal, error) {
	ss, err := querySeals(context.Background(), txq{tx.tx}, agency)
	if err != nil {
		return nil, err
	}
	return activeSeal(ss, agency)
}

// ActiveSeal is Tx.ActiveSeal outside a transaction.
func (db *DB) ActiveSeal(ctx context.Context, agency string) (*dossier.Seal, error) {
	ss, err := querySeals(ctx, dbq{db}, agency)
	if err != nil {
		return nil, err
	}
	return activeSeal(ss, agency)
}

func activeSeal(ss []dossier.Seal, agency string) (*dossier.Seal, error) {
	var best *dossier.Seal
	for i := range ss {
		if !ss[i].Active {
			continue
		}
		if best == nil || (ss[i].Kind == dossier.SealElectronic && best.Kind != dossier.SealElectronic) {
			best = &ss[i]
		}
	}
	if best == nil {
		return nil, dossier.Errorf(dossier.EUNPROCESSABLE, "Cơ quan %s chưa có con dấu đang sử dụng", agency)
	}
	return best, nil
}

func querySeals(ctx context.Context, q queryer, agency string) ([]dossier.Seal, error) {
	sqlq := `SELECT id, agency_code, kind, name, center_code, key_ref, active FROM seals`
	var args []any
	if agency != "" {
		sqlq += ` WHERE agency_code = $1`
		args = append(args, agency)
	}
	rows, err := q.QueryContext(ctx, sqlq+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: seals: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (dossier.Seal, error) {
		var s dossier.Seal
		var k string
		if err := rows.Scan(&s.ID, &s.AgencyCode, &k, &s.Name, &s.CenterCode, &s.KeyRef, &s.Active); err != nil {
			return s, err
		}
		s.Kind = dossier.SealKind(k)
		return s, nil
	})
}
