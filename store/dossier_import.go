package store

import (
	"database/sql"
	"fmt"
	"strings"

	"motcua/dossier"
	"motcua/vntext"
)

// BulkMode tunes the connection for a large import (dialect.bulkMode) and
// returns a function undoing it.
func (tx *Tx) BulkMode() func() { return tx.db.dialect.bulkMode(tx.tx) }

// ExistingCodes returns which of codes are already dossier codes.
func (tx *Tx) ExistingCodes(codes []string) (map[string]bool, error) {
	return scanKeySet(codes, func(ph string, args []any) (*sql.Rows, error) {
		rows, err := tx.tx.Query(`SELECT code FROM dossiers WHERE code IN (`+ph+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: existing codes: %w", err)
		}
		return rows, nil
	})
}

// ImportedDossier is a dossier of a previous system with its lookup hash
// and its history.
type ImportedDossier struct {
	D          *dossier.Dossier
	LookupHash string
	Events     []dossier.HistoryEntry
}

const importCols = `code, procedure_code, agency_code, center_code, channel, mode, status, version,
	applicant_kind, applicant_name, applicant_fold, applicant_id, applicant_phone, applicant_email, applicant_address,
	submitted_at, received_at, due_at, original_due_at, legal_due_at, finished_at, supplements,
	outcome, form_set, imported, lookup_hash, created_at, updated_at, rule_set, measure_due_at, five_on_spot_achieved,
	returned_same_day, apology_at`

// InsertImported inserts dossiers (and their history) in batches and sets
// each D.ID. Codes must be new: a duplicate is ECONFLICT.
func (tx *Tx) InsertImported(ds []ImportedDossier) error {
	if tx.db.dialect.singleWriter() {
		return tx.insertImportedWithIDs(ds)
	}
	const per = 33
	for len(ds) > 0 {
		n := min(len(ds), 200)
		batch := ds[:n]
		var b strings.Builder
		b.WriteString(`INSERT INTO dossiers (` + importCols + `) VALUES `)
		args := make([]any, 0, n*per)
		byCode := make(map[string]*dossier.Dossier, n)
		for i, x := range batch {
			d := x.D
			a := d.Applicant
			if i > 0 {
				b.WriteByte(',')
			}
			tx.placeholders(&b, len(args), per)
			args = append(args, d.Code, d.ProcedureCode, d.AgencyCode, d.CenterCode, string(d.Channel), string(d.Mode), string(d.Status), d.Version,
				string(a.Kind), a.Name, vntext.Fold(a.Name), a.IDNumber, a.Phone, a.Email, a.Address,
				msp(d.SubmittedAt), msp(d.ReceivedAt), msp(d.DueAt), msp(d.OriginalDueAt), msp(d.LegalDueAt), msp(d.FinishedAt), d.Supplements,
				d.Outcome, d.FormSet, true, x.LookupHash, ms(tx.now), ms(tx.now), string(d.RuleSet), msp(d.MeasureDueAt),
				nullBool(d.FiveOnSpotAchieved), nullBool(d.ReturnedSameDay), msp(d.ApologyAt))
			byCode[d.Code] = d
		}
		b.WriteString(` RETURNING id, code`)
		rows, err := tx.tx.Query(b.String(), args...)
		if err != nil {
			if isUnique(err) {
				return dossier.Errorf(dossier.ECONFLICT, "Mã hồ sơ đã tồn tại")
			}
			return fmt.Errorf("store: import dossiers: %w", err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return err
			}
			if d := byCode[code]; d != nil {
				d.ID = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			if isUnique(err) {
				return dossier.Errorf(dossier.ECONFLICT, "Mã hồ sơ đã tồn tại")
			}
			return fmt.Errorf("store: import dossiers: %w", err)
		}
		if err := tx.insertImportedHistory(batch); err != nil {
			return err
		}
		ds = ds[n:]
	}
	return nil
}

func importArgs(args []any, x ImportedDossier, now int64) []any {
	d := x.D
	a := d.Applicant
	return append(args, d.Code, d.ProcedureCode, d.AgencyCode, d.CenterCode, string(d.Channel), string(d.Mode), string(d.Status), d.Version,
		string(a.Kind), a.Name, vntext.Fold(a.Name), a.IDNumber, a.Phone, a.Email, a.Address,
		msp(d.SubmittedAt), msp(d.ReceivedAt), msp(d.DueAt), msp(d.OriginalDueAt), msp(d.LegalDueAt), msp(d.FinishedAt), d.Supplements,
		d.Outcome, d.FormSet, true, x.LookupHash, now, now, string(d.RuleSet), msp(d.MeasureDueAt),
		nullBool(d.FiveOnSpotAchieved), nullBool(d.ReturnedSameDay), msp(d.ApologyAt))
}

// insertImportedWithIDs assigns the ids itself (the transaction holds the
// only write lock) and writes with reused prepared statements.
func (tx *Tx) insertImportedWithIDs(ds []ImportedDossier) error {
	var last int64
	if err := tx.tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&last); err != nil {
		return fmt.Errorf("store: import dossiers: %w", err)
	}
	for i := range ds {
		ds[i].D.ID = last + int64(i) + 1
	}
	now := ms(tx.now)
	err := tx.bulk(`INSERT INTO dossiers (id, `+importCols+`) VALUES `, ``, 34, 200, len(ds), func(i int, args []any) []any {
		return importArgs(append(args, ds[i].D.ID), ds[i], now)
	})
	if isUnique(err) {
		return dossier.Errorf(dossier.ECONFLICT, "Mã hồ sơ đã tồn tại")
	}
	if err != nil {
		return fmt.Errorf("store: import dossiers: %w", err)
	}
	type ev struct {
		id int64
		h  *dossier.HistoryEntry
	}
	var evs []ev
	for _, x := range ds {
		for j := range x.Events {
			evs = append(evs, ev{x.D.ID, &x.Events[j]})
		}
	}
	err = tx.bulk(`INSERT INTO dossier_history (dossier_id, action, from_status, to_status, actor_id, actor, note, at) VALUES `, ``,
		8, 400, len(evs), func(i int, args []any) []any {
			h := evs[i].h
			return append(args, evs[i].id, string(h.Action), string(h.From), string(h.To), int64(0), h.Actor, h.Note, ms(h.At))
		})
	if err != nil {
		return fmt.Errorf("store: import history: %w", err)
	}
	return nil
}

func (tx *Tx) insertImportedHistory(batch []ImportedDossier) error {
	const per = 8
	var b strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		b.WriteString(` RETURNING ` + historyCoverCols)
		rows, err := tx.tx.Query(b.String(), args...)
		b.Reset()
		args = args[:0]
		if err != nil {
			return fmt.Errorf("store: import history: %w", err)
		}
		type row struct {
			id     int64
			digest string
		}
		got, err := scanEach(rows, func(r rowScanner) (row, error) {
			id, digest, err := scanHistoryCover(r)
			return row{id, digest}, err
		})
		if err != nil {
			return fmt.Errorf("store: import history: %w", err)
		}
		for _, r := range got { // the connection is free again (PostgreSQL)
			if err := tx.cover('h', r.id, r.digest); err != nil {
				return err
			}
		}
		return nil
	}
	for _, x := range batch {
		for _, h := range x.Events {
			if len(args) == 0 {
				b.WriteString(`INSERT INTO dossier_history (dossier_id, action, from_status, to_status, actor_id, actor, note, at) VALUES `)
			} else {
				b.WriteByte(',')
			}
			tx.placeholders(&b, len(args), per)
			args = append(args, x.D.ID, string(h.Action), string(h.From), string(h.To), int64(0), h.Actor, h.Note, ms(h.At))
			if len(args) >= 400*per {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
