package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit chain covers every state change, not only the entries the use
// cases write (issue 16, item 13). A dossier's history rows and its
// issued result (number, register, file digest) are written in the same
// transaction as an audit entry whose covers field — part of the hashed
// canonical form — lists a digest of each row as the database returned it
// ("h<id>=<digest>" for a history row, "r<id>=<digest>" for a result).
// Editing, deleting or inserting such a row afterwards no longer matches
// the chain, and rewriting the chain to match is caught by the anchors
// (package anchor). Rows older than the coverage (databases made before
// migration 00012) are named by a coverage_start entry and not checked.

const (
	coverDigestHex  = 32  // 128 bits of SHA-256 per row
	maxPendingCover = 500 // rows per audit entry before a separate one is written
)

// rowDigest is the digest of a row: its fields, length-prefixed.
func rowDigest(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
		h.Write([]byte{';'})
	}
	return hex.EncodeToString(h.Sum(nil))[:coverDigestHex]
}

const historyCoverCols = `id, dossier_id, action, from_status, to_status, actor_id, actor, on_behalf_of, note, step_due_at, at, place`

// scanHistoryCover reads historyCoverCols and returns the row's id and
// digest.
func scanHistoryCover(s interface{ Scan(...any) error }) (int64, string, error) {
	var id, dossierID, actorID, at int64
	var action, from, to, actor, behalf, note, place string
	var stepDue sql.NullInt64
	if err := s.Scan(&id, &dossierID, &action, &from, &to, &actorID, &actor, &behalf, &note, &stepDue, &at, &place); err != nil {
		return 0, "", err
	}
	due := ""
	if stepDue.Valid {
		due = strconv.FormatInt(stepDue.Int64, 10)
	}
	return id, rowDigest(strconv.FormatInt(id, 10), strconv.FormatInt(dossierID, 10), action, from, to, strconv.FormatInt(actorID, 10),
		actor, behalf, note, due, strconv.FormatInt(at, 10), place), nil
}

const resultCoverCols = `id, dossier_id, register_id, seq, number, document_code, applicant_id, applicant_name, result_type_code,
	agency_code, issued_at, issued_by, seal_id, seal_name, pdf_blob_id, pdf_sha256, verify_hash`

func scanResultCover(s interface{ Scan(...any) error }) (int64, string, error) {
	var id, dossierID, registerID, seq, issuedAt, sealID int64
	var number, docCode, applicantID, applicantName, resultType, agency, issuedBy, sealName, blobID, sum, verifyHash string
	if err := s.Scan(&id, &dossierID, &registerID, &seq, &number, &docCode, &applicantID, &applicantName, &resultType,
		&agency, &issuedAt, &issuedBy, &sealID, &sealName, &blobID, &sum, &verifyHash); err != nil {
		return 0, "", err
	}
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	return id, rowDigest(i(id), i(dossierID), i(registerID), i(seq), number, docCode, applicantID, applicantName, resultType,
		agency, i(issuedAt), issuedBy, i(sealID), sealName, blobID, sum, verifyHash), nil
}

// cover records that the next audit entry of tx must cover a row.
func (tx *Tx) cover(kind byte, id int64, digest string) error {
	tx.covers = append(tx.covers, string(kind)+strconv.FormatInt(id, 10)+"="+digest)
	if len(tx.covers) >= maxPendingCover {
		return tx.flushCovers()
	}
	return nil
}

// takeCovers returns the pending covers, joined, and clears them.
func (tx *Tx) takeCovers() string {
	s := strings.Join(tx.covers, ";")
	tx.covers = tx.covers[:0]
	return s
}

// flushCovers writes the covers no entry of the use case carried yet.
func (tx *Tx) flushCovers() error {
	if len(tx.covers) == 0 {
		return nil
	}
	return tx.Audit("system", "record", "rows", "", "{}")
}

// ensureCoverageStart writes, once, the entry that says from which row on
// history and results are covered: the rows after those present when a
// database made before migration 00012 was migrated. A database without
// one covers every row.
func (db *DB) ensureCoverageStart(ctx context.Context) error {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'coverage_start'`).Scan(&n); err != nil {
		return fmt.Errorf("store: coverage start: %w", err)
	}
	if n > 0 {
		return nil
	}
	var h, r, at int64
	if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(id) FROM dossier_history), 0), COALESCE((SELECT MAX(id) FROM results), 0),
		COALESCE((SELECT MAX(at) FROM audit_log), 0)`).Scan(&h, &r, &at); err != nil {
		return fmt.Errorf("store: coverage start: %w", err)
	}
	if h == 0 && r == 0 {
		return nil // nothing before the coverage: every row is covered
	}
	return db.InTx(ctx, time.UnixMilli(at), func(tx *Tx) error {
		tx.covers = append(tx.covers, fmt.Sprintf("h<=%d", h), fmt.Sprintf("r<=%d", r))
		return tx.Audit("system", "coverage_start", "audit", "", "{}")
	})
}

// CoverageProblem is a history or result row that the audit chain does
// not vouch for.
type CoverageProblem struct {
	Seq    int64  // the audit entry that covers the row (0: none does)
	Reason string // Vietnamese
}

// VerifyCoverage checks every covered history and result row against the
// digest the chain holds for it, and that every row after the coverage
// start is covered. It returns the problem with the lowest audit entry
// (rows nobody covers come last), or nil.
func (db *DB) VerifyCoverage(ctx context.Context) (*CoverageProblem, error) {
	type want struct {
		seq    int64
		digest string
	}
	covered := map[byte]map[int64]want{'h': {}, 'r': {}}
	since := map[byte]int64{'h': 0, 'r': 0} // no coverage_start: every row
	started := map[byte]bool{}
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, covers FROM audit_log WHERE covers <> '' ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	for rows.Next() {
		var seq int64
		var covers string
		if err := rows.Scan(&seq, &covers); err != nil {
			rows.Close()
			return nil, err
		}
		for _, item := range strings.Split(covers, ";") {
			if len(item) < 2 || covered[item[0]] == nil {
				continue
			}
			kind := item[0]
			if strings.HasPrefix(item[1:], "<=") {
				if n, err := strconv.ParseInt(item[3:], 10, 64); err == nil && !started[kind] {
					since[kind], started[kind] = n, true
				}
				continue
			}
			ids, digest, _ := strings.Cut(item[1:], "=")
			id, err := strconv.ParseInt(ids, 10, 64)
			if err != nil {
				continue
			}
			covered[kind][id] = want{seq, digest}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var first *CoverageProblem
	note := func(p CoverageProblem) {
		if first == nil || (p.Seq != 0 && (first.Seq == 0 || p.Seq < first.Seq)) {
			first = &p
		}
	}
	for _, k := range []struct {
		kind byte
		q    string
		scan func(interface{ Scan(...any) error }) (int64, string, error)
		what string
	}{
		{'h', `SELECT ` + historyCoverCols + ` FROM dossier_history ORDER BY id`, scanHistoryCover, "dòng lịch sử hồ sơ"},
		{'r', `SELECT ` + resultCoverCols + ` FROM results ORDER BY id`, scanResultCover, "kết quả (số, sổ, tệp)"},
	} {
		rows, err := db.sql.QueryContext(ctx, k.q)
		if err != nil {
			return nil, fmt.Errorf("store: coverage: %w", err)
		}
		for rows.Next() {
			id, digest, err := k.scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			w, ok := covered[k.kind][id]
			switch {
			case ok && w.digest != digest:
				note(CoverageProblem{Seq: w.seq, Reason: fmt.Sprintf("%s số %d đã bị sửa sau khi ghi (mục nhật ký %d)", k.what, id, w.seq)})
			case !ok && id > since[k.kind]:
				note(CoverageProblem{Reason: fmt.Sprintf("%s số %d không có trong nhật ký: bị chèn ngoài hệ thống", k.what, id)})
			}
			delete(covered[k.kind], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for id, w := range covered[k.kind] {
			note(CoverageProblem{Seq: w.seq, Reason: fmt.Sprintf("%s số %d đã bị xóa (mục nhật ký %d)", k.what, id, w.seq)})
		}
	}
	return first, nil
}
