package store

import (
	"context"
	"encoding/json"
	"fmt"

	"motcua/dossier"
	"motcua/vntext"
)

// InsertGuidanceSlip stores a guidance slip (Mẫu 02) under the number its
// issuing center's register gave it (g.Number).
func (tx *Tx) InsertGuidanceSlip(g *dossier.GuidanceSlip, officerID int64) error {
	app, _ := json.Marshal(g.Applicant)
	miss, _ := json.Marshal(g.Missing)
	if err := tx.queryRow(`INSERT INTO guidance_slips (number, procedure_code, center_code, applicant, missing, note, officer_id, officer, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, g.Number, g.ProcedureCode, g.CenterCode, string(app), string(miss),
		vntext.NFC(g.Note), officerID, g.Officer, ms(tx.now)).Scan(&g.ID); err != nil {
		return fmt.Errorf("store: guidance slip: %w", err)
	}
	g.CreatedAt = tx.now
	return nil
}

// GuidanceSlip loads a guidance slip by id.
func (db *DB) GuidanceSlip(ctx context.Context, id int64) (*dossier.GuidanceSlip, error) {
	var g dossier.GuidanceSlip
	var app, miss string
	var at int64
	err := db.sql.QueryRowContext(ctx, `SELECT g.id, g.number, g.procedure_code, p.name, g.center_code, g.applicant, g.missing, g.note, g.officer, g.created_at
		FROM guidance_slips g JOIN procedures p ON p.code = g.procedure_code WHERE g.id = $1`, id).Scan(
		&g.ID, &g.Number, &g.ProcedureCode, &g.ProcedureName, &g.CenterCode, &app, &miss, &g.Note, &g.Officer, &at)
	if isNoRows(err) {
		return nil, notFound("phiếu hướng dẫn")
	}
	if err != nil {
		return nil, fmt.Errorf("store: guidance slip: %w", err)
	}
	g.CreatedAt = fromMS(at)
	if err := json.Unmarshal([]byte(app), &g.Applicant); err != nil {
		return nil, err
	}
	return &g, json.Unmarshal([]byte(miss), &g.Missing)
}
