package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"motcua/dossier"
)

// StoredDocument is a row of dossier_documents: a numbered form of a
// dossier (or of a guidance slip given at the counter), or the
// verification token of a dossier's result (Kind DocResult, Seq 0).
type StoredDocument struct {
	ID          int64
	DossierID   int64
	GuidanceID  int64
	Kind        dossier.DocKind
	AgencyCode  string // the issuing body
	Year        int
	Seq         int64
	Number      string
	SignerKind  dossier.SignerKind
	Signer      dossier.FormSigner // zero while it waits for a leader
	Data        dossier.DocData
	BlobID      string // the current file ("" before it is rendered)
	Signed      bool
	VerifyToken string
	CreatedBy   int64
	CreatedAt   time.Time
}

// NextFormNumber takes the next number of the register of form kind of
// agency in year. The register row is held until commit, so numbers are
// unique and gap-free per issuing body, kind and year.
func (tx *Tx) NextFormNumber(agency string, kind dossier.DocKind, year int) (int64, error) {
	if _, err := tx.exec(`INSERT INTO form_registers (agency_code, kind, year, last) VALUES ($1, $2, $3, 0)
		ON CONFLICT (agency_code, kind, year) DO NOTHING`, agency, string(kind), year); err != nil {
		return 0, fmt.Errorf("store: form register: %w", err)
	}
	var n int64
	if err := tx.queryRow(`UPDATE form_registers SET last = last + 1 WHERE agency_code = $1 AND kind = $2 AND year = $3 RETURNING last`,
		agency, string(kind), year).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: next form number: %w", err)
	}
	return n, nil
}

// InsertDossierDocument records d (its ID and CreatedAt are set).
func (tx *Tx) InsertDossierDocument(d *StoredDocument) error {
	signer, _ := json.Marshal(d.Signer)
	data, _ := json.Marshal(d.Data)
	d.CreatedAt = tx.now
	err := tx.queryRow(`INSERT INTO dossier_documents (dossier_id, guidance_id, kind, agency_code, year, seq, number, signer_kind, signer,
		data, blob_id, signed, verify_hash, verify_token, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		d.DossierID, d.GuidanceID, string(d.Kind), d.AgencyCode, d.Year, d.Seq, d.Number, int64(d.SignerKind), string(signer),
		string(data), d.BlobID, d.Signed, HashToken(d.VerifyToken), d.VerifyToken, d.CreatedBy, ms(tx.now)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: insert document: %w", err)
	}
	return nil
}

// SetDocumentFile records the current file of document id, whether it is
// signed, and its signer. A document already signed is left as it is
// (ECONFLICT): its signature may have been recorded after the caller read
// it.
func (tx *Tx) SetDocumentFile(id int64, blobID string, signed bool, signer dossier.FormSigner) error {
	js, _ := json.Marshal(signer)
	res, err := tx.exec(`UPDATE dossier_documents SET blob_id = $1, signed = $2, signer = $3 WHERE id = $4 AND NOT signed`, blobID, signed, string(js), id)
	if err != nil {
		return fmt.Errorf("store: document file: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errDocumentSigned
	}
	return nil
}

// errDocumentSigned answers a change of a document that is signed: a
// signature recorded (by a token, a remote service or another process)
// after the caller read it unsigned is never overwritten.
var errDocumentSigned = dossier.Errorf(dossier.ECONFLICT, "Văn bản đã được ký")

const documentCols = `id, dossier_id, guidance_id, kind, agency_code, year, seq, number, signer_kind, signer, data, blob_id, signed,
	verify_token, created_by, created_at`

func scanDocument(s interface{ Scan(...any) error }) (*StoredDocument, error) {
	var d StoredDocument
	var kind, signer, data string
	var sk, at int64
	if err := s.Scan(&d.ID, &d.DossierID, &d.GuidanceID, &kind, &d.AgencyCode, &d.Year, &d.Seq, &d.Number, &sk, &signer, &data,
		&d.BlobID, &d.Signed, &d.VerifyToken, &d.CreatedBy, &at); err != nil {
		return nil, err
	}
	d.Kind, d.SignerKind, d.CreatedAt = dossier.DocKind(kind), dossier.SignerKind(sk), fromMS(at)
	if err := json.Unmarshal([]byte(signer), &d.Signer); err != nil {
		return nil, fmt.Errorf("store: document signer: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &d.Data); err != nil {
		return nil, fmt.Errorf("store: document data: %w", err)
	}
	return &d, nil
}

func queryDocuments(ctx context.Context, q queryer, where string, args ...any) ([]StoredDocument, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+documentCols+` FROM dossier_documents WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	return scanEach(rows, values(scanDocument))
}

// DossierDocuments lists the documents of a dossier in the order they were
// produced.
func (db *DB) DossierDocuments(ctx context.Context, dossierID int64) ([]StoredDocument, error) {
	return queryDocuments(ctx, dbq{db}, `dossier_id = $1`, dossierID)
}

// GuidanceDocument returns the document of a guidance slip given at the
// counter.
func (db *DB) GuidanceDocument(ctx context.Context, guidanceID int64) (*StoredDocument, error) {
	ds, err := queryDocuments(ctx, dbq{db}, `guidance_id = $1`, guidanceID)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, notFound("văn bản")
	}
	return &ds[0], nil
}

// DocumentByID returns document id.
func (db *DB) DocumentByID(ctx context.Context, id int64) (*StoredDocument, error) {
	d, err := scanDocument(db.queryRowContext(ctx, `SELECT `+documentCols+` FROM dossier_documents WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("văn bản")
	}
	return d, err
}

// DocumentByVerifyHash returns the document whose verification token
// hashes to h.
func (db *DB) DocumentByVerifyHash(ctx context.Context, h string) (*StoredDocument, error) {
	d, err := scanDocument(db.queryRowContext(ctx, `SELECT `+documentCols+` FROM dossier_documents WHERE verify_hash = $1`, h))
	if err == sql.ErrNoRows {
		return nil, notFound("văn bản")
	}
	return d, err
}

// FormRegister is one numbering book of forms.
type FormRegister struct {
	AgencyCode string          `json:"agency_code"`
	Kind       dossier.DocKind `json:"kind"`
	Year       int             `json:"year"`
	Last       int64           `json:"last"`
}

// FormNumbers returns the numbers taken in a form register, in order (for
// the gap check).
func (db *DB) FormNumbers(ctx context.Context, agency string, kind dossier.DocKind, year int) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq FROM dossier_documents WHERE agency_code = $1 AND kind = $2 AND year = $3 AND seq > 0 ORDER BY seq`,
		agency, string(kind), year)
	if err != nil {
		return nil, err
	}
	return scanColumn[int64](rows)
}

// CenterAgency returns the catalog agency a center issues documents as
// (its own agency code; the center's code when it has none).
func (tx *Tx) CenterAgency(center string) (string, error) {
	var code string
	err := tx.queryRow(`SELECT agency_code FROM centers WHERE code = $1`, center).Scan(&code)
	if isNoRows(err) || (err == nil && code == "") {
		return center, nil
	}
	return code, err
}

// SignDocumentFile records the signed file of document id with its
// signer; a document signed meanwhile is a conflict.
func (tx *Tx) SignDocumentFile(id int64, blobID string, signer dossier.FormSigner) error {
	js, _ := json.Marshal(signer)
	res, err := tx.exec(`UPDATE dossier_documents SET blob_id = $1, signed = TRUE, signer = $2 WHERE id = $3 AND NOT signed`, blobID, string(js), id)
	if err != nil {
		return fmt.Errorf("store: sign document: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errDocumentSigned
	}
	return nil
}
