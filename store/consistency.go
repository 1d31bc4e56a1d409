package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"time"
)

// IdempotentResponse is a stored first response to an Idempotency-Key.
type IdempotentResponse struct {
	Request string // fingerprint: method, path and body hash
	Status  int    // 0 while the first request is still running
	Body    []byte
}

// ClaimIdempotencyKey reserves (user, key) for a request. It returns nil
// when the caller owns the key now, or the stored response (Status 0 when
// the first request is still in flight).
func (db *DB) ClaimIdempotencyKey(ctx context.Context, userID int64, key, request string) (*IdempotentResponse, error) {
	res, err := db.execContext(ctx, `INSERT INTO idempotency (user_id, key, request, status, body, created_at) VALUES ($1, $2, $3, 0, $4, $5)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, request, []byte{}, ms(db.now()))
	if err != nil {
		return nil, fmt.Errorf("store: idempotency claim: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r IdempotentResponse
	if err := db.queryRowContext(ctx, `SELECT request, status, body FROM idempotency WHERE user_id = $1 AND key = $2`, userID, key).Scan(
		&r.Request, &r.Status, &r.Body); err != nil {
		return nil, fmt.Errorf("store: idempotency read: %w", err)
	}
	return &r, nil
}

// CompleteIdempotencyKey stores the response of the request that owns the key.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID int64, key string, status int, body []byte) error {
	_, err := db.execContext(ctx, `UPDATE idempotency SET status = $1, body = $2 WHERE user_id = $3 AND key = $4`, status, body, userID, key)
	return err
}

// ReleaseIdempotencyKey forgets a key whose request failed before any change.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	_, err := db.execContext(ctx, `DELETE FROM idempotency WHERE user_id = $1 AND key = $2`, userID, key)
	return err
}

// Override is a stored calendar override.
type Override struct {
	Day    string `json:"date"`
	Center string `json:"center_code,omitempty"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

// Overrides lists the calendar overrides, optionally of one year.
func (db *DB) Overrides(ctx context.Context, year int) ([]Override, error) {
	q := `SELECT day, center_code, kind, name, source FROM calendar_overrides`
	var args []any
	if year != 0 {
		q += ` WHERE day >= $1 AND day <= $2`
		args = append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY day, center_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.Day, &o.Center, &o.Kind, &o.Name, &o.Source); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// PutOverride inserts or replaces an override.
func (tx *Tx) PutOverride(o Override) error {
	_, err := tx.exec(`INSERT INTO calendar_overrides (day, center_code, kind, name, source) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (day, center_code) DO UPDATE SET kind = excluded.kind, name = excluded.name, source = excluded.source`,
		o.Day, o.Center, o.Kind, o.Name, o.Source)
	if err != nil {
		return fmt.Errorf("store: put override: %w", err)
	}
	return nil
}

// DeleteOverride removes an override.
func (tx *Tx) DeleteOverride(day, center string) error {
	res, err := tx.exec(`DELETE FROM calendar_overrides WHERE day = $1 AND center_code = $2`, day, center)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ngày điều chỉnh " + day)
	}
	return nil
}

// OutboxEvent is a queued event.
type OutboxEvent struct {
	ID      int64
	Topic   string
	Payload string
	At      time.Time
}

// Inconsistency is a dossier whose status disagrees with its history.
type Inconsistency struct {
	Code          string
	Status        string
	LastHistoryTo string
	Problem       string // for other than a status/history mismatch: what is wrong, in Vietnamese
}

// String describes the inconsistency in Vietnamese.
func (i Inconsistency) String() string {
	if i.Problem != "" {
		return i.Code + ": " + i.Problem
	}
	return fmt.Sprintf("%s trạng thái %s, lịch sử cuối %s", i.Code, i.Status, i.LastHistoryTo)
}

// CheckConsistency finds dossiers whose current status is not the target
// of their last history row, and results without an issued dossier.
func (db *DB) CheckConsistency(ctx context.Context) ([]Inconsistency, int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT d.code, d.status, COALESCE(h.to_status, '')
		FROM dossiers d LEFT JOIN dossier_history h ON h.id = (SELECT MAX(id) FROM dossier_history WHERE dossier_id = d.id)
		WHERE d.imported = $1 AND (h.to_status IS NULL OR h.to_status <> d.status)`, false)
	if err != nil {
		return nil, 0, fmt.Errorf("store: check: %w", err)
	}
	defer rows.Close()
	var out []Inconsistency
	for rows.Next() {
		var i Inconsistency
		if err := rows.Scan(&i.Code, &i.Status, &i.LastHistoryTo); err != nil {
			return nil, 0, err
		}
		out = append(out, i)
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		return nil, 0, err
	}
	var orphans int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM results r JOIN dossiers d ON d.id = r.dossier_id
		WHERE d.status NOT IN ('issued', 'returned', 'withdrawn')`).Scan(&orphans); err != nil {
		return nil, 0, err
	}
	if orphans > 0 {
		out = append(out, Inconsistency{Code: fmt.Sprintf("%d kết quả", orphans), Problem: "hồ sơ không ở trạng thái đã ban hành"})
	}
	// Registers: numbers 1..last each issued exactly once (gap-free).
	rrows, err := db.sql.QueryContext(ctx, `SELECT g.agency_code, g.year, g.symbol, g.last, COUNT(r.id), COALESCE(MAX(r.seq), 0), COUNT(DISTINCT r.seq)
		FROM registers g LEFT JOIN results r ON r.register_id = g.id GROUP BY g.id, g.agency_code, g.year, g.symbol, g.last`)
	if err != nil {
		return nil, 0, fmt.Errorf("store: check registers: %w", err)
	}
	defer rrows.Close()
	for rrows.Next() {
		var agency, symbol string
		var year, last, count, maxSeq, distinct int64
		if err := rrows.Scan(&agency, &year, &symbol, &last, &count, &maxSeq, &distinct); err != nil {
			return nil, 0, err
		}
		if count != last || maxSeq != last || distinct != count {
			out = append(out, Inconsistency{Code: fmt.Sprintf("sổ %s %d (%s)", agency, year, symbol),
				Problem: fmt.Sprintf("số cuối %d nhưng có %d kết quả, số lớn nhất %d", last, count, maxSeq)})
		}
	}
	if err := rrows.Err(); err != nil {
		return nil, 0, err
	}
	docs, err := db.checkDocuments(ctx)
	if err != nil {
		return nil, 0, err
	}
	out = append(out, docs...)
	return out, n, rows.Err()
}

// checkDocuments checks that the generated documents of dossiers (their
// receipts, issued results and archive copies) are stored and unaltered: the SHA-256 of
// what the database holds is the document's id. Documents kept as files
// (before migration 00004) are not checked here.
func (db *DB) checkDocuments(ctx context.Context) ([]Inconsistency, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT d.code, x.kind, x.id, b.id IS NOT NULL, b.data FROM (
			SELECT dossier_id, 'kết quả' AS kind, pdf_blob_id AS id FROM results WHERE pdf_blob_id <> ''
			UNION ALL SELECT dossier_id, 'bản lưu trữ', archive_blob_id FROM results WHERE archive_blob_id <> ''
			UNION ALL SELECT id, 'phiếu tiếp nhận', receipt_blob FROM dossiers WHERE receipt_blob <> '') x
		JOIN dossiers d ON d.id = x.dossier_id
		LEFT JOIN blobs b ON b.id = x.id`)
	if err != nil {
		return nil, fmt.Errorf("store: check documents: %w", err)
	}
	defer rows.Close()
	var out []Inconsistency
	for rows.Next() {
		var code, kind, id string
		var found bool
		var data []byte
		if err := rows.Scan(&code, &kind, &id, &found, &data); err != nil {
			return nil, err
		}
		switch {
		case !found:
			out = append(out, Inconsistency{Code: code, Problem: "thiếu tệp " + kind + " " + id})
		case data != nil && fmt.Sprintf("%x", sha256.Sum256(data)) != id:
			out = append(out, Inconsistency{Code: code, Problem: "tệp " + kind + " " + id + " đã bị thay đổi"})
		}
	}
	return out, rows.Err()
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
	defer rows.Close()
	var out []ArchiveItem
	for rows.Next() {
		var it ArchiveItem
		if err := rows.Scan(&it.ResultID, &it.DossierCode, &it.BlobID); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
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
