package store

import (
	"context"
	"database/sql"
	"fmt"
	"motcua/dossier"
	"strings"
	"time"
)

// Rating levels (contract §8).
const (
	RatingVerySatisfied = "very_satisfied"
	RatingSatisfied     = "satisfied"
	RatingUnsatisfied   = "unsatisfied"
)

// Rating is an applicant's satisfaction rating of a returned dossier. It is
// attached to the dossier, its agency and center, and the officers who
// acted on it.
type Rating struct {
	ID            int64          `json:"id"`
	DossierID     int64          `json:"-"`
	DossierCode   string         `json:"dossier_code"`
	ProcedureCode string         `json:"procedure_code"`
	AgencyCode    string         `json:"agency_code"`
	CenterCode    string         `json:"center_code"`
	Level         string         `json:"level"`
	Comment       string         `json:"comment,omitempty"`
	Criteria      map[string]any `json:"criteria,omitempty"`
	ScaleVersion  string         `json:"scale_version"`
	Channel       string         `json:"channel"`
	Officers      []string       `json:"officers,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
}

// InsertRating stores r with the officers of the dossier's history (every
// actor but the applicant's own account). A second rating of the same
// dossier is ECONFLICT.
func (tx *Tx) InsertRating(r *Rating, criteriaJSON string, applicantUser int64) error {
	r.CreatedAt = tx.now
	err := tx.tx.QueryRow(`INSERT INTO ratings (dossier_id, dossier_code, procedure_code, agency_code, center_code, level, comment,
		criteria, scale_version, channel, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		r.DossierID, r.DossierCode, r.ProcedureCode, r.AgencyCode, r.CenterCode, r.Level, r.Comment, criteriaJSON,
		r.ScaleVersion, r.Channel, ms(tx.now)).Scan(&r.ID)
	if isUnique(err) {
		return dossier.Errorf(dossier.ECONFLICT, "Hồ sơ này đã được đánh giá")
	}
	if err != nil {
		return fmt.Errorf("store: insert rating: %w", err)
	}
	if _, err := tx.tx.Exec(`INSERT INTO rating_daily (day, center_code, agency_code, procedure_code, level, n)
		VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (day, center_code, agency_code, procedure_code, level)
		DO UPDATE SET n = rating_daily.n + 1`, ratingDay(ms(tx.now)), r.CenterCode, r.AgencyCode, r.ProcedureCode, r.Level); err != nil {
		return fmt.Errorf("store: rating count: %w", err)
	}
	rows, err := tx.tx.Query(`SELECT actor_id, MIN(actor) FROM dossier_history WHERE dossier_id = $1 AND actor_id <> 0 AND actor_id <> $2
		GROUP BY actor_id ORDER BY actor_id`, r.DossierID, applicantUser)
	if err != nil {
		return fmt.Errorf("store: rating officers: %w", err)
	}
	type officer struct {
		id   int64
		name string
	}
	os, err := scanAll(rows, func(o *officer) []any { return []any{&o.id, &o.name} })
	if err != nil {
		return err
	}
	for _, o := range os { // the connection is free again (PostgreSQL)
		if _, err := tx.tx.Exec(`INSERT INTO rating_officers (rating_id, user_id, name) VALUES ($1, $2, $3)`, r.ID, o.id, o.name); err != nil {
			return fmt.Errorf("store: rating officer: %w", err)
		}
		r.Officers = append(r.Officers, o.name)
	}
	return nil
}

// RatingFilter selects ratings by creation time [From, To) and scope.
type RatingFilter struct {
	From, To time.Time // zero means unbounded
	Center   string
	Agency   string
	Agencies []string
	Officer  int64 // ratings of dossiers this officer acted on
}

// RatingTotals are ratings counted by level.
type RatingTotals struct {
	Ratings       int64 `json:"ratings"`
	VerySatisfied int64 `json:"very_satisfied"`
	Satisfied     int64 `json:"satisfied"`
	Unsatisfied   int64 `json:"unsatisfied"`
}

// SatisfactionRate is 100 × (very satisfied + satisfied) / ratings, rounded
// half-up to two decimals, 0 without ratings (contract §7).
func (c RatingTotals) SatisfactionRate() float64 {
	if c.Ratings == 0 {
		return 0
	}
	v := 100 * float64(c.VerySatisfied+c.Satisfied) / float64(c.Ratings)
	return float64(int64(v*100+0.5)) / 100
}

// RatingTotals counts the ratings given in a period, by level.
func (db *DB) RatingTotals(ctx context.Context, f RatingFilter) (RatingTotals, error) {
	var args sqlArgs
	arg := args.add
	var where []string
	if !f.From.IsZero() {
		where = append(where, "r.created_at >= "+arg(ms(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "r.created_at < "+arg(ms(f.To)))
	}
	where = whereCodes(where, arg, "r", f.Center, f.Agency, "")
	if len(f.Agencies) > 0 {
		where = append(where, "r.agency_code IN ("+list(arg, f.Agencies)+")")
	}
	if f.Officer != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM rating_officers o WHERE o.rating_id = r.id AND o.user_id = "+arg(f.Officer)+")")
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT r.level, COUNT(*) FROM ratings r`+whereSQL(where)+` GROUP BY r.level`, args...)
	if err != nil {
		return RatingTotals{}, fmt.Errorf("store: rating counts: %w", err)
	}
	defer rows.Close()
	var c RatingTotals
	for rows.Next() {
		var level string
		var n int64
		if err := rows.Scan(&level, &n); err != nil {
			return c, err
		}
		c.Ratings += n
		switch level {
		case RatingVerySatisfied:
			c.VerySatisfied = n
		case RatingSatisfied:
			c.Satisfied = n
		case RatingUnsatisfied:
			c.Unsatisfied = n
		}
	}
	return c, rows.Err()
}

// RatingOf returns whether the dossier has been rated, and its level.
func (db *DB) RatingOf(ctx context.Context, dossierID int64) (string, bool, error) {
	var level string
	err := db.sql.QueryRowContext(ctx, `SELECT level FROM ratings WHERE dossier_id = $1`, dossierID).Scan(&level)
	if isNoRows(err) {
		return "", false, nil
	}
	return level, err == nil, err
}

// tableExists reports whether a table exists (ratings belongs to another
// migration that may not be there yet).
func (db *DB) tableExists(ctx context.Context, name string) bool {
	var n int
	err := db.sql.QueryRowContext(ctx, db.dialect.tableExistsSQL(), name).Scan(&n)
	return err == nil && n > 0
}

// RatingCount is a number of ratings of one level for one scope key.
type RatingCount struct {
	Center    string
	Agency    string
	Procedure string
	Level     string // very_satisfied, satisfied, unsatisfied
	N         int64
}

// dayMS is a day in milliseconds; ratingZoneMS is the offset of
// Asia/Ho_Chi_Minh (UTC+7, no daylight saving time since 1975).
const dayMS, ratingZoneMS = 86400000, 7 * 3600 * 1000

// ratingDay is the civil day of the instant at (Unix milliseconds) in
// Asia/Ho_Chi_Minh, as days since 1970-01-01: the key of rating_daily.
func ratingDay(at int64) int64 { return (at + ratingZoneMS) / dayMS }

// ratingDailySQL counts the ratings per day and scope key (as migration
// 00025 does; RecountRatings).
var ratingDailySQL = fmt.Sprintf(`INSERT INTO rating_daily (day, center_code, agency_code, procedure_code, level, n)
	SELECT (created_at + %[1]d) / %[2]d, center_code, agency_code, procedure_code, level, COUNT(*)
	FROM ratings GROUP BY (created_at + %[1]d) / %[2]d, center_code, agency_code, procedure_code, level`, ratingZoneMS, dayMS)

// RecountRatings builds the daily counts of ratings again from the ratings
// (with the report aggregates: RecountAggregates). Like ClearAggregates,
// it keeps the ratings given meanwhile from writing their counts until it
// commits; they add theirs on top of it.
func (tx *Tx) RecountRatings() error {
	for _, q := range []string{tx.db.dialect.tableWriteLock("rating_daily"), `DELETE FROM rating_daily`, ratingDailySQL} {
		if q == "" {
			continue
		}
		if _, err := tx.tx.Exec(q); err != nil {
			return fmt.Errorf("store: recount ratings: %w", err)
		}
	}
	return nil
}

// RatingsBreakdown counts the ratings given in [from, to) per scope key and
// level. ok is false when the ratings table does not exist yet.
//
// A period of whole days (midnights in Asia/Ho_Chi_Minh, as every report
// has) is summed from the daily counts, rating_daily (migration 00025):
// a few dozen rows a day, however many ratings there are. Any other
// period reads the ratings, in one pass over the covering index
// ratings_scope in GROUP BY order (migration 00019), created_at's own
// index kept out of the choice.
func (db *DB) RatingsBreakdown(ctx context.Context, from, to time.Time) (out []RatingCount, ok bool, err error) {
	if !db.tableExists(ctx, "ratings") {
		return nil, false, nil
	}
	lo, hi := ms(from), ms(to)
	var rows *sql.Rows
	if (lo+ratingZoneMS)%dayMS == 0 && (hi+ratingZoneMS)%dayMS == 0 {
		rows, err = db.sql.QueryContext(ctx, `SELECT center_code, agency_code, procedure_code, level, SUM(n)
			FROM rating_daily WHERE day >= $1 AND day < $2
			GROUP BY center_code, agency_code, procedure_code, level`, ratingDay(lo), ratingDay(hi))
	} else {
		at := db.dialect.unindexed("r.created_at")
		rows, err = db.sql.QueryContext(ctx, `SELECT r.center_code, r.agency_code, r.procedure_code, r.level, COUNT(*)
			FROM ratings r WHERE `+at+` >= $1 AND `+at+` < $2
			GROUP BY r.center_code, r.agency_code, r.procedure_code, r.level`, lo, hi)
	}
	if err != nil {
		return nil, true, fmt.Errorf("store: ratings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r RatingCount
		if err := rows.Scan(&r.Center, &r.Agency, &r.Procedure, &r.Level, &r.N); err != nil {
			return nil, true, err
		}
		out = append(out, r)
	}
	return out, true, rows.Err()
}

// RatingsByPeriods counts the ratings given in each period [bounds[i],
// bounds[i+1]) per scope key and level, in one pass: out[i] is what
// RatingsBreakdown(bounds[i], bounds[i+1]) answers (the rows in another
// order). bounds must increase. ok is false when the ratings table does
// not exist yet.
//
// When every bound is a midnight in Asia/Ho_Chi_Minh (the months of a
// report), it sums rating_daily; otherwise it reads the ratings. Either
// way the period of a row is picked by a CASE over the bounds.
func (db *DB) RatingsByPeriods(ctx context.Context, bounds []time.Time) (out [][]RatingCount, ok bool, err error) {
	if len(bounds) < 2 {
		return nil, true, nil
	}
	if !db.tableExists(ctx, "ratings") {
		return nil, false, nil
	}
	keys, days := make([]int64, len(bounds)), true
	for i, b := range bounds {
		keys[i] = ms(b)
		days = days && (keys[i]+ratingZoneMS)%dayMS == 0
	}
	col, count, from := db.dialect.unindexed("r.created_at"), "COUNT(*)", "ratings r"
	if days {
		for i := range keys {
			keys[i] = ratingDay(keys[i])
		}
		col, count, from = "r.day", "SUM(r.n)", "rating_daily r"
	}
	var args sqlArgs
	ph := make([]string, len(keys)) // the bounds' placeholders
	for i, k := range keys {
		ph[i] = args.add(k)
	}
	period := "0" // the index of a row's period
	if len(keys) > 2 {
		var b strings.Builder
		b.WriteString("CASE")
		for i := 1; i < len(keys)-1; i++ {
			fmt.Fprintf(&b, " WHEN %s < %s THEN %d", col, ph[i], i-1)
		}
		fmt.Fprintf(&b, " ELSE %d END", len(keys)-2)
		period = b.String()
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+period+`, r.center_code, r.agency_code, r.procedure_code, r.level, `+count+`
		FROM `+from+` WHERE `+col+` >= `+ph[0]+` AND `+col+` < `+ph[len(ph)-1]+`
		GROUP BY 1, r.center_code, r.agency_code, r.procedure_code, r.level`, args...)
	if err != nil {
		return nil, true, fmt.Errorf("store: ratings by period: %w", err)
	}
	defer rows.Close()
	out = make([][]RatingCount, len(keys)-1)
	for rows.Next() {
		var i int
		var r RatingCount
		if err := rows.Scan(&i, &r.Center, &r.Agency, &r.Procedure, &r.Level, &r.N); err != nil {
			return nil, true, err
		}
		out[i] = append(out[i], r)
	}
	return out, true, rows.Err()
}

// UnsatisfiedDossiers returns the ids of dossiers rated "unsatisfied" (a
// complaint for the Circular 01/2018 index 7), or nil without ratings.
func (db *DB) UnsatisfiedDossiers(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 || !db.tableExists(ctx, "ratings") {
		return map[int64]bool{}, nil
	}
	return scanKeySet(ids, func(ph string, args []any) (*sql.Rows, error) {
		rows, err := db.sql.QueryContext(ctx, `SELECT dossier_id FROM ratings WHERE level = 'unsatisfied' AND dossier_id IN (`+ph+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: unsatisfied: %w", err)
		}
		return rows, nil
	})
}
