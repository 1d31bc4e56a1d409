package store

import (
	"context"
	"database/sql"
	"fmt"
	"motcua/dossier"
	"motcua/vntext"
)

// UpsertAgency inserts a or updates the agency with the same code.
func (tx *Tx) UpsertAgency(a *dossier.Agency) error {
	a.Name = vntext.NFC(a.Name)
	_, err := tx.exec(`INSERT INTO agencies (code, name, name_fold, name_key, level, parent_code, identifier, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold,
		name_key = excluded.name_key, level = excluded.level, parent_code = excluded.parent_code,
		identifier = excluded.identifier, updated_at = excluded.updated_at`,
		a.Code, a.Name, vntext.Fold(a.Name), tx.db.sorter.Key(a.Name), string(a.Level), a.ParentCode, a.Identifier, ms(tx.now))
	if err != nil {
		return fmt.Errorf("store: upsert agency %s: %w", a.Code, err)
	}
	return nil
}

// AgencyFilter selects agencies.
type AgencyFilter struct {
	Level  string
	Parent string
	Query  string // diacritic-insensitive
	Cursor string // code of the last item of the previous page
	Limit  int
}

const agencyCols = `code, name, level, parent_code, identifier`

func scanAgency(s interface{ Scan(...any) error }) (dossier.Agency, error) {
	var a dossier.Agency
	var level string
	err := s.Scan(&a.Code, &a.Name, &level, &a.ParentCode, &a.Identifier)
	a.Level = dossier.Level(level)
	return a, err
}

// Agencies lists agencies ordered by code, one page at a time.
func (db *DB) Agencies(ctx context.Context, f AgencyFilter) ([]dossier.Agency, string, error) {
	var where []string
	var args sqlArgs
	arg := args.add
	if f.Level != "" {
		where = append(where, "level = "+arg(f.Level))
	}
	if f.Parent != "" {
		where = append(where, "parent_code = "+arg(f.Parent))
	}
	if f.Query != "" {
		where = append(where, "name_fold LIKE "+arg("%"+likeEscape(vntext.Fold(f.Query))+"%")+` ESCAPE '\'`)
	}
	if f.Cursor != "" {
		where = append(where, "code > "+arg(f.Cursor))
	}
	limit := clampLimit(f.Limit)
	q := `SELECT ` + agencyCols + ` FROM agencies` + whereSQL(where) + ` ORDER BY code LIMIT ` + arg(limit+1)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: agencies: %w", err)
	}
	return scanPage(rows, limit, scanAgency, func(a dossier.Agency) string { return a.Code })
}

// Agency returns the agency with the given code.
func (db *DB) Agency(ctx context.Context, code string) (*dossier.Agency, error) {
	a, err := scanAgency(db.queryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE code = $1`, code))
	if isNoRows(err) {
		return nil, notFound("cơ quan " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: agency: %w", err)
	}
	return &a, nil
}

// AgencyCodes returns the set of all agency codes.
func (tx *Tx) AgencyCodes() (map[string]dossier.Level, error) {
	rows, err := tx.query(`SELECT code, level FROM agencies`)
	if err != nil {
		return nil, fmt.Errorf("store: agency codes: %w", err)
	}
	defer rows.Close()
	out := map[string]dossier.Level{}
	for rows.Next() {
		var c, l string
		if err := rows.Scan(&c, &l); err != nil {
			return nil, err
		}
		out[c] = dossier.Level(l)
	}
	return out, rows.Err()
}

// Agency returns the agency with the given code inside tx.
func (tx *Tx) Agency(code string) (*dossier.Agency, error) {
	a, err := scanAgency(tx.queryRow(`SELECT `+agencyCols+` FROM agencies WHERE code = $1`, code))
	if isNoRows(err) {
		return nil, notFound("cơ quan " + code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: agency: %w", err)
	}
	return &a, nil
}

// agencyChainQuery reads an agency and its superiors, nearest first, in
// one statement (a document's heading names them: three point reads were
// made per heading). Depth is bounded, so a cycle in the catalog ends.
const agencyChainQuery = `WITH RECURSIVE up (code, name, level, parent_code, identifier, depth) AS (
		SELECT ` + agencyCols + `, 0 FROM agencies WHERE code = $1
		UNION ALL
		SELECT a.code, a.name, a.level, a.parent_code, a.identifier, up.depth + 1
		FROM agencies a JOIN up ON a.code = up.parent_code WHERE up.depth < 8)
	SELECT ` + agencyCols + ` FROM up ORDER BY depth`

// AgencyChain returns the agency code and then its superiors, nearest
// first, at most eight above it; ENOTFOUND when code is not an agency.
func (db *DB) AgencyChain(ctx context.Context, code string) ([]dossier.Agency, error) {
	return agencyChain(code)(db.queryContext(ctx, agencyChainQuery, code))
}

// AgencyChain is DB.AgencyChain inside tx.
func (tx *Tx) AgencyChain(code string) ([]dossier.Agency, error) {
	return agencyChain(code)(tx.query(agencyChainQuery, code))
}

func agencyChain(code string) func(*sql.Rows, error) ([]dossier.Agency, error) {
	return func(rows *sql.Rows, err error) ([]dossier.Agency, error) {
		if err != nil {
			return nil, fmt.Errorf("store: agency chain: %w", err)
		}
		out, err := scanEach(rows, func(rows rowScanner) (dossier.Agency, error) { return scanAgency(rows) })
		if err != nil {
			return nil, fmt.Errorf("store: agency chain: %w", err)
		}
		if len(out) == 0 {
			return nil, notFound("cơ quan " + code)
		}
		return out, nil
	}
}
