package store

import (
	"context"
	"crypto/sha256"
	"fmt"
)

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
