package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
)

// Access is one read of personal data by an officer (migration 00010):
// who, what, when and why.
type Access struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	UserID      int64     `json:"user_id"`
	Username    string    `json:"username"`
	What        string    `json:"what"`                   // dossier, file, receipt, result, warehouse…
	ObjectID    string    `json:"object_id,omitempty"`    // the file, slip or result read
	Subject     string    `json:"subject,omitempty"`      // the applicant, masked
	DossierCode string    `json:"dossier_code,omitempty"` // why: the dossier handled
	Purpose     string    `json:"purpose,omitempty"`      // why, in words
	CenterCode  string    `json:"center_code,omitempty"`
	AgencyCode  string    `json:"agency_code,omitempty"`
}

// RecordAccess appends a to the personal-data access log inside tx; the
// time is the transaction's.
func (tx *Tx) RecordAccess(a Access) error {
	_, err := tx.exec(`INSERT INTO personal_data_access (at, user_id, username, what, object_id, subject, dossier_code, purpose, center_code, agency_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ms(tx.now), a.UserID, a.Username, a.What, a.ObjectID, a.Subject, a.DossierCode, a.Purpose, a.CenterCode, a.AgencyCode)
	if err != nil {
		return fmt.Errorf("store: record access: %w", err)
	}
	return nil
}

// AccessFilter selects access log entries. Centers and Agencies scope the
// entries by the dossier read (OR); All lifts the scope.
type AccessFilter struct {
	All      bool
	Centers  []string
	Agencies []string
	Dossier  string
	UserID   int64
	Limit    int
	Cursor   string // the last id of the previous page
}

// AccessLog lists access log entries, newest first, a page at a time.
func (db *DB) AccessLog(ctx context.Context, f AccessFilter) ([]Access, string, error) {
	var args sqlArgs
	arg := args.add
	var where []string
	if !f.All {
		var or []string
		if len(f.Centers) > 0 {
			or = append(or, "center_code IN ("+list(arg, f.Centers)+")")
		}
		if len(f.Agencies) > 0 {
			or = append(or, "agency_code IN ("+list(arg, f.Agencies)+")")
		}
		if len(or) == 0 {
			return []Access{}, "", nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if f.Dossier != "" {
		where = append(where, "dossier_code = "+arg(f.Dossier))
	}
	if f.UserID != 0 {
		where = append(where, "user_id = "+arg(f.UserID))
	}
	if f.Cursor != "" {
		id, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || id <= 0 {
			return nil, "", dossier.Invalid("Con trỏ phân trang không hợp lệ", dossier.FieldError{Field: "cursor", Message: "không hợp lệ"})
		}
		where = append(where, "id < "+arg(id))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT id, at, user_id, username, what, object_id, subject, dossier_code, purpose, center_code, agency_code FROM personal_data_access`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ` + arg(limit+1)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: access log: %w", err)
	}
	out, next, err := scanPage(rows, limit, func(rows rowScanner) (Access, error) {
		var a Access
		var at int64
		err := rows.Scan(&a.ID, &at, &a.UserID, &a.Username, &a.What, &a.ObjectID, &a.Subject, &a.DossierCode, &a.Purpose,
			&a.CenterCode, &a.AgencyCode)
		a.At = fromMS(at)
		return a, err
	}, func(a Access) string { return strconv.FormatInt(a.ID, 10) })
	if out == nil && err == nil {
		out = []Access{}
	}
	return out, next, err
}

// DossierRef names a dossier and where it is handled.
type DossierRef struct {
	Code       string
	CenterCode string
	AgencyCode string
}

// ApplicantDossiers returns up to limit dossiers of the applicant with
// identifier applicantID within scope, newest first.
func (db *DB) ApplicantDossiers(ctx context.Context, applicantID string, scope Scope, limit int) ([]DossierRef, error) {
	if limit <= 0 {
		limit = 1
	}
	var args sqlArgs
	arg := args.add
	q := `SELECT d.code, d.center_code, d.agency_code FROM dossiers d WHERE d.applicant_id = ` + arg(applicantID) +
		` AND ` + scope.sql(arg) + ` ORDER BY d.id DESC LIMIT ` + arg(limit)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: applicant dossiers: %w", err)
	}
	return scanAll(rows, func(r *DossierRef) []any { return []any{&r.Code, &r.CenterCode, &r.AgencyCode} })
}

// BlobDossier returns a dossier within scope that holds blob id as a
// component or as its result, or ENOTFOUND.
func (db *DB) BlobDossier(ctx context.Context, id string, scope Scope) (*DossierRef, string, error) {
	var args sqlArgs
	arg := args.add
	bid := arg(id)
	q := `SELECT d.code, d.center_code, d.agency_code, d.applicant_id FROM dossiers d WHERE ` + scope.sql(arg) + ` AND d.id IN (
		SELECT c.dossier_id FROM dossier_components c WHERE c.blob_id = ` + bid + `
		UNION SELECT r.dossier_id FROM results r WHERE r.pdf_blob_id = ` + bid + `) ORDER BY d.id DESC LIMIT 1`
	var r DossierRef
	var applicant string
	err := db.sql.QueryRowContext(ctx, q, args...).Scan(&r.Code, &r.CenterCode, &r.AgencyCode, &applicant)
	if isNoRows(err) {
		return nil, "", notFound("tệp")
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: blob dossier: %w", err)
	}
	return &r, applicant, nil
}

// HeldResult returns the issued result with documentCode when its holder
// is the citizen account userID: the result of a dossier that account
// submitted. Anything else — an unknown code or someone else's — is the
// same ENOTFOUND, from the same single query.
func (tx *Tx) HeldResult(userID int64, documentCode string) (*WarehouseItem, error) {
	return scanHeldResult(tx.queryRow(`SELECT r.document_code, r.number, r.result_type_code, r.agency_code, r.issued_at, r.pdf_blob_id
		FROM results r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.document_code = $1 AND d.applicant_user = $2 AND d.applicant_user <> 0`, documentCode, userID), documentCode)
}

// AddUpload records that userID uploaded blob id (idempotent).
func (tx *Tx) AddUpload(id string, userID int64) error {
	_, err := tx.exec(`INSERT INTO blob_uploads (blob_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (blob_id, user_id) DO NOTHING`,
		id, userID, ms(tx.now))
	if err != nil {
		return fmt.Errorf("store: upload: %w", err)
	}
	return nil
}

// UploadedBy reports whether userID uploaded blob id.
func (tx *Tx) UploadedBy(id string, userID int64) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM blob_uploads WHERE blob_id = $1 AND user_id = $2`, id, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: uploaded by: %w", err)
	}
	return n > 0, nil
}
