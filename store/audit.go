package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
)

// Audit records an entry of the hash-chained audit log for tx:
// h_i = SHA-256(h_{i-1} ‖ canonical(entry_i)). The entry is kept with tx
// and chained when the use case ends (flushAudit), so concurrent writers
// chain in commit order and a rolled-back use case leaves no entry.
func (tx *Tx) Audit(actor, action, objectType, objectID, summary string) error {
	tx.audits = append(tx.audits, dossier.AuditEntry{At: tx.now, Actor: actor, Action: action,
		ObjectType: objectType, ObjectID: objectID, Summary: summary, Covers: tx.takeCovers()})
	return nil
}

// flushAudit chains and writes the entries tx recorded, advancing the head
// in memory (written once before the commit: auditHead.flush). The single
// audit_head row is locked here, as the last row a use case locks, and
// held only until its commit: on PostgreSQL, where each use case is a
// transaction of its own, locking it at the first entry made every
// transaction that wrote one wait for the whole of another, and a
// transaction holding it while waiting for an aggregate row that the
// other one held deadlocked (found by motcua bench on PostgreSQL).
func (tx *Tx) flushAudit() error {
	if len(tx.audits) == 0 {
		return nil
	}
	h := tx.head
	if err := h.load(tx); err != nil {
		return err
	}
	for i := range tx.audits {
		e := &tx.audits[i]
		e.Seq, e.PrevHash = h.seq+1, h.hash
		e.Hash = ChainHash(h.hash, e)
		if _, err := tx.exec(`INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, summary, covers, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			e.Seq, ms(e.At), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Summary, e.Covers, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("store: audit insert: %w", err)
		}
		h.seq, h.hash, h.dirty = e.Seq, e.Hash, true
	}
	tx.audits = tx.audits[:0]
	return nil
}

// auditHead is the head of the audit chain as one transaction sees it: a
// use case's transaction on PostgreSQL, a whole group-commit batch on
// SQLite (writer.go). It is read, with its row locked, when the first use
// case's entries are chained, advanced in memory by each entry, and
// written once before the commit: two statements per transaction instead
// of two per entry (27 statements per signed lifecycle were the chain's).
// The chain stored is the same.
type auditHead struct {
	loaded, dirty bool
	seq           int64
	hash          string
}

func (h *auditHead) load(tx *Tx) error {
	if h.loaded {
		return nil
	}
	q := `SELECT seq, hash FROM audit_head WHERE id = 1` + tx.db.dialect.forUpdate("")
	if err := tx.queryRow(q).Scan(&h.seq, &h.hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	h.loaded = true
	return nil
}

// flush writes the head if entries advanced it; it runs before the commit.
func (h *auditHead) flush(tx *Tx) error {
	if h == nil || !h.dirty {
		return nil
	}
	if _, err := tx.exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, h.seq, h.hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	h.dirty = false
	return nil
}

// Canonical is the byte form of an entry that the chain hashes: its fields
// in a fixed order, each length-prefixed so no two entries share a form.
// Covers comes last and only when not empty, so entries written before it
// existed hash as they did.
func Canonical(e *dossier.AuditEntry) []byte {
	var b strings.Builder
	fields := []string{strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UnixMilli(), 10),
		e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Summary}
	if e.Covers != "" {
		fields = append(fields, e.Covers)
	}
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	return []byte(b.String())
}

// ChainHash returns SHA-256(prev ‖ canonical(e)) in hex.
func ChainHash(prev string, e *dossier.AuditEntry) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(Canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// AuditProblem describes the first place where the chain breaks.
type AuditProblem struct {
	Seq    int64  // the first entry that was altered, removed, inserted or reordered
	Reason string // Vietnamese
}

// VerifyAudit walks the whole chain and returns the number of entries
// checked and the first problem, or nil when the chain is intact and ends
// at the recorded head.
func (db *DB) VerifyAudit(ctx context.Context) (int64, *AuditProblem, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, at, actor, action, object_type, object_id, summary, covers, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, nil, fmt.Errorf("store: audit read: %w", err)
	}
	defer rows.Close()
	var n, want int64 = 0, 1
	prev := ""
	for rows.Next() {
		var e dossier.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Summary, &e.Covers, &e.PrevHash, &e.Hash); err != nil {
			return n, nil, err
		}
		e.At = time.UnixMilli(at).UTC()
		switch {
		case e.Seq != want:
			return n, &AuditProblem{Seq: want, Reason: fmt.Sprintf("mục số %d bị xóa hoặc sắp xếp lại (gặp mục %d)", want, e.Seq)}, nil
		case e.PrevHash != prev:
			return n, &AuditProblem{Seq: e.Seq, Reason: fmt.Sprintf("mục số %d không nối tiếp mục trước (liên kết băm sai)", e.Seq)}, nil
		case ChainHash(prev, &e) != e.Hash:
			return n, &AuditProblem{Seq: e.Seq, Reason: fmt.Sprintf("nội dung mục số %d đã bị sửa đổi", e.Seq)}, nil
		}
		prev = e.Hash
		want++
		n++
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	var headSeq int64
	var headHash string
	if err := db.sql.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, nil, fmt.Errorf("store: audit head: %w", err)
	}
	if headSeq != n || headHash != prev {
		return n, &AuditProblem{Seq: n + 1, Reason: fmt.Sprintf("nhật ký kết thúc ở mục %d nhưng đầu chuỗi ghi mục %d: các mục cuối đã bị xóa", n, headSeq)}, nil
	}
	return n, nil, nil
}

// AuditEntries returns the newest entries, newest first.
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]dossier.AuditEntry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, at, actor, action, object_type, object_id, summary, covers, prev_hash, hash
		FROM audit_log ORDER BY seq DESC LIMIT $1`, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (dossier.AuditEntry, error) {
		var e dossier.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Summary, &e.Covers, &e.PrevHash, &e.Hash); err != nil {
			return e, err
		}
		e.At = fromMS(at)
		return e, nil
	})
}
