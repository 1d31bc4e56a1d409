package calendar

import (
	"testing"
	"time"
)

func mustDate(tb testing.TB, s string) Date {
	tb.Helper()
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestLunarToSolarTet(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1985, "1985-01-21"}, // the Chinese calendar (UTC+8) says 1985-02-20
		{2007, "2007-02-17"}, // the Chinese calendar says 2007-02-18
		{2023, "2023-01-22"},
		{2024, "2024-02-10"},
		{2025, "2025-01-29"},
		{2026, "2026-02-17"},
		{2027, "2027-02-06"},
		{2028, "2028-01-26"},
		{2029, "2029-02-13"},
		{2030, "2030-02-02"}, // the Chinese calendar says 2030-02-03
	}
	for _, tt := range tests {
		got, ok := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if want := mustDate(t, tt.want); !ok || got != want {
			t.Errorf("LunarToSolar(1/1/%d) = %v, %v; want %v, true", tt.year, got, ok, want)
		}
		if got, want := SolarToLunar(mustDate(t, tt.want)), (LunarDate{Year: tt.year, Month: 1, Day: 1}); got != want {
			t.Errorf("SolarToLunar(%s) = %+v; want %+v", tt.want, got, want)
		}
	}
}

func TestLunarToSolarGioTo(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2023, "2023-04-29"}, // 2023 has a leap second month: 10/3 is after it
		{2024, "2024-04-18"},
		{2025, "2025-04-07"},
		{2026, "2026-04-26"},
		{2027, "2027-04-16"},
		{2028, "2028-04-04"},
		{2029, "2029-04-23"},
		{2030, "2030-04-12"},
	}
	for _, tt := range tests {
		got, ok := LunarToSolar(LunarDate{Year: tt.year, Month: 3, Day: 10})
		if want := mustDate(t, tt.want); !ok || got != want {
			t.Errorf("LunarToSolar(10/3/%d) = %v, %v; want %v, true", tt.year, got, ok, want)
		}
	}
}

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		solar string
		want  LunarDate
	}{
		{"2023-03-22", LunarDate{2023, 2, 1, true}},   // first day of the leap 2nd month
		{"2023-03-21", LunarDate{2023, 2, 30, false}}, // last day of the regular 2nd month
		{"2020-05-23", LunarDate{2020, 4, 1, true}},
		{"2025-07-25", LunarDate{2025, 6, 1, true}},
		{"2026-02-16", LunarDate{2025, 12, 29, false}}, // giao thừa: the last day of lunar 2025
		{"2025-01-28", LunarDate{2024, 12, 29, false}},
		{"2024-02-09", LunarDate{2023, 12, 30, false}},
		{"2000-01-01", LunarDate{1999, 11, 25, false}},
		{"2026-09-25", LunarDate{2026, 8, 15, false}}, // Tết Trung thu
		{"2054-05-07", LunarDate{2054, 3, 30, false}}, // day 0 of month 4 in the original code
	}
	for _, tt := range tests {
		if got := SolarToLunar(mustDate(t, tt.solar)); got != tt.want {
			t.Errorf("SolarToLunar(%s) = %+v; want %+v", tt.solar, got, tt.want)
		}
	}
}

func TestLunarToSolarInvalid(t *testing.T) {
	tests := []LunarDate{
		{2026, 0, 1, false},
		{2026, 13, 1, false},
		{2026, 1, 0, false},
		{2026, 1, 31, false},
		{2026, 3, 1, true},    // 2026 has no leap month
		{2023, 3, 1, true},    // 2023's leap month is the 2nd
		{2025, 12, 30, false}, // month 12 of lunar 2025 has 29 days
	}
	for _, l := range tests {
		if got, ok := LunarToSolar(l); ok {
			t.Errorf("LunarToSolar(%+v) = %v, true; want false", l, got)
		}
	}
}

// TestLunarRoundTrip checks every day of 1900–2199: the lunar date advances
// by one day or starts a new month of 29 or 30 days, the months follow each
// other (with at most one leap month a year), and LunarToSolar inverts
// SolarToLunar.
func TestLunarRoundTrip(t *testing.T) {
	first, last := Date{1900, 1, 31}, Date{2199, 12, 31} // 1900-01-31 is Tết 1900
	prev := SolarToLunar(first)
	if want := (LunarDate{1900, 1, 1, false}); prev != want {
		t.Fatalf("SolarToLunar(%v) = %+v; want %+v", first, prev, want)
	}
	for z := first.days() + 1; z <= last.days(); z++ {
		d := dateOfDays(z)
		l := SolarToLunar(d)
		switch {
		case l.Day > 30:
			t.Fatalf("SolarToLunar(%v) = %+v", d, l)
		case l.Day == prev.Day+1:
			if l.Month != prev.Month || l.Year != prev.Year || l.Leap != prev.Leap {
				t.Fatalf("SolarToLunar(%v) = %+v after %+v", d, l, prev)
			}
		case l.Day == 1:
			if prev.Day != 29 && prev.Day != 30 {
				t.Fatalf("SolarToLunar(%v) = %+v after a month of %d days", d, l, prev.Day)
			}
			next := prev.Month + 1
			if l.Leap {
				next = prev.Month
			}
			if next == 13 {
				next = 1
			}
			wantYear := prev.Year
			if l.Month == 1 && !l.Leap {
				wantYear++
			}
			if l.Month != next || l.Year != wantYear || (l.Leap && prev.Leap) {
				t.Fatalf("SolarToLunar(%v) = %+v after %+v", d, l, prev)
			}
		default:
			t.Fatalf("SolarToLunar(%v) = %+v after %+v", d, l, prev)
		}
		if got, ok := LunarToSolar(l); !ok || got != d {
			t.Fatalf("LunarToSolar(%+v) = %v, %v; want %v, true", l, got, ok, d)
		}
		prev = l
	}
}

func TestTetAlwaysLateJanuaryToFebruary(t *testing.T) {
	for y := 1900; y <= 2199; y++ {
		tet, ok := LunarToSolar(LunarDate{Year: y, Month: 1, Day: 1})
		lo, hi := Date{y, time.January, 21}, Date{y, time.February, 20}
		if !ok || tet.Before(lo) || tet.After(hi) {
			t.Errorf("LunarToSolar(1/1/%d) = %v, %v; want a date in %v…%v", y, tet, ok, lo, hi)
		}
	}
}
