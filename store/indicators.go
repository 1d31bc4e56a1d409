package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"motcua/dossier"
)

// The data behind the QĐ 766 indicators and Circular 01/2018 indices that
// the aggregates do not hold (issue 15 item 8).

// CatalogCompleteness tells, per procedure code, whether it is published
// complete (dossier.CatalogComplete).
func (db *DB) CatalogCompleteness(ctx context.Context) (map[string]bool, error) {
	rows, err := db.reader().QueryContext(ctx, `SELECT `+procedureCols+` FROM procedures`)
	if err != nil {
		return nil, fmt.Errorf("store: catalog completeness: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		p, err := scanProcedure(rows)
		if err != nil {
			return nil, err
		}
		out[p.Code] = dossier.CatalogComplete(&p)
	}
	return out, rows.Err()
}

// OnlineProceduresUsed returns the procedures that received at least one
// online dossier submitted in [from, to) within f (indicator 3.2).
func (db *DB) OnlineProceduresUsed(ctx context.Context, from, to time.Time, f AggFilter) (map[string]bool, error) {
	where, args := onlineSubmitted(from, to, f)
	rows, err := db.reader().QueryContext(ctx, `SELECT DISTINCT d.procedure_code FROM dossiers d JOIN procedures p ON p.code = d.procedure_code
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: online procedures: %w", err)
	}
	return scanSet(rows)
}

// WarehouseLinked counts the dossiers received in [from, to) within f that
// took a component from the results warehouse or put their result in it
// (indicator 4.4).
func (db *DB) WarehouseLinked(ctx context.Context, from, to time.Time, f AggFilter) (int64, error) {
	var args sqlArgs
	arg := args.add
	where := append([]string{"d.received_at >= " + arg(ms(from)), "d.received_at < " + arg(ms(to))}, f.dossierWhere(arg)...)
	var n int64
	err := db.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d JOIN procedures p ON p.code = d.procedure_code
		WHERE `+strings.Join(where, " AND ")+` AND (EXISTS (SELECT 1 FROM dossier_components c WHERE c.dossier_id = d.id AND c.reused_from <> '')
		OR EXISTS (SELECT 1 FROM results r WHERE r.dossier_id = d.id AND r.pdf_blob_id <> ''))`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: warehouse linked: %w", err)
	}
	return n, nil
}

// Feedback is a rating "chưa hài lòng": a feedback the center answers.
type Feedback struct {
	RatingID    int64      `json:"rating_id"`
	DossierCode string     `json:"dossier_code"`
	Agency      string     `json:"agency_code"`
	Center      string     `json:"center_code"`
	Comment     string     `json:"comment"`
	At          time.Time  `json:"at"`
	Answer      string     `json:"answer,omitempty"`
	Category    string     `json:"category,omitempty"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
}

// FeedbackIn lists the feedback received in [from, to) within f.
func (db *DB) FeedbackIn(ctx context.Context, from, to time.Time, f AggFilter) ([]Feedback, error) {
	if !db.tableExists(ctx, "ratings") {
		return nil, nil
	}
	var args sqlArgs
	arg := args.add
	where := append([]string{"r.level = 'unsatisfied'", "r.created_at >= " + arg(ms(from)), "r.created_at < " + arg(ms(to))}, f.dossierWhere(arg)...)
	rows, err := db.reader().QueryContext(ctx, `SELECT r.id, r.dossier_code, r.agency_code, r.center_code, r.comment, r.created_at, r.answer, r.category,
		r.answered_at FROM ratings r JOIN dossiers d ON d.id = r.dossier_id JOIN procedures p ON p.code = d.procedure_code
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: feedback: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (Feedback, error) {
		var fb Feedback
		var at int64
		var ans sql.NullInt64
		if err := rows.Scan(&fb.RatingID, &fb.DossierCode, &fb.Agency, &fb.Center, &fb.Comment, &at, &fb.Answer, &fb.Category, &ans); err != nil {
			return fb, err
		}
		fb.At, fb.AnsweredAt = fromMS(at), fromNull(ans)
		return fb, nil
	})
}

// RatingForAnswer returns the center, agency and level of rating id, and
// whether it was answered.
func (tx *Tx) RatingForAnswer(id int64) (center, agency, level string, answered bool, err error) {
	var at sql.NullInt64
	err = tx.queryRow(`SELECT center_code, agency_code, level, answered_at FROM ratings WHERE id = $1`, id).Scan(&center, &agency, &level, &at)
	if isNoRows(err) {
		return "", "", "", false, notFound("phản ánh")
	}
	return center, agency, level, at.Valid, err
}

// AnswerRating records the answer to feedback id. A feedback answered
// meanwhile (by a transaction that committed after RatingForAnswer read
// it) is ECONFLICT: the first answer stays.
func (tx *Tx) AnswerRating(id int64, answer, category string, by int64) error {
	res, err := tx.exec(`UPDATE ratings SET answer = $1, category = $2, answered_at = $3, answered_by = $4
		WHERE id = $5 AND answered_at IS NULL`, answer, category, ms(tx.now), by, id)
	if err != nil {
		return fmt.Errorf("store: answer rating: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dossier.Errorf(dossier.ECONFLICT, "Phản ánh đã được trả lời")
	}
	return nil
}

// HistoryOf returns the history of each dossier of ids, with the actor's
// user id (0 for imported events), for the officers' evaluation.
func (db *DB) HistoryOf(ctx context.Context, ids []int64) (map[int64][]ActorEntry, error) {
	out := map[int64][]ActorEntry{}
	err := eachRowIn(ids, func(ph string, a []any) (*sql.Rows, error) {
		rows, err := db.reader().QueryContext(ctx, `SELECT dossier_id, action, from_status, to_status, actor_id, actor, note, step_due_at, at
			FROM dossier_history WHERE dossier_id IN (`+ph+`) ORDER BY dossier_id, id`, a...)
		if err != nil {
			return nil, fmt.Errorf("store: history: %w", err)
		}
		return rows, nil
	}, func(rows rowScanner) error {
		var e ActorEntry
		var id, at int64
		var action, from, to string
		var due sql.NullInt64
		if err := rows.Scan(&id, &action, &from, &to, &e.ActorID, &e.Actor, &e.Note, &due, &at); err != nil {
			return err
		}
		e.Action, e.From, e.To, e.At, e.StepDueAt = dossier.Action(action), dossier.Status(from), dossier.Status(to), fromMS(at), fromNull(due)
		out[id] = append(out[id], e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ActorEntry is a history entry with its actor's user id.
type ActorEntry struct {
	dossier.HistoryEntry
	ActorID int64
}

// VerifiedOnline counts the dossiers submitted online in [from, to)
// within f, and those of them submitted by a session whose identity a
// provider verified (indicator 4.5).
func (db *DB) VerifiedOnline(ctx context.Context, from, to time.Time, f AggFilter) (verified, online int64, err error) {
	where, args := onlineSubmitted(from, to, f)
	err = db.reader().QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN d.applicant_identity_level > 0 THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE `+where, args...).Scan(&verified, &online)
	if err != nil {
		return 0, 0, fmt.Errorf("store: verified online: %w", err)
	}
	return verified, online, nil
}

// onlineSubmitted is the condition on dossiers d (joined to procedures p)
// submitted online in [from, to) within f, and its arguments.
func onlineSubmitted(from, to time.Time, f AggFilter) (string, []any) {
	var args sqlArgs
	arg := args.add
	where := append([]string{"d.channel = 'online'", "d.submitted_at >= " + arg(ms(from)), "d.submitted_at < " + arg(ms(to))}, f.dossierWhere(arg)...)
	return strings.Join(where, " AND "), args
}
