package calendar

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// holidayLines renders holidays as "date kind name" lines for comparison.
func holidayLines(hs []Holiday) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s %s %s\n", h.Date, h.Kind, h.Name)
	}
	return b.String()
}

func TestHolidays(t *testing.T) {
	tests := []struct {
		name string
		year int
		want string
	}{
		{"2026: Giỗ Tổ on Sunday, Monday off", 2026, `
2026-01-01 holiday Tết Dương lịch
2026-02-16 holiday Tết Nguyên đán
2026-02-17 holiday Tết Nguyên đán
2026-02-18 holiday Tết Nguyên đán
2026-02-19 holiday Tết Nguyên đán
2026-02-20 holiday Tết Nguyên đán
2026-04-26 holiday Giỗ Tổ Hùng Vương
2026-04-27 compensatory Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30 holiday Ngày Chiến thắng
2026-05-01 holiday Ngày Quốc tế Lao động
2026-09-02 holiday Quốc khánh
2026-09-03 holiday Quốc khánh
`},
		{"2023: New Year on Sunday, Tết and April across weekends", 2023, `
2023-01-01 holiday Tết Dương lịch
2023-01-02 compensatory Nghỉ bù Tết Dương lịch
2023-01-21 holiday Tết Nguyên đán
2023-01-22 holiday Tết Nguyên đán
2023-01-23 holiday Tết Nguyên đán
2023-01-24 holiday Tết Nguyên đán
2023-01-25 holiday Tết Nguyên đán
2023-01-26 compensatory Nghỉ bù Tết Nguyên đán
2023-01-27 compensatory Nghỉ bù Tết Nguyên đán
2023-04-29 holiday Giỗ Tổ Hùng Vương
2023-04-30 holiday Ngày Chiến thắng
2023-05-01 holiday Ngày Quốc tế Lao động
2023-05-02 compensatory Nghỉ bù Giỗ Tổ Hùng Vương
2023-05-03 compensatory Nghỉ bù Ngày Chiến thắng
2023-09-02 holiday Quốc khánh
2023-09-03 holiday Quốc khánh
2023-09-04 compensatory Nghỉ bù Quốc khánh
2023-09-05 compensatory Nghỉ bù Quốc khánh
`},
		{"2029: 2/9 on Sunday, the adjacent Monday is a holiday, Tuesday compensates", 2029, `
2029-01-01 holiday Tết Dương lịch
2029-02-12 holiday Tết Nguyên đán
2029-02-13 holiday Tết Nguyên đán
2029-02-14 holiday Tết Nguyên đán
2029-02-15 holiday Tết Nguyên đán
2029-02-16 holiday Tết Nguyên đán
2029-04-23 holiday Giỗ Tổ Hùng Vương
2029-04-30 holiday Ngày Chiến thắng
2029-05-01 holiday Ngày Quốc tế Lao động
2029-09-02 holiday Quốc khánh
2029-09-03 holiday Quốc khánh
2029-09-04 compensatory Nghỉ bù Quốc khánh
`},
		{"2022: New Year on Saturday, Monday compensates", 2022, `
2022-01-01 holiday Tết Dương lịch
2022-01-03 compensatory Nghỉ bù Tết Dương lịch
2022-01-31 holiday Tết Nguyên đán
2022-02-01 holiday Tết Nguyên đán
2022-02-02 holiday Tết Nguyên đán
2022-02-03 holiday Tết Nguyên đán
2022-02-04 holiday Tết Nguyên đán
2022-04-10 holiday Giỗ Tổ Hùng Vương
2022-04-11 compensatory Nghỉ bù Giỗ Tổ Hùng Vương
2022-04-30 holiday Ngày Chiến thắng
2022-05-01 holiday Ngày Quốc tế Lao động
2022-05-02 compensatory Nghỉ bù Ngày Chiến thắng
2022-05-03 compensatory Nghỉ bù Ngày Quốc tế Lao động
2022-09-02 holiday Quốc khánh
2022-09-03 holiday Quốc khánh
2022-09-05 compensatory Nghỉ bù Quốc khánh
`},
		{"2024: Tết starts on Saturday (eve Friday)", 2024, `
2024-01-01 holiday Tết Dương lịch
2024-02-09 holiday Tết Nguyên đán
2024-02-10 holiday Tết Nguyên đán
2024-02-11 holiday Tết Nguyên đán
2024-02-12 holiday Tết Nguyên đán
2024-02-13 holiday Tết Nguyên đán
2024-02-14 compensatory Nghỉ bù Tết Nguyên đán
2024-02-15 compensatory Nghỉ bù Tết Nguyên đán
2024-04-18 holiday Giỗ Tổ Hùng Vương
2024-04-30 holiday Ngày Chiến thắng
2024-05-01 holiday Ngày Quốc tế Lao động
2024-09-02 holiday Quốc khánh
2024-09-03 holiday Quốc khánh
`},
	}
	cal := New(Config{}, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := holidayLines(cal.Holidays(tt.year))
			if want := strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Errorf("Holidays(%d) =\n%s\nwant\n%s", tt.year, got, want)
			}
			for _, h := range cal.Holidays(tt.year) {
				if cal.IsWorkingDay(h.Date) {
					t.Errorf("IsWorkingDay(%v) = true; want false (%s)", h.Date, h.Name)
				}
			}
		})
	}
}

func TestHolidaySources(t *testing.T) {
	cal := New(Config{}, nil)
	for _, h := range cal.Holidays(2026) {
		want := "Bộ luật Lao động 2019, Điều 112"
		if h.Kind == KindCompensatory {
			want = "Bộ luật Lao động 2019, Điều 111 khoản 3"
		}
		if h.Source != want {
			t.Errorf("Holidays(2026) %v Source = %q; want %q", h.Date, h.Source, want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		date string
		want bool
	}{
		{"2026-11-26", true},  // Thursday
		{"2026-11-28", false}, // Saturday
		{"2026-11-29", false}, // Sunday
		{"2026-04-27", false}, // compensatory Monday
		{"2026-04-28", true},
		{"2025-12-31", true},
		{"2026-01-01", false},
		{"2026-01-02", true},
		{"2026-02-21", false}, // Saturday after Tết
		{"2026-02-23", true},
		{"1899-12-29", true}, // outside the cached years: built on demand
		{"2300-01-01", false},
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(mustDate(t, tt.date)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v; want %v", tt.date, got, tt.want)
		}
	}
	if cal.IsWorkingDay(Date{2026, time.February, 30}) {
		t.Errorf("IsWorkingDay(2026-02-30) = true; want false")
	}
}

func TestOverridesWin(t *testing.T) {
	src := "Thông báo 1/TB-TEST"
	overrides := []Override{
		// The Prime Minister picks 1/9 instead of 3/9 as the adjacent day.
		{Date: Date{2026, time.September, 1}, Kind: KindHoliday, Name: "Quốc khánh", Source: src},
		{Date: Date{2026, time.September, 3}, Kind: KindSwapWorkday, Source: src},
		// Tết: a working Saturday swapped for an extra day off.
		{Date: Date{2026, time.February, 13}, Kind: KindExtraOff, Name: "Nghỉ Tết Nguyên đán (hoán đổi)", Source: src},
		{Date: Date{2026, time.February, 28}, Kind: KindSwapWorkday, Name: "Làm bù", Source: src},
		// A renamed computed holiday.
		{Date: Date{2026, time.January, 1}, Kind: KindHoliday, Name: "Tết Dương lịch 2026", Source: src},
		// An override on a Sunday is listed, the day stays off.
		{Date: Date{2026, time.March, 8}, Kind: KindExtraOff, Source: src},
		// Invalid ones are ignored.
		{Date: Date{2026, time.March, 10}, Kind: "nghỉ", Name: "x", Source: src},
		{Date: Date{2026, time.February, 30}, Kind: KindHoliday, Name: "x", Source: src},
		// The last override of a date wins.
		{Date: Date{2026, time.June, 1}, Kind: KindExtraOff, Name: "first", Source: src},
		{Date: Date{2026, time.June, 1}, Kind: KindSwapWorkday, Source: src},
		{Date: Date{2026, time.June, 2}, Kind: KindSwapWorkday, Source: src},
		{Date: Date{2026, time.June, 2}, Kind: KindCompensatory, Name: "Nghỉ bù", Source: src},
	}
	cal := New(Config{}, overrides)
	tests := []struct {
		date        string
		wantWorking bool
		wantName    string // in Holidays, "" when not listed
		wantKind    OverrideKind
	}{
		{"2026-09-01", false, "Quốc khánh", KindHoliday},
		{"2026-09-02", false, "Quốc khánh", KindHoliday},
		{"2026-09-03", true, "", ""},
		{"2026-02-13", false, "Nghỉ Tết Nguyên đán (hoán đổi)", KindExtraOff},
		{"2026-02-28", true, "", ""},
		{"2026-01-01", false, "Tết Dương lịch 2026", KindHoliday},
		{"2026-03-08", false, "Nghỉ hoán đổi", KindExtraOff},
		{"2026-03-10", true, "", ""},
		{"2026-06-01", true, "", ""},
		{"2026-06-02", false, "Nghỉ bù", KindCompensatory},
	}
	listed := make(map[Date]Holiday)
	for _, h := range cal.Holidays(2026) {
		listed[h.Date] = h
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		if got := cal.IsWorkingDay(d); got != tt.wantWorking {
			t.Errorf("IsWorkingDay(%s) = %v; want %v", tt.date, got, tt.wantWorking)
		}
		h, ok := listed[d]
		if ok != (tt.wantName != "") || h.Name != tt.wantName || h.Kind != tt.wantKind {
			t.Errorf("Holidays(2026)[%s] = %+v, %v; want name %q kind %q", tt.date, h, ok, tt.wantName, tt.wantKind)
		}
		if ok && h.Source != src && tt.date != "2026-09-02" {
			t.Errorf("Holidays(2026)[%s].Source = %q; want %q", tt.date, h.Source, src)
		}
	}
	if got := cal.WorkingSpans(mustDate(t, "2026-02-28")); len(got) != 2 {
		t.Errorf("WorkingSpans(swap Saturday 2026-02-28) = %v; want the full working hours", got)
	}
	if cal.Provisional(2026) || !cal.Provisional(2027) {
		t.Errorf("Provisional(2026), Provisional(2027) = %v, %v; want false, true", cal.Provisional(2026), cal.Provisional(2027))
	}
}

func TestOverrideValidate(t *testing.T) {
	ok := Override{Date: Date{2026, 9, 1}, Kind: KindHoliday, Name: "Quốc khánh", Source: "QĐ 1"}
	tests := []struct {
		name    string
		o       Override
		wantErr string // substring, "" for no error
	}{
		{"complete", ok, ""},
		{"swap without name", Override{Date: ok.Date, Kind: KindSwapWorkday, Source: "QĐ 1"}, ""},
		{"bad date", Override{Date: Date{2026, 2, 30}, Kind: KindHoliday, Name: "x", Source: "QĐ 1"}, "date:"},
		{"bad kind", Override{Date: ok.Date, Kind: "Holiday", Name: "x", Source: "QĐ 1"}, "kind:"},
		{"missing name", Override{Date: ok.Date, Kind: KindExtraOff, Name: " ", Source: "QĐ 1"}, "name:"},
		{"missing source", Override{Date: ok.Date, Kind: KindHoliday, Name: "x"}, "source:"},
	}
	for _, tt := range tests {
		err := tt.o.Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: Validate() = %v; want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestOverrideKindLabels(t *testing.T) {
	tests := []struct {
		k      OverrideKind
		dayOff bool
		label  string
	}{
		{KindHoliday, true, "Nghỉ lễ, Tết"},
		{KindCompensatory, true, "Nghỉ bù"},
		{KindExtraOff, true, "Nghỉ hoán đổi"},
		{KindSwapWorkday, false, "Làm bù"},
		{"other", false, ""},
	}
	for _, tt := range tests {
		if got := tt.k.DayOff(); got != tt.dayOff {
			t.Errorf("%q.DayOff() = %v; want %v", tt.k, got, tt.dayOff)
		}
		if got := tt.k.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q; want %q", tt.k, got, tt.label)
		}
	}
}

func TestSaturdayHours(t *testing.T) {
	morning := []Span{{ClockAt(7, 30), ClockAt(11, 30)}}
	cal := New(Config{SaturdayHours: morning}, nil)
	tests := []struct {
		date string
		want []Span
	}{
		{"2026-11-28", morning}, // an ordinary Saturday
		{"2026-11-29", nil},     // Sunday
		{"2026-11-27", []Span{{ClockAt(7, 30), ClockAt(11, 30)}, {ClockAt(13, 30), ClockAt(17, 0)}}},
		{"2023-04-29", nil}, // Giỗ Tổ on a Saturday stays off
		{"2023-05-02", nil}, // and is still compensated (Saturday is a Labour Code rest day)
	}
	for _, tt := range tests {
		if got := cal.WorkingSpans(mustDate(t, tt.date)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("WorkingSpans(%s) = %v; want %v", tt.date, got, tt.want)
		}
	}
}

func TestCustomRestDays(t *testing.T) {
	// A six-day week resting on Sunday only: Saturday 2023-04-29 (Giỗ Tổ)
	// is a plain holiday with no compensation, Sunday 30/4 is compensated
	// on Tuesday 2/5 (Monday 1/5 is a holiday).
	cal := New(Config{RestDays: []time.Weekday{time.Sunday}}, nil)
	var got []string
	for _, h := range cal.Holidays(2023) {
		if h.Date.Month == time.May || h.Date.Month == time.April {
			got = append(got, h.Date.String()+" "+h.Name)
		}
	}
	want := []string{"2023-04-29 Giỗ Tổ Hùng Vương", "2023-04-30 Ngày Chiến thắng", "2023-05-01 Ngày Quốc tế Lao động", "2023-05-02 Nghỉ bù Ngày Chiến thắng"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Holidays(2023) in April–May = %q; want %q", got, want)
	}
	if !cal.IsWorkingDay(mustDate(t, "2026-11-28")) {
		t.Errorf("IsWorkingDay(Saturday 2026-11-28) = false; want true")
	}
}

func TestConfigValidate(t *testing.T) {
	h := func(a, b, c, d int) Span { return Span{ClockAt(a, b), ClockAt(c, d)} }
	all := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	tests := []struct {
		name   string
		cfg    Config
		wantOK bool
	}{
		{"zero", Config{}, true},
		{"unsorted spans are sorted", Config{WorkingHours: []Span{h(13, 0, 17, 0), h(8, 0, 12, 0)}}, true},
		{"until midnight", Config{WorkingHours: []Span{h(0, 0, 24, 0)}}, true},
		{"no rest days", Config{RestDays: []time.Weekday{}}, true},
		{"every day rest but Saturday hours", Config{RestDays: all, SaturdayHours: []Span{h(8, 0, 12, 0)}}, true},
		{"empty working hours", Config{WorkingHours: []Span{}}, false},
		{"span ends before start", Config{WorkingHours: []Span{h(12, 0, 8, 0)}}, false},
		{"empty span", Config{WorkingHours: []Span{h(8, 0, 8, 0)}}, false},
		{"overlap", Config{WorkingHours: []Span{h(8, 0, 12, 0), h(11, 0, 17, 0)}}, false},
		{"past midnight", Config{WorkingHours: []Span{h(20, 0, 25, 0)}}, false},
		{"negative", Config{WorkingHours: []Span{{-10, 60}}}, false},
		{"bad weekday", Config{RestDays: []time.Weekday{7}}, false},
		{"every day rest", Config{RestDays: all}, false},
		{"bad Saturday hours", Config{SaturdayHours: []Span{h(12, 0, 8, 0)}}, false},
	}
	for _, tt := range tests {
		if err := tt.cfg.Validate(); (err == nil) != tt.wantOK {
			t.Errorf("%s: Validate() = %v; want ok=%v", tt.name, err, tt.wantOK)
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("New(invalid config) did not panic")
		}
	}()
	New(Config{WorkingHours: []Span{}}, nil)
}

func TestDefaultLocation(t *testing.T) {
	cal := New(Config{}, nil)
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC).In(cal.Location())
	if _, off := at.Zone(); off != 7*3600 {
		t.Errorf("Location() offset = %d; want %d", off, 7*3600)
	}
}

func TestHolidaysReturnsCopy(t *testing.T) {
	cal := New(Config{}, nil)
	hs := cal.Holidays(2026)
	hs[0].Name = "changed"
	if got := cal.Holidays(2026)[0].Name; got != "Tết Dương lịch" {
		t.Errorf("Holidays(2026)[0].Name after a caller's change = %q; want %q", got, "Tết Dương lịch")
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-04-24", 1, "2026-04-28"},  // Friday → Tuesday over Sunday Giỗ Tổ, Monday compensatory
		{"2026-04-28", -1, "2026-04-24"}, // and back
		{"2026-04-29", 1, "2026-05-04"},  // 30/4, 1/5 off, weekend
		{"2026-11-28", 0, "2026-11-28"},  // zero keeps a Saturday
		{"2025-12-31", 1, "2026-01-02"},  // over New Year
		{"2026-02-13", 1, "2026-02-23"},  // over Tết
		{"2026-02-23", -1, "2026-02-13"},
	}
	for _, tt := range tests {
		if got := cal.AddWorkingDays(mustDate(t, tt.from), tt.n); got.String() != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %v; want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestHolidayJSON(t *testing.T) {
	h := New(Config{}, nil).Holidays(2026)[7]
	b, err := json.Marshal(h)
	want := `{"date":"2026-04-27","name":"Nghỉ bù Giỗ Tổ Hùng Vương","kind":"compensatory","source":"Bộ luật Lao động 2019, Điều 111 khoản 3"}`
	if err != nil || string(b) != want {
		t.Errorf("json.Marshal(%+v) = %s, %v; want %s", h, b, err, want)
	}
}
