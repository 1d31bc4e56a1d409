package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// OutboxEvent is a queued event.
type OutboxEvent struct {
	ID      int64
	Topic   string
	Payload string
	At      time.Time
	// Attempts counts the deliveries tried before (DeliverDossierEvents).
	Attempts int
}

// Outbox queues an event in the same transaction as the change it reports.
func (tx *Tx) Outbox(topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("store: outbox payload: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3)`, topic, string(b), ms(tx.now)); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// OutboxWithID inserts an outbox row like Tx.Outbox and returns its id, so
// that a live relay can tell events apart across instances.
func (tx *Tx) OutboxWithID(topic string, payload []byte) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(`INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3) RETURNING id`,
		topic, string(payload), ms(tx.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	return id, nil
}

// OutboxAfter returns the events of the given topics (any when empty) with
// an id above after, oldest first, whether or not another consumer has
// marked them sent.
func (db *DB) OutboxAfter(ctx context.Context, topics []string, after int64, limit int) ([]OutboxEvent, error) {
	args := []any{after}
	where := `id > $1`
	if len(topics) > 0 {
		ph := make([]string, len(topics))
		for i, t := range topics {
			args = append(args, t)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where += ` AND topic IN (` + strings.Join(ph, ", ") + `)`
	}
	args = append(args, clampLimit(limit))
	rows, err := db.sql.QueryContext(ctx, `SELECT id, topic, payload, created_at FROM outbox WHERE `+where+
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox after: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Topic, &e.Payload, &at); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastOutboxID returns the id of the newest outbox row (0 when empty).
func (db *DB) LastOutboxID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := db.sql.QueryRowContext(ctx, `SELECT MAX(id) FROM outbox`).Scan(&id)
	return id.Int64, err
}

// OutboxCursor returns where consumer has read up to; a new consumer
// starts at the newest row.
func (db *DB) OutboxCursor(ctx context.Context, consumer string) (int64, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, `SELECT last_id FROM outbox_cursors WHERE consumer = $1`, consumer).Scan(&id)
	if isNoRows(err) {
		last, err := db.LastOutboxID(ctx)
		if err != nil {
			return 0, err
		}
		return last, db.SetOutboxCursor(ctx, consumer, last)
	}
	return id, err
}

// SetOutboxCursor records that consumer has handled every event up to id.
func (db *DB) SetOutboxCursor(ctx context.Context, consumer string, id int64) error {
	_, err := db.execContext(ctx, `INSERT INTO outbox_cursors (consumer, last_id) VALUES ($1, $2)
		ON CONFLICT (consumer) DO UPDATE SET last_id = excluded.last_id`, consumer, id)
	if err != nil {
		return fmt.Errorf("store: outbox cursor: %w", err)
	}
	return nil
}

// pendingDossierEvent selects the oldest dossier event no relay has handled.
const pendingDossierEvent = `SELECT id, topic, payload, created_at, attempts FROM outbox
 WHERE sent_at IS NULL AND topic LIKE 'dossier.%' ORDER BY id LIMIT $1`

// DeliverDossierEvents hands the dossier events (topics dossier.*) that no
// relay has handled yet to deliver, oldest first, at most limit of them,
// and marks each one handled (sent_at = now) when deliver returns nil. It
// returns how many it handled, and stops at the first error of deliver
// (that event counts one more attempt and is offered again next time).
//
// On PostgreSQL each event is claimed with FOR UPDATE SKIP LOCKED in its
// own transaction, held while deliver runs: relays of several instances
// take different events and each event is delivered once. An instance
// that dies mid-delivery releases its claim, and the event is delivered
// again by another (at least once; twice only in that case). On SQLite,
// one process owns the database and events are read, delivered and marked.
func (db *DB) DeliverDossierEvents(ctx context.Context, now time.Time, limit int, deliver func(OutboxEvent) error) (int, error) {
	if db.dialect.singleWriter() {
		return db.deliverSingle(ctx, now, limit, deliver)
	}
	n := 0
	for n < limit {
		done, err := db.deliverOne(ctx, now, deliver)
		if err != nil || !done {
			return n, err
		}
		n++
	}
	return n, nil
}

func (db *DB) deliverOne(ctx context.Context, now time.Time, deliver func(OutboxEvent) error) (bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: deliver: %w", err)
	}
	defer tx.Rollback()
	var e OutboxEvent
	var at int64
	err = tx.QueryRowContext(ctx, pendingDossierEvent+db.dialect.forUpdateSkipLocked(), 1).Scan(&e.ID, &e.Topic, &e.Payload, &at, &e.Attempts)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: deliver: %w", err)
	}
	e.At = fromMS(at)
	if derr := deliver(e); derr != nil {
		tx.Rollback()
		db.sql.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1 WHERE id = $1`, e.ID)
		return false, derr
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = $2, attempts = attempts + 1 WHERE id = $1`, e.ID, ms(now)); err != nil {
		return false, fmt.Errorf("store: deliver: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: deliver: %w", err)
	}
	return true, nil
}

func (db *DB) deliverSingle(ctx context.Context, now time.Time, limit int, deliver func(OutboxEvent) error) (int, error) {
	rows, err := db.sql.QueryContext(ctx, pendingDossierEvent, clampLimit(limit))
	if err != nil {
		return 0, fmt.Errorf("store: deliver: %w", err)
	}
	var evs []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Topic, &e.Payload, &at, &e.Attempts); err != nil {
			rows.Close()
			return 0, err
		}
		e.At = fromMS(at)
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, e := range evs {
		derr := deliver(e)
		err := db.InTx(ctx, now, func(tx *Tx) error {
			if derr != nil {
				_, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1 WHERE id = $1`, e.ID)
				return err
			}
			_, err := tx.exec(`UPDATE outbox SET sent_at = $2, attempts = attempts + 1 WHERE id = $1`, e.ID, ms(now))
			return err
		})
		if derr != nil {
			return n, derr
		}
		if err != nil {
			return n, fmt.Errorf("store: deliver: %w", err)
		}
		n++
	}
	return n, nil
}
