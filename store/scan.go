package store

import "database/sql"

// scanAll reads every row of rows into a T, scanning into the
// destinations dest gives for it, and closes rows.
func scanAll[T any](rows *sql.Rows, dest func(*T) []any) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(dest(&v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanColumn reads the one column of every row of rows, and closes rows.
func scanColumn[T any](rows *sql.Rows) ([]T, error) {
	return scanAll(rows, func(v *T) []any { return []any{v} })
}

// scanSet reads the one string column of every row of rows as a set, and
// closes rows.
func scanSet(rows *sql.Rows) (map[string]bool, error) {
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}
