package store

import (
	"context"
	"fmt"

	"motcua/dossier"
)

// InsertSealLog records a printed copy of a result stamped with a physical
// seal; a copy number used twice for a dossier is a conflict.
func (tx *Tx) InsertSealLog(dossierID int64, l *dossier.SealLog, byUser int64) error {
	l.At = tx.now
	err := tx.queryRow(`INSERT INTO seal_log (dossier_id, number, seal_id, seal_name, copy_no, register_page, by_user, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, dossierID, l.Number, l.SealID, l.SealName, l.Copy, l.RegisterPage,
		byUser, l.By, ms(tx.now)).Scan(&l.ID)
	if isUnique(err) {
		return dossier.Errorf(dossier.ECONFLICT, "Bản số %d của kết quả đã được đóng dấu", l.Copy)
	}
	if err != nil {
		return fmt.Errorf("store: seal log: %w", err)
	}
	return nil
}

// SealLogOf lists the stamped copies of a dossier's result.
func (db *DB) SealLogOf(ctx context.Context, dossierID int64) ([]dossier.SealLog, error) {
	rows, err := db.queryContext(ctx, `SELECT l.id, d.code, l.number, l.seal_id, l.seal_name, l.copy_no, l.register_page, l.by_name, l.at
		FROM seal_log l JOIN dossiers d ON d.id = l.dossier_id WHERE l.dossier_id = $1 ORDER BY l.copy_no`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("store: seal log: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (dossier.SealLog, error) {
		var l dossier.SealLog
		var at int64
		if err := rows.Scan(&l.ID, &l.DossierCode, &l.Number, &l.SealID, &l.SealName, &l.Copy, &l.RegisterPage, &l.By, &at); err != nil {
			return l, err
		}
		l.At = fromMS(at)
		return l, nil
	})
}

// SealsOf lists an agency's seals inside tx.
func (tx *Tx) SealsOf(agency string) ([]dossier.Seal, error) {
	return querySeals(context.Background(), txq{tx.tx}, agency)
}
