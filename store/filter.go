package store

import (
	"strings"
)

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
