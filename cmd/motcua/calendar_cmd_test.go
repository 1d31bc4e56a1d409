package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"motcua/calendar"
)

// noOverrides is a loadOverrides that must not be called.
func noOverrides(t *testing.T) func(data, db string) ([]calendar.Override, error) {
	return func(data, db string) ([]calendar.Override, error) {
		t.Errorf("loadOverrides(%q, %q) called without --data or --db", data, db)
		return nil, nil
	}
}

func TestCmdCalendarDue(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1"}, "2026-11-24T17:00:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T16:00:00+07:00", "--days", "1", "--cutoff", "15:00"}, "2026-11-25T17:00:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T16:00:00+07:00", "--days", "1"}, "2026-11-24T17:00:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-28T09:00:00+07:00", "--days", "1"}, "2026-12-01T17:00:00+07:00\n"},
		{[]string{"due", "--from=2026-11-23T03:00:00Z", "-days=1"}, "2026-11-24T17:00:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T09:00:00+07:00", "--hours", "8"}, "2026-11-24T09:30:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T09:00:00+07:00", "--days", "0", "--cutoff", "15:00"}, "2026-11-23T17:00:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T09:00:00+07:00", "--days", "0", "--hours", "8"}, "2026-11-24T09:30:00+07:00\n"},
		{[]string{"due", "--from", "2026-11-23T09:00:00+07:00", "--days", "1", "--hours", "1"}, "2026-11-25T08:30:00+07:00\n"},
		{[]string{"due", "--from", "2026-04-24T10:00:00+07:00", "--days", "1"}, "2026-04-28T17:00:00+07:00\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := cmdCalendar(tt.args, &out, noOverrides(t))
		if err != nil || out.String() != tt.want {
			t.Errorf("cmdCalendar(%q) = %q, %v; want %q, nil", tt.args, out.String(), err, tt.want)
		}
	}
}

func TestCmdCalendarHolidays(t *testing.T) {
	var out bytes.Buffer
	if err := cmdCalendar([]string{"holidays", "2026"}, &out, noOverrides(t)); err != nil {
		t.Fatalf("cmdCalendar(holidays 2026) = %v", err)
	}
	want := `2026-01-01  Tết Dương lịch
2026-02-16  Tết Nguyên đán
2026-02-17  Tết Nguyên đán
2026-02-18  Tết Nguyên đán
2026-02-19  Tết Nguyên đán
2026-02-20  Tết Nguyên đán
2026-04-26  Giỗ Tổ Hùng Vương
2026-04-27  Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30  Ngày Chiến thắng
2026-05-01  Ngày Quốc tế Lao động
2026-09-02  Quốc khánh
2026-09-03  Quốc khánh
`
	if got := out.String(); got != want {
		t.Errorf("cmdCalendar(holidays 2026) printed\n%s\nwant\n%s", got, want)
	}
}

func TestCmdCalendarOverrides(t *testing.T) {
	var gotData, gotDB string
	calls := 0
	load := func(data, db string) ([]calendar.Override, error) {
		calls++
		gotData, gotDB = data, db
		return []calendar.Override{
			{Date: calendar.Date{Year: 2026, Month: 9, Day: 1}, Kind: calendar.KindHoliday, Name: "Quốc khánh", Source: "QĐ"},
			{Date: calendar.Date{Year: 2026, Month: 9, Day: 3}, Kind: calendar.KindSwapWorkday, Source: "QĐ"},
		}, nil
	}
	var out bytes.Buffer
	if err := cmdCalendar([]string{"holidays", "--data", "/srv/motcua", "2026"}, &out, load); err != nil {
		t.Fatalf("cmdCalendar = %v", err)
	}
	if calls != 1 || gotData != "/srv/motcua" || gotDB != "" {
		t.Errorf("loadOverrides calls = %d with (%q, %q); want 1 with (%q, %q)", calls, gotData, gotDB, "/srv/motcua", "")
	}
	if !strings.Contains(out.String(), "2026-09-01  Quốc khánh\n2026-09-02  Quốc khánh\n") || strings.Contains(out.String(), "2026-09-03") {
		t.Errorf("cmdCalendar(holidays with overrides) printed\n%s", out.String())
	}

	out.Reset()
	err := cmdCalendar([]string{"due", "--db", "postgres://x", "--from", "2026-09-02T10:00:00+07:00", "--days", "1"}, &out, load)
	if err != nil || out.String() != "2026-09-04T17:00:00+07:00\n" || gotDB != "postgres://x" {
		t.Errorf("cmdCalendar(due with --db) = %q, %v (db %q); want 2026-09-04T17:00:00+07:00", out.String(), err, gotDB)
	}

	// An empty --data is still "given": the loader decides what it means.
	calls = 0
	if err := cmdCalendar([]string{"holidays", "2026", "--data="}, &out, load); err != nil || calls != 1 {
		t.Errorf("cmdCalendar(--data=) = %v with %d loader calls; want nil and 1", err, calls)
	}

	failing := func(data, db string) ([]calendar.Override, error) { return nil, errors.New("no database") }
	err = cmdCalendar([]string{"holidays", "2026", "--db", "x"}, &out, failing)
	var ue usageError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "no database") {
		t.Errorf("cmdCalendar with a failing loader = %v; want the loader's error, not a usageError", err)
	}
}

func TestCmdCalendarHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"due", "--help"}, {"holidays", "-h"}, {"due", "--from", "x", "-help"}} {
		var out bytes.Buffer
		if err := cmdCalendar(args, &out, noOverrides(t)); err != nil || !strings.Contains(out.String(), "Cách dùng:") {
			t.Errorf("cmdCalendar(%q) = %v, printed %q; want the usage and nil", args, err, out.String())
		}
	}
}

func TestCmdCalendarUsageErrors(t *testing.T) {
	tests := [][]string{
		nil,
		{"dues"},
		{"due"},
		{"due", "--from", "2026-11-23T10:00:00+07:00"},
		{"due", "--from", "2026-11-23 10:00", "--days", "1"},
		{"due", "--from", "2026-11-23T10:00:00", "--days", "1"},
		{"due", "--days", "1"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "-1"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1.5"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "99999"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--hours", "x"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1", "--cutoff", "3pm"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1", "--cutoff", "25:00"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1", "extra"},
		{"due", "--from", "2026-11-23T10:00:00+07:00", "--days", "1", "--lang", "en"},
		{"due", "--from"},
		{"holidays"},
		{"holidays", "2026", "2027"},
		{"holidays", "năm"},
		{"holidays", "0"},
		{"holidays", "10000"},
		{"holidays", "--data"},
	}
	for _, args := range tests {
		var out bytes.Buffer
		err := cmdCalendar(args, &out, noOverrides(t))
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("cmdCalendar(%q) = %v; want a usageError", args, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "calendar: ") {
			t.Errorf("cmdCalendar(%q) error %q; want the prefix %q", args, err, "calendar: ")
		}
		if out.Len() != 0 {
			t.Errorf("cmdCalendar(%q) printed %q; want nothing", args, out.String())
		}
	}
}

func FuzzCalendarArgs(f *testing.F) {
	for _, seed := range []string{
		"due\n--from\n2026-11-23T10:00:00+07:00\n--days\n1",
		"due\n--from=2026-11-23T16:00:00+07:00\n--hours=8\n--cutoff=15:00",
		"due\n--from\n9999-12-31T23:59:59+07:00\n--hours\n100000",
		"due\n--from\n0001-01-01T00:00:00Z\n--days\n3650\n--hours\n5",
		"holidays\n2026\n--data\nx",
		"holidays\n--\n2026",
		"--help",
		"due\n-h",
		"",
	} {
		f.Add(seed)
	}
	load := func(data, db string) ([]calendar.Override, error) { return nil, nil }
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		err := cmdCalendar(args, &bytes.Buffer{}, load)
		var ue usageError
		if err != nil && !errors.As(err, &ue) {
			t.Fatalf("cmdCalendar(%q) = %v; want nil or a usageError", args, err)
		}
	})
}
