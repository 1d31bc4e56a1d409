package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"motcua/dossier"
	"motcua/vntext"
)

// UpsertProcedure inserts p or updates the procedure with the same code.
func (tx *Tx) UpsertProcedure(p *dossier.Procedure) error {
	p.Name = vntext.NFC(p.Name)
	p.Field = vntext.NFC(p.Field)
	for i := range p.Components {
		p.Components[i].Name = vntext.NFC(p.Components[i].Name)
	}
	comps, _ := json.Marshal(nonNil(p.Components))
	proc, _ := json.Marshal(nonNil(p.Process))
	for i := range p.LegalBasis {
		p.LegalBasis[i] = vntext.NFC(p.LegalBasis[i])
	}
	for i := range p.Forms {
		p.Forms[i].Name = vntext.NFC(p.Forms[i].Name)
	}
	basis, _ := json.Marshal(nonNil(p.LegalBasis))
	forms, _ := json.Marshal(nonNil(p.Forms))
	var d dossier.FiveOnSpotDesignation
	if p.FiveOnSpotDecree != nil {
		d = *p.FiveOnSpotDecree
	}
	_, err := tx.exec(`INSERT INTO procedures (code, name, name_fold, name_key, agency_code, level, field,
		processing_days, processing_hours, five_on_spot, fos_decision, fos_decision_date, fos_effective,
		online_level, fee, result_type_code, approver_position, cutoff, components, process, updated_at, seal_default, second_seal, exchange, legal_basis, forms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold,
		name_key = excluded.name_key, agency_code = excluded.agency_code, level = excluded.level,
		field = excluded.field, processing_days = excluded.processing_days,
		processing_hours = excluded.processing_hours, five_on_spot = excluded.five_on_spot,
		fos_decision = excluded.fos_decision, fos_decision_date = excluded.fos_decision_date,
		fos_effective = excluded.fos_effective, online_level = excluded.online_level, fee = excluded.fee,
		result_type_code = excluded.result_type_code, approver_position = excluded.approver_position,
		cutoff = excluded.cutoff, components = excluded.components, process = excluded.process,
		updated_at = excluded.updated_at, seal_default = excluded.seal_default, second_seal = excluded.second_seal,
		exchange = excluded.exchange, legal_basis = excluded.legal_basis, forms = excluded.forms`,
		p.Code, p.Name, vntext.Fold(p.Name), tx.db.sorter.Key(p.Name), p.AgencyCode, string(p.Level), p.Field,
		intp(p.ProcessingDays), intp(p.ProcessingHours), p.FiveOnSpot, d.Decision, d.DecisionDate, d.EffectiveFrom,
		string(p.OnlineLevel), p.Fee, p.ResultTypeCode, p.ApproverPosition, p.Cutoff, string(comps), string(proc), ms(tx.now),
		string(p.Seal.Default), p.Seal.SecondSeal, exchangeJSON(p.Exchange), string(basis), string(forms))
	if err != nil {
		return fmt.Errorf("store: upsert procedure %s: %w", p.Code, err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func intp(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// ProcedureFilter selects procedures.
type ProcedureFilter struct {
	Agency     string
	Agencies   []string // any of these agencies
	Level      string
	Field      string
	FiveOnSpot *bool
	Query      string // diacritic-insensitive search in names and codes
	Cursor     string
	Limit      int
	ByName     bool // Vietnamese name order instead of code order (no cursor)
}

const procedureCols = `code, name, agency_code, level, field, processing_days, processing_hours, five_on_spot,
	fos_decision, fos_decision_date, fos_effective, online_level, fee, result_type_code, approver_position,
	cutoff, components, process, seal_default, second_seal, exchange, legal_basis, forms`

func scanProcedure(s interface{ Scan(...any) error }) (dossier.Procedure, error) {
	var p dossier.Procedure
	var level, online, comps, proc, seal, exch, basis, forms string
	var days, hours sql.NullInt64
	var d dossier.FiveOnSpotDesignation
	err := s.Scan(&p.Code, &p.Name, &p.AgencyCode, &level, &p.Field, &days, &hours, &p.FiveOnSpot,
		&d.Decision, &d.DecisionDate, &d.EffectiveFrom, &online, &p.Fee, &p.ResultTypeCode, &p.ApproverPosition,
		&p.Cutoff, &comps, &proc, &seal, &p.Seal.SecondSeal, &exch, &basis, &forms)
	if err != nil {
		return p, err
	}
	p.Level, p.OnlineLevel, p.Seal.Default = dossier.Level(level), dossier.OnlineLevel(online), dossier.SealChoice(seal)
	if days.Valid {
		v := int(days.Int64)
		p.ProcessingDays = &v
	}
	if hours.Valid {
		v := int(hours.Int64)
		p.ProcessingHours = &v
	}
	if d != (dossier.FiveOnSpotDesignation{}) {
		p.FiveOnSpotDecree = &d
	}
	if p.Components, err = componentsJSON.decode(comps); err != nil {
		return p, fmt.Errorf("store: procedure %s components: %w", p.Code, err)
	}
	if p.Process, err = processJSON.decode(proc); err != nil {
		return p, fmt.Errorf("store: procedure %s process: %w", p.Code, err)
	}
	if p.Exchange, err = parseExchangePlan(exch); err != nil {
		return p, fmt.Errorf("store: procedure %s exchange: %w", p.Code, err)
	}
	if err := json.Unmarshal([]byte(basis), &p.LegalBasis); err != nil {
		return p, fmt.Errorf("store: procedure %s legal basis: %w", p.Code, err)
	}
	if err := json.Unmarshal([]byte(forms), &p.Forms); err != nil {
		return p, fmt.Errorf("store: procedure %s forms: %w", p.Code, err)
	}
	return p, nil
}

var (
	componentsJSON jsonMemo[dossier.Component]
	processJSON    jsonMemo[dossier.ProcessStep]
)

// Procedures lists procedures, one page at a time.
func (db *DB) Procedures(ctx context.Context, f ProcedureFilter) ([]dossier.Procedure, string, error) {
	var where []string
	var args sqlArgs
	arg := args.add
	if f.Agency != "" {
		where = append(where, "agency_code = "+arg(f.Agency))
	}
	if len(f.Agencies) > 0 {
		ph := make([]string, len(f.Agencies))
		for i, a := range f.Agencies {
			ph[i] = arg(a)
		}
		where = append(where, "agency_code IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Level != "" {
		where = append(where, "level = "+arg(f.Level))
	}
	if f.Field != "" {
		where = append(where, "field = "+arg(f.Field))
	}
	if f.FiveOnSpot != nil {
		where = append(where, "five_on_spot = "+arg(*f.FiveOnSpot))
	}
	if f.Query != "" {
		q := "%" + likeEscape(vntext.Fold(f.Query)) + "%"
		where = append(where, "(name_fold LIKE "+arg(q)+` ESCAPE '\' OR code LIKE `+arg(q)+` ESCAPE '\')`)
	}
	limit := clampLimit(f.Limit)
	order := " ORDER BY code"
	if f.ByName {
		order = " ORDER BY name_key, code"
	} else if f.Cursor != "" {
		where = append(where, "code > "+arg(f.Cursor))
	}
	q := `SELECT ` + procedureCols + ` FROM procedures` + whereSQL(where) + order + ` LIMIT ` + arg(limit+1)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: procedures: %w", err)
	}
	return scanPage(rows, limit, scanProcedure, func(p dossier.Procedure) string {
		if f.ByName {
			return "" // the name order has no cursor
		}
		return p.Code
	})
}

// Procedure returns the procedure with the given code.
func (db *DB) Procedure(ctx context.Context, code string) (*dossier.Procedure, error) {
	p, err := scanProcedure(db.queryRowContext(ctx, `SELECT `+procedureCols+` FROM procedures WHERE code = $1`, code))
	if isNoRows(err) {
		return nil, notFound("thủ tục " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: procedure: %w", err)
	}
	return &p, nil
}

// Procedure returns the procedure with the given code inside tx.
func (tx *Tx) Procedure(code string) (*dossier.Procedure, error) {
	p, err := scanProcedure(tx.queryRow(`SELECT `+procedureCols+` FROM procedures WHERE code = $1`, code))
	if isNoRows(err) {
		return nil, notFound("thủ tục " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: procedure: %w", err)
	}
	return &p, nil
}

// ProcedureCodes returns the set of all procedure codes.
func (tx *Tx) ProcedureCodes() (map[string]bool, error) {
	rows, err := tx.query(`SELECT code FROM procedures`)
	if err != nil {
		return nil, fmt.Errorf("store: procedure codes: %w", err)
	}
	return scanSet(rows)
}
