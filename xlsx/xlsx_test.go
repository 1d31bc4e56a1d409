package xlsx_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/workflow"
	"motcua/xlsx"
)

var _ workflow.SheetReader = xlsx.Reader{}

func TestEachRow(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	want := [][]string{{"code", "name", "level", "parent_code"}, {"BN", "Ủy ban nhân dân tỉnh Bắc Ninh", "province", ""}}
	for i, row := range want {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	err := xlsx.Reader{}.EachRow(&buf, func(row []string) error { got = append(got, row); return nil })
	if err != nil {
		t.Fatal(err)
	}
	// excelize drops trailing empty cells.
	want[1] = want[1][:3]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EachRow = %q; want %q", got, want)
	}
}

func TestEachRowNotAWorkbook(t *testing.T) {
	err := xlsx.Reader{}.EachRow(strings.NewReader("code,name\n"), func([]string) error { return nil })
	if dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("EachRow(CSV text) error = %v; want EINVALID", err)
	}
}

// TestEachRowBoundsInflation: a zip bomb (a sheet inflating to 200 MB
// from a few hundred KB) is refused with a clear message, and a
// hand-zipped workbook within bounds is read.
func TestEachRowBoundsInflation(t *testing.T) {
	bomb := testfile.XLSXBomb(200 << 20)
	err := xlsx.Reader{}.EachRow(bytes.NewReader(bomb), func([]string) error { return nil })
	if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(dossier.ErrorMessage(err), "quá lớn") {
		t.Errorf("EachRow(%d KB bomb) = %v; want EINVALID, too large", len(bomb)>>10, err)
	}
	var rows [][]string
	small := testfile.XLSX([][]string{{"code", "name"}, {"BN", "Bắc Ninh"}})
	if err := (xlsx.Reader{}).EachRow(bytes.NewReader(small), func(r []string) error { rows = append(rows, r); return nil }); err != nil ||
		len(rows) != 2 || rows[1][1] != "Bắc Ninh" {
		t.Errorf("EachRow(small) = %q, %v", rows, err)
	}
	// fn's error stops the reading and comes back unchanged.
	stop := dossier.Errorf(dossier.ETOOLARGE, "stop")
	if err := (xlsx.Reader{}).EachRow(bytes.NewReader(small), func([]string) error { return stop }); err != stop {
		t.Errorf("EachRow with a stopping fn = %v", err)
	}
}

// FuzzEachRow: any bytes are a workbook whose rows come out as text, or a
// client error (EINVALID); never a panic, never more than the bounded
// inflation.
func FuzzEachRow(f *testing.F) {
	f.Add(testfile.XLSX([][]string{{"code", "name"}, {"BN", "Bắc Ninh"}}))
	f.Add(testfile.XLSX([][]string{{"a"}, {}, {"b", "", "c"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("code,name\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cells := 0
		err := xlsx.Reader{}.EachRow(bytes.NewReader(b), func(row []string) error {
			cells += len(row)
			if cells > 1_000_000 {
				return dossier.Errorf(dossier.ETOOLARGE, "too many cells")
			}
			return nil
		})
		if err != nil && dossier.ErrorCode(err) != dossier.EINVALID && dossier.ErrorCode(err) != dossier.ETOOLARGE {
			t.Fatalf("EachRow(%q) = %v; want EINVALID", b, err)
		}
	})
}
