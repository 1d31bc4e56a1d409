package store

import (
	"database/sql"
	"fmt"
	"strings"
)

// rowScanner is a row to scan: *sql.Row or *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// scanEach reads every row of rows with scan, and closes rows; it stops
// at the first error scan returns. No row gives a nil slice.
func scanEach[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	var out []T
	err := eachRow(rows, func(r rowScanner) error {
		v, err := scan(r)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow hands every row of rows to each, stopping at its first error,
// and closes rows.
func eachRow(rows *sql.Rows, each func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanAll reads every row of rows into a T, scanning into the
// destinations dest gives for it, and closes rows.
func scanAll[T any](rows *sql.Rows, dest func(*T) []any) ([]T, error) {
	return scanEach(rows, func(rows rowScanner) (T, error) {
		var v T
		err := rows.Scan(dest(&v)...)
		return v, err
	})
}

// scanColumn reads the one column of every row of rows, and closes rows.
func scanColumn[T any](rows *sql.Rows) ([]T, error) {
	return scanAll(rows, func(v *T) []any { return []any{v} })
}

// scanSet reads the one string column of every row of rows as a set, and
// closes rows.
func scanSet(rows *sql.Rows) (map[string]bool, error) {
	out := map[string]bool{}
	if err := eachRow(rows, addTo(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// addTo scans the one column of a row into the set out.
func addTo[K comparable](out map[K]bool) func(rowScanner) error {
	return func(r rowScanner) error {
		var k K
		if err := r.Scan(&k); err != nil {
			return err
		}
		out[k] = true
		return nil
	}
}

// orEmpty makes the nil slice of no rows an empty one (a JSON [] rather
// than null), keeping an error's nil.
func orEmpty[T any](out []T, err error) ([]T, error) {
	if out == nil && err == nil {
		return []T{}, nil
	}
	return out, err
}

// values turns a scan to *T into a scan to T.
func values[T any](scan func(rowScanner) (*T, error)) func(rowScanner) (T, error) {
	return func(s rowScanner) (T, error) {
		p, err := scan(s)
		if err != nil {
			var zero T
			return zero, err
		}
		return *p, nil
	}
}

// scanPage reads a page asked for with LIMIT limit+1: the first limit
// rows, and the cursor of the next page (cursor of the last row kept)
// when the extra row says there is one; it closes rows.
func scanPage[T any](rows *sql.Rows, limit int, scan func(rowScanner) (T, error), cursor func(T) string) ([]T, string, error) {
	out, err := scanEach(rows, scan)
	if err != nil {
		return nil, "", err
	}
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	return out, cursor(out[limit-1]), nil
}

// eachRowIn runs query for keys 500 at a time, with the chunk's
// placeholders ("$1,$2,…") and arguments, and hands every row it answers
// to each, in order.
func eachRowIn[K any](keys []K, query func(placeholders string, args []any) (*sql.Rows, error), each func(rowScanner) error) error {
	for len(keys) > 0 {
		n := min(len(keys), 500)
		ph := make([]string, n)
		args := make([]any, n)
		for i, k := range keys[:n] {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), k
		}
		rows, err := query(strings.Join(ph, ","), args)
		if err != nil {
			return err
		}
		if err := eachRow(rows, each); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// scanKeySet is eachRowIn collecting the one column of every row as a
// set.
func scanKeySet[K comparable](keys []K, query func(placeholders string, args []any) (*sql.Rows, error)) (map[K]bool, error) {
	out := map[K]bool{}
	if err := eachRowIn(keys, query, addTo(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// scanPairs reads rows of two string columns into m, the first column
// mapped to the second, and closes rows.
func scanPairs(rows *sql.Rows, m map[string]string) error {
	return eachRow(rows, func(r rowScanner) error {
		var k, v string
		if err := r.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
		return nil
	})
}
