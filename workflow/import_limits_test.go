package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/workflow"
)

// TestImportLimits: a file past the row or cell limit is refused with
// ETOOLARGE before it is held whole; a file full of bad rows lists only
// the first errors, and says how many there were (issue 16, item 6).
func TestImportLimits(t *testing.T) {
	ctx := context.Background()
	svc := newCatalogService(t, store.SQLite)
	for name, file := range map[string][]byte{
		"cells": testfile.CSVBomb(8 << 20),
		"rows":  []byte("code,name,level,parent_code\n" + strings.Repeat("X,Y,province,\n", workflow.MaxImportRows)),
	} {
		_, err := svc.Import(ctx, nil, "agencies", "a.csv", bytes.NewReader(file), workflow.ImportOptions{})
		if dossier.ErrorCode(err) != dossier.ETOOLARGE {
			t.Errorf("%s bomb: %v; want ETOOLARGE", name, err)
		}
	}
	var b strings.Builder
	b.WriteString("code,name,level,parent_code\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "BAD%d,,planet,\n", i)
	}
	_, err := svc.Import(ctx, nil, "agencies", "a.csv", strings.NewReader(b.String()), workflow.ImportOptions{})
	if fs := dossier.ErrorFields(err); dossier.ErrorCode(err) != dossier.EINVALID || len(fs) != 200 ||
		!strings.Contains(dossier.ErrorMessage(err), "liệt kê 200 lỗi đầu tiên") {
		t.Errorf("1000 bad rows: %d errors listed, %q", len(fs), dossier.ErrorMessage(err))
	}
}
