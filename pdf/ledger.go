package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// LedgerEntry is one dossier in the ledger.
type LedgerEntry struct {
	DossierCode  string
	Procedure    string // tên TTHC
	Applicant    string // tên tổ chức, cá nhân
	Address      string
	Phone        string
	Agency       string // cơ quan chủ trì giải quyết
	ReceivedAt   time.Time
	DueAt        time.Time // hẹn trả kết quả
	ReturnedAt   time.Time // trả kết quả; zero while pending
	ResultMethod string    // phương thức nhận kết quả: "Trực tiếp", "Dịch vụ bưu chính công ích", "Trực tuyến"
	Note         string
}

// Ledger is the dossier ledger "Sổ theo dõi hồ sơ" (form 06 of TT01/2018,
// 07 of TT03/2025), printed on A4 landscape. Under TT03/2025 it has a "Ký
// nhận" column for the applicant's signature on return.
type Ledger struct {
	FormMeta
	Sector  string // lĩnh vực (one ledger per sector or group of sectors); optional
	Book    int    // quyển số
	Year    int
	Entries []LedgerEntry
}

// ledgerCol is one column of the ledger, for both the PDF and the XLSX.
type ledgerCol struct {
	column         // PDF title, width weight, alignment
	xlsxW  float64 // Excel column width (characters)
	// value is the cell of entry e (index i): a string, an int or a
	// time.Time (zero: empty).
	value func(i int, e LedgerEntry) any
}

// ledgerColumns are the columns of set sp (TT03/2025 adds "Ký nhận").
func ledgerColumns(sp setSpec) []ledgerCol {
	text := func(f func(e LedgerEntry) string) func(int, LedgerEntry) any {
		return func(_ int, e LedgerEntry) any { return f(e) }
	}
	at := func(f func(e LedgerEntry) time.Time) func(int, LedgerEntry) any {
		return func(_ int, e LedgerEntry) any { return f(e) }
	}
	cols := []ledgerCol{
		{column{Title: "STT", W: 3.2, Align: alignCenter}, 6, func(i int, _ LedgerEntry) any { return i + 1 }},
		{column{Title: "Mã hồ sơ", W: 12}, 28, text(func(e LedgerEntry) string { return e.DossierCode })},
		{column{Title: "Tên TTHC", W: 13.5}, 40, text(func(e LedgerEntry) string { return e.Procedure })},
		{column{Title: "Tên tổ chức, cá nhân", W: 10}, 28, text(func(e LedgerEntry) string { return e.Applicant })},
		{column{Title: "Địa chỉ/ SĐT", W: 10}, 32, text(addressPhone)},
		{column{Title: "Cơ quan chủ trì giải quyết", W: 8.5}, 22, text(func(e LedgerEntry) string { return e.Agency })},
		{column{Title: "Nhận hồ sơ", W: 7, Align: alignCenter}, 17, at(func(e LedgerEntry) time.Time { return e.ReceivedAt })},
		{column{Title: "Hẹn trả kết quả", W: 7, Align: alignCenter}, 17, at(func(e LedgerEntry) time.Time { return e.DueAt })},
		{column{Title: "Trả kết quả", W: 7, Align: alignCenter}, 17, at(func(e LedgerEntry) time.Time { return e.ReturnedAt })},
		{column{Title: "Phương thức nhận kết quả", W: 8, Align: alignCenter}, 20, text(func(e LedgerEntry) string { return e.ResultMethod })},
	}
	if sp.ledgerSign {
		cols = append(cols, ledgerCol{column{Title: "Ký nhận", W: 5.5}, 12, text(func(LedgerEntry) string { return "" })})
	}
	return append(cols, ledgerCol{column{Title: "Ghi chú", W: 7}, 20, text(func(e LedgerEntry) string { return e.Note })})
}

// addressPhone is the "Địa chỉ/SĐT" cell: address, then phone on a new line.
func addressPhone(e LedgerEntry) string {
	addr := strings.TrimSpace(e.Address)
	if p := strings.TrimSpace(e.Phone); p != "" {
		if addr != "" {
			addr += "\n"
		}
		addr += p
	}
	return addr
}

// RenderLedger writes the ledger (A4 landscape) to w. Rows break across
// pages, the column header is repeated and pages are numbered.
func (r *Renderer) RenderLedger(w io.Writer, l Ledger) error {
	m := margins{Top: 15 * ptPerMM, Right: 12 * ptPerMM, Bottom: 14 * ptPerMM, Left: 15 * ptPerMM}
	c, sp, err := r.startLedger(l, m)
	if err != nil {
		return err
	}
	lcols := ledgerColumns(sp)
	cols := make([]column, len(lcols))
	for i, lc := range lcols {
		cols[i] = lc.column
	}
	t := &table{c: c, x: c.left(), size: 9, headSize: 9, pad: 2.5, cols: scaleColumns(cols, c.width())}
	t.begin()
	cells := make([]string, len(lcols))
	for i, e := range l.Entries {
		for j, lc := range lcols {
			switch v := lc.value(i, e).(type) {
			case time.Time:
				cells[j] = ""
				if !v.IsZero() {
					v = v.In(c.loc)
					cells[j] = v.Format("02/01/2006") + "\n" + v.Format("15:04")
				}
			default:
				cells[j] = fmt.Sprint(v)
			}
		}
		t.row(cells...)
	}
	t.end()
	pageNumbers(c, formSmall)
	return c.finish(w)
}

// startLedger opens the ledger: label, header block, title and the book line.
func (r *Renderer) startLedger(l Ledger, m margins) (*canvas, setSpec, error) {
	c, f, sp, err := r.newFormCanvas(l.Set, FormLedger, pageSize{a4H, a4W}, m, l.Sector, l.Date)
	if err != nil {
		return nil, sp, err
	}
	c.officialHeader(headerLayout{LeftW: 250, Size: 11, Motto2: 12, DateSize: 11, Gap: 3},
		l.Header.ParentAgency, l.Header.Unit, formNumber(l.Number, f), l.Header.Place, l.Date)
	c.y += 6
	c.para(c.left(), c.width(), textStyle{Face: bold, Size: 14, Align: alignCenter}, f.Title)
	var sub []string
	if s := strings.TrimSpace(l.Sector); s != "" {
		sub = append(sub, "Lĩnh vực: "+s)
	}
	if l.Book > 0 {
		sub = append(sub, "Quyển số: "+twoDigits(l.Book))
	}
	if l.Year > 0 {
		sub = append(sub, fmt.Sprintf("Năm %d", l.Year))
	}
	if len(sub) > 0 {
		c.para(c.left(), c.width(), textStyle{Face: italic, Size: 11, Align: alignCenter}, strings.Join(sub, " – "))
	}
	c.y += 6
	return c, sp, nil
}

// WriteLedgerXLSX writes the ledger as an Excel workbook (one sheet, a bold
// header row in Times New Roman, fixed column widths, dates as real date
// cells in Vietnam time) using excelize's StreamWriter, so that large ledgers
// stay cheap in memory.
func WriteLedgerXLSX(w io.Writer, l Ledger) error {
	sp, err := specOf(l.Set)
	if err != nil {
		return err
	}
	f, err := l.Set.Spec(FormLedger)
	if err != nil {
		return err
	}
	loc := vietnamLocation()
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Sổ theo dõi hồ sơ"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	font := &excelize.Font{Family: "Times New Roman", Size: 12}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	styleTitle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 14, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	styleSub, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Italic: true},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	styleHead, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true},
		Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	styleText, err := x.NewStyle(&excelize.Style{Font: font, Border: border,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	dateFmt := "dd/mm/yyyy hh:mm"
	styleDate, err := x.NewStyle(&excelize.Style{Font: font, Border: border, CustomNumFmt: &dateFmt,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	styleNum, err := x.NewStyle(&excelize.Style{Font: font, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}

	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	cols := ledgerColumns(sp)
	for i, col := range cols {
		if err := sw.SetColWidth(i+1, i+1, col.xlsxW); err != nil {
			return fmt.Errorf("pdf: xlsx: %w", err)
		}
	}
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	title := f.Title
	var sub []string
	if s := strings.TrimSpace(l.Sector); s != "" {
		sub = append(sub, "Lĩnh vực: "+nfc(s))
	}
	if l.Book > 0 {
		sub = append(sub, "Quyển số: "+twoDigits(l.Book))
	}
	if l.Year > 0 {
		sub = append(sub, fmt.Sprintf("Năm %d", l.Year))
	}
	headRow := 2
	if len(sub) > 0 {
		headRow = 3
	}
	// Freeze the rows above the data (must precede SetRow).
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: fmt.Sprintf("A%d", headRow+1), ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	rowNo := 1
	put := func(cells []any, opts ...excelize.RowOpts) error {
		cell, err := excelize.CoordinatesToCellName(1, rowNo)
		if err != nil {
			return err
		}
		rowNo++
		return sw.SetRow(cell, cells, opts...)
	}
	if err := put([]any{excelize.Cell{StyleID: styleTitle, Value: title}}); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	if len(sub) > 0 {
		if err := put([]any{excelize.Cell{StyleID: styleSub, Value: strings.Join(sub, " – ")}}); err != nil {
			return fmt.Errorf("pdf: xlsx: %w", err)
		}
		if err := sw.MergeCell("A2", last+"2"); err != nil {
			return fmt.Errorf("pdf: xlsx: %w", err)
		}
	}
	head := make([]any, len(cols))
	for i, col := range cols {
		head[i] = excelize.Cell{StyleID: styleHead, Value: col.Title}
	}
	if err := put(head, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	for i, e := range l.Entries {
		row := make([]any, len(cols))
		for j, col := range cols {
			var v any
			st := styleText
			switch x := col.value(i, e).(type) {
			case int:
				v, st = x, styleNum
			case time.Time:
				v, st = excelTime(x, loc), styleDate
			case string:
				v = nfc(x)
			}
			row[j] = excelize.Cell{StyleID: st, Value: v}
		}
		if err := put(row); err != nil {
			return fmt.Errorf("pdf: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	// Fixed document properties keep the output reproducible.
	created := l.Date
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	ts := created.UTC().Format(time.RFC3339)
	if err := x.SetDocProps(&excelize.DocProperties{Title: title, Creator: "motcua", Created: ts, Modified: ts}); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("pdf: xlsx: %w", err)
	}
	return nil
}

// excelTime converts t to a naive wall-clock time in loc (Excel has no time
// zones), or nil for the zero time (an empty cell).
func excelTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}
