package store

import (
	"context"
	"database/sql"
	"fmt"
	"motcua/dossier"
	"motcua/vntext"
	"reflect"
	"strings"
	"time"
)

// NextDossierSeq takes the next daily sequence number of an agency. The
// upsert locks the (agency, day) row until the transaction ends, so two
// receptions never share a number, on either engine.
func (tx *Tx) NextDossierSeq(agency, day string) (int, error) {
	var n int64
	err := tx.queryRow(`INSERT INTO dossier_seq (agency_code, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_seq.last + 1 RETURNING last`, agency, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: dossier seq: %w", err)
	}
	return int(n), nil
}

// InsertDossier stores a new dossier with its components and returns its id.
func (tx *Tx) InsertDossier(d *dossier.Dossier, lookupHash string) (int64, error) {
	a := d.Applicant
	var id int64
	err := tx.queryRow(`INSERT INTO dossiers (code, procedure_code, agency_code, center_code, channel, mode, status, version,
		applicant_kind, applicant_name, applicant_fold, applicant_id, applicant_phone, applicant_email, applicant_address,
		applicant_user, submitted_at, received_at, due_at, original_due_at, legal_due_at, step_due_at, finished_at,
		outcome, form_set, imported, lookup_hash, created_at, updated_at, rule_set, measure_due_at, applicant_identity_level)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26, $27, $28, $28, $29, $30, $31) RETURNING id`,
		d.Code, d.ProcedureCode, d.AgencyCode, d.CenterCode, string(d.Channel), string(d.Mode), string(d.Status), d.Version,
		string(a.Kind), vntext.NFC(a.Name), vntext.Fold(a.Name), a.IDNumber, a.Phone, a.Email, vntext.NFC(a.Address),
		d.ApplicantUser, msp(d.SubmittedAt), msp(d.ReceivedAt), msp(d.DueAt), msp(d.OriginalDueAt), msp(d.LegalDueAt),
		msp(d.StepDueAt), msp(d.FinishedAt), d.Outcome, d.FormSet, d.Imported, lookupHash, ms(tx.now), string(d.RuleSet),
		msp(d.MeasureDueAt), int(d.IdentityLevel)).Scan(&id)
	if isUnique(err) {
		return 0, dossier.Errorf(dossier.ECONFLICT, "Mã hồ sơ %s đã tồn tại", d.Code)
	}
	if err != nil {
		return 0, fmt.Errorf("store: insert dossier: %w", err)
	}
	d.ID = id
	for _, c := range d.Components {
		if err := tx.PutComponent(id, c, c.Signature); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// PutComponent inserts or replaces one component of a dossier.
func (tx *Tx) PutComponent(dossierID int64, c dossier.DossierComponent, signature []byte) error {
	_, err := tx.exec(`INSERT INTO dossier_components (dossier_id, code, name, blob_id, reused_from, attested_by, attested_at, signature)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (dossier_id, code) DO UPDATE SET name = excluded.name, blob_id = excluded.blob_id,
		reused_from = excluded.reused_from, attested_by = excluded.attested_by, attested_at = excluded.attested_at,
		signature = excluded.signature`,
		dossierID, c.Code, c.Name, c.BlobID, c.ReusedFrom, c.AttestedBy, msp(c.AttestedAt), signature)
	if err != nil {
		return fmt.Errorf("store: component %s: %w", c.Code, err)
	}
	return nil
}

const dossierCols = `d.id, d.code, d.procedure_code, p.name, d.agency_code, d.center_code, d.channel, d.mode, d.status, d.version,
	d.applicant_kind, d.applicant_name, d.applicant_id, d.applicant_phone, d.applicant_email, d.applicant_address,
	d.applicant_user, d.submitted_at, d.received_at, d.due_at, d.original_due_at, d.legal_due_at, d.step_due_at,
	d.finished_at, d.paused_at, d.paused_seconds, d.supplements, d.apology_at, d.outcome, d.assignee_id,
	d.recommendation, d.report, d.draft_result, d.reason, d.form_set, d.imported,
	d.approver_id, d.approver_name, d.approver_position, d.approval_capacity, d.on_behalf_of, d.delegation_id, d.approved_at,
	d.rule_set, d.measure_due_at, d.late_supplement, d.five_on_spot_achieved, d.returned_same_day`

func scanDossier(s interface{ Scan(...any) error }) (*dossier.Dossier, error) {
	var d dossier.Dossier
	var ch, mode, st, kind string
	var sub, rec, due, odue, ldue, sdue, fin, paused, apol, appr, mdue sql.NullInt64
	var ap dossier.Approval
	var capacity, ruleSet string
	var achieved, sameDay sql.NullBool
	err := s.Scan(&d.ID, &d.Code, &d.ProcedureCode, &d.ProcedureName, &d.AgencyCode, &d.CenterCode, &ch, &mode, &st, &d.Version,
		&kind, &d.Applicant.Name, &d.Applicant.IDNumber, &d.Applicant.Phone, &d.Applicant.Email, &d.Applicant.Address,
		&d.ApplicantUser, &sub, &rec, &due, &odue, &ldue, &sdue, &fin, &paused, &d.PausedSeconds, &d.Supplements, &apol,
		&d.Outcome, &d.AssigneeID, &d.Recommendation, &d.Report, &d.DraftResult, &d.Reason, &d.FormSet, &d.Imported,
		&ap.ApproverID, &ap.ApproverName, &ap.Position, &capacity, &ap.OnBehalfOf, &ap.DelegationID, &appr,
		&ruleSet, &mdue, &d.LateSupplement, &achieved, &sameDay)
	if err != nil {
		return nil, err
	}
	d.Channel, d.Mode, d.Status, d.Applicant.Kind = dossier.Channel(ch), dossier.Mode(mode), dossier.Status(st), dossier.ApplicantKind(kind)
	d.SubmittedAt, d.ReceivedAt, d.DueAt, d.OriginalDueAt = fromNull(sub), fromNull(rec), fromNull(due), fromNull(odue)
	d.LegalDueAt, d.StepDueAt, d.FinishedAt, d.PausedAt, d.ApologyAt = fromNull(ldue), fromNull(sdue), fromNull(fin), fromNull(paused), fromNull(apol)
	d.RuleSet, d.MeasureDueAt = dossier.RuleSetID(ruleSet), fromNull(mdue)
	d.FiveOnSpotAchieved, d.ReturnedSameDay = fromNullBool(achieved), fromNullBool(sameDay)
	if ap.ApproverID != 0 {
		ap.Capacity = capacity
		if t := fromNull(appr); t != nil {
			ap.At = *t
		}
		d.Approval = &ap
	}
	return &d, nil
}

// AsStored returns the dossier a read of d's row gives once d is written
// (InsertDossier, UpdateDossier): the stored columns only, through the
// same scan, so times come back to the millisecond in Zone and an
// approval without an approver is none. A use case answers with it
// instead of reading the row it has just written (LoadDetails adds the
// rest).
func AsStored(d *dossier.Dossier) *dossier.Dossier {
	var ap dossier.Approval
	var apAt *time.Time
	if d.Approval != nil {
		ap = *d.Approval
		apAt = &ap.At
	}
	a := d.Applicant
	out, err := scanDossier(storedRow{d.ID, d.Code, d.ProcedureCode, d.ProcedureName, d.AgencyCode, d.CenterCode,
		string(d.Channel), string(d.Mode), string(d.Status), d.Version,
		string(a.Kind), vntext.NFC(a.Name), a.IDNumber, a.Phone, a.Email, vntext.NFC(a.Address),
		d.ApplicantUser, nullMS(d.SubmittedAt), nullMS(d.ReceivedAt), nullMS(d.DueAt), nullMS(d.OriginalDueAt), nullMS(d.LegalDueAt), nullMS(d.StepDueAt),
		nullMS(d.FinishedAt), nullMS(d.PausedAt), d.PausedSeconds, d.Supplements, nullMS(d.ApologyAt), d.Outcome, d.AssigneeID,
		d.Recommendation, d.Report, d.DraftResult, d.Reason, d.FormSet, d.Imported,
		ap.ApproverID, ap.ApproverName, ap.Position, ap.Capacity, ap.OnBehalfOf, ap.DelegationID, nullMS(apAt),
		string(d.RuleSet), nullMS(d.MeasureDueAt), d.LateSupplement, toNullBool(d.FiveOnSpotAchieved), toNullBool(d.ReturnedSameDay)})
	if err != nil {
		panic("store: AsStored: " + err.Error()) // the columns above and scanDossier disagree
	}
	return out
}

// storedRow hands scanDossier values as a row would hold them.
type storedRow []any

func (r storedRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("%d values for %d columns", len(r), len(dest))
	}
	for i, v := range r {
		dv := reflect.ValueOf(dest[i]).Elem()
		sv := reflect.ValueOf(v)
		if !sv.Type().ConvertibleTo(dv.Type()) {
			return fmt.Errorf("column %d: %s into %s", i, sv.Type(), dv.Type())
		}
		dv.Set(sv.Convert(dv.Type()))
	}
	return nil
}

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func toNullBool(b *bool) sql.NullBool {
	if b == nil {
		return sql.NullBool{}
	}
	return sql.NullBool{Bool: *b, Valid: true}
}

// LoadDetails reads what the row of d does not hold: its components,
// history and result (for a dossier from AsStored).
func (db *DB) LoadDetails(ctx context.Context, d *dossier.Dossier) error {
	return db.loadDetails(ctx, d)
}

// DossierForUpdate loads a dossier inside tx and locks its row until
// commit (where the engine has row locks: see dialect.forUpdate).
func (tx *Tx) DossierForUpdate(code string) (*dossier.Dossier, error) {
	q := `SELECT ` + dossierCols + ` FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE d.code = $1` +
		tx.db.dialect.forUpdate("d")
	d, err := scanDossier(tx.queryRow(q, code))
	if isNoRows(err) {
		return nil, notFound("hồ sơ " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: dossier: %w", err)
	}
	tx.remember(d)
	return d, nil
}

// lockDossier locks the row of dossier id until commit (where the engine
// has row locks), for a decision on rows that belong to the dossier: it
// serialises the use cases that make it.
func (tx *Tx) lockDossier(id int64) error {
	var got int64
	err := tx.queryRow(`SELECT id FROM dossiers WHERE id = $1`+tx.db.dialect.forUpdate(""), id).Scan(&got)
	if isNoRows(err) {
		return notFound("hồ sơ")
	}
	if err != nil {
		return fmt.Errorf("store: lock dossier: %w", err)
	}
	return nil
}

// UpdateDossier writes the mutable fields of d if its stored version is
// still expected, and bumps the version. A stale version is ECONFLICT.
func (tx *Tx) UpdateDossier(d *dossier.Dossier, expected int64) error {
	q, args := tx.updateDossierSQL(d, expected)
	res, err := tx.exec(q, args...)
	if err != nil {
		return fmt.Errorf("store: update dossier: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ %s đã được người khác cập nhật; vui lòng tải lại", d.Code)
	}
	d.Version = expected + 1
	tx.remember(d)
	return nil
}

// updateDossierSQL is UpdateDossier's statement and arguments.
func (tx *Tx) updateDossierSQL(d *dossier.Dossier, expected int64) (string, []any) {
	var ap dossier.Approval
	var apAt *time.Time
	if d.Approval != nil {
		ap = *d.Approval
		apAt = &ap.At
	}
	vals := [len(updateCols)]any{string(d.Status), msp(d.ReceivedAt), msp(d.DueAt), msp(d.FinishedAt),
		msp(d.OriginalDueAt), msp(d.LegalDueAt), msp(d.StepDueAt), msp(d.PausedAt), d.PausedSeconds,
		d.Supplements, msp(d.ApologyAt), d.Outcome, d.AssigneeID, d.Recommendation, d.Report, d.DraftResult,
		d.Reason, ap.ApproverID, ap.ApproverName, ap.Position, ap.Capacity, ap.OnBehalfOf, ap.DelegationID,
		msp(apAt), ms(tx.now), string(d.RuleSet), d.FormSet, msp(d.MeasureDueAt), d.LateSupplement,
		nullBool(d.FiveOnSpotAchieved), nullBool(d.ReturnedSameDay)}
	// The indexed columns are set only when they change (see lockedRow).
	was, known := tx.locked[d.ID]
	known = known && was.version == expected
	args := make([]any, 0, len(vals)+2)
	mask := 0
	for i, v := range [indexedCols]any{was.status, was.received, was.due, was.finished} {
		if !known || vals[i] != v {
			mask |= 1 << i
			args = append(args, vals[i])
		}
	}
	args = append(append(args, vals[indexedCols:]...), d.ID, expected)
	return updateSQL[mask], args
}

// updateCols are the columns UpdateDossier sets; the first indexedCols
// are indexed and set only when they change.
var updateCols = [...]string{"status", "received_at", "due_at", "finished_at",
	"original_due_at", "legal_due_at", "step_due_at", "paused_at", "paused_seconds",
	"supplements", "apology_at", "outcome", "assignee_id", "recommendation", "report", "draft_result",
	"reason", "approver_id", "approver_name", "approver_position", "approval_capacity", "on_behalf_of", "delegation_id",
	"approved_at", "updated_at", "rule_set", "form_set", "measure_due_at", "late_supplement",
	"five_on_spot_achieved", "returned_same_day"}

const indexedCols = 4

// updateSQL is UpdateDossier's statement by the set of indexed columns it
// sets (bit i: updateCols[i]).
var updateSQL = func() (out [1 << indexedCols]string) {
	for mask := range out {
		var b strings.Builder
		b.WriteString("UPDATE dossiers SET version = version + 1")
		n := 0
		for i, col := range updateCols {
			if i < indexedCols && mask&(1<<i) == 0 {
				continue
			}
			n++
			fmt.Fprintf(&b, ", %s = $%d", col, n)
		}
		fmt.Fprintf(&b, " WHERE id = $%d AND version = $%d", n+1, n+2)
		out[mask] = b.String()
	}
	return out
}()

// lockedRow is what a transaction knows of a dossier row it holds: its
// indexed columns as read for update (or last written), at version. Eleven
// indexes cover dossiers, nine of them on status, due_at (through
// sort_due), received_at or finished_at, and SQLite rewrites every index
// on a column an UPDATE sets, changed or not: setting only the ones that
// changed spares most transitions five index rewrites and their pages in
// the WAL (a transition that keeps its deadline changes only the status).
type lockedRow struct {
	version                 int64
	status                  string
	received, due, finished any // stored milliseconds, nil when unset
}

// remember records d's indexed columns for a later UpdateDossier.
func (tx *Tx) remember(d *dossier.Dossier) {
	if tx.locked == nil {
		tx.locked = make(map[int64]lockedRow, 1)
	}
	tx.locked[d.ID] = lockedRow{version: d.Version, status: string(d.Status),
		received: msp(d.ReceivedAt), due: msp(d.DueAt), finished: msp(d.FinishedAt)}
}

// InsertHistory appends one transition row.
func (tx *Tx) InsertHistory(dossierID, actorID int64, h dossier.HistoryEntry) error {
	id, digest, err := scanHistoryCover(tx.queryRow(`INSERT INTO dossier_history (dossier_id, action, from_status, to_status, actor_id, actor, on_behalf_of, note, step_due_at, at, place)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+historyCoverCols,
		dossierID, string(h.Action), string(h.From), string(h.To), actorID, h.Actor, h.OnBehalfOf, h.Note, msp(h.StepDueAt), ms(h.At), string(h.Place)))
	if err != nil {
		return fmt.Errorf("store: history: %w", err)
	}
	return tx.cover('h', id, digest)
}

// Scope limits what a caller may see. Zero value = everything (admin).
type Scope struct {
	All           bool
	Centers       []string // dossiers received at these centers
	Agencies      []string // dossiers of procedures of these agencies
	ApplicantUser int64    // the citizen's own dossiers
}

func (s Scope) sql(arg func(any) string) string {
	if s.All {
		return "1=1"
	}
	var or []string
	if len(s.Centers) > 0 {
		or = append(or, "d.center_code IN ("+list(arg, s.Centers)+")")
	}
	if len(s.Agencies) > 0 {
		or = append(or, "d.agency_code IN ("+list(arg, s.Agencies)+")")
	}
	if s.ApplicantUser != 0 {
		or = append(or, "d.applicant_user = "+arg(s.ApplicantUser))
	}
	if len(or) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// preparable tells whether the text of s.sql is one of a few shapes, so a
// query built with it may be kept prepared: the whole table, or short
// lists of centres and agencies (an officer's scope). The text depends
// only on the lengths of the lists, never on their values.
func (s Scope) preparable() bool {
	return s.All || len(s.Centers)+len(s.Agencies) <= 4
}

// Dossier returns the dossier with its components, history and result if
// it is within scope; otherwise ENOTFOUND.
func (db *DB) Dossier(ctx context.Context, code string, scope Scope) (*dossier.Dossier, error) {
	var args sqlArgs
	arg := args.add
	q := `SELECT ` + dossierCols + ` FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE d.code = ` + arg(code) + ` AND ` + scope.sql(arg)
	var row *sql.Row
	if scope.preparable() {
		row = db.queryRowContext(ctx, q, args...)
	} else {
		row = db.sql.QueryRowContext(ctx, q, args...)
	}
	d, err := scanDossier(row)
	if isNoRows(err) {
		return nil, notFound("hồ sơ " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: dossier: %w", err)
	}
	return d, db.loadDetails(ctx, d)
}

// DossierByID returns a dossier by its internal id, unscoped.
func (db *DB) DossierByID(ctx context.Context, id int64) (*dossier.Dossier, error) {
	return db.dossierWhere(ctx, "d.id", id, "dossier")
}

// DossierByLookup returns the dossier whose lookup token hashes to h.
func (db *DB) DossierByLookup(ctx context.Context, h string) (*dossier.Dossier, error) {
	return db.dossierWhere(ctx, "d.lookup_hash", h, "dossier lookup")
}

// dossierWhere returns the dossier, unscoped, whose column col equals v
// (col is a constant of the callers, never input); what names the lookup
// in errors.
func (db *DB) dossierWhere(ctx context.Context, col string, v any, what string) (*dossier.Dossier, error) {
	d, err := scanDossier(db.queryRowContext(ctx, `SELECT `+dossierCols+` FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE `+col+` = $1`, v))
	if isNoRows(err) {
		return nil, notFound("hồ sơ")
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return d, db.loadDetails(ctx, d)
}

func (db *DB) loadDetails(ctx context.Context, d *dossier.Dossier) error {
	rows, err := db.queryContext(ctx, `SELECT code, name, blob_id, reused_from, attested_by, attested_at, signature IS NOT NULL
		FROM dossier_components WHERE dossier_id = $1 ORDER BY code`, d.ID)
	if err != nil {
		return fmt.Errorf("store: components: %w", err)
	}
	d.Components = []dossier.DossierComponent{}
	for rows.Next() {
		var c dossier.DossierComponent
		var at sql.NullInt64
		if err := rows.Scan(&c.Code, &c.Name, &c.BlobID, &c.ReusedFrom, &c.AttestedBy, &at, &c.Signed); err != nil {
			rows.Close()
			return err
		}
		c.AttestedAt = fromNull(at)
		d.Components = append(d.Components, c)
	}
	rows.Close()
	if d.History, err = scanHistory(db.queryContext(ctx, historyQuery, d.ID)); err != nil {
		return err
	}
	return db.loadResult(ctx, d)
}

// DossierHead returns the dossier by code, unscoped, with its result but
// without its components and history (nil): what the outbox's
// destinations read for each event (portal record, applicant message).
func (db *DB) DossierHead(ctx context.Context, code string) (*dossier.Dossier, error) {
	d, err := scanDossier(db.queryRowContext(ctx, `SELECT `+dossierCols+` FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE d.code = $1`, code))
	if isNoRows(err) {
		return nil, notFound("hồ sơ " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: dossier: %w", err)
	}
	return d, db.loadResult(ctx, d)
}

func (db *DB) loadResult(ctx context.Context, d *dossier.Dossier) error {
	switch d.Status {
	case dossier.StatusIssued, dossier.StatusReturned, dossier.StatusWithdrawn:
		r, err := db.resultOf(ctx, d.ID)
		if err != nil {
			return err
		}
		d.Result = r
	}
	return nil
}

const historyQuery = `SELECT action, from_status, to_status, actor, on_behalf_of, note, step_due_at, at, place
	FROM dossier_history WHERE dossier_id = $1 ORDER BY id`

// History returns the history of dossier id inside tx (what a decision
// that reads every step needs: the "5 tại chỗ" verdict at return).
func (tx *Tx) History(id int64) ([]dossier.HistoryEntry, error) {
	return scanHistory(tx.query(historyQuery, id))
}

func scanHistory(rows *sql.Rows, err error) ([]dossier.HistoryEntry, error) {
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	return orEmpty(scanEach(rows, func(rows rowScanner) (dossier.HistoryEntry, error) {
		var h dossier.HistoryEntry
		var a, f, t, place string
		var sdue sql.NullInt64
		var at int64
		if err := rows.Scan(&a, &f, &t, &h.Actor, &h.OnBehalfOf, &h.Note, &sdue, &at, &place); err != nil {
			return h, err
		}
		h.Action, h.From, h.To, h.At, h.StepDueAt = dossier.Action(a), dossier.Status(f), dossier.Status(t), fromMS(at), fromNull(sdue)
		h.Place = dossier.Place(place)
		return h, nil
	}))
}

// DossierFilter selects a work list.
type DossierFilter struct {
	Scope     Scope
	Status    []dossier.Status
	Agency    string
	Procedure string
	Center    string
	DueBefore *time.Time
	Query     string // code or applicant name, diacritic-insensitive
	Cursor    string
	Limit     int
	// Now is the instant a row's Overdue flag is judged at (the caller's
	// clock reading).
	Now time.Time
}

// DossierRow is one line of a work list.
type DossierRow struct {
	Code          string         `json:"code"`
	ProcedureCode string         `json:"procedure_code"`
	ProcedureName string         `json:"procedure_name"`
	AgencyCode    string         `json:"agency_code"`
	CenterCode    string         `json:"center_code"`
	Status        dossier.Status `json:"status"`
	Version       int64          `json:"version"`
	Applicant     string         `json:"applicant_name"`
	Channel       string         `json:"channel"`
	Mode          string         `json:"mode"`
	ReceivedAt    *time.Time     `json:"received_at,omitempty"`
	DueAt         *time.Time     `json:"due_at,omitempty"`
	StepDueAt     *time.Time     `json:"step_due_at,omitempty"`
	Overdue       bool           `json:"overdue"`
	Apologized    bool           `json:"apologized"`
	ID            int64          `json:"-"`
}

// Dossiers lists a work list ordered by urgency (due first, then id), a
// page at a time. The cursor encodes the last row's (due, id).
func (db *DB) Dossiers(ctx context.Context, f DossierFilter) ([]DossierRow, string, error) {
	var args sqlArgs
	arg := args.add
	where := []string{f.Scope.sql(arg)}
	if len(f.Status) > 0 {
		ss := make([]string, len(f.Status))
		open := true
		for i, s := range f.Status {
			ss[i] = string(s)
			open = open && !s.Terminal()
		}
		where = append(where, "d.status IN ("+list(arg, ss)+")")
		if open {
			where = append(where, openOnly)
		}
	}
	where = whereCodes(where, arg, "d", f.Center, f.Agency, f.Procedure)
	if f.DueBefore != nil {
		where = append(where, "d.due_at < "+arg(ms(*f.DueBefore)))
	}
	if f.Query != "" {
		q := "%" + likeEscape(vntext.Fold(f.Query)) + "%"
		where = append(where, "(d.applicant_fold LIKE "+arg(q)+` ESCAPE '\' OR lower(d.code) LIKE `+arg(q)+` ESCAPE '\')`)
	}
	// Urgency: dossiers with a due date first, by due date; then the rest.
	// A sentinel far in the future stands for "no due date".
	const none = int64(1) << 62
	if f.Cursor != "" {
		var cd, cid int64
		if _, err := fmt.Sscanf(f.Cursor, "%d.%d", &cd, &cid); err != nil {
			return nil, "", dossier.Invalid("Con trỏ phân trang không hợp lệ", dossier.FieldError{Field: "cursor", Message: "không hợp lệ"})
		}
		where = append(where, fmt.Sprintf("(d.sort_due > %s OR (d.sort_due = %s AND d.id > %s))", arg(cd), arg(cd), arg(cid)))
	}
	limit := clampLimit(f.Limit)
	q := fmt.Sprintf(`SELECT d.id, d.code, d.procedure_code, p.name, d.agency_code, d.center_code, d.status, d.version,
		d.applicant_name, d.channel, d.mode, d.received_at, d.due_at, d.step_due_at, d.apology_at
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code%s
		ORDER BY d.sort_due, d.id LIMIT %s`, whereSQL(where), arg(limit+1))
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: dossiers: %w", err)
	}
	now := f.Now
	return scanPage(rows, limit, func(rows rowScanner) (DossierRow, error) {
		var r DossierRow
		var st string
		var rec, due, sdue, apol sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Code, &r.ProcedureCode, &r.ProcedureName, &r.AgencyCode, &r.CenterCode, &st, &r.Version,
			&r.Applicant, &r.Channel, &r.Mode, &rec, &due, &sdue, &apol); err != nil {
			return r, err
		}
		r.Status = dossier.Status(st)
		r.ReceivedAt, r.DueAt, r.StepDueAt = fromNull(rec), fromNull(due), fromNull(sdue)
		r.Apologized = apol.Valid
		r.Overdue = r.DueAt != nil && !r.Status.Terminal() && r.Status != dossier.StatusSupplementRequested && now.After(*r.DueAt)
		return r, nil
	}, func(last DossierRow) string {
		d := none
		if last.DueAt != nil {
			d = ms(*last.DueAt)
		}
		return fmt.Sprintf("%d.%d", d, last.ID)
	})
}

// openOnly is the predicate of the partial "open dossier" indexes; it is
// repeated literally so that both engines use them.
const openOnly = "d.status NOT IN ('returned', 'refused', 'withdrawn')"

// StatusCounts counts the open dossiers per status within scope, and how
// many of them are overdue at now (finished dossiers are not counted: they grow
// without bound and no work list needs their number).
func (db *DB) StatusCounts(ctx context.Context, now time.Time, scope Scope) (map[dossier.Status]int, int, error) {
	var args sqlArgs
	arg := args.add
	nowArg := arg(ms(now))
	rows, err := db.sql.QueryContext(ctx, `SELECT d.status, COUNT(*), SUM(CASE WHEN d.due_at < `+nowArg+` THEN 1 ELSE 0 END)
		FROM dossiers d WHERE `+scope.sql(arg)+` AND `+openOnly+` GROUP BY d.status`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: status counts: %w", err)
	}
	defer rows.Close()
	out := map[dossier.Status]int{}
	overdue := 0
	for rows.Next() {
		var s string
		var n int
		var od sql.NullInt64
		if err := rows.Scan(&s, &n, &od); err != nil {
			return nil, 0, err
		}
		st := dossier.Status(s)
		out[st] = n
		if !st.Terminal() && st != dossier.StatusSupplementRequested {
			overdue += int(od.Int64)
		}
	}
	return out, overdue, rows.Err()
}

// SetDossierFiles records the verification token hash, the signed result
// file and its signature layout.
func (tx *Tx) SetDossierFiles(id int64, verifyHash, signedBlob, layout string) error {
	_, err := tx.exec(`UPDATE dossiers SET verify_hash = $1, signed_blob = $2, result_layout = $3 WHERE id = $4`, verifyHash, signedBlob, layout, id)
	return err
}

// DossierFiles returns the verification token hash, the signed result blob
// and its signature layout.
func (tx *Tx) DossierFiles(id int64) (verifyHash, signedBlob, layout string, err error) {
	return dossierFiles(context.Background(), txq{tx.tx}, id)
}

// DossierFiles is Tx.DossierFiles outside a transaction.
func (db *DB) DossierFiles(ctx context.Context, id int64) (verifyHash, signedBlob, layout string, err error) {
	return dossierFiles(ctx, dbq{db}, id)
}

func dossierFiles(ctx context.Context, q queryer, id int64) (verifyHash, signedBlob, layout string, err error) {
	err = q.QueryRowContext(ctx, `SELECT verify_hash, signed_blob, result_layout FROM dossiers WHERE id = $1`, id).Scan(&verifyHash, &signedBlob, &layout)
	return
}

// SetReceiptBlob records the printed receipt (Mẫu 01) of a dossier.
func (tx *Tx) SetReceiptBlob(id int64, blobID string) error {
	_, err := tx.exec(`UPDATE dossiers SET receipt_blob = $1 WHERE id = $2`, blobID, id)
	return err
}

// ReceiptBlob returns the blob id of a dossier's receipt.
func (db *DB) ReceiptBlob(ctx context.Context, id int64) (string, error) {
	var b string
	err := db.sql.QueryRowContext(ctx, `SELECT receipt_blob FROM dossiers WHERE id = $1`, id).Scan(&b)
	if err == nil && b == "" {
		return "", notFound("giấy tiếp nhận")
	}
	return b, err
}

// ComponentSignature returns a component's file and its detached signature.
func (db *DB) ComponentSignature(ctx context.Context, dossierID int64, code string) (blobID string, sig []byte, err error) {
	err = db.queryRowContext(ctx, `SELECT blob_id, signature FROM dossier_components WHERE dossier_id = $1 AND code = $2`, dossierID, code).Scan(&blobID, &sig)
	if isNoRows(err) || (err == nil && len(sig) == 0) {
		return "", nil, notFound("chữ ký của thành phần " + code)
	}
	return blobID, sig, err
}

// StartPause opens a supplement pause.
func (tx *Tx) StartPause(dossierID int64, reason string) error {
	_, err := tx.exec(`INSERT INTO dossier_pauses (dossier_id, started_at, reason) VALUES ($1, $2, $3)`, dossierID, ms(tx.now), vntext.NFC(reason))
	return err
}

// EndPause closes the open pause of a dossier.
func (tx *Tx) EndPause(dossierID int64) error {
	_, err := tx.exec(`UPDATE dossier_pauses SET ended_at = $1 WHERE dossier_id = $2 AND ended_at IS NULL`, ms(tx.now), dossierID)
	return err
}
