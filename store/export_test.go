package store

import (
	"fmt"
	"strings"
)

// BlobAccessQuery is blobAccessQuery's SQL, with literal arguments, for
// EXPLAIN QUERY PLAN in tests.
func BlobAccessQuery(scope Scope) string {
	q, args := blobAccessQuery("x", scope)
	for i := len(args); i >= 1; i-- {
		q = strings.ReplaceAll(q, fmt.Sprintf("$%d", i), fmt.Sprintf("'%v'", args[i-1]))
	}
	return q
}
