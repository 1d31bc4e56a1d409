package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/benchtest"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
	"motcua/xlsx"

	"github.com/xuri/excelize/v2"
)

// catalogCSV returns an agencies file and a procedures file with n
// procedures spread over 20 agencies.
func catalogCSV(n int) (agencies, procedures []byte) {
	var a, p bytes.Buffer
	a.WriteString("code,name,level,parent_code\nBN,Ủy ban nhân dân tỉnh Bắc Ninh,province,\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&a, "BN.S%02d,Sở số %d tỉnh Bắc Ninh,province,BN\n", i, i)
	}
	p.WriteString("code,name,agency_code,level,field,processing_days,processing_hours,five_on_spot,online_level,fee,result_type_code,components\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&p, "1.%06d,Thủ tục cấp giấy phép số %d,BN.S%02d,province,Lĩnh vực %d,%d,,%d,partial,%d,GP,\"DON=Đơn đề nghị*;BANSAO=Bản sao giấy tờ*;KHAC=Giấy tờ khác\"\n",
			i, i, i%20, i%7, 1+i%15, i%2, 1000*(i%50))
	}
	return a.Bytes(), p.Bytes()
}

func newCatalogService(tb testing.TB, e store.Engine) *workflow.Service {
	svc, _ := newCatalogServiceDB(tb, e)
	return svc
}

// eachCatalogService runs f as a subtest once per engine (storetest.Each),
// each time with a fresh service over an empty catalog (newCatalogService).
func eachCatalogService(t *testing.T, f func(t *testing.T, svc *workflow.Service)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newCatalogService(t, e)) })
}

// importCatalog imports the CSV file data of kind (agencies or
// procedures) into svc, failing tb on error.
func importCatalog(tb testing.TB, svc *workflow.Service, kind string, data []byte) {
	tb.Helper()
	if _, err := svc.Import(context.Background(), nil, kind, kind+".csv", bytes.NewReader(data), workflow.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
}

// newCatalogServiceDB is newCatalogService with the store it runs on.
func newCatalogServiceDB(tb testing.TB, e store.Engine) (*workflow.Service, *store.DB) {
	db, svc := stacktest.Service(tb, e, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
	return svc, db
}

func TestImportAllOrNothingAndUpdates(t *testing.T) {
	eachCatalogService(t, func(t *testing.T, svc *workflow.Service) {
		ctx := context.Background()
		ag, pr := catalogCSV(10)
		importCatalog(t, svc, "agencies", ag)
		res, err := svc.Import(ctx, nil, "procedures", "p.csv", bytes.NewReader(pr), workflow.ImportOptions{})
		if err != nil || res.Created != 10 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		// Update by code, never duplicate.
		upd := strings.Replace(string(pr), "Thủ tục cấp giấy phép số 3,", "Thủ tục đã đổi tên,", 1)
		res, err = svc.Import(ctx, nil, "procedures", "p.csv", strings.NewReader(upd), workflow.ImportOptions{})
		if err != nil || res.Updated != 10 || res.Created != 0 {
			t.Fatalf("re-import = %+v, %v", res, err)
		}
		p, err := svc.Procedure(ctx, "1.000003")
		if err != nil || p.Name != "Thủ tục đã đổi tên" {
			t.Errorf("updated procedure = %+v, %v", p, err)
		}
		// One bad row among good ones: nothing written, each error named.
		bad := string(pr) + "9.1,,BN.S01,province,x,abc,,2,galaxy,-5,GP,\n"
		_, err = svc.Import(ctx, nil, "procedures", "p.csv", strings.NewReader(strings.Replace(bad, "1.000000,", "9.000000,", 1)), workflow.ImportOptions{})
		fields := map[string]bool{}
		for _, f := range errFields(err) {
			if f.Line != 12 {
				t.Errorf("error on line %d; want 12: %+v", f.Line, f)
			}
			fields[f.Field] = true
		}
		for _, want := range []string{"name", "processing_days", "five_on_spot", "online_level", "fee"} {
			if !fields[want] {
				t.Errorf("bad row: no error for %s (%v)", want, err)
			}
		}
		if _, err := svc.Procedure(ctx, "9.000000"); err == nil {
			t.Errorf("a failed import wrote a row")
		}
		// XLSX goes through the SheetReader port; without one it is
		// refused as unsupported, with one a broken workbook is invalid.
		if _, err := svc.Import(ctx, nil, "procedures", "p.xlsx", strings.NewReader("not a zip"), workflow.ImportOptions{}); dossier.ErrorCode(err) != dossier.EUNSUPPORTED {
			t.Errorf("xlsx without a reader: %v; want EUNSUPPORTED", err)
		}
	})
}

// BenchmarkImportProcedures2000 imports 2,000 procedures (all-or-nothing,
// one transaction) on each engine.
func BenchmarkImportProcedures2000(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			svc := newCatalogService(b, e)
			ag, pr := catalogCSV(2000)
			importCatalog(b, svc, "agencies", ag)
			for b.Loop() {
				importCatalog(b, svc, "procedures", pr)
			}
		})
	}
}

// BenchmarkProcedureList measures GET /api/v1/procedures' query (first
// page and a filtered, searched page) with 2,000 procedures; p99 reported.
func BenchmarkProcedureList(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			svc := newCatalogService(b, e)
			ag, pr := catalogCSV(2000)
			importCatalog(b, svc, "agencies", ag)
			importCatalog(b, svc, "procedures", pr)
			yes := true
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				f := store.ProcedureFilter{}
				if i%2 == 1 {
					f = store.ProcedureFilter{Agency: "BN.S07", FiveOnSpot: &yes, Query: "giay phep"}
				}
				t0 := clocktest.Now()
				ps, _, err := svc.Procedures(ctx, f)
				if err != nil || len(ps) == 0 {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			benchtest.ReportPercentiles(b, lat, "", "p99_ms")
		})
	}
}

// TestImportXLSX imports agencies from a workbook through the SheetReader
// port (package xlsx), as cmd/motcua wires it.
func TestImportXLSX(t *testing.T) {
	ctx := context.Background()
	_, svc := stacktest.Service(t, store.SQLite, workflow.Ports{Sheets: xlsx.Reader{}}, workflow.Config{Now: clocktest.Now})
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	for i, row := range [][]any{{"code", "name", "level", "parent_code"}, {"BN", "Ủy ban nhân dân tỉnh Bắc Ninh", "province", ""},
		{"BN.SXD", "Sở Xây dựng", "province", "BN"}} {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Import(ctx, nil, "agencies", "co-quan.xlsx", &buf, workflow.ImportOptions{})
	if err != nil || res.Rows != 2 || res.Created != 2 {
		t.Fatalf("Import(co-quan.xlsx) = %+v, %v; want 2 rows created", res, err)
	}
	if _, err := svc.Import(ctx, nil, "agencies", "x.xlsx", strings.NewReader("not a zip"), workflow.ImportOptions{}); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("Import(broken xlsx) = %v; want EINVALID", err)
	}
}
