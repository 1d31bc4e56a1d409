package xlsx_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"motcua/dossier"
	"motcua/workflow"
	"motcua/xlsx"
)

var _ workflow.SheetReader = xlsx.Reader{}

func TestReadRows(t *testing.T) {
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
	got, err := xlsx.Reader{}.ReadRows(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// excelize drops trailing empty cells.
	want[1] = want[1][:3]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadRows = %q; want %q", got, want)
	}
}

func TestReadRowsNotAWorkbook(t *testing.T) {
	_, err := xlsx.Reader{}.ReadRows(strings.NewReader("code,name\n"))
	if dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("ReadRows(CSV text) error = %v; want EINVALID", err)
	}
}
