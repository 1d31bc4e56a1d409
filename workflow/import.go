package workflow

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// ImportOptions tune an import.
type ImportOptions struct {
	SkipExisting bool                  // dossiers: skip codes that already exist
	Progress     func(done, total int) // called while writing; may be nil
}

// ImportResult reports an import.
type ImportResult struct {
	Kind    string `json:"kind"`
	Rows    int    `json:"rows"`
	Created int    `json:"created"`
	Updated int    `json:"updated"`
	Skipped int    `json:"skipped"`
}

// Limits of one import (issue 16, item 6: eight 10 MB CSV files took
// 4 GB, a 572 KB XLSX zip bomb 3.9 GB and a 944 MB error list). Files are
// read row by row and refused as soon as they pass a limit; imports run
// one at a time; the error list is cut. The web layer bounds the request
// to MaxImportBytes; the xlsx adapter bounds what a workbook inflates to.
const (
	MaxImportBytes  = 16 << 20  // a request's file (web)
	MaxImportRows   = 50_000    // rows of a catalog file (header included)
	MaxImportCells  = 1_000_000 // cells of a catalog file
	maxImportErrors = 200       // field errors reported for one file
)

// errList collects the field errors of a file, keeping the first
// maxImportErrors of them and counting the rest.
type errList struct {
	fs []dossier.FieldError
	n  int
}

func (l *errList) add(fs ...dossier.FieldError) {
	for _, f := range fs {
		l.n++
		if len(l.fs) < maxImportErrors {
			l.fs = append(l.fs, f)
		}
	}
}

// invalid is the file's error: what, the count, and the listed errors.
func (l *errList) invalid(what string) error {
	msg := fmt.Sprintf("%s có %d lỗi; không có dòng nào được ghi", what, l.n)
	if l.n > len(l.fs) {
		msg += fmt.Sprintf(" (liệt kê %d lỗi đầu tiên)", len(l.fs))
	}
	return dossier.Invalid(msg, l.fs...)
}

// importSlot waits for the one import that may run at a time.
func (s *Service) importSlot(ctx context.Context) (release func(), err error) {
	select {
	case s.imports <- struct{}{}:
		return func() { <-s.imports }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// rowsOf reads a CSV or XLSX file (by name) into rows of strings, row by
// row, within MaxImportRows and MaxImportCells; the first row is the
// header. Workbooks are read by the SheetReader port.
func (s *Service) rowsOf(name string, r io.Reader) ([][]string, error) {
	var out [][]string
	cells := 0
	add := func(row []string) error {
		cells += len(row)
		if len(out) >= MaxImportRows || cells > MaxImportCells {
			return dossier.Errorf(dossier.ETOOLARGE, "Tệp quá lớn: tối đa %d dòng và %d ô; hãy chia tệp để nhập nhiều lần", MaxImportRows, MaxImportCells)
		}
		out = append(out, row)
		return nil
	}
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		if s.ports.Sheets == nil {
			return nil, dossier.Errorf(dossier.EUNSUPPORTED, "Máy chủ chưa bật đọc tệp XLSX; hãy dùng tệp CSV")
		}
		if err := s.ports.Sheets.EachRow(r, add); err != nil {
			return nil, err
		}
	} else {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = false
		for {
			row, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				if dossier.ErrorCode(err) != dossier.EINTERNAL {
					return nil, err // the reader's own limit (web: request too large)
				}
				return nil, dossier.Invalid("Tệp CSV không hợp lệ: " + err.Error())
			}
			if err := add(row); err != nil {
				return nil, err
			}
		}
	}
	if len(out) > 0 && len(out[0]) > 0 {
		out[0][0] = strings.TrimPrefix(out[0][0], "\ufeff")
	}
	return out, nil
}

// table gives access to rows by header name.
type table struct {
	cols map[string]int
	rows [][]string
}

func newTable(rows [][]string, required []string) (*table, error) {
	if len(rows) == 0 {
		return nil, dossier.Invalid("Tệp rỗng", dossier.FieldError{Line: 1, Field: "header", Message: "thiếu dòng tiêu đề"})
	}
	t := &table{cols: map[string]int{}, rows: rows[1:]}
	for i, h := range rows[0] {
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var fs []dossier.FieldError
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			fs = append(fs, dossier.FieldError{Line: 1, Field: c, Message: "thiếu cột"})
		}
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Dòng tiêu đề thiếu cột", fs...)
	}
	return t, nil
}

func (t *table) get(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return vntext.NFC(row[i])
}

// ParseAgencies reads agencies (contract §6: code,name,level,parent_code).
// Every bad row is reported with its line and field.
func (s *Service) ParseAgencies(name string, r io.Reader) ([]dossier.Agency, error) {
	return parseRows(s, name, r, []string{"code", "name", "level", "parent_code"}, "Tệp cơ quan",
		func(t *table, row []string, _ func(field, message string)) dossier.Agency {
			return dossier.Agency{Code: t.get(row, "code"), Name: t.get(row, "name"), Level: dossier.Level(t.get(row, "level")),
				ParentCode: t.get(row, "parent_code"), Identifier: t.get(row, "identifier")}
		},
		func(a dossier.Agency) (string, error) { return a.Code, a.Validate() })
}

// ParseProcedures reads procedures (contract §6).
func (s *Service) ParseProcedures(name string, r io.Reader) ([]dossier.Procedure, error) {
	return parseRows(s, name, r, []string{"code", "name", "agency_code", "level", "field", "processing_days", "processing_hours",
		"five_on_spot", "online_level", "fee", "result_type_code", "components"}, "Tệp thủ tục",
		func(t *table, row []string, bad func(field, message string)) dossier.Procedure {
			p := dossier.Procedure{Code: t.get(row, "code"), Name: t.get(row, "name"), AgencyCode: t.get(row, "agency_code"),
				Level: dossier.Level(t.get(row, "level")), Field: t.get(row, "field"), OnlineLevel: dossier.OnlineLevel(t.get(row, "online_level")),
				ResultTypeCode: t.get(row, "result_type_code"), ApproverPosition: t.get(row, "approver_position"), Cutoff: t.get(row, "cutoff")}
			for _, c := range []struct {
				col string
				dst **int
			}{{"processing_days", &p.ProcessingDays}, {"processing_hours", &p.ProcessingHours}} {
				if v := t.get(row, c.col); v != "" {
					n, err := strconv.Atoi(v)
					if err != nil {
						bad(c.col, "phải là số nguyên")
						continue
					}
					*c.dst = &n
				}
			}
			// Optional sealing rule (issue 15 item 6): seal = electronic,
			// physical or both; second_seal = 1 stamps printed results with
			// the agency's second seal kept at the center.
			p.Seal.Default = dossier.SealChoice(t.get(row, "seal"))
			switch t.get(row, "second_seal") {
			case "1", "true":
				p.Seal.SecondSeal = true
			case "0", "false", "":
			default:
				bad("second_seal", "phải là 1 hoặc 0")
			}
			switch t.get(row, "five_on_spot") {
			case "1", "true":
				p.FiveOnSpot = true
			case "0", "false", "":
			default:
				bad("five_on_spot", "phải là 1 hoặc 0")
			}
			if v := t.get(row, "fee"); v != "" {
				n, err := strconv.ParseInt(strings.ReplaceAll(v, ".", ""), 10, 64)
				if err != nil {
					bad("fee", "phải là số tiền (đồng)")
				}
				p.Fee = n
			}
			if d := t.get(row, "five_on_spot_decision"); d != "" {
				p.FiveOnSpotDecree = &dossier.FiveOnSpotDesignation{Decision: d, DecisionDate: t.get(row, "five_on_spot_decision_date"),
					EffectiveFrom: t.get(row, "five_on_spot_effective")}
			}
			// Optional document exchange (issue 18 item 5): inter_agency =
			// "AGENCY:DAYS[:consult|chain][=Name];…", register_result = 1.
			if plan, err := ParseExchangeColumns(t.get(row, "inter_agency"), t.get(row, "register_result")); err != nil {
				bad("inter_agency", err.Error())
			} else {
				p.Exchange = plan
			}
			comps, err := ParseComponents(t.get(row, "components"))
			if err != nil {
				bad("components", err.Error())
			}
			p.Components = comps
			// Optional catalog documents (issue 19): legal_basis lists the
			// legal texts separated by ";", forms the forms to download as
			// "Name=address" pairs separated by ";".
			p.LegalBasis = dossier.SplitList(t.get(row, "legal_basis"))
			forms, err := ParseForms(t.get(row, "forms"))
			if err != nil {
				bad("forms", err.Error())
			}
			p.Forms = forms
			return p
		},
		func(p dossier.Procedure) (string, error) { return p.Code, p.Validate() })
}

// parseRows reads the file name from r (rowsOf) as a table with the
// columns cols, and makes an item of every row that is not blank with
// parse, which reports the row's bad fields with bad. check gives each
// item's code and validates it; a code seen on an earlier row is bad
// too. Every bad field of the file, with its line, is in the one error
// titled what.
func parseRows[T any](s *Service, name string, r io.Reader, cols []string, what string,
	parse func(t *table, row []string, bad func(field, message string)) T, check func(T) (string, error)) ([]T, error) {
	rows, err := s.rowsOf(name, r)
	if err != nil {
		return nil, err
	}
	t, err := newTable(rows, cols)
	if err != nil {
		return nil, err
	}
	var out []T
	var fs errList
	seen := map[string]int{}
	for i, row := range t.rows {
		line := i + 2
		if isBlank(row) {
			continue
		}
		bad := func(f, m string) { fs.add(dossier.FieldError{Line: line, Field: f, Message: m}) }
		item := parse(t, row, bad)
		code, err := check(item)
		if err != nil {
			for _, f := range dossier.ErrorFields(err) {
				f.Line = line
				fs.add(f)
			}
		}
		if prev, ok := seen[code]; ok {
			bad("code", fmt.Sprintf("trùng mã với dòng %d", prev))
		}
		seen[code] = line
		out = append(out, item)
	}
	if fs.n > 0 {
		return nil, fs.invalid(what)
	}
	return out, nil
}

// ParseComponents reads "CODE=Name*;CODE2=Name" (a trailing * marks a
// required component).
func ParseComponents(s string) ([]dossier.Component, error) {
	var out []dossier.Component
	for _, part := range dossier.SplitList(s) {
		code, name, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("thành phần %q thiếu dấu '='", part)
		}
		name = strings.TrimSpace(name)
		req := strings.HasSuffix(name, "*")
		out = append(out, dossier.Component{Code: strings.TrimSpace(code), Name: strings.TrimSpace(strings.TrimSuffix(name, "*")), Required: req})
	}
	return out, nil
}

// ParseForms reads "Name=address;Name2=address2": the forms of a
// procedure to download. The name is cut at the last "=" before the
// address, so a name may hold "=" but an address may not start the item.
func ParseForms(s string) ([]dossier.FormDownload, error) {
	var out []dossier.FormDownload
	for _, part := range dossier.SplitList(s) {
		i := strings.LastIndex(part, "=")
		for i > 0 && !dossier.ValidFormURL(strings.TrimSpace(part[i+1:])) {
			i = strings.LastIndex(part[:i], "=")
		}
		if i <= 0 {
			return nil, fmt.Errorf("mẫu đơn %q phải có dạng Tên=địa chỉ", part)
		}
		out = append(out, dossier.FormDownload{Name: strings.TrimSpace(part[:i]), URL: strings.TrimSpace(part[i+1:])})
	}
	return out, nil
}

func isBlank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Import runs an import of kind agencies, procedures or dossiers (contract
// §6), all or nothing. Only admins (or the CLI, with a nil actor) may.
func (s *Service) Import(ctx context.Context, u *dossier.User, kind, name string, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	if u != nil {
		if err := needAdmin(u); err != nil {
			return nil, err
		}
	}
	release, err := s.importSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	switch kind {
	case "agencies":
		as, err := s.ParseAgencies(name, r)
		if err != nil {
			return nil, err
		}
		return s.importAgencies(ctx, u, as, opts)
	case "procedures":
		ps, err := s.ParseProcedures(name, r)
		if err != nil {
			return nil, err
		}
		return s.importProcedures(ctx, u, ps, opts)
	case "dossiers":
		return s.ImportDossiers(ctx, u, r, opts)
	}
	return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có loại nhập dữ liệu %q (agencies, procedures, dossiers)", kind)
}

func (s *Service) importAgencies(ctx context.Context, u *dossier.User, as []dossier.Agency, opts ImportOptions) (*ImportResult, error) {
	return s.importTx(ctx, "agencies", len(as), func(tx *store.Tx, res *ImportResult) error {
		known, err := tx.AgencyCodes()
		if err != nil {
			return err
		}
		inFile := map[string]bool{}
		for _, a := range as {
			inFile[a.Code] = true
		}
		var fs []dossier.FieldError
		for i, a := range as {
			if _, ok := known[a.ParentCode]; a.ParentCode != "" && !ok && !inFile[a.ParentCode] {
				fs = append(fs, dossier.FieldError{Line: i + 2, Field: "parent_code", Message: "không có cơ quan " + a.ParentCode})
			}
		}
		if len(fs) > 0 {
			return dossier.Invalid("Cơ quan cấp trên không tồn tại; không có dòng nào được ghi", fs...)
		}
		if err := upsertRows(res, len(as), opts.Progress,
			func(i int) bool { _, ok := known[as[i].Code]; return ok },
			func(i int) error { return tx.UpsertAgency(&as[i]) }); err != nil {
			return err
		}
		return auditImport(tx, u, res)
	})
}

func (s *Service) importProcedures(ctx context.Context, u *dossier.User, ps []dossier.Procedure, opts ImportOptions) (*ImportResult, error) {
	return s.importTx(ctx, "procedures", len(ps), func(tx *store.Tx, res *ImportResult) error {
		known, err := tx.AgencyCodes()
		if err != nil {
			return err
		}
		existing, err := tx.ProcedureCodes()
		if err != nil {
			return err
		}
		var fs []dossier.FieldError
		for i, p := range ps {
			if _, ok := known[p.AgencyCode]; !ok {
				fs = append(fs, dossier.FieldError{Line: i + 2, Field: "agency_code", Message: "không có cơ quan " + p.AgencyCode})
			}
		}
		if len(fs) > 0 {
			return dossier.Invalid("Cơ quan không tồn tại; không có dòng nào được ghi", fs...)
		}
		if err := upsertRows(res, len(ps), opts.Progress,
			func(i int) bool { return existing[ps[i].Code] },
			func(i int) error { return tx.UpsertProcedure(&ps[i]) }); err != nil {
			return err
		}
		return auditImport(tx, u, res)
	})
}

// importTx writes an import of n rows of kind in one transaction: write
// checks the rows against what tx holds (a refused row refuses the whole
// file), writes them, counts them in res and audits the import; a retried
// transaction counts again from zero.
func (s *Service) importTx(ctx context.Context, kind string, n int, write func(tx *store.Tx, res *ImportResult) error) (*ImportResult, error) {
	var res ImportResult
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		res = ImportResult{Kind: kind, Rows: n}
		return write(tx, &res)
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// upsertRows writes the n rows of an import in order with upsert, counts
// each in res as updated when exists says it is already there and as
// created otherwise, and reports progress every 100 rows and at the end.
func upsertRows(res *ImportResult, n int, progress func(done, total int), exists func(i int) bool, upsert func(i int) error) error {
	for i := range n {
		if exists(i) {
			res.Updated++
		} else {
			res.Created++
		}
		if err := upsert(i); err != nil {
			return err
		}
		if progress != nil && (i%100 == 0 || i == n-1) {
			progress(i+1, n)
		}
	}
	return nil
}

// auditImport records an import of res.Kind and its counts in the audit log.
func auditImport(tx *store.Tx, u *dossier.User, res *ImportResult) error {
	return tx.Audit(actorName(u), "import", res.Kind, "", fmt.Sprintf(`{"rows":%d,"created":%d,"updated":%d}`, res.Rows, res.Created, res.Updated))
}
