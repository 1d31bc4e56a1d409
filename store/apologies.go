package store

import (
	"context"
	"motcua/dossier"
	"motcua/vntext"
	"time"
)

// InsertApology records the apology slip of a dossier; a second one is a
// conflict (the date may be reset only once).
func (tx *Tx) InsertApology(dossierID int64, reason string, oldDue, newDue time.Time, officer string) error {
	_, err := tx.exec(`INSERT INTO apologies (dossier_id, reason, old_due_at, new_due_at, officer, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		dossierID, vntext.NFC(reason), ms(oldDue), ms(newDue), officer, ms(tx.now))
	if isUnique(err) {
		return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ đã có phiếu xin lỗi; chỉ được hẹn lại một lần")
	}
	return err
}

// Apology is a stored apology slip.
type Apology struct {
	Reason  string
	OldDue  time.Time
	NewDue  time.Time
	Officer string
	At      time.Time
}

// ApologyOf returns a dossier's apology slip.
func (db *DB) ApologyOf(ctx context.Context, dossierID int64) (*Apology, error) {
	var a Apology
	var o, n, at int64
	err := db.sql.QueryRowContext(ctx, `SELECT reason, old_due_at, new_due_at, officer, created_at FROM apologies WHERE dossier_id = $1`, dossierID).Scan(
		&a.Reason, &o, &n, &a.Officer, &at)
	if isNoRows(err) {
		return nil, notFound("phiếu xin lỗi")
	}
	if err != nil {
		return nil, err
	}
	a.OldDue, a.NewDue, a.At = fromMS(o), fromMS(n), fromMS(at)
	return &a, nil
}
