package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/workflow"
	"motcua/xlsx"
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

// FuzzParseCatalog: a catalog file (CSV, or XLSX through the xlsx port)
// either parses or is refused with a client error (400, 413, 415) and at
// most 200 listed field errors; never a panic or an internal error.
func FuzzParseCatalog(f *testing.F) {
	ag, pr := catalogCSV(3)
	f.Add(ag, false, false)
	f.Add(pr, true, false)
	f.Add([]byte("code,name,level,parent_code\n\"unterminated,x\n"), false, false)
	f.Add(testfile.XLSX([][]string{{"code", "name", "level", "parent_code"}, {"BN", "Bắc Ninh", "province", ""}}), false, true)
	f.Add([]byte("PK\x03\x04garbage"), true, true)
	_, svc := stacktest.Service(f, store.SQLite, workflow.Ports{Sheets: xlsx.Reader{}}, workflow.Config{Now: clocktest.Now})
	f.Fuzz(func(t *testing.T, data []byte, procedures, asXLSX bool) {
		name := "f.csv"
		if asXLSX {
			name = "f.xlsx"
		}
		var err error
		if procedures {
			_, err = svc.ParseProcedures(name, bytes.NewReader(data))
		} else {
			_, err = svc.ParseAgencies(name, bytes.NewReader(data))
		}
		if err == nil {
			return
		}
		switch dossier.ErrorCode(err) {
		case dossier.EINVALID, dossier.ETOOLARGE, dossier.EUNSUPPORTED:
		default:
			t.Fatalf("Parse(%s, %q) = %v; want a client error", name, data, err)
		}
		if n := len(dossier.ErrorFields(err)); n > 200 {
			t.Errorf("%d field errors listed", n)
		}
	})
}
