// Package xlsx reads uploaded Excel workbooks for workflow's imports
// (workflow.SheetReader). Writing the report spreadsheets is the web
// layer's job (web/reports_xlsx.go): a report rendered as XLSX is a view of
// a use case's result, like its HTML page.
package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"

	"motcua/dossier"
)

// Reader reads workbooks with excelize.
type Reader struct{}

// ReadRows returns the cells of the workbook's first sheet as text, row by
// row. A file that is not a workbook is EINVALID.
func (Reader) ReadRows(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, dossier.Invalid("Tệp XLSX không đọc được: " + err.Error())
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return nil, dossier.Invalid("Tệp XLSX không có bảng tính")
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		row, err := it.Columns()
		if err != nil {
			return nil, dossier.Invalid("Tệp XLSX lỗi: " + err.Error())
		}
		out = append(out, row)
	}
	return out, it.Error()
}
