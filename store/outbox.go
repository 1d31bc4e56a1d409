package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	if routes := tx.db.routes(topic, b); len(routes) > 0 {
		_, err := tx.outboxRouted(topic, b, routes)
		return err
	}
	if _, err := tx.exec(`INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3)`, topic, string(b), ms(tx.now)); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// outboxRouted writes an event and its deliveries.
func (tx *Tx) outboxRouted(topic string, payload []byte, routes []OutboxRoute) (int64, error) {
	var id int64
	if err := tx.queryRow(`INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3) RETURNING id`,
		topic, string(payload), ms(tx.now)).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	return id, tx.addDeliveries(id, routes)
}

// OutboxWithID inserts an outbox row like Tx.Outbox and returns its id, so
// that a live relay can tell events apart across instances.
func (tx *Tx) OutboxWithID(topic string, payload []byte) (int64, error) {
	if routes := tx.db.routes(topic, payload); len(routes) > 0 {
		return tx.outboxRouted(topic, payload, routes)
	}
	var id int64
	err := tx.queryRow(`INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3) RETURNING id`,
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
	args := sqlArgs{after}
	where := `id > $1`
	if len(topics) > 0 {
		where += ` AND topic IN (` + list(args.add, topics) + `)`
	}
	args = append(args, clampLimit(limit))
	rows, err := db.sql.QueryContext(ctx, `SELECT id, topic, payload, created_at FROM outbox WHERE `+where+
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox after: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (OutboxEvent, error) {
		var e OutboxEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Topic, &e.Payload, &at); err != nil {
			return e, err
		}
		e.At = fromMS(at)
		return e, nil
	})
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
