package store

import (
	"fmt"
	"strings"
)

// sqlArgs are a statement's arguments, numbered in the order they are added.
type sqlArgs []any

// add appends v and returns its placeholder ($1, $2, …).
func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

func whereSQL(w []string) string {
	if len(w) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w, " AND ")
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func list(arg func(any) string, vs []string) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = arg(v)
	}
	return strings.Join(ph, ", ")
}

// whereCodes appends to where the conditions alias.center_code = center,
// alias.agency_code = agency and alias.procedure_code = procedure, each
// only when its code is set: the narrowing every listing and report offers.
func whereCodes(where []string, arg func(any) string, alias, center, agency, procedure string) []string {
	for _, c := range [...]struct{ col, code string }{
		{"center_code", center}, {"agency_code", agency}, {"procedure_code", procedure},
	} {
		if c.code != "" {
			where = append(where, alias+"."+c.col+" = "+arg(c.code))
		}
	}
	return where
}
