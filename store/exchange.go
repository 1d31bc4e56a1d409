package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"motcua/dossier"
)

// Document exchange (issue 18 item 5): the procedures' exchange plans and
// the packages sent to other bodies (exchange_packages).

// exchangeJSON is the stored form of a plan (” for none).
func exchangeJSON(p *dossier.ExchangePlan) string {
	if p.Empty() {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}

func parseExchangePlan(s string) (*dossier.ExchangePlan, error) {
	if s == "" {
		return nil, nil
	}
	var p dossier.ExchangePlan
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

const exchangeCols = `p.id, p.dossier_id, d.code, p.step, p.kind, p.agency, p.agency_name, p.task, p.status, p.doc_kind, p.doc_sha256,
 p.sent_by, p.sent_at, p.due_at, p.answered_at, p.answer_peer, p.answer_note, p.answer_ref, p.answer_blob, p.answer_sha256`

const exchangeFrom = ` FROM exchange_packages p JOIN dossiers d ON d.id = p.dossier_id`

func scanExchange(sc interface{ Scan(...any) error }) (dossier.ExchangePackage, error) {
	var p dossier.ExchangePackage
	var kind, status, doc string
	var sent int64
	var due, answered sql.NullInt64
	err := sc.Scan(&p.ID, &p.DossierID, &p.DossierCode, &p.Step, &kind, &p.Agency, &p.AgencyName, &p.Task, &status, &doc, &p.DocSHA256,
		&p.SentBy, &sent, &due, &answered, &p.AnswerPeer, &p.AnswerNote, &p.AnswerRef, &p.AnswerBlob, &p.AnswerHash)
	p.Kind, p.Status, p.DocKind = dossier.ExchangeKind(kind), dossier.ExchangeStatus(status), dossier.DocKind(doc)
	p.SentAt, p.DueAt, p.AnsweredAt = fromMS(sent), fromNull(due), fromNull(answered)
	return p, err
}

// InsertExchangePackage records a package about to be queued.
func (tx *Tx) InsertExchangePackage(p *dossier.ExchangePackage) error {
	var due any
	if p.DueAt != nil {
		due = ms(*p.DueAt)
	}
	_, err := tx.exec(`INSERT INTO exchange_packages (id, dossier_id, step, kind, agency, agency_name, task, status, doc_kind, sent_by, sent_at, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
		p.ID, p.DossierID, p.Step, string(p.Kind), p.Agency, p.AgencyName, p.Task, string(p.Status), string(p.DocKind), p.SentBy, ms(p.SentAt), due)
	if err != nil {
		return fmt.Errorf("store: exchange package: %w", err)
	}
	return nil
}

// ExchangePackages lists the packages of a dossier, oldest first.
func (db *DB) ExchangePackages(ctx context.Context, dossierID int64) ([]dossier.ExchangePackage, error) {
	return exchangePackages(ctx, dbq{db}, dossierID)
}

// ExchangePackages is DB.ExchangePackages inside tx (whose caller holds
// the dossier's row: DossierForUpdate).
func (tx *Tx) ExchangePackages(dossierID int64) ([]dossier.ExchangePackage, error) {
	return exchangePackages(context.Background(), txq{tx.tx}, dossierID)
}

func exchangePackages(ctx context.Context, q queryer, dossierID int64) ([]dossier.ExchangePackage, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+exchangeCols+exchangeFrom+` WHERE p.dossier_id = $1 ORDER BY p.sent_at, p.id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("store: exchange packages: %w", err)
	}
	defer rows.Close()
	var out []dossier.ExchangePackage
	for rows.Next() {
		p, err := scanExchange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ExchangePackage returns one package.
func (db *DB) ExchangePackage(ctx context.Context, id string) (*dossier.ExchangePackage, error) {
	p, err := scanExchange(db.queryRowContext(ctx, `SELECT `+exchangeCols+exchangeFrom+` WHERE p.id = $1`, id))
	if isNoRows(err) {
		return nil, notFound("gói liên thông")
	}
	return &p, err
}

// ExchangePackage returns one package in tx, held until commit on
// PostgreSQL (two answers to one package apply one after the other).
func (tx *Tx) ExchangePackage(id string) (*dossier.ExchangePackage, error) {
	p, err := scanExchange(tx.queryRow(`SELECT `+exchangeCols+exchangeFrom+` WHERE p.id = $1`+tx.db.dialect.forUpdate("p"), id))
	if isNoRows(err) {
		return nil, notFound("gói liên thông")
	}
	return &p, err
}

// MarkExchangeSent notes that the platform took a queued package, with
// the hash of the document it carried.
func (db *DB) MarkExchangeSent(ctx context.Context, id, docHash string) error {
	_, err := db.execContext(ctx, `UPDATE exchange_packages SET status = CASE WHEN status = 'queued' THEN 'sent' ELSE status END,
		doc_sha256 = $2 WHERE id = $1`, id, docHash)
	return err
}

// RecordExchangeAnswer stores the other side's answer.
func (tx *Tx) RecordExchangeAnswer(p *dossier.ExchangePackage) error {
	var answered any
	if p.AnsweredAt != nil {
		answered = ms(*p.AnsweredAt)
	}
	_, err := tx.exec(`UPDATE exchange_packages SET status = $2, answered_at = $3, answer_peer = $4, answer_note = $5, answer_ref = $6,
		answer_blob = $7, answer_sha256 = $8 WHERE id = $1`,
		p.ID, string(p.Status), answered, p.AnswerPeer, p.AnswerNote, p.AnswerRef, p.AnswerBlob, p.AnswerHash)
	if err != nil {
		return fmt.Errorf("store: exchange answer: %w", err)
	}
	return nil
}
