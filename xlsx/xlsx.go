// Package xlsx reads uploaded Excel workbooks for workflow's imports
// (workflow.SheetReader). Writing the report spreadsheets is the web
// layer's job (web/reports_xlsx.go): a report rendered as XLSX is a view of
// a use case's result, like its HTML page.
package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"motcua/dossier"
)

// Limits of a workbook (issue 16, item 6: a 572 KB zip bomb inflated to
// 3.9 GB). excelize refuses a workbook whose parts add up to more than
// MaxUnzipped (archive/zip refuses a part that inflates past its declared
// size), and reads a worksheet larger than MaxSheetInMemory from a
// temporary file instead of memory.
const (
	MaxUnzipped      = 64 << 20
	MaxSheetInMemory = 4 << 20
)

// Reader reads workbooks with excelize.
type Reader struct{}

// EachRow passes the cells of the workbook's first sheet as text, row by
// row, to fn; an error from fn stops it and is returned. A file that is
// not a workbook, or inflates past MaxUnzipped, is EINVALID.
func (Reader) EachRow(r io.Reader, fn func(row []string) error) error {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxSheetInMemory})
	if err != nil {
		if dossier.ErrorCode(err) != dossier.EINTERNAL {
			return err // the reader's own limit (web: request too large)
		}
		if strings.Contains(err.Error(), "unzip size") {
			return dossier.Invalid(fmt.Sprintf("Tệp XLSX giải nén ra quá lớn (trên %d MB); hãy chia tệp hoặc dùng CSV", MaxUnzipped>>20))
		}
		return dossier.Invalid("Tệp XLSX không đọc được: " + short(err))
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return dossier.Invalid("Tệp XLSX không có bảng tính")
	}
	defer it.Close()
	for it.Next() {
		row, err := it.Columns()
		if err != nil {
			return dossier.Invalid("Tệp XLSX lỗi: " + short(err))
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return dossier.Invalid("Tệp XLSX lỗi: " + short(err))
	}
	return nil
}

// short is an error's text cut to a line (a parser's message may quote
// the file).
func short(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
