package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Facts is what one dossier contributes to the report aggregates
// (report_facts). Only dossiers that have been received contribute; days
// are civil dates in Asia/Ho_Chi_Minh ("YYYY-MM-DD"), "" when not reached.
type Facts struct {
	DossierID   int64
	Center      string
	Agency      string
	Procedure   string
	Online      bool
	ReceivedDay string
	FinishedDay string // any terminal status (returned, refused, withdrawn)
	Resolved    bool   // finished as returned or refused
	Outcome     string // early, on_time, late (resolved only)
	// DueDay is the day from which the dossier counts past due in the
	// reports: its measure date (original appointment + waiting time;
	// dossier.ReportDue), "" while it waits for the applicant since before
	// it. An apology's new appointment never moves it.
	DueDay      string
	ProcSeconds int64 // working seconds received → finished, pauses excluded (resolved only)
	Multi       bool  // more than one supplement request (QĐ 766 2.1: late)
	// FOS: a "5 tại chỗ" dossier returned; FOSAchieved, FOSSameDay: it
	// achieved "5 tại chỗ", it was returned the day it was received.
	FOS, FOSAchieved, FOSSameDay bool
}

// Counts are the additive counters of one aggregate row. Stock figures at
// the end of a day D are running sums up to D:
//
//	open(D)         = Σ received − Σ closed
//	open_overdue(D) = Σ due − Σ due_closed
//
// where due counts a received dossier on its due day and due_closed on
// max(due day, finished day): the dossier is past due at the end of D
// exactly when due day ≤ D < finished day.
type Counts struct {
	Received       int64 `json:"received"`
	ReceivedOnline int64 `json:"received_online"`
	Resolved       int64 `json:"resolved"`
	Early          int64 `json:"resolved_early"`
	OnTime         int64 `json:"resolved_on_time"`
	Late           int64 `json:"resolved_late"`
	Closed         int64 `json:"closed"`
	Due            int64 `json:"due"`
	DueClosed      int64 `json:"due_closed"`
	ProcSeconds    int64 `json:"proc_seconds"`
	OnTime766      int64 `json:"ontime_766"`
	Multi          int64 `json:"multi"`
	MultiClosed    int64 `json:"multi_closed"`
	MultiDue       int64 `json:"multi_due"`
	MultiDueClosed int64 `json:"multi_due_closed"`
	FOSReturned    int64 `json:"fos_returned"` // "5 tại chỗ" dossiers returned
	FOSAchieved    int64 `json:"fos_achieved"` // of those, achieved it
	FOSSameDay     int64 `json:"fos_same_day"` // of those, returned the day received
}

// aggCols are the counter columns in the order of Counts.fields.
var aggCols = []string{"received", "received_online", "resolved", "resolved_early", "resolved_on_time", "resolved_late",
	"closed", "due", "due_closed", "proc_seconds", "ontime_766", "multi", "multi_closed", "multi_due", "multi_due_closed",
	"fos_returned", "fos_achieved", "fos_same_day"}

func (c *Counts) fields() []*int64 {
	return []*int64{&c.Received, &c.ReceivedOnline, &c.Resolved, &c.Early, &c.OnTime, &c.Late, &c.Closed, &c.Due,
		&c.DueClosed, &c.ProcSeconds, &c.OnTime766, &c.Multi, &c.MultiClosed, &c.MultiDue, &c.MultiDueClosed,
		&c.FOSReturned, &c.FOSAchieved, &c.FOSSameDay}
}

// Add adds o to c.
func (c *Counts) Add(o Counts) { c.addTimes(o, 1) }

// Sub subtracts o from c.
func (c *Counts) Sub(o Counts) { c.addTimes(o, -1) }

// addTimes adds k × o to c.
func (c *Counts) addTimes(o Counts, k int64) {
	a, b := c.fields(), o.fields()
	for i := range a {
		*a[i] += k * *b[i]
	}
}

// IsZero reports whether every counter is zero.
func (c Counts) IsZero() bool { return c == Counts{} }

// AggKey identifies one aggregate row: a day (or a month, "YYYY-MM") and the
// scope key of the dossiers counted.
type AggKey struct {
	Day       string
	Center    string
	Agency    string
	Procedure string
}

// Deltas accumulates changes of the aggregates, per day and scope key.
type Deltas map[AggKey]*Counts

func (d Deltas) bump(day string, f *Facts, sign int64, set func(c *Counts)) {
	if day == "" {
		return
	}
	k := AggKey{Day: day, Center: f.Center, Agency: f.Agency, Procedure: f.Procedure}
	c := d[k]
	if c == nil {
		c = &Counts{}
		d[k] = c
	}
	var one Counts
	set(&one)
	for i, p := range one.fields() {
		*c.fields()[i] += sign * *p
	}
}

// Add adds what f contributes (sign +1) or removes it (sign −1). A nil f
// contributes nothing.
func (d Deltas) Add(f *Facts, sign int64) {
	if f == nil || f.ReceivedDay == "" {
		return
	}
	d.bump(f.ReceivedDay, f, sign, func(c *Counts) {
		c.Received = 1
		c.ReceivedOnline = once(f.Online)
		c.Multi = once(f.Multi)
	})
	if f.FinishedDay != "" {
		d.bump(f.FinishedDay, f, sign, func(c *Counts) {
			c.Closed = 1
			c.MultiClosed = once(f.Multi)
			if f.Resolved {
				c.Resolved = 1
				c.ProcSeconds = f.ProcSeconds
				c.Early = once(f.Outcome == "early")
				c.OnTime = once(f.Outcome == "on_time")
				c.Late = once(f.Outcome == "late")
				c.OnTime766 = once((f.Outcome == "early" || f.Outcome == "on_time") && !f.Multi)
			}
			if f.FOS {
				c.FOSReturned = 1
				c.FOSAchieved = once(f.FOSAchieved)
				c.FOSSameDay = once(f.FOSSameDay)
			}
		})
	}
	if f.DueDay != "" {
		d.bump(f.DueDay, f, sign, func(c *Counts) {
			c.Due = 1
			c.MultiDue = once(f.Multi)
		})
		if f.FinishedDay != "" {
			d.bump(max(f.DueDay, f.FinishedDay), f, sign, func(c *Counts) {
				c.DueClosed = 1
				c.MultiDueClosed = once(f.Multi)
			})
		}
	}
}

// once is what a dossier adds to a counter: 1 when it counts, 0 otherwise.
func once(counts bool) int64 {
	if counts {
		return 1
	}
	return 0
}

// Merge adds every delta of o to d.
func (d Deltas) Merge(o Deltas) {
	for k, c := range o {
		if x := d[k]; x != nil {
			x.Add(*c)
		} else {
			cc := *c
			d[k] = &cc
		}
	}
}

// sortedKeys returns the keys with a non-zero delta in a fixed order, so
// that concurrent transactions lock aggregate rows in the same order.
func (d Deltas) sortedKeys() []AggKey {
	ks := make([]AggKey, 0, len(d))
	for k, c := range d {
		if !c.IsZero() {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, b AggKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Center, b.Center), cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Procedure, b.Procedure))
	})
	return ks
}

// FactsOf returns what dossier id currently contributes, or nil.
func (tx *Tx) FactsOf(id int64) (*Facts, error) {
	var f Facts
	err := tx.queryRow(`SELECT dossier_id, center_code, agency_code, procedure_code, online, received_day, finished_day,
		resolved, outcome, due_day, proc_seconds, multi, fos, fos_achieved, fos_same_day FROM report_facts WHERE dossier_id = $1`, id).Scan(
		&f.DossierID, &f.Center, &f.Agency, &f.Procedure, &f.Online, &f.ReceivedDay, &f.FinishedDay,
		&f.Resolved, &f.Outcome, &f.DueDay, &f.ProcSeconds, &f.Multi, &f.FOS, &f.FOSAchieved, &f.FOSSameDay)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: report facts: %w", err)
	}
	return &f, nil
}

const factCols = `dossier_id, center_code, agency_code, procedure_code, online, received_day, finished_day, resolved, outcome, due_day, proc_seconds, multi,
	fos, fos_achieved, fos_same_day`

func factArgs(f *Facts) []any {
	return []any{f.DossierID, f.Center, f.Agency, f.Procedure, f.Online, f.ReceivedDay, f.FinishedDay, f.Resolved,
		f.Outcome, f.DueDay, f.ProcSeconds, f.Multi, f.FOS, f.FOSAchieved, f.FOSSameDay}
}

// PutFacts stores what a dossier now contributes.
func (tx *Tx) PutFacts(fs ...*Facts) error {
	err := tx.bulk(`INSERT INTO report_facts (`+factCols+`) VALUES `,
		` ON CONFLICT (dossier_id) DO UPDATE SET center_code = excluded.center_code, agency_code = excluded.agency_code,
			procedure_code = excluded.procedure_code, online = excluded.online, received_day = excluded.received_day,
			finished_day = excluded.finished_day, resolved = excluded.resolved, outcome = excluded.outcome,
			due_day = excluded.due_day, proc_seconds = excluded.proc_seconds, multi = excluded.multi, fos = excluded.fos,
			fos_achieved = excluded.fos_achieved, fos_same_day = excluded.fos_same_day`,
		15, 400, len(fs), func(i int, args []any) []any { return append(args, factArgs(fs[i])...) })
	if err != nil {
		return fmt.Errorf("store: put report facts: %w", err)
	}
	return nil
}

// placeholders writes a row of n parameters numbered from start+1, in the
// engine's bulk form (dialect.bulkBindVar).
func (tx *Tx) placeholders(b *strings.Builder, start, n int) {
	b.WriteByte('(')
	for j := 0; j < n; j++ {
		if j > 0 {
			b.WriteByte(',')
		}
		tx.db.dialect.bulkBindVar(b, start+j+1)
	}
	b.WriteByte(')')
}

// UpdateAggregates replaces what a dossier contributes (old, possibly nil)
// by now, in report_facts at once and in the daily and monthly aggregates
// when the use case ends.
func (tx *Tx) UpdateAggregates(old, now *Facts) error {
	if old != nil && *old == *now {
		return nil // most transitions change nothing a report counts
	}
	if tx.deltas == nil {
		tx.deltas = Deltas{}
	}
	tx.deltas.Add(old, -1)
	tx.deltas.Add(now, +1)
	return tx.PutFacts(now)
}

// flushDeltas applies the aggregate changes UpdateAggregates gathered in
// tx, once, when the use case ends (see finishing).
func (tx *Tx) flushDeltas() error {
	if len(tx.deltas) == 0 {
		return nil
	}
	d := tx.deltas
	tx.deltas = nil
	return tx.ApplyDeltas(d)
}

// ApplyDeltas adds d to report_daily and, rolled up, to report_monthly.
func (tx *Tx) ApplyDeltas(d Deltas) error {
	months := Deltas{}
	for k, c := range d {
		if len(k.Day) < 7 {
			continue
		}
		mk := k
		mk.Day = k.Day[:7]
		if x := months[mk]; x != nil {
			x.Add(*c)
		} else {
			cc := *c
			months[mk] = &cc
		}
	}
	if err := tx.upsertCounts("report_daily", "day", d); err != nil {
		return err
	}
	return tx.upsertCounts("report_monthly", "month", months)
}

func (tx *Tx) upsertCounts(table, dayCol string, d Deltas) error {
	keys := d.sortedKeys()
	var set strings.Builder
	for i, c := range aggCols {
		if i > 0 {
			set.WriteString(", ")
		}
		fmt.Fprintf(&set, "%s = %s.%s + excluded.%s", c, table, c, c)
	}
	head := `INSERT INTO ` + table + ` (` + dayCol + `, center_code, agency_code, procedure_code, ` + strings.Join(aggCols, ", ") + `) VALUES `
	tail := ` ON CONFLICT (` + dayCol + `, center_code, agency_code, procedure_code) DO UPDATE SET ` + set.String()
	err := tx.bulk(head, tail, 4+len(aggCols), 300, len(keys), func(i int, args []any) []any {
		k := keys[i]
		args = append(args, k.Day, k.Center, k.Agency, k.Procedure)
		for _, p := range d[k].fields() {
			args = append(args, *p)
		}
		return args
	})
	if err != nil {
		return fmt.Errorf("store: %s: %w", table, err)
	}
	return nil
}

// ClearAggregates empties the aggregates and facts (before a recount).
//
// On PostgreSQL it first locks report_facts against writers until commit:
// transitions that change what a dossier contributes write its facts, so
// those in flight finish before the recount reads the dossiers, and those
// that follow wait for it and apply their change on top of its counts.
func (tx *Tx) ClearAggregates() error {
	if q := tx.db.dialect.tableWriteLock("report_facts"); q != "" {
		if _, err := tx.tx.Exec(q); err != nil {
			return fmt.Errorf("store: lock report facts: %w", err)
		}
	}
	for _, t := range []string{"report_daily", "report_monthly", "report_facts"} {
		if _, err := tx.tx.Exec(`DELETE FROM ` + t); err != nil {
			return fmt.Errorf("store: clear %s: %w", t, err)
		}
	}
	return nil
}

// FactSource is the part of a dossier row the aggregates derive from.
type FactSource struct {
	ID            int64
	Center        string
	Agency        string
	Procedure     string
	Channel       string
	Status        string
	ReceivedAt    sql.NullInt64
	FinishedAt    sql.NullInt64
	DueAt         sql.NullInt64
	Outcome       string
	PausedSeconds int64
	Supplements   int64
	Mode          string
	MeasureDueAt  sql.NullInt64
	PausedAt      sql.NullInt64
	FOSAchieved   sql.NullBool
	ReturnedSame  sql.NullBool
}

// FactSources returns up to limit dossiers with id > after, by id.
func (tx *Tx) FactSources(after int64, limit int) ([]FactSource, error) {
	rows, err := tx.tx.Query(`SELECT id, center_code, agency_code, procedure_code, channel, status, received_at, finished_at,
		due_at, outcome, paused_seconds, supplements, mode, measure_due_at, paused_at, five_on_spot_achieved, returned_same_day
		FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: fact sources: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (FactSource, error) {
		var s FactSource
		if err := rows.Scan(&s.ID, &s.Center, &s.Agency, &s.Procedure, &s.Channel, &s.Status, &s.ReceivedAt, &s.FinishedAt,
			&s.DueAt, &s.Outcome, &s.PausedSeconds, &s.Supplements, &s.Mode, &s.MeasureDueAt, &s.PausedAt, &s.FOSAchieved, &s.ReturnedSame); err != nil {
			return s, err
		}
		return s, nil
	})
}

// AggFilter selects aggregate rows.
type AggFilter struct {
	All       bool     // no center restriction (admin)
	Centers   []string // the caller's centers when not All
	Center    string
	Agency    string
	Level     string // procedure level
	Procedure string
}

// AggRow is one summed aggregate row.
type AggRow struct {
	Month     string // "YYYY-MM" when grouped by month
	Center    string
	Agency    string
	Procedure string
	Counts
}

// AggregateRows sums the aggregates over the days from..to (both
// included; from "" means since the beginning), per center, agency and
// procedure, and per month when byMonth. Whole months are read from
// report_monthly, the partial months at either end from report_daily.
func (db *DB) AggregateRows(ctx context.Context, from, to string, f AggFilter, byMonth bool) ([]AggRow, error) {
	if from == "" {
		from = "0001-01-01"
	}
	if from > to {
		return nil, nil
	}
	type seg struct{ table, col, lo, hi string }
	var segs []seg
	fm, tm := from[:7], to[:7]
	fullFrom := from[8:] == "01"
	fullTo := to == lastDayOf(tm)
	switch {
	case fm == tm && fullFrom && fullTo:
		segs = append(segs, seg{"report_monthly", "month", fm, tm})
	case fm == tm:
		segs = append(segs, seg{"report_daily", "day", from, to})
	default:
		lo, hi := fm, tm
		if !fullFrom {
			segs = append(segs, seg{"report_daily", "day", from, lastDayOf(fm)})
			lo = nextMonth(fm)
		}
		if !fullTo {
			segs = append(segs, seg{"report_daily", "day", tm + "-01", to})
			hi = prevMonth(tm)
		}
		if lo <= hi {
			segs = append(segs, seg{"report_monthly", "month", lo, hi})
		}
	}
	if !f.All && len(f.Centers) == 0 {
		return nil, nil
	}
	acc := map[AggRow]*Counts{}
	var order []AggRow
	for _, s := range segs {
		var args sqlArgs
		arg := args.add
		where := append([]string{"a." + s.col + " >= " + arg(s.lo), "a." + s.col + " <= " + arg(s.hi)}, f.where(arg, "a")...)
		if f.Level != "" {
			where = append(where, "a.procedure_code IN (SELECT code FROM procedures WHERE level = "+arg(f.Level)+")")
		}
		month := "''"
		if byMonth {
			month = "substr(a." + s.col + ", 1, 7)"
		}
		sums := make([]string, len(aggCols))
		for i, c := range aggCols {
			sums[i] = "SUM(a." + c + ")"
		}
		group := "a.center_code, a.agency_code, a.procedure_code"
		if byMonth {
			group += ", " + month
		}
		q := `SELECT ` + month + `, a.center_code, a.agency_code, a.procedure_code, ` + strings.Join(sums, ", ") +
			` FROM ` + s.table + ` a WHERE ` + strings.Join(where, " AND ") + ` GROUP BY ` + group
		rows, err := db.reader().QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: aggregates: %w", err)
		}
		for rows.Next() {
			var k AggRow
			var c Counts
			dst := []any{&k.Month, &k.Center, &k.Agency, &k.Procedure}
			for _, p := range c.fields() {
				dst = append(dst, p)
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return nil, err
			}
			if x := acc[k]; x != nil {
				x.Add(c)
			} else {
				acc[k] = &c
				order = append(order, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]AggRow, 0, len(order))
	for _, k := range order {
		r := k
		r.Counts = *acc[k]
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b AggRow) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Center, b.Center), cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Procedure, b.Procedure))
	})
	return out, nil
}

// DailyRows returns every row of report_daily (or report_monthly) in key
// order, for consistency checks.
func (db *DB) DailyRows(ctx context.Context, monthly bool) (map[AggKey]Counts, error) {
	table, col := "report_daily", "day"
	if monthly {
		table, col = "report_monthly", "month"
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+col+`, center_code, agency_code, procedure_code, `+strings.Join(aggCols, ", ")+` FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	defer rows.Close()
	out := map[AggKey]Counts{}
	for rows.Next() {
		var k AggKey
		var c Counts
		dst := []any{&k.Day, &k.Center, &k.Agency, &k.Procedure}
		for _, p := range c.fields() {
			dst = append(dst, p)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		if !c.IsZero() {
			out[k] = c
		}
	}
	return out, rows.Err()
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// lastDayOf returns the last day of month m ("YYYY-MM").
func lastDayOf(m string) string {
	var y, mo int
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	d := monthDays[mo]
	if mo == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		d = 29
	}
	return fmt.Sprintf("%s-%02d", m, d)
}

func nextMonth(m string) string {
	var y, mo int
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	if mo == 12 {
		return fmt.Sprintf("%04d-01", y+1)
	}
	return fmt.Sprintf("%04d-%02d", y, mo+1)
}

func prevMonth(m string) string {
	var y, mo int
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	if mo == 1 {
		return fmt.Sprintf("%04d-12", y-1)
	}
	return fmt.Sprintf("%04d-%02d", y, mo-1)
}

// bulk writes nrows rows of width parameters each with statements of
// head + "(…),(…)" + tail, perStmt rows at a time. The full-size statement
// is prepared once and reused. row appends the parameters of row i to args.
func (tx *Tx) bulk(head, tail string, width, perStmt, nrows int, row func(i int, args []any) []any) error {
	build := func(n int) string {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			tx.placeholders(&b, i*width, width)
		}
		b.WriteString(tail)
		return b.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, min(perStmt, nrows)*width)
	for start := 0; start < nrows; start += perStmt {
		n := min(perStmt, nrows-start)
		args = args[:0]
		for i := start; i < start+n; i++ {
			args = row(i, args)
		}
		var err error
		if n == perStmt {
			if full == nil {
				if full, err = tx.tx.Prepare(build(n)); err != nil {
					return err
				}
			}
			_, err = full.Exec(args...)
		} else if n <= 8 {
			// The few rows of one transition: a handful of distinct
			// statements, worth keeping prepared.
			_, err = tx.exec(build(n), args...)
		} else {
			_, err = tx.tx.Exec(build(n), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// AggregatesMissing reports whether received dossiers exist but no report
// facts (a database migrated from before the aggregates existed).
func (db *DB) AggregatesMissing(ctx context.Context) (bool, error) {
	var facts, received int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM report_facts LIMIT 1) x`).Scan(&facts); err != nil {
		return false, fmt.Errorf("store: aggregates missing: %w", err)
	}
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM dossiers WHERE received_at IS NOT NULL LIMIT 1) x`).Scan(&received); err != nil {
		return false, fmt.Errorf("store: aggregates missing: %w", err)
	}
	return facts == 0 && received > 0, nil
}
