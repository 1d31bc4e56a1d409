package calendar

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in     string
		want   Date
		wantOK bool
	}{
		{"2026-11-26", Date{2026, time.November, 26}, true},
		{"2024-02-29", Date{2024, time.February, 29}, true},
		{"0001-01-01", Date{1, time.January, 1}, true},
		{"2026-02-29", Date{}, false},
		{"2026-02-30", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"2026-00-10", Date{}, false},
		{"2026-1-5", Date{}, false},
		{"26-11-2026", Date{}, false},
		{"2026/11/26", Date{}, false},
		{"+026-11-26", Date{}, false},
		{"2026-11-26T00:00:00Z", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.wantOK || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.wantOK)
		}
	}
}

func TestDateString(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{2026, time.November, 26}, "2026-11-26"},
		{Date{5, time.March, 1}, "0005-03-01"},
		{Date{12345, time.March, 1}, "12345-03-01"},
		{Date{-1, time.March, 1}, "-001-03-01"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Day Date `json:"day"`
	}
	b, err := json.Marshal(doc{Date{2026, time.April, 27}})
	if got, want := string(b), `{"day":"2026-04-27"}`; err != nil || got != want {
		t.Errorf("json.Marshal = %s, %v; want %s", got, err, want)
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"day":"2026-09-03"}`), &d); err != nil || d.Day != (Date{2026, time.September, 3}) {
		t.Errorf("json.Unmarshal = %v, %v; want 2026-09-03", d.Day, err)
	}
	if err := json.Unmarshal([]byte(`{"day":"2026-09-31"}`), &d); err == nil {
		t.Errorf("json.Unmarshal(2026-09-31) = nil error; want an error")
	}
	if _, err := json.Marshal(doc{}); err == nil {
		t.Errorf("json.Marshal(zero Date) = nil error; want an error")
	}
}

// TestCivilDays checks the day-number arithmetic against package time.
func TestCivilDays(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 20000 {
		z := rng.Intn(800*366) - 400*366 // 1570–2370
		tm := time.Unix(int64(z)*86400, 0).UTC()
		want := DateOf(tm)
		if got := dateOfDays(z); got != want {
			t.Fatalf("dateOfDays(%d) = %v; want %v", z, got, want)
		}
		if got := want.days(); got != z {
			t.Fatalf("%v.days() = %d; want %d", want, got, z)
		}
		if got := want.Weekday(); got != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v; want %v", want, got, tm.Weekday())
		}
		n := rng.Intn(2000) - 1000
		if got, want := want.AddDays(n), DateOf(tm.AddDate(0, 0, n)); got != want {
			t.Fatalf("%v.AddDays(%d) = %v; want %v", DateOf(tm), n, got, want)
		}
	}
}

func TestDateCompare(t *testing.T) {
	a, b := Date{2025, time.December, 31}, Date{2026, time.January, 1}
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("Compare(%v, %v) disagrees with the calendar order", a, b)
	}
	if got, want := (Date{2026, time.March, 15}).At(ClockAt(7, 30), time.UTC), time.Date(2026, 3, 15, 7, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("At(07:30) = %v; want %v", got, want)
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in     string
		want   Clock
		wantOK bool
	}{
		{"15:00", ClockAt(15, 0), true},
		{"7:30", ClockAt(7, 30), true},
		{"07:30", ClockAt(7, 30), true},
		{"00:00", 0, true},
		{"24:00", 24 * 60, true},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"15:60", 0, false},
		{"15", 0, false},
		{"15:0", 0, false},
		{"1500", 0, false},
		{"-1:00", 0, false},
		{"１5:00", 0, false}, // a full-width digit
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseClock(tt.in)
		if (err == nil) != tt.wantOK || got != tt.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.wantOK)
		}
	}
	if got, want := ClockAt(7, 5).String(), "07:05"; got != want {
		t.Errorf("ClockAt(7, 5).String() = %q; want %q", got, want)
	}
	if got, want := (Span{ClockAt(7, 30), ClockAt(11, 30)}).String(), "07:30–11:30"; got != want {
		t.Errorf("Span.String() = %q; want %q", got, want)
	}
}
