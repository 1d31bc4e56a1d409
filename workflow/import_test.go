package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
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

func TestParseForms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []dossier.FormDownload
		bad  bool
	}{
		{"", nil, false},
		{" ; ", nil, false},
		{"Tờ khai=https://x.gov.vn/tk.docx", []dossier.FormDownload{{Name: "Tờ khai", URL: "https://x.gov.vn/tk.docx"}}, false},
		{"A=/static/a.pdf; B = https://x.gov.vn/d?id=7&k=v",
			[]dossier.FormDownload{{Name: "A", URL: "/static/a.pdf"}, {Name: "B", URL: "https://x.gov.vn/d?id=7&k=v"}}, false},
		{"Mẫu 1=2 (bản A)=https://x.gov.vn/a", []dossier.FormDownload{{Name: "Mẫu 1=2 (bản A)", URL: "https://x.gov.vn/a"}}, false},
		{"Tờ khai", nil, true},
		{"Tờ khai=javascript:alert(1)", nil, true},
		{"=https://x.gov.vn/a", nil, true},
		{"Tờ khai=//evil.example/a", nil, true},
	} {
		got, err := workflow.ParseForms(c.in)
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseForms(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.bad)
		}
	}
}

// TestImportLegalBasisAndForms: the optional columns legal_basis and forms
// are read, stored and read back on both engines; a file without them
// still imports (contract §6 stays backward compatible); a bad form
// address is refused with its line and field.
func TestImportLegalBasisAndForms(t *testing.T) {
	ctx := context.Background()
	eachCatalogService(t, func(t *testing.T, svc *workflow.Service) {
		if _, err := svc.Import(ctx, nil, "agencies", "a.csv", strings.NewReader("code,name,level,parent_code\nBN.SKHDT,Sở A,province,\n"), workflow.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		head := "code,name,agency_code,level,field,processing_days,processing_hours,five_on_spot,online_level,fee,result_type_code,components"
		old := head + "\nP.OLD,Thủ tục cũ,BN.SKHDT,province,F,3,,0,none,0,KQ,TK=Tờ khai (theo mẫu)*\n"
		if _, err := svc.Import(ctx, nil, "procedures", "p.csv", strings.NewReader(old), workflow.ImportOptions{}); err != nil {
			t.Fatalf("import without the new columns: %v", err)
		}
		file := head + ",legal_basis,forms\n" +
			`P.NEW,Thủ tục mới,BN.SKHDT,province,F,3,,0,none,0,KQ,TK=Tờ khai (theo mẫu)*,"Luật A số 1/2020/QH14; Nghị định B","Tờ khai=https://x.gov.vn/tk.docx"` + "\n"
		if _, err := svc.Import(ctx, nil, "procedures", "p.csv", strings.NewReader(file), workflow.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Procedure(ctx, "P.NEW")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Luật A số 1/2020/QH14", "Nghị định B"}; !reflect.DeepEqual(p.LegalBasis, want) {
			t.Errorf("legal basis = %q; want %q", p.LegalBasis, want)
		}
		if want := []dossier.FormDownload{{Name: "Tờ khai", URL: "https://x.gov.vn/tk.docx"}}; !reflect.DeepEqual(p.Forms, want) {
			t.Errorf("forms = %v; want %v", p.Forms, want)
		}
		if p, _ := svc.Procedure(ctx, "P.OLD"); p == nil || len(p.LegalBasis) != 0 || len(p.Forms) != 0 {
			t.Errorf("old-format procedure = %+v; want no legal basis, no forms", p)
		}
		bad := head + ",forms\nP.BAD,X,BN.SKHDT,province,F,3,,0,none,0,KQ,,Tờ khai=ftp://x\n"
		_, err = svc.Import(ctx, nil, "procedures", "p.csv", strings.NewReader(bad), workflow.ImportOptions{})
		fs := dossier.ErrorFields(err)
		if len(fs) != 1 || fs[0].Line != 2 || fs[0].Field != "forms" {
			t.Errorf("bad forms: %v %+v; want one error on line 2, field forms", err, fs)
		}
	})
}
