package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Delivery statuses (outbox_deliveries.status).
const (
	DeliveryPending = "pending" // waiting for its first or next attempt
	DeliverySent    = "sent"    // the destination accepted it
	DeliveryDead    = "dead"    // given up after the last attempt (dead letter)
)

// OutboxRoute is one destination an event goes to. Key orders the
// deliveries of that destination: deliveries with the same non-empty Key
// are handed over one after another, in the order of their events.
type OutboxRoute struct {
	Destination string
	Key         string
}

// OutboxRouter tells, for an event being written, which destinations get
// it. It runs inside the writing transaction and must not block.
type OutboxRouter func(topic string, payload []byte) []OutboxRoute

// SetOutboxRouter installs the router every later Tx.Outbox consults (nil:
// events go nowhere but the outbox table).
func (db *DB) SetOutboxRouter(r OutboxRouter) {
	if r == nil {
		db.router.Store(nil)
		return
	}
	db.router.Store(&r)
}

// outboxRouter holds the router; a field of DB.
type outboxRouter = atomic.Pointer[OutboxRouter]

// routes returns the destinations of an event.
func (db *DB) routes(topic string, payload []byte) []OutboxRoute {
	if r := db.router.Load(); r != nil {
		return (*r)(topic, payload)
	}
	return nil
}

// IdempotencyKey is the key a destination receives with a delivery: the
// same for every attempt of it, different for every other message.
func IdempotencyKey(eventID int64, destination string) string {
	return "motcua-" + strconv.FormatInt(eventID, 10) + "-" + destination
}

// addDeliveries writes one delivery per route of the event id, in one
// statement (an event has up to three routes; a row each cost a statement
// each on every transition).
func (tx *Tx) addDeliveries(eventID int64, routes []OutboxRoute) error {
	if len(routes) == 0 {
		return nil
	}
	args := make([]any, 0, 2+3*len(routes))
	args = append(args, eventID, ms(tx.now))
	for _, r := range routes {
		args = append(args, r.Destination, r.Key, IdempotencyKey(eventID, r.Destination))
	}
	if _, err := tx.exec(deliveriesInsert(len(routes)), args...); err != nil {
		return fmt.Errorf("store: outbox delivery: %w", err)
	}
	return nil
}

// deliveriesInsert is the INSERT of n deliveries of one event: $1 the
// event, $2 the instant, then destination, order key and idempotency key
// of each. The text depends on n only, so it is prepared once per n.
func deliveriesInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO outbox_deliveries (event_id, destination, order_key, idem_key, next_at, created_at) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($1, $%d, $%d, $%d, $2, $2)", 3+3*i, 4+3*i, 5+3*i)
	}
	b.WriteString(` ON CONFLICT (destination, event_id) DO NOTHING`)
	return b.String()
}

// Enqueue writes an event and its deliveries to the given routes (not the
// router's) in tx: a resend (reconciliation) or a message for one
// destination only.
func (tx *Tx) Enqueue(topic string, payload []byte, routes []OutboxRoute) (int64, error) {
	var id int64
	if err := tx.tx.QueryRow(`INSERT INTO outbox (topic, payload, created_at, sent_at) VALUES ($1, $2, $3, $3) RETURNING id`,
		topic, string(payload), ms(tx.now)).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	return id, tx.addDeliveries(id, routes)
}

// Delivery is one message on its way to one destination.
type Delivery struct {
	ID             int64      `json:"id"`
	EventID        int64      `json:"event_id"`
	Destination    string     `json:"destination"`
	OrderKey       string     `json:"order_key,omitempty"`
	IdempotencyKey string     `json:"idempotency_key"`
	Topic          string     `json:"topic"`
	Payload        string     `json:"payload,omitempty"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	NextAt         time.Time  `json:"next_attempt_at"`
	LastError      string     `json:"last_error,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
}

const deliveryColumns = `d.id, d.event_id, d.destination, d.order_key, d.idem_key, o.topic, o.payload, d.status,
 d.attempts, d.next_at, d.last_error, d.created_at, d.sent_at`

func scanDelivery(sc interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var next, created int64
	var sent sql.NullInt64
	err := sc.Scan(&d.ID, &d.EventID, &d.Destination, &d.OrderKey, &d.IdempotencyKey, &d.Topic, &d.Payload, &d.Status,
		&d.Attempts, &next, &d.LastError, &created, &sent)
	d.NextAt, d.CreatedAt, d.SentAt = fromMS(next), fromMS(created), fromNull(sent)
	return d, err
}

// ClaimDeliveries leases up to limit deliveries to the given destinations
// that are due at now, until now+lease: no other claim returns them
// before the lease ends, unless they are marked first. A delivery whose
// order key has an earlier delivery not yet sent (pending, leased or
// dead) waits. On PostgreSQL the candidates are locked with FOR UPDATE
// SKIP LOCKED, so instances claiming together take different deliveries.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, destinations []string, limit int) ([]Delivery, error) {
	if len(destinations) == 0 || limit <= 0 {
		return nil, nil
	}
	args := []any{ms(now), ms(now.Add(lease)), limit}
	ph := make([]string, len(destinations))
	for i, d := range destinations {
		args = append(args, d)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	q := `UPDATE outbox_deliveries SET lease_until = $2 WHERE id IN (
 SELECT c.id FROM outbox_deliveries c
  WHERE c.status = 'pending' AND c.next_at <= $1 AND c.lease_until <= $1 AND c.destination IN (` + strings.Join(ph, ", ") + `)
    AND (c.order_key = '' OR NOT EXISTS (SELECT 1 FROM outbox_deliveries p
          WHERE p.destination = c.destination AND p.order_key = c.order_key AND p.id < c.id AND p.status <> 'sent'))
  ORDER BY c.next_at, c.id LIMIT $3` + db.dialect.forUpdateSkipLocked() + `)
 RETURNING id`
	var ids []int64
	err := db.InTx(ctx, now, func(tx *Tx) error {
		ids = ids[:0]
		rows, err := tx.tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args = args[:0]
	ph = ph[:0]
	for _, id := range ids {
		args = append(args, id)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outbox_deliveries d JOIN outbox o ON o.id = d.event_id
 WHERE d.id IN (`+strings.Join(ph, ", ")+`) ORDER BY d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	return scanEach(rows, scanDelivery)
}

// MarkDeliveredAll records that the destination accepted every delivery
// of ids, in one transaction.
func (db *DB) MarkDeliveredAll(ctx context.Context, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return db.InTx(ctx, now, func(tx *Tx) error {
		// Eight at a time, the last chunk padded with its last id (a
		// repeated id changes nothing), so that one prepared statement
		// marks a round's deliveries instead of one statement each.
		args := make([]any, 1+markChunk)
		args[0] = ms(tx.now)
		for len(ids) > 0 {
			n := min(len(ids), markChunk)
			for i := range markChunk {
				args[1+i] = ids[min(i, n-1)]
			}
			if _, err := tx.exec(markSent, args...); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
}

// markChunk is how many deliveries markSent marks.
const markChunk = 8

const markSent = `UPDATE outbox_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, lease_until = 0, last_error = ''
	WHERE id IN ($2, $3, $4, $5, $6, $7, $8, $9) AND status = 'pending'`

// MarkFailed records a failed attempt of delivery id: it is tried again at
// next, or set dead when dead is true. errText is kept for the admins
// (shortened; the caller keeps personal data out of it).
func (db *DB) MarkFailed(ctx context.Context, id int64, now, next time.Time, dead bool, errText string) error {
	if r := []rune(errText); len(r) > 500 {
		errText = string(r[:500]) + "…"
	}
	status := DeliveryPending
	if dead {
		status = DeliveryDead
	}
	return db.InTx(ctx, now, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE outbox_deliveries SET status = $2, attempts = attempts + 1, next_at = $3,
			lease_until = 0, last_error = $4 WHERE id = $1 AND status = 'pending'`, id, status, ms(next), errText)
		return err
	})
}

// RetryDelivery makes a dead or waiting delivery due at now, with a fresh
// count of attempts. It reports false when id is unknown or already sent.
func (db *DB) RetryDelivery(ctx context.Context, id int64, now time.Time, by string) (bool, error) {
	var n int64
	err := db.InTx(ctx, now, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE outbox_deliveries SET status = 'pending', attempts = 0, next_at = $2, lease_until = 0
			WHERE id = $1 AND status <> 'sent'`, id, ms(tx.now))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return tx.Audit(by, "retry", "outbox_delivery", strconv.FormatInt(id, 10), "")
	})
	if err != nil {
		return false, fmt.Errorf("store: retry delivery: %w", err)
	}
	return n > 0, nil
}

// DeliveryFilter selects deliveries for the admins' listing.
type DeliveryFilter struct {
	Status      string // pending, failing (pending with attempts), sent, dead; "" = all but sent
	Destination string
	Limit       int
}

// Deliveries lists deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	where := []string{"1 = 1"}
	var args []any
	switch f.Status {
	case "":
		where = append(where, "d.status <> 'sent'")
	case "failing":
		where = append(where, "d.status = 'pending' AND d.attempts > 0")
	default:
		args = append(args, f.Status)
		where = append(where, "d.status = $"+strconv.Itoa(len(args)))
	}
	if f.Destination != "" {
		args = append(args, f.Destination)
		where = append(where, "d.destination = $"+strconv.Itoa(len(args)))
	}
	args = append(args, clampLimit(f.Limit))
	rows, err := db.sql.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outbox_deliveries d JOIN outbox o ON o.id = d.event_id
 WHERE `+strings.Join(where, " AND ")+` ORDER BY d.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return scanEach(rows, scanDelivery)
}

// DeliveryCount is how many deliveries of a destination are in a state.
type DeliveryCount struct {
	Destination string `json:"destination"`
	Pending     int    `json:"pending"`
	Failing     int    `json:"failing"`
	Dead        int    `json:"dead"`
	Sent        int    `json:"sent"`
}

// DeliveryCounts counts the deliveries per destination.
func (db *DB) DeliveryCounts(ctx context.Context) ([]DeliveryCount, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT destination,
 SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END)
 FROM outbox_deliveries GROUP BY destination ORDER BY destination`)
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (DeliveryCount, error) {
		var c DeliveryCount
		if err := rows.Scan(&c.Destination, &c.Pending, &c.Failing, &c.Dead, &c.Sent); err != nil {
			return c, err
		}
		return c, nil
	})
}

// CodeStatus is a dossier's code and current status.
type CodeStatus struct {
	Code   string
	Status string
}

// DossiersReceivedBetween lists the dossiers received
// in [from, to), with their status, by code.
func (db *DB) DossiersReceivedBetween(ctx context.Context, from, to time.Time) ([]CodeStatus, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT code, status FROM dossiers
 WHERE received_at >= $1 AND received_at < $2 ORDER BY code`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: dossiers received: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (CodeStatus, error) {
		var c CodeStatus
		if err := rows.Scan(&c.Code, &c.Status); err != nil {
			return c, err
		}
		return c, nil
	})
}

// PurgeSentDeliveries deletes up to limit deliveries sent before before
// (oldest first), and the outbox events they belonged to once no delivery
// of the event remains, in one transaction; pending, failing and dead
// deliveries are never deleted. It returns how many deliveries went.
func (db *DB) PurgeSentDeliveries(ctx context.Context, now, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int
	err := db.InTx(ctx, now, func(tx *Tx) error {
		n = 0
		rows, err := tx.tx.QueryContext(ctx, `SELECT id, event_id FROM outbox_deliveries
 WHERE status = 'sent' AND sent_at < $1 ORDER BY sent_at, id LIMIT $2`+db.dialect.forUpdateSkipLocked(), ms(before), limit)
		if err != nil {
			return err
		}
		var ids, events []any
		seen := map[int64]bool{}
		for rows.Next() {
			var id, ev int64
			if err := rows.Scan(&id, &ev); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			if !seen[ev] {
				seen[ev] = true
				events = append(events, ev)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		res, err := tx.exec(`DELETE FROM outbox_deliveries WHERE status = 'sent' AND id IN (`+placeholders(1, len(ids))+`)`, ids...)
		if err != nil {
			return err
		}
		d, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(d)
		_, err = tx.exec(`DELETE FROM outbox WHERE id IN (`+placeholders(1, len(events))+`)
 AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = outbox.id)`, events...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge deliveries: %w", err)
	}
	return n, nil
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ph, ", ")
}
