package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"motcua/dossier"
)

// IssuedResult is a result row to insert.
type IssuedResult struct {
	dossier.Result
	DossierID     int64
	RegisterID    int64
	ApplicantID   string
	ApplicantName string
	AgencyCode    string
	SealID        int64
	PDFBlobID     string
	VerifyHash    string
	// IssuedByID is the clerk who took the number.
	IssuedByID int64
}

// InsertResult stores an issued result in the warehouse.
func (tx *Tx) InsertResult(r *IssuedResult) error {
	id, digest, err := scanResultCover(tx.queryRow(`INSERT INTO results (dossier_id, register_id, seq, number, document_code, applicant_id, applicant_name,
		result_type_code, agency_code, issued_at, issued_by, seal_id, seal_name, pdf_blob_id, pdf_sha256, verify_hash, seal_pending, issued_by_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING `+resultCoverCols,
		r.DossierID, r.RegisterID, r.Seq, r.Number, r.DocumentCode, r.ApplicantID, r.ApplicantName, r.ResultType,
		r.AgencyCode, ms(r.IssuedAt), r.IssuedBy, r.SealID, r.Seal, r.PDFBlobID, r.SHA256, r.VerifyHash, r.SealPending, r.IssuedByID))
	if err != nil {
		return fmt.Errorf("store: insert result: %w", err)
	}
	return tx.cover('r', id, digest)
}

const resultCols = `r.number, r.seq, r.document_code, r.result_type_code, r.issued_at, r.issued_by, r.seal_name, r.pdf_sha256, r.archived_at, r.seal_pending`

func scanResult(s interface{ Scan(...any) error }) (*dossier.Result, error) {
	var r dossier.Result
	var at int64
	var archived sql.NullInt64
	if err := s.Scan(&r.Number, &r.Seq, &r.DocumentCode, &r.ResultType, &at, &r.IssuedBy, &r.Seal, &r.SHA256, &archived, &r.SealPending); err != nil {
		return nil, err
	}
	r.IssuedAt, r.ArchivedAt = fromMS(at), fromNull(archived)
	return &r, nil
}

func (db *DB) resultOf(ctx context.Context, dossierID int64) (*dossier.Result, error) {
	r, err := scanResult(db.queryRowContext(ctx, `SELECT `+resultCols+` FROM results r WHERE r.dossier_id = $1`, dossierID))
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: result: %w", err)
	}
	return r, nil
}

// ResultFile is what verification needs about an issued result.
type ResultFile struct {
	Result     dossier.Result
	DossierID  int64
	AgencyCode string
	PDFBlobID  string
}

// ResultByVerifyHash finds an issued result by its verification token hash.
func (db *DB) ResultByVerifyHash(ctx context.Context, h string) (*ResultFile, error) {
	var f ResultFile
	var at int64
	err := db.sql.QueryRowContext(ctx, `SELECT r.number, r.seq, r.document_code, r.result_type_code, r.issued_at, r.issued_by,
		r.seal_name, r.pdf_sha256, r.dossier_id, r.agency_code, r.pdf_blob_id FROM results r WHERE r.verify_hash = $1`, h).Scan(
		&f.Result.Number, &f.Result.Seq, &f.Result.DocumentCode, &f.Result.ResultType, &at, &f.Result.IssuedBy,
		&f.Result.Seal, &f.Result.SHA256, &f.DossierID, &f.AgencyCode, &f.PDFBlobID)
	if isNoRows(err) {
		return nil, notFound("kết quả")
	}
	if err != nil {
		return nil, fmt.Errorf("store: result by token: %w", err)
	}
	f.Result.IssuedAt = fromMS(at)
	return &f, nil
}

// ResultPDF returns the blob id of the issued PDF of a dossier.
func (db *DB) ResultPDF(ctx context.Context, dossierID int64) (string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT pdf_blob_id FROM results WHERE dossier_id = $1`, dossierID).Scan(&id)
	if isNoRows(err) || (err == nil && id == "") {
		return "", notFound("tệp kết quả")
	}
	return id, err
}

// WarehouseItem is a result an applicant already holds.
type WarehouseItem struct {
	DocumentCode   string    `json:"document_code"`
	Number         string    `json:"number"`
	ResultTypeCode string    `json:"result_type_code"`
	AgencyCode     string    `json:"agency_code"`
	IssuedAt       time.Time `json:"issued_at"`
	PDFBlobID      string    `json:"-"`
}

// Warehouse lists the results held by an applicant identifier.
func (db *DB) Warehouse(ctx context.Context, applicantID string) ([]WarehouseItem, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT document_code, number, result_type_code, agency_code, issued_at, pdf_blob_id
		FROM results WHERE applicant_id = $1 ORDER BY issued_at DESC`, applicantID)
	if err != nil {
		return nil, fmt.Errorf("store: warehouse: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (WarehouseItem, error) {
		var w WarehouseItem
		var at int64
		if err := rows.Scan(&w.DocumentCode, &w.Number, &w.ResultTypeCode, &w.AgencyCode, &at, &w.PDFBlobID); err != nil {
			return w, err
		}
		w.IssuedAt = fromMS(at)
		return w, nil
	})
}

// WarehouseItem returns one held result of an applicant inside tx.
func (tx *Tx) WarehouseItem(applicantID, documentCode string) (*WarehouseItem, error) {
	return scanHeldResult(tx.queryRow(`SELECT document_code, number, result_type_code, agency_code, issued_at, pdf_blob_id
		FROM results WHERE applicant_id = $1 AND document_code = $2`, applicantID, documentCode), documentCode)
}

// scanHeldResult reads the result documentCode held by an applicant
// (document_code, number, result_type_code, agency_code, issued_at,
// pdf_blob_id), ENOTFOUND when row has none.
func scanHeldResult(row *sql.Row, documentCode string) (*WarehouseItem, error) {
	var w WarehouseItem
	var at int64
	err := row.Scan(&w.DocumentCode, &w.Number, &w.ResultTypeCode, &w.AgencyCode, &at, &w.PDFBlobID)
	if isNoRows(err) {
		return nil, notFound("kết quả " + documentCode + " của người nộp")
	}
	if err != nil {
		return nil, err
	}
	w.IssuedAt = fromMS(at)
	return &w, nil
}

// ArchiveItem is an issued result due for (re-)archiving.
type ArchiveItem struct {
	ResultID    int64
	DossierCode string
	// BlobID is the latest archive copy, or the issued file when the
	// result was never archived.
	BlobID string
}

// ResultsToArchive lists up to limit issued results with a signed file
// never archived, or last archived before before, oldest first.
func (db *DB) ResultsToArchive(ctx context.Context, before time.Time, limit int) ([]ArchiveItem, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT r.id, d.code, CASE WHEN r.archive_blob_id <> '' THEN r.archive_blob_id ELSE r.pdf_blob_id END
		FROM results r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.pdf_blob_id <> '' AND (r.archived_at IS NULL OR r.archived_at < $1)
		ORDER BY COALESCE(r.archived_at, 0), r.id LIMIT $2`, ms(before), limit)
	if err != nil {
		return nil, fmt.Errorf("store: results to archive: %w", err)
	}
	return scanAll(rows, func(it *ArchiveItem) []any { return []any{&it.ResultID, &it.DossierCode, &it.BlobID} })
}

// SetResultArchive records the new archive copy of a result.
func (tx *Tx) SetResultArchive(resultID int64, blobID string) error {
	_, err := tx.exec(`UPDATE results SET archive_blob_id = $1, archived_at = $2 WHERE id = $3`, blobID, ms(tx.now), resultID)
	return err
}

// ResultArchive returns the archive copy of a dossier's result ("" when
// none) and when it was made.
func (db *DB) ResultArchive(ctx context.Context, dossierID int64) (blobID string, at *time.Time, err error) {
	var t sql.NullInt64
	err = db.sql.QueryRowContext(ctx, `SELECT archive_blob_id, archived_at FROM results WHERE dossier_id = $1`, dossierID).Scan(&blobID, &t)
	if isNoRows(err) {
		return "", nil, notFound("kết quả")
	}
	return blobID, fromNull(t), err
}

// PendingSeal is a result numbered in its register whose seal is not
// applied yet: what sealing it needs.
type PendingSeal struct {
	DossierID  int64
	Code       string // of the dossier
	Number     string
	IssuedAt   time.Time
	IssuedByID int64
	AgencyCode string
	SealID     int64
	SignedBlob string // the approver-signed draft
	Layout     string // its signature layout
}

const pendingSealQuery = `SELECT r.dossier_id, d.code, r.number, r.issued_at, r.issued_by_id, r.agency_code, r.seal_id, d.signed_blob, d.result_layout
	FROM results r JOIN dossiers d ON d.id = r.dossier_id WHERE r.seal_pending`

func scanPendingSeal(s interface{ Scan(...any) error }) (*PendingSeal, error) {
	var p PendingSeal
	var at int64
	if err := s.Scan(&p.DossierID, &p.Code, &p.Number, &at, &p.IssuedByID, &p.AgencyCode, &p.SealID, &p.SignedBlob, &p.Layout); err != nil {
		return nil, err
	}
	p.IssuedAt = fromMS(at)
	return &p, nil
}

// PendingSeal returns the pending seal of a dossier's result, or nil when
// there is none (not issued, or sealed already).
func (db *DB) PendingSeal(ctx context.Context, dossierID int64) (*PendingSeal, error) {
	return db.pendingSeal(ctx, ` AND r.dossier_id = $1`, dossierID)
}

// PendingSealByCode is PendingSeal by dossier code.
func (db *DB) PendingSealByCode(ctx context.Context, code string) (*PendingSeal, error) {
	return db.pendingSeal(ctx, ` AND d.code = $1`, code)
}

// pendingSeal is the pending seal that the condition and (one-parameter)
// key select, or nil.
func (db *DB) pendingSeal(ctx context.Context, cond string, key any) (*PendingSeal, error) {
	p, err := scanPendingSeal(db.queryRowContext(ctx, pendingSealQuery+cond, key))
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: pending seal: %w", err)
	}
	return p, nil
}

// PendingSeals lists up to limit results whose seal is pending, oldest
// number first.
func (db *DB) PendingSeals(ctx context.Context, limit int) ([]PendingSeal, error) {
	rows, err := db.queryContext(ctx, pendingSealQuery+` ORDER BY r.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending seals: %w", err)
	}
	return scanEach(rows, values(scanPendingSeal))
}

// CompleteSeal records the sealed file of a dossier's result whose seal
// was pending; it reports false, changing nothing, when it was not
// pending (sealed meanwhile by another process).
// The row's new digest goes to the audit chain (audit_cover.go).
func (tx *Tx) CompleteSeal(dossierID int64, blobID, sha256 string) (bool, error) {
	id, digest, err := scanResultCover(tx.queryRow(`UPDATE results SET pdf_blob_id = $1, pdf_sha256 = $2, seal_pending = FALSE
		WHERE dossier_id = $3 AND seal_pending RETURNING `+resultCoverCols, blobID, sha256, dossierID))
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: complete seal: %w", err)
	}
	return true, tx.cover('r', id, digest)
}

// SealPending reports whether the seal of a dossier's result is pending,
// inside tx (the pending state is read under the writer's lock).
func (tx *Tx) SealPending(dossierID int64) (bool, error) {
	var p bool
	err := tx.queryRow(`SELECT seal_pending FROM results WHERE dossier_id = $1`, dossierID).Scan(&p)
	if isNoRows(err) {
		return false, nil
	}
	return p, err
}
