package workflow_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/workflow"
)

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
