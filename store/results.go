package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"motcua/dossier"
	"motcua/vntext"
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
	defer rows.Close()
	var out []dossier.Register
	for rows.Next() {
		var r dossier.Register
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Year, &r.ResultTypeCode, &r.Symbol, &r.Last); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RegisterNumbers returns every issued sequence number of a register, in order.
func (db *DB) RegisterNumbers(ctx context.Context, registerID int64) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq FROM results WHERE register_id = $1 ORDER BY seq`, registerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

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
}

// InsertResult stores an issued result in the warehouse.
func (tx *Tx) InsertResult(r *IssuedResult) error {
	_, err := tx.exec(`INSERT INTO results (dossier_id, register_id, seq, number, document_code, applicant_id, applicant_name,
		result_type_code, agency_code, issued_at, issued_by, seal_id, seal_name, pdf_blob_id, pdf_sha256, verify_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.DossierID, r.RegisterID, r.Seq, r.Number, r.DocumentCode, r.ApplicantID, r.ApplicantName, r.ResultType,
		r.AgencyCode, ms(r.IssuedAt), r.IssuedBy, r.SealID, r.Seal, r.PDFBlobID, r.SHA256, r.VerifyHash)
	if err != nil {
		return fmt.Errorf("store: insert result: %w", err)
	}
	return nil
}

const resultCols = `r.number, r.seq, r.document_code, r.result_type_code, r.issued_at, r.issued_by, r.seal_name, r.pdf_sha256, r.archived_at`

func scanResult(s interface{ Scan(...any) error }) (*dossier.Result, error) {
	var r dossier.Result
	var at int64
	var archived sql.NullInt64
	if err := s.Scan(&r.Number, &r.Seq, &r.DocumentCode, &r.ResultType, &at, &r.IssuedBy, &r.Seal, &r.SHA256, &archived); err != nil {
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
	defer rows.Close()
	var out []WarehouseItem
	for rows.Next() {
		var w WarehouseItem
		var at int64
		if err := rows.Scan(&w.DocumentCode, &w.Number, &w.ResultTypeCode, &w.AgencyCode, &at, &w.PDFBlobID); err != nil {
			return nil, err
		}
		w.IssuedAt = fromMS(at)
		out = append(out, w)
	}
	return out, rows.Err()
}

// WarehouseItem returns one held result of an applicant inside tx.
func (tx *Tx) WarehouseItem(applicantID, documentCode string) (*WarehouseItem, error) {
	var w WarehouseItem
	var at int64
	err := tx.queryRow(`SELECT document_code, number, result_type_code, agency_code, issued_at, pdf_blob_id
		FROM results WHERE applicant_id = $1 AND document_code = $2`, applicantID, documentCode).Scan(
		&w.DocumentCode, &w.Number, &w.ResultTypeCode, &w.AgencyCode, &at, &w.PDFBlobID)
	if isNoRows(err) {
		return nil, notFound("kết quả " + documentCode + " của người nộp")
	}
	if err != nil {
		return nil, err
	}
	w.IssuedAt = fromMS(at)
	return &w, nil
}

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
	return querySeals(ctx, db.sql, agency)
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
	ss, err := querySeals(ctx, db.sql, agency)
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
	defer rows.Close()
	var out []dossier.Seal
	for rows.Next() {
		var s dossier.Seal
		var k string
		if err := rows.Scan(&s.ID, &s.AgencyCode, &k, &s.Name, &s.CenterCode, &s.KeyRef, &s.Active); err != nil {
			return nil, err
		}
		s.Kind = dossier.SealKind(k)
		out = append(out, s)
	}
	return out, rows.Err()
}

// InsertDelegation stores a delegation.
func (tx *Tx) InsertDelegation(d *dossier.Delegation) error {
	procs, _ := json.Marshal(nonNil(d.Procedures))
	return tx.queryRow(`INSERT INTO delegations (agency_code, from_user_id, from_position, to_user_id, procedures, valid_from,
		valid_to, basis_document, capacity, revoked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		d.AgencyCode, d.FromUserID, vntext.NFC(d.FromPosition), d.ToUserID, string(procs), ms(d.ValidFrom), ms(d.ValidTo),
		vntext.NFC(d.BasisDocument), string(d.Capacity), d.Revoked, ms(tx.now)).Scan(&d.ID)
}

// RevokeDelegation marks a delegation revoked.
func (tx *Tx) RevokeDelegation(id int64) error {
	res, err := tx.exec(`UPDATE delegations SET revoked = $1 WHERE id = $2`, true, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ủy quyền")
	}
	return nil
}

const delegationCols = `d.id, d.agency_code, d.from_user_id, d.from_position, d.to_user_id, u.name, d.procedures, d.valid_from, d.valid_to,
	d.basis_document, d.capacity, d.revoked`

func scanDelegations(rows *sql.Rows) ([]dossier.Delegation, error) {
	defer rows.Close()
	var out []dossier.Delegation
	for rows.Next() {
		var d dossier.Delegation
		var procs, capacity string
		var from, to int64
		if err := rows.Scan(&d.ID, &d.AgencyCode, &d.FromUserID, &d.FromPosition, &d.ToUserID, &d.ToName, &procs, &from, &to,
			&d.BasisDocument, &capacity, &d.Revoked); err != nil {
			return nil, err
		}
		d.ValidFrom, d.ValidTo, d.Capacity = fromMS(from), fromMS(to), dossier.Capacity(capacity)
		if err := json.Unmarshal([]byte(procs), &d.Procedures); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DelegationsTo returns the delegations given to user id, inside tx.
func (tx *Tx) DelegationsTo(userID int64) ([]dossier.Delegation, error) {
	rows, err := tx.query(`SELECT `+delegationCols+` FROM delegations d JOIN users u ON u.id = d.to_user_id WHERE d.to_user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	return scanDelegations(rows)
}

// Delegations lists delegations, optionally of one agency or to one user.
func (db *DB) Delegations(ctx context.Context, agency string, toUser int64) ([]dossier.Delegation, error) {
	q := `SELECT ` + delegationCols + ` FROM delegations d JOIN users u ON u.id = d.to_user_id WHERE 1=1`
	var args []any
	if agency != "" {
		args = append(args, agency)
		q += fmt.Sprintf(` AND d.agency_code = $%d`, len(args))
	}
	if toUser != 0 {
		args = append(args, toUser)
		q += fmt.Sprintf(` AND d.to_user_id = $%d`, len(args))
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY d.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	return scanDelegations(rows)
}

// InsertShift stores a leader's on-site shift.
func (tx *Tx) InsertShift(s *dossier.LeaderShift) error {
	return tx.queryRow(`INSERT INTO leader_shifts (user_id, center_code, starts_at, ends_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		s.UserID, s.CenterCode, ms(s.StartsAt), ms(s.EndsAt)).Scan(&s.ID)
}

// Shifts lists leaders' shifts at a center overlapping [from, to).
func (db *DB) Shifts(ctx context.Context, center string, from, to time.Time) ([]dossier.LeaderShift, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT s.id, s.user_id, u.name, s.center_code, s.starts_at, s.ends_at
		FROM leader_shifts s JOIN users u ON u.id = s.user_id
		WHERE ($1 = '' OR s.center_code = $1) AND s.ends_at > $2 AND s.starts_at < $3 ORDER BY s.starts_at`, center, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: shifts: %w", err)
	}
	defer rows.Close()
	var out []dossier.LeaderShift
	for rows.Next() {
		var s dossier.LeaderShift
		var a, b int64
		if err := rows.Scan(&s.ID, &s.UserID, &s.UserName, &s.CenterCode, &a, &b); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt = fromMS(a), fromMS(b)
		out = append(out, s)
	}
	return out, rows.Err()
}

// InsertGuidanceSlip stores a guidance slip (Mẫu 02) and numbers it.
func (tx *Tx) InsertGuidanceSlip(g *dossier.GuidanceSlip, officerID int64) error {
	app, _ := json.Marshal(g.Applicant)
	miss, _ := json.Marshal(g.Missing)
	if err := tx.queryRow(`INSERT INTO guidance_slips (number, procedure_code, center_code, applicant, missing, note, officer_id, officer, created_at)
		VALUES ('', $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, g.ProcedureCode, g.CenterCode, string(app), string(miss),
		vntext.NFC(g.Note), officerID, g.Officer, ms(tx.now)).Scan(&g.ID); err != nil {
		return fmt.Errorf("store: guidance slip: %w", err)
	}
	g.Number = fmt.Sprintf("%d/PBS", g.ID)
	g.CreatedAt = tx.now
	_, err := tx.exec(`UPDATE guidance_slips SET number = $1 WHERE id = $2`, g.Number, g.ID)
	return err
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

// StartPause opens a supplement pause.
func (tx *Tx) StartPause(dossierID int64, reason string) error {
	_, err := tx.exec(`INSERT INTO dossier_pauses (dossier_id, started_at, reason) VALUES ($1, $2, $3)`, dossierID, ms(tx.now), vntext.NFC(reason))
	return err
}

// EndPause closes the open pause of a dossier.
func (tx *Tx) EndPause(dossierID int64) error {
	_, err := tx.exec(`UPDATE dossier_pauses SET ended_at = $1 WHERE dossier_id = $2 AND ended_at IS NULL`, ms(tx.now), dossierID)
	return err
}

// InsertBlob records an uploaded blob (idempotent on its id).
func (tx *Tx) InsertBlob(id string, size int64, contentType string, by int64) error {
	_, err := tx.exec(`INSERT INTO blobs (id, size, content_type, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
		id, size, contentType, by, ms(tx.now))
	return err
}

// InsertDocument stores a generated document (a PDF) in the database under
// its content address, idempotently.
func (tx *Tx) InsertDocument(id string, data []byte, contentType string, by int64) error {
	_, err := tx.exec(`INSERT INTO blobs (id, size, content_type, created_by, created_at, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		id, int64(len(data)), contentType, by, ms(tx.now), data)
	return err
}

// BlobData returns the content of a blob kept in the database, or ok =
// false when the blob is a file of the blob directory (or unknown).
func (db *DB) BlobData(ctx context.Context, id string) (data []byte, ok bool, err error) {
	return blobData(ctx, db.sql, id)
}

// BlobData is DB.BlobData inside tx.
func (tx *Tx) BlobData(id string) (data []byte, ok bool, err error) {
	return blobData(context.Background(), txq{tx.tx}, id)
}

func blobData(ctx context.Context, q queryer, id string) (data []byte, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT data FROM blobs WHERE id = $1 AND data IS NOT NULL`, id).Scan(&data)
	if isNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: blob data: %w", err)
	}
	return data, true, nil
}

// BlobMeta describes a stored blob.
type BlobMeta struct {
	ID          string
	Size        int64
	ContentType string
	CreatedBy   int64
}

// Blob returns the metadata of a blob inside tx.
func (tx *Tx) Blob(id string) (*BlobMeta, error) {
	var b BlobMeta
	err := tx.queryRow(`SELECT id, size, content_type, created_by FROM blobs WHERE id = $1`, id).Scan(&b.ID, &b.Size, &b.ContentType, &b.CreatedBy)
	if isNoRows(err) {
		return nil, notFound("tệp " + id)
	}
	return &b, err
}

// BlobAccess reports whether the blob exists and the caller may read it:
// they uploaded it, or it belongs to a dossier (component or result)
// within their scope.
func (db *DB) BlobAccess(ctx context.Context, id string, userID int64, scope Scope) (*BlobMeta, error) {
	var b BlobMeta
	err := db.sql.QueryRowContext(ctx, `SELECT id, size, content_type, created_by FROM blobs WHERE id = $1`, id).Scan(&b.ID, &b.Size, &b.ContentType, &b.CreatedBy)
	if isNoRows(err) {
		return nil, notFound("tệp")
	}
	if err != nil {
		return nil, err
	}
	if b.CreatedBy == userID && userID != 0 {
		return &b, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	bid := arg(id)
	q := `SELECT 1 FROM dossiers d WHERE ` + scope.sql(arg) + ` AND (EXISTS (SELECT 1 FROM dossier_components c WHERE c.dossier_id = d.id AND c.blob_id = ` + bid + `)
		OR EXISTS (SELECT 1 FROM results r WHERE r.dossier_id = d.id AND r.pdf_blob_id = ` + bid + `)) LIMIT 1`
	var one int
	err = db.sql.QueryRowContext(ctx, q, args...).Scan(&one)
	if isNoRows(err) {
		return nil, notFound("tệp")
	}
	if err != nil {
		return nil, err
	}
	return &b, nil
}
