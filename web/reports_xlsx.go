package web

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxSheet is a one-sheet report: a title, a subtitle, a bold header row
// and rows streamed to excelize's StreamWriter, so that large exports stay
// cheap in memory.
type xlsxSheet struct {
	Title    string
	Sub      string
	Headers  []string
	Widths   []float64
	Rows     iter.Seq[[]any]
	DateCols map[int]bool // columns holding time.Time (naive local time)
}

func sliceRows(rows [][]any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}
}

// localTime converts t to a naive wall-clock time in loc (Excel has no
// time zones), or nil for the zero time.
func localTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// writeXLSXTo writes sh as an .xlsx workbook to w.
func writeXLSXTo(w io.Writer, sh xlsxSheet) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Báo cáo"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := &excelize.Font{Family: "Times New Roman", Size: 12}
	title, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 14, Bold: true}})
	if err != nil {
		return err
	}
	sub, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Italic: true}})
	if err != nil {
		return err
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	text, err := x.NewStyle(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	num, err := x.NewStyle(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	dateFmt := "dd/mm/yyyy hh:mm"
	date, err := x.NewStyle(&excelize.Style{Font: font, Border: border, CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range sh.Widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	headRow := 3
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: fmt.Sprintf("A%d", headRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: title, Value: sh.Title}}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: sub, Value: sh.Sub}}); err != nil {
		return err
	}
	hs := make([]any, len(sh.Headers))
	for i, h := range sh.Headers {
		hs[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A3", hs, excelize.RowOpts{Height: 36}); err != nil {
		return err
	}
	n := headRow
	cells := make([]any, len(sh.Headers))
	for row := range sh.Rows {
		n++
		cells = cells[:0]
		for j, v := range row {
			st := num
			switch v.(type) {
			case string:
				st = text
			case time.Time:
				st = date
			case nil:
				if sh.DateCols[j] {
					st = date
				}
			}
			cells = append(cells, excelize.Cell{StyleID: st, Value: v})
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := x.SetDocProps(&excelize.DocProperties{Title: sh.Title, Creator: "motcua"}); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}

// writeXLSX sends sh as an attachment named name.xlsx.
func (s *Server) writeXLSX(w http.ResponseWriter, r *http.Request, name string, sh xlsxSheet) {
	var buf bytes.Buffer
	if err := writeXLSXTo(&buf, sh); err != nil {
		s.fail(w, r, fmt.Errorf("web: xlsx: %w", err))
		return
	}
	sendFile(w, buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx")
}

func sendFile(w http.ResponseWriter, b []byte, ctype, filename string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}
