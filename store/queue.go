package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"motcua/dossier"
	"motcua/vntext"
)

// QueueService is one service a center's kiosk offers (contract §8).
type QueueService struct {
	CenterCode  string `json:"center_code"`
	ServiceCode string `json:"service_code"`
	Name        string `json:"name"`
}

// Ticket statuses.
const (
	TicketWaiting = "waiting"
	TicketCalled  = "called"
	TicketDone    = "done"
	TicketSkipped = "skipped"
)

// QueueTicket is a queue ticket (phiếu số thứ tự). Number runs from 1 per
// center and day (Asia/Ho_Chi_Minh).
type QueueTicket struct {
	ID            int64      `json:"id"`
	CenterCode    string     `json:"center_code"`
	Day           string     `json:"day"`
	Number        int64      `json:"number"`
	ServiceCode   string     `json:"service_code"`
	ServiceName   string     `json:"service_name,omitempty"`
	Status        string     `json:"status"`
	CounterCode   string     `json:"counter_code,omitempty"`
	Recalls       int        `json:"recalls"`
	IssuedAt      time.Time  `json:"issued_at"`
	CalledAt      *time.Time `json:"called_at,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	WaitingBefore int        `json:"waiting_before"`
}

// ErrNoTicket is returned when no ticket matches: nobody waits (call-next)
// or the counter has no current ticket (recall, skip, finish).
var ErrNoTicket = dossier.Errorf(dossier.ENOTFOUND, "Không có phiếu phù hợp")

const ticketCols = `t.id, t.center_code, t.day, t.number, t.service_code, COALESCE(s.name, ''), t.status, t.counter_code,
	t.recalls, t.issued_at, t.called_at, t.finished_at`

const ticketFrom = ` FROM queue_tickets t LEFT JOIN queue_services s ON s.center_code = t.center_code AND s.service_code = t.service_code`

func scanTicket(s interface{ Scan(...any) error }) (*QueueTicket, error) {
	var t QueueTicket
	var issued int64
	var called, finished sql.NullInt64
	var recalls int64
	if err := s.Scan(&t.ID, &t.CenterCode, &t.Day, &t.Number, &t.ServiceCode, &t.ServiceName, &t.Status, &t.CounterCode,
		&recalls, &issued, &called, &finished); err != nil {
		return nil, err
	}
	t.Recalls = int(recalls)
	t.IssuedAt, t.CalledAt, t.FinishedAt = fromMS(issued), fromNull(called), fromNull(finished)
	return &t, nil
}

// QueueServices lists the active services of a center ("" = every center),
// in kiosk order.
func (db *DB) QueueServices(ctx context.Context, center string) ([]QueueService, error) {
	return queueServices(ctx, db.sql, center)
}

// QueueServices is DB.QueueServices inside tx.
func (tx *Tx) QueueServices(center string) ([]QueueService, error) {
	return queueServices(context.Background(), txq{tx.tx}, center)
}

func queueServices(ctx context.Context, q queryer, center string) ([]QueueService, error) {
	query := `SELECT center_code, service_code, name FROM queue_services WHERE active`
	var args []any
	if center != "" {
		query += ` AND center_code = $1`
		args = append(args, center)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY center_code, position, service_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: queue services: %w", err)
	}
	return orEmpty(scanEach(rows, func(rows rowScanner) (QueueService, error) {
		var s QueueService
		if err := rows.Scan(&s.CenterCode, &s.ServiceCode, &s.Name); err != nil {
			return s, err
		}
		return s, nil
	}))
}

// HasQueueServices reports whether center has any service configured.
func (tx *Tx) HasQueueServices(center string) (bool, error) {
	var n int64
	err := tx.tx.QueryRow(`SELECT COUNT(*) FROM queue_services WHERE center_code = $1`, center).Scan(&n)
	return n > 0, err
}

// ServedFields returns the distinct fields (lĩnh vực) of the procedures a
// center serves: those of agencies under the same parent as the center's
// own agency, or directly under it (the rule of CenterForAgency).
func (tx *Tx) ServedFields(center string) ([]string, error) {
	rows, err := tx.tx.Query(`SELECT DISTINCT p.field FROM procedures p
		JOIN agencies pa ON pa.code = p.agency_code
		JOIN centers c ON c.code = $1
		JOIN agencies ca ON ca.code = c.agency_code
		WHERE (ca.parent_code = pa.parent_code OR c.agency_code = pa.parent_code) AND p.field <> ''
		ORDER BY p.field`, center)
	if err != nil {
		return nil, fmt.Errorf("store: served fields: %w", err)
	}
	return scanColumn[string](rows)
}

// ReplaceQueueServices sets the services of a center: the listed ones are
// active in the given order, every other one becomes inactive (old tickets
// keep their service's name).
func (tx *Tx) ReplaceQueueServices(center string, ss []QueueService) error {
	if _, err := tx.tx.Exec(`UPDATE queue_services SET active = FALSE WHERE center_code = $1`, center); err != nil {
		return fmt.Errorf("store: queue services: %w", err)
	}
	for i, s := range ss {
		if _, err := tx.tx.Exec(`INSERT INTO queue_services (center_code, service_code, name, position, active) VALUES ($1, $2, $3, $4, TRUE)
			ON CONFLICT (center_code, service_code) DO UPDATE SET name = excluded.name, position = excluded.position, active = TRUE`,
			center, s.ServiceCode, vntext.NFC(s.Name), i); err != nil {
			return fmt.Errorf("store: queue service: %w", err)
		}
	}
	return nil
}

// IssueTicket takes the next number of center for day and records a
// waiting ticket. The upsert on queue_seq locks the (center, day) row until
// the transaction ends, so numbers are unique and gapless on both engines.
// WaitingBefore counts the earlier tickets of the same service still
// waiting.
func (tx *Tx) IssueTicket(center, service, day string) (*QueueTicket, error) {
	var n int64
	err := tx.tx.QueryRow(`INSERT INTO queue_seq (center_code, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (center_code, day) DO UPDATE SET last = queue_seq.last + 1 RETURNING last`, center, day).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("store: queue seq: %w", err)
	}
	t := &QueueTicket{CenterCode: center, Day: day, Number: n, ServiceCode: service, Status: TicketWaiting, IssuedAt: tx.now}
	err = tx.tx.QueryRow(`INSERT INTO queue_tickets (center_code, day, number, service_code, status, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, center, day, n, service, TicketWaiting, ms(tx.now)).Scan(&t.ID)
	if err != nil {
		return nil, fmt.Errorf("store: issue ticket: %w", err)
	}
	var before int64
	err = tx.tx.QueryRow(`SELECT COUNT(*) FROM queue_tickets WHERE center_code = $1 AND status = 'waiting' AND day = $2
		AND service_code = $3 AND id < $4`, center, day, service, t.ID).Scan(&before)
	if err != nil {
		return nil, fmt.Errorf("store: waiting before: %w", err)
	}
	t.WaitingBefore = int(before)
	return t, nil
}

// CallNext closes the counter's current ticket (done) and calls the oldest
// waiting ticket of center for day, optionally only of the given services.
// The UPDATE … WHERE status = 'waiting' takes the row race-free: SQLite
// transactions hold the write lock from BEGIN, and PostgreSQL skips rows
// another caller has locked. It returns ErrNoTicket when nobody waits.
func (tx *Tx) CallNext(center, counter, day string, services []string, officer int64) (*QueueTicket, error) {
	if err := tx.lockCounter(center, counter); err != nil {
		return nil, err
	}
	if _, err := tx.tx.Exec(`UPDATE queue_tickets SET status = 'done', finished_at = $1
		WHERE center_code = $2 AND counter_code = $3 AND status = 'called'`, ms(tx.now), center, counter); err != nil {
		return nil, fmt.Errorf("store: finish current ticket: %w", err)
	}
	args := sqlArgs{center, day}
	filter := ""
	if len(services) > 0 {
		filter = " AND service_code IN (" + list(args.add, services) + ")"
	}
	lock := tx.db.dialect.forUpdateSkipLocked()
	args = append(args, counter, officer, ms(tx.now))
	nc := len(args)
	q := `UPDATE queue_tickets SET status = 'called', counter_code = $` + fmt.Sprint(nc-2) + `, officer_id = $` + fmt.Sprint(nc-1) +
		`, called_at = $` + fmt.Sprint(nc) + `
		WHERE id = (SELECT id FROM queue_tickets WHERE center_code = $1 AND day = $2 AND status = 'waiting'` + filter +
		` ORDER BY id LIMIT 1` + lock + `) AND status = 'waiting' RETURNING id`
	for attempt := 0; attempt < 5; attempt++ {
		var id int64
		err := tx.tx.QueryRow(q, args...).Scan(&id)
		if isNoRows(err) {
			// With concurrent writers (PostgreSQL, READ COMMITTED) a row
			// taken by another caller between the subquery and the update
			// is skipped; look again.
			if !tx.db.dialect.singleWriter() {
				continue
			}
			return nil, ErrNoTicket
		}
		if err != nil {
			return nil, fmt.Errorf("store: call next: %w", err)
		}
		return tx.ticket(id)
	}
	return nil, ErrNoTicket
}

// lockCounter serialises the operations of one counter until commit: a
// counter serves one ticket at a time, and two calls at once (a double
// click, two browser tabs) on PostgreSQL each closed the same current
// ticket and called one more, leaving the counter with two.
func (tx *Tx) lockCounter(center, counter string) error {
	q := tx.db.dialect.keyLock()
	if q == "" {
		return nil
	}
	if _, err := tx.tx.Exec(q, "counter:"+center+"/"+counter); err != nil {
		return fmt.Errorf("store: lock counter: %w", err)
	}
	return nil
}

func (tx *Tx) ticket(id int64) (*QueueTicket, error) {
	t, err := scanTicket(tx.tx.QueryRow(`SELECT `+ticketCols+ticketFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: ticket: %w", err)
	}
	return t, nil
}

// UpdateCurrentTicket changes the ticket a counter is serving: "recall"
// counts one more call, "skip" marks a no-show, "finish" marks it done. It
// returns ErrNoTicket when the counter serves nobody.
func (tx *Tx) UpdateCurrentTicket(center, counter, op string) (*QueueTicket, error) {
	var set string
	switch op {
	case "recall":
		set = `recalls = recalls + 1, called_at = called_at`
	case "skip":
		set = `status = 'skipped', finished_at = $3`
	case "finish":
		set = `status = 'done', finished_at = $3`
	default:
		return nil, fmt.Errorf("store: unknown ticket operation %q", op)
	}
	if err := tx.lockCounter(center, counter); err != nil {
		return nil, err
	}
	args := []any{center, counter}
	if op != "recall" {
		args = append(args, ms(tx.now))
	}
	var id int64
	err := tx.tx.QueryRow(`UPDATE queue_tickets SET `+set+` WHERE id = (SELECT id FROM queue_tickets
		WHERE center_code = $1 AND counter_code = $2 AND status = 'called' ORDER BY called_at DESC, id DESC LIMIT 1) RETURNING id`, args...).Scan(&id)
	if isNoRows(err) {
		return nil, ErrNoTicket
	}
	if err != nil {
		return nil, fmt.Errorf("store: ticket %s: %w", op, err)
	}
	return tx.ticket(id)
}

// Tickets lists the tickets of a center for a day, in number order.
func (db *DB) Tickets(ctx context.Context, center, day string) ([]QueueTicket, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE t.center_code = $1 AND t.day = $2 ORDER BY t.number`, center, day)
	if err != nil {
		return nil, fmt.Errorf("store: tickets: %w", err)
	}
	return orEmpty(scanEach(rows, values(scanTicket)))
}

// QueueStat is the average waiting and serving time of one service at one
// counter over a period.
type QueueStat struct {
	ServiceCode    string  `json:"service_code"`
	CounterCode    string  `json:"counter_code"`
	Called         int64   `json:"called"`
	Served         int64   `json:"served"`
	Skipped        int64   `json:"skipped"`
	AvgWaitSeconds float64 `json:"avg_wait_seconds"`
	AvgServeSec    float64 `json:"avg_serve_seconds"`
}

// QueueStats returns, per service and counter, the tickets issued at
// center ("" = all) in [from, to) that were called: how many, the average
// wait (issue → call) and the average service time (call → done).
func (db *DB) QueueStats(ctx context.Context, center string, from, to time.Time) ([]QueueStat, error) {
	args := []any{ms(from), ms(to)}
	where := `issued_at >= $1 AND issued_at < $2 AND called_at IS NOT NULL`
	if center != "" {
		args = append(args, center)
		where += ` AND center_code = $3`
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT service_code, counter_code, COUNT(*),
		SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END),
		COALESCE(AVG(called_at - issued_at), 0),
		COALESCE(AVG(CASE WHEN status = 'done' THEN finished_at - called_at END), 0)
		FROM queue_tickets WHERE `+where+` GROUP BY service_code, counter_code ORDER BY service_code, counter_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: queue stats: %w", err)
	}
	return orEmpty(scanEach(rows, func(rows rowScanner) (QueueStat, error) {
		var s QueueStat
		var wait, serve float64
		if err := rows.Scan(&s.ServiceCode, &s.CounterCode, &s.Called, &s.Served, &s.Skipped, &wait, &serve); err != nil {
			return s, err
		}
		s.AvgWaitSeconds, s.AvgServeSec = round1(wait/1000), round1(serve/1000)
		return s, nil
	}))
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
