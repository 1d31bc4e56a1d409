package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// CatalogEntry is a procedure as the reports see it.
type CatalogEntry struct {
	Code          string
	Name          string
	Agency        string
	Center        string // the center that receives it ("" when none)
	Level         string
	FiveOnSpot    bool
	FOSEffective  string // YYYY-MM-DD or ""
	OnlineLevel   string
	Fee           int64
	ResultType    string
	ProcessingDay int64 // processing_days, or 0
}

// FiveOnSpotAt reports whether the procedure was under "5 tại chỗ" on day.
func (c CatalogEntry) FiveOnSpotAt(day string) bool {
	return c.FiveOnSpot && (c.FOSEffective == "" || c.FOSEffective <= day)
}

// ReportCatalog returns every procedure with the center that receives it
// (the rule of CenterForAgency), plus agency and center names.
func (db *DB) ReportCatalog(ctx context.Context) ([]CatalogEntry, map[string]string, error) {
	centerOf := map[string]string{}
	rows, err := db.sql.QueryContext(ctx, `SELECT pa.code, MIN(c.code) FROM agencies pa
		JOIN centers c ON 1=1 JOIN agencies ca ON ca.code = c.agency_code
		WHERE ca.parent_code = pa.parent_code OR c.agency_code = pa.parent_code GROUP BY pa.code`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: report centers: %w", err)
	}
	if err := scanPairs(rows, centerOf); err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, q := range []string{`SELECT code, name FROM agencies`, `SELECT code, name FROM centers`} {
		rows, err := db.sql.QueryContext(ctx, q)
		if err != nil {
			return nil, nil, fmt.Errorf("store: report names: %w", err)
		}
		if err := scanPairs(rows, names); err != nil {
			return nil, nil, err
		}
	}
	rows, err = db.sql.QueryContext(ctx, `SELECT code, name, agency_code, level, five_on_spot, fos_effective, online_level, fee,
		result_type_code, COALESCE(processing_days, 0) FROM procedures ORDER BY code`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: report catalog: %w", err)
	}
	defer rows.Close()
	var out []CatalogEntry
	for rows.Next() {
		var c CatalogEntry
		if err := rows.Scan(&c.Code, &c.Name, &c.Agency, &c.Level, &c.FiveOnSpot, &c.FOSEffective, &c.OnlineLevel, &c.Fee,
			&c.ResultType, &c.ProcessingDay); err != nil {
			return nil, nil, err
		}
		c.Center = centerOf[c.Agency]
		out = append(out, c)
	}
	return out, names, rows.Err()
}

// where is the filter's scope on the table aliased alias: the centers the
// caller may see (none: nothing) and the center, agency and procedure asked
// for. The procedure level is left to the caller, whose tables differ.
func (f AggFilter) where(arg func(any) string, alias string) []string {
	var where []string
	if !f.All {
		if len(f.Centers) == 0 {
			where = append(where, "1=0")
		} else {
			where = append(where, alias+".center_code IN ("+list(arg, f.Centers)+")")
		}
	}
	return whereCodes(where, arg, alias, f.Center, f.Agency, f.Procedure)
}

func (f AggFilter) dossierWhere(arg func(any) string) []string { return f.dossierWhereAs(arg, "d") }

// dossierWhereAs is dossierWhere with the dossiers table's columns written
// alias.column ("+d" on SQLite keeps its scope terms off the indexes).
func (f AggFilter) dossierWhereAs(arg func(any) string, alias string) []string {
	where := f.where(arg, alias)
	if f.Level != "" {
		where = append(where, "p.level = "+arg(f.Level))
	}
	return where
}

// ScanSummary computes the counters of the summary straight from the
// dossiers table, without the aggregates: received and resolved in
// [from, to), open and past due at to. It is the reference the aggregates
// are checked against, and the slow path the benchmarks compare with.
//
// An open dossier is past due when its measure date (measure_due_at: the
// original appointment plus the waiting time, never an apology's new date)
// is before to, unless it waits for the applicant since before that date
// (dossier.ReportDue says the same in Go).
func (db *DB) ScanSummary(ctx context.Context, from, to time.Time, f AggFilter) (c Counts, open, overdue int64, err error) {
	var args sqlArgs
	arg := args.add
	s, e := arg(ms(from)), arg(ms(to))
	where := append([]string{"d.received_at IS NOT NULL", "d.received_at < " + e}, f.dossierWhere(arg)...)
	q := `SELECT
		COALESCE(SUM(CASE WHEN d.received_at >= ` + s + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.received_at >= ` + s + ` AND d.channel = 'online' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status IN ('returned', 'refused') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status IN ('returned', 'refused') AND d.outcome = 'early' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status IN ('returned', 'refused') AND d.outcome = 'on_time' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status IN ('returned', 'refused') AND d.outcome = 'late' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at IS NULL OR d.finished_at >= ` + e + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN (d.finished_at IS NULL OR d.finished_at >= ` + e + `) AND d.measure_due_at < ` + e + `
			AND NOT (d.paused_at IS NOT NULL AND d.paused_at < d.measure_due_at) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status = 'returned' AND d.mode = 'five_on_spot' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status = 'returned' AND d.mode = 'five_on_spot' AND d.five_on_spot_achieved THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.finished_at >= ` + s + ` AND d.finished_at < ` + e + ` AND d.status = 'returned' AND d.mode = 'five_on_spot' AND d.returned_same_day THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE ` + strings.Join(where, " AND ")
	err = db.reader().QueryRowContext(ctx, q, args...).Scan(&c.Received, &c.ReceivedOnline, &c.Resolved, &c.Early, &c.OnTime, &c.Late, &open, &overdue,
		&c.FOSReturned, &c.FOSAchieved, &c.FOSSameDay)
	if err != nil {
		err = fmt.Errorf("store: scan summary: %w", err)
	}
	return
}

// FinishedDossier is a dossier resolved in a period, as the officer
// breakdown and the Circular 01/2018 evaluation need it.
type FinishedDossier struct {
	ID          int64
	Center      string
	Agency      string
	Procedure   string
	Channel     string
	Mode        string
	Outcome     string
	Supplements int64
	AssigneeID  int64
	Assignee    string
	ReceivedAt  time.Time
	FinishedAt  time.Time
	Paused      int64
	Steps       []Step // history entries with a step deadline, in order
}

// Step is one history entry: when it happened and the deadline of the step
// it started.
type Step struct {
	At      time.Time
	StepDue *time.Time
}

// ResolvedDossiers returns the dossiers returned or refused in [from, to)
// within f, with their steps when withSteps.
func (db *DB) ResolvedDossiers(ctx context.Context, from, to time.Time, f AggFilter, withSteps bool) ([]FinishedDossier, error) {
	var args sqlArgs
	arg := args.add
	where := append([]string{"d.finished_at >= " + arg(ms(from)), "d.finished_at < " + arg(ms(to)),
		"d.status IN ('returned', 'refused')", "d.received_at IS NOT NULL"}, f.dossierWhere(arg)...)
	rows, err := db.reader().QueryContext(ctx, `SELECT d.id, d.center_code, d.agency_code, d.procedure_code, d.channel, d.mode, d.outcome,
		d.supplements, d.assignee_id, COALESCE(u.name, ''), d.received_at, d.finished_at, d.paused_seconds
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code LEFT JOIN users u ON u.id = d.assignee_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: resolved dossiers: %w", err)
	}
	var out []FinishedDossier
	idx := map[int64]int{}
	for rows.Next() {
		var d FinishedDossier
		var rec, fin int64
		if err := rows.Scan(&d.ID, &d.Center, &d.Agency, &d.Procedure, &d.Channel, &d.Mode, &d.Outcome, &d.Supplements,
			&d.AssigneeID, &d.Assignee, &rec, &fin, &d.Paused); err != nil {
			rows.Close()
			return nil, err
		}
		d.ReceivedAt, d.FinishedAt = fromMS(rec), fromMS(fin)
		idx[d.ID] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !withSteps || len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, d := range out {
		ids[i] = d.ID
	}
	err = eachRowIn(ids, func(ph string, a []any) (*sql.Rows, error) {
		rows, err := db.reader().QueryContext(ctx, `SELECT dossier_id, at, step_due_at FROM dossier_history
			WHERE dossier_id IN (`+ph+`) ORDER BY dossier_id, id`, a...)
		if err != nil {
			return nil, fmt.Errorf("store: steps: %w", err)
		}
		return rows, nil
	}, func(rows rowScanner) error {
		var id, at int64
		var due sql.NullInt64
		if err := rows.Scan(&id, &at, &due); err != nil {
			return err
		}
		d := &out[idx[id]]
		d.Steps = append(d.Steps, Step{At: fromMS(at), StepDue: fromNull(due)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DigitalCounts are the dossier counts behind the QĐ 766 digitisation
// indicators, for dossiers received in a period.
type DigitalCounts struct {
	Received   int64 // dossiers received
	Digitised  int64 // with at least one component file
	Reused     int64 // with at least one component reused from the warehouse
	Returned   int64 // returned in the period with a result issued
	EResult    int64 // of those, with a signed result file
	FeeBearing int64 // received for procedures with a fee
	PaidOnline int64 // of those, with a fee paid online through the gateway (a verified order; indicator 3.6)
}

// DigitalCountsOf counts the dossiers behind indicators 3.6 and 4.1–4.3.
func (db *DB) DigitalCountsOf(ctx context.Context, from, to time.Time, f AggFilter) (DigitalCounts, error) {
	var c DigitalCounts
	var args sqlArgs
	arg := args.add
	where := append([]string{"d.received_at >= " + arg(ms(from)), "d.received_at < " + arg(ms(to))}, f.dossierWhere(arg)...)
	err := db.reader().QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM dossier_components c WHERE c.dossier_id = d.id AND c.blob_id <> '') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM dossier_components c WHERE c.dossier_id = d.id AND c.reused_from <> '') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.fee > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.fee > 0 AND EXISTS (SELECT 1 FROM payment_orders y WHERE y.dossier_id = d.id AND y.status = 'paid') THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE `+strings.Join(where, " AND "), args...).Scan(
		&c.Received, &c.Digitised, &c.Reused, &c.FeeBearing, &c.PaidOnline)
	if err != nil {
		return c, fmt.Errorf("store: digital counts: %w", err)
	}
	args = nil
	where = append([]string{"d.finished_at >= " + arg(ms(from)), "d.finished_at < " + arg(ms(to)), "d.status = 'returned'"}, f.dossierWhere(arg)...)
	err = db.reader().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.pdf_blob_id <> '' THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code JOIN results r ON r.dossier_id = d.id
		WHERE `+strings.Join(where, " AND "), args...).Scan(&c.Returned, &c.EResult)
	if err != nil {
		return c, fmt.Errorf("store: e-results: %w", err)
	}
	return c, nil
}

// LedgerRow is one dossier of the ledger (sổ theo dõi hồ sơ).
type LedgerRow struct {
	Code       string
	Procedure  string
	Applicant  string
	Address    string
	Phone      string
	Agency     string
	Channel    string
	Status     string
	Reason     string
	ReceivedAt time.Time
	DueAt      *time.Time // the applicant's appointment (an apology's new date once there is one)
	FinishedAt *time.Time
	// MeasureDueAt is the appointment lateness is measured against (the
	// original one plus the waiting time: dossier.MeasureDue).
	MeasureDueAt *time.Time
}

// LedgerRows calls fn for each dossier received at center in [from, to),
// in order of receipt, streaming.
func (db *DB) LedgerRows(ctx context.Context, center string, from, to time.Time, fn func(LedgerRow) error) error {
	rows, err := db.reader().QueryContext(ctx, `SELECT d.code, p.name, d.applicant_name, d.applicant_address, d.applicant_phone,
		COALESCE(a.name, d.agency_code), d.channel, d.status, d.reason, d.received_at, d.due_at, d.finished_at, d.measure_due_at
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code LEFT JOIN agencies a ON a.code = d.agency_code
		WHERE d.center_code = $1 AND d.received_at >= $2 AND d.received_at < $3 ORDER BY d.received_at, d.id`, center, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("store: ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r LedgerRow
		var rec int64
		var due, fin, measure sql.NullInt64
		if err := rows.Scan(&r.Code, &r.Procedure, &r.Applicant, &r.Address, &r.Phone, &r.Agency, &r.Channel, &r.Status, &r.Reason,
			&rec, &due, &fin, &measure); err != nil {
			return err
		}
		r.ReceivedAt, r.DueAt, r.FinishedAt, r.MeasureDueAt = fromMS(rec), fromNull(due), fromNull(fin), fromNull(measure)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// OverdueRow is an open dossier past its due date, to chase.
type OverdueRow struct {
	Code      string
	Procedure string
	Agency    string
	Center    string
	Status    string
	DueAt     time.Time // the applicant's appointment (an apology's new date once there is one)
	// MeasureDueAt is the date its lateness is measured against: the
	// original appointment plus the waiting time (dossier.MeasureDue).
	MeasureDueAt time.Time
}

// OverdueDossiers returns up to limit open dossiers past due at now, most
// overdue first: past their measure date and not waiting for the applicant
// since before it — exactly the dossiers the summary counts in
// open_overdue (ScanSummary; dossier.ReportDue), so that an apology's new
// date does not take a late dossier off the list of those to chase.
func (db *DB) OverdueDossiers(ctx context.Context, now time.Time, f AggFilter, limit int) ([]OverdueRow, error) {
	var args sqlArgs
	arg := args.add
	// The open dossiers in measure date order (index dossiers_open_measure,
	// migration 00025): the walk stops at the limit, instead of reading
	// every open dossier of the scope and sorting them. On SQLite the scope
	// terms are kept off the centre and agency indexes, which the planner
	// would otherwise prefer.
	where := append([]string{openOnly, "d.measure_due_at < " + arg(ms(now)),
		"NOT (d.paused_at IS NOT NULL AND d.paused_at < d.measure_due_at)"}, f.dossierWhereAs(arg, db.dialect.unindexed("d"))...)
	rows, err := db.reader().QueryContext(ctx, `SELECT d.code, p.name, d.agency_code, d.center_code, d.status, d.due_at, d.measure_due_at
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.measure_due_at, d.id LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: overdue: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (OverdueRow, error) {
		var r OverdueRow
		var due sql.NullInt64
		var measure int64
		if err := rows.Scan(&r.Code, &r.Procedure, &r.Agency, &r.Center, &r.Status, &due, &measure); err != nil {
			return r, err
		}
		r.MeasureDueAt = fromMS(measure)
		r.DueAt = r.MeasureDueAt
		if due.Valid {
			r.DueAt = fromMS(due.Int64)
		}
		return r, nil
	})
}
