package calendar

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// OverrideError is one problem in an overrides CSV file. Line is the
// 1-based line of the record (of its first field for a record spanning
// lines), Field the column name ("" for the record as a whole).
type OverrideError struct {
	Line  int
	Field string
	Err   error
}

// Error returns the problem in Vietnamese, e.g.
// `dòng 3, cột "date": ngày "2026-02-30" không tồn tại`.
func (e *OverrideError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("dòng %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("dòng %d, cột %q: %v", e.Line, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *OverrideError) Unwrap() error { return e.Err }

// Columns of an overrides CSV file, in canonical order.
const (
	colDate = iota
	colKind
	colName
	colSource
	numColumns
)

// columnName returns the header name of column col.
func columnName(col int) string {
	switch col {
	case colDate:
		return "date"
	case colKind:
		return "kind"
	case colName:
		return "name"
	case colSource:
		return "source"
	}
	return ""
}

// ParseOverridesCSV reads overrides from CSV (RFC 4180, UTF-8, an optional
// byte-order mark, lines starting with '#' ignored). The first record is the
// header and must name exactly the columns date, kind, name and source, in
// any order. Each record must pass Override.Validate: date YYYY-MM-DD, kind
// one of holiday, compensatory, extra_off, swap_workday, a name unless the
// kind is swap_workday, and a source; a date may appear only once.
//
// It is all or nothing: on any problem it returns no overrides and an error
// joining one *OverrideError per problem (line and column), for every bad
// record, in file order. A CSV syntax error stops the reading.
func ParseOverridesCSV(r io.Reader) ([]Override, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &OverrideError{Line: 1, Err: errors.New("tệp trống, thiếu dòng tiêu đề date,kind,name,source")}
	}
	if err != nil {
		return nil, csvSyntaxError(err)
	}
	line, _ := cr.FieldPos(0)
	index, err := overrideHeader(header)
	if err != nil {
		return nil, &OverrideError{Line: line, Err: err}
	}

	var (
		out   []Override
		errs  []error
		first = make(map[Date]int) // date → line of its first record
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvSyntaxError(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != numColumns {
			errs = append(errs, &OverrideError{Line: line, Err: fmt.Errorf("có %d cột, cần %d (date,kind,name,source)", len(rec), numColumns)})
			continue
		}
		fail := func(field string, err error) {
			errs = append(errs, &OverrideError{Line: line, Field: field, Err: err})
		}
		get := func(col int) string { return strings.TrimSpace(rec[index[col]]) }
		var o Override
		ok := true
		for col := range numColumns {
			if !utf8.ValidString(rec[index[col]]) {
				fail(columnName(col), errors.New("không phải văn bản UTF-8"))
				ok = false
			}
		}
		if !ok {
			continue
		}
		if o.Date, err = ParseDate(get(colDate)); err != nil {
			fail("date", err)
			ok = false
		} else if l, dup := first[o.Date]; dup {
			fail("date", fmt.Errorf("ngày %s đã có ở dòng %d", o.Date, l))
			ok = false
		} else {
			first[o.Date] = line
		}
		o.Kind = OverrideKind(get(colKind))
		o.Name = get(colName)
		o.Source = get(colSource)
		if !o.Kind.Valid() {
			fail("kind", fmt.Errorf("loại %q không hợp lệ (holiday, compensatory, extra_off hoặc swap_workday)", string(o.Kind)))
			ok = false
		} else if o.Kind.DayOff() && o.Name == "" {
			fail("name", errors.New("thiếu tên ngày nghỉ"))
			ok = false
		}
		if o.Source == "" {
			fail("source", errors.New("thiếu văn bản căn cứ"))
			ok = false
		}
		if ok {
			out = append(out, o)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// overrideHeader maps each column to its index in header.
func overrideHeader(header []string) ([numColumns]int, error) {
	var (
		index [numColumns]int
		seen  [numColumns]bool
	)
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		col := -1
		for j := range numColumns {
			if h == columnName(j) {
				col = j
			}
		}
		if col < 0 {
			return index, fmt.Errorf("cột %q không được hỗ trợ; tiêu đề phải là date,kind,name,source", h)
		}
		if seen[col] {
			return index, fmt.Errorf("cột %q lặp lại", h)
		}
		seen[col] = true
		index[col] = i
	}
	for j := range numColumns {
		if !seen[j] {
			return index, fmt.Errorf("thiếu cột %q; tiêu đề phải là date,kind,name,source", columnName(j))
		}
	}
	return index, nil
}

// csvSyntaxError turns an encoding/csv error into an *OverrideError.
func csvSyntaxError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &OverrideError{Line: pe.Line, Err: fmt.Errorf("lỗi cú pháp CSV: %w", pe.Err)}
	}
	return fmt.Errorf("đọc CSV: %w", err)
}
