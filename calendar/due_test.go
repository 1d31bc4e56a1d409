package calendar

import (
	"testing"
	"time"
)

// ict is the calendar's zone in tests; the default calendar uses
// Asia/Ho_Chi_Minh, which has been UTC+7 since 1975.
var ict = time.FixedZone("ICT", 7*3600)

// vn parses "2006-01-02 15:04[:05]" as a wall-clock time at UTC+7.
func vn(tb testing.TB, s string) time.Time {
	tb.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, ict); err == nil {
			return t
		}
	}
	tb.Fatalf("bad test time %q", s)
	return time.Time{}
}

// Reference week: Mon 2026-11-23 … Sun 2026-11-29, no holidays.
// dueCase is a due date expected from a receipt time, a number of days
// or hours and a cut-off; times are wall-clock times at UTC+7 (see vn).
type dueCase struct {
	name   string
	from   string
	n      int
	cutoff Clock
	want   string
}

// checkDues checks the due date that due (the method named what) gives
// for each case, and that it is in the calendar's zone.
func checkDues(t *testing.T, cal *Calendar, what string, due func(time.Time, int, Clock) time.Time, tests []dueCase) {
	t.Helper()
	for _, tt := range tests {
		got := due(vn(t, tt.from), tt.n, tt.cutoff)
		if want := vn(t, tt.want); !got.Equal(want) {
			t.Errorf("%s: %s(%s, %d, %v) = %v; want %v", tt.name, what, tt.from, tt.n, tt.cutoff, got, want)
		}
		if got.Location() != cal.Location() {
			t.Errorf("%s: %s location = %v; want %v", tt.name, what, got.Location(), cal.Location())
		}
	}
}

func TestDueDays(t *testing.T) {
	cal := New(Config{}, nil)
	const cut = DefaultCutoff
	checkDues(t, cal, "DueDays", cal.DueDays, []dueCase{
		{"brief: Mon 10:00, 1 day", "2026-11-23 10:00", 1, cut, "2026-11-24 17:00"},
		{"brief: Mon 16:00 after cutoff", "2026-11-23 16:00", 1, cut, "2026-11-25 17:00"},
		{"Saturday starts Monday", "2026-11-28 09:00", 1, cut, "2026-12-01 17:00"},
		{"zero days: close of the start day", "2026-11-23 10:00", 0, cut, "2026-11-23 17:00"},
		{"zero days after cutoff: next day", "2026-11-23 15:30", 0, cut, "2026-11-24 17:00"},
		{"negative days count as zero", "2026-11-23 10:00", -3, cut, "2026-11-23 17:00"},
		{"cutoff is inclusive", "2026-11-23 15:00:00", 1, cut, "2026-11-24 17:00"},
		{"one second after cutoff", "2026-11-23 15:00:01", 1, cut, "2026-11-25 17:00"},
		{"no cutoff: 16:00 counts", "2026-11-23 16:00", 1, 0, "2026-11-24 17:00"},
		{"no cutoff: 16:59:59 counts", "2026-11-23 16:59:59", 1, 0, "2026-11-24 17:00"},
		{"at close of business: next day", "2026-11-23 17:00", 1, 0, "2026-11-25 17:00"},
		{"evening: next day", "2026-11-23 20:00", 1, 0, "2026-11-25 17:00"},
		{"before opening counts that day", "2026-11-23 06:00", 1, cut, "2026-11-24 17:00"},
		{"midnight counts that day", "2026-11-23 00:00", 1, cut, "2026-11-24 17:00"},
		{"lunch break counts that day", "2026-11-23 12:00", 1, cut, "2026-11-24 17:00"},
		{"cutoff after close has no effect", "2026-11-23 17:30", 1, ClockAt(18, 0), "2026-11-25 17:00"},
		{"Sunday night", "2026-11-29 23:59", 1, cut, "2026-12-01 17:00"},
		{"Friday to Monday", "2026-11-27 10:00", 1, cut, "2026-11-30 17:00"},
		{"Friday after cutoff to Tuesday", "2026-11-27 16:00", 1, cut, "2026-12-01 17:00"},
		{"five days", "2026-11-23 10:00", 5, cut, "2026-11-30 17:00"},
		{"thirty days over New Year 2027", "2026-11-23 10:00", 30, cut, "2027-01-05 17:00"},
		{"over Giỗ Tổ Sunday and its Monday", "2026-04-24 10:00", 1, cut, "2026-04-28 17:00"},
		{"received on the compensatory Monday", "2026-04-27 09:00", 1, cut, "2026-04-29 17:00"},
		{"over 30/4 and 1/5", "2026-04-29 10:00", 1, cut, "2026-05-04 17:00"},
		{"over New Year", "2025-12-31 10:00", 1, cut, "2026-01-02 17:00"},
		{"New Year's Eve after cutoff", "2025-12-31 16:00", 1, cut, "2026-01-05 17:00"},
		{"over Tết 2026", "2026-02-13 10:00", 3, cut, "2026-02-25 17:00"},
		{"received during Tết", "2026-02-18 10:00", 1, cut, "2026-02-24 17:00"},
		{"over Quốc khánh 2026", "2026-09-01 10:00", 1, cut, "2026-09-04 17:00"},
	})
}

func TestDueDaysOtherZones(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		from string // RFC 3339
		want string
	}{
		{"2026-11-23T03:00:00Z", "2026-11-24T17:00:00+07:00"},      // Mon 10:00 in Hà Nội
		{"2026-11-22T20:00:00Z", "2026-11-24T17:00:00+07:00"},      // Mon 03:00 in Hà Nội, Sunday in UTC
		{"2026-11-23T09:00:00+01:00", "2026-11-24T17:00:00+07:00"}, // 15:00 in Hà Nội: the cut-off is inclusive
		{"2026-11-23T09:00:01+01:00", "2026-11-25T17:00:00+07:00"},
	}
	for _, tt := range tests {
		from, _ := time.Parse(time.RFC3339, tt.from)
		if got := cal.DueDays(from, 1, DefaultCutoff).Format(time.RFC3339); got != tt.want {
			t.Errorf("DueDays(%s, 1, 15:00) = %s; want %s", tt.from, got, tt.want)
		}
	}
}

func TestDueDaysSaturdayHours(t *testing.T) {
	morning := []Span{{ClockAt(7, 30), ClockAt(11, 30)}}
	src := "QĐ làm bù"
	cal := New(Config{SaturdayHours: morning}, nil)
	swap := New(Config{}, []Override{{Date: Date{2026, time.November, 28}, Kind: KindSwapWorkday, Source: src}})
	checkDues(t, cal, "DueDays", cal.DueDays, []dueCase{
		{"Friday + 1 is Saturday morning", "2026-11-27 10:00", 1, DefaultCutoff, "2026-11-28 11:30"},
		{"Saturday, same day", "2026-11-28 10:00", 0, DefaultCutoff, "2026-11-28 11:30"},
		{"Saturday after its close", "2026-11-28 12:00", 1, DefaultCutoff, "2026-12-01 17:00"},
		{"Saturday + 1 is Monday", "2026-11-28 10:00", 1, DefaultCutoff, "2026-11-30 17:00"},
	})
	checkDues(t, swap, "DueDays", swap.DueDays, []dueCase{
		{"swap Saturday is a full day", "2026-11-27 10:00", 1, DefaultCutoff, "2026-11-28 17:00"},
		{"received on the swap Saturday", "2026-11-28 14:00", 1, DefaultCutoff, "2026-11-30 17:00"},
	})
}

func TestStart(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		from   string
		cutoff Clock
		want   string
	}{
		{"2026-11-23 10:00:30", DefaultCutoff, "2026-11-23 10:00:30"},
		{"2026-11-23 06:00", DefaultCutoff, "2026-11-23 07:30"},
		{"2026-11-23 11:30", DefaultCutoff, "2026-11-23 13:30"}, // a span's end is not inside it
		{"2026-11-23 12:15", DefaultCutoff, "2026-11-23 13:30"},
		{"2026-11-23 15:00", DefaultCutoff, "2026-11-23 15:00"},
		{"2026-11-23 15:00:01", DefaultCutoff, "2026-11-24 07:30"},
		{"2026-11-23 16:00", 0, "2026-11-23 16:00"},
		{"2026-11-23 17:00", 0, "2026-11-24 07:30"},
		{"2026-11-28 09:00", 0, "2026-11-30 07:30"},
		{"2026-04-24 16:00", DefaultCutoff, "2026-04-28 07:30"},
	}
	for _, tt := range tests {
		if got, want := cal.Start(vn(t, tt.from), tt.cutoff), vn(t, tt.want); !got.Equal(want) {
			t.Errorf("Start(%s, %v) = %v; want %v", tt.from, tt.cutoff, got, want)
		}
	}
}

func TestDueHours(t *testing.T) {
	cal := New(Config{}, nil)
	const cut = DefaultCutoff
	checkDues(t, cal, "DueHours", cal.DueHours, []dueCase{
		{"8h is more than the 7.5h day", "2026-11-23 09:00", 8, cut, "2026-11-24 09:30"},
		{"8h from opening", "2026-11-23 07:30", 8, cut, "2026-11-24 08:00"},
		{"ends exactly at the lunch break", "2026-11-23 07:30", 4, cut, "2026-11-23 11:30"},
		{"skips the lunch break", "2026-11-23 10:00", 2, cut, "2026-11-23 14:00"},
		{"starts after lunch", "2026-11-23 12:00", 1, cut, "2026-11-23 14:30"},
		{"after cutoff: next opening", "2026-11-23 16:00", 1, cut, "2026-11-24 08:30"},
		{"no cutoff: ends at close", "2026-11-23 16:00", 1, 0, "2026-11-23 17:00"},
		{"no cutoff: runs over night", "2026-11-23 16:30", 1, 0, "2026-11-24 08:00"},
		{"over the weekend", "2026-11-27 16:30", 1, 0, "2026-11-30 08:00"},
		{"received on Saturday", "2026-11-28 10:00", 8, cut, "2026-12-01 08:00"},
		{"zero hours is the start", "2026-11-23 12:00", 0, cut, "2026-11-23 13:30"},
		{"seconds are kept", "2026-11-23 10:00:30", 1, cut, "2026-11-23 11:00:30"},
		{"over Giỗ Tổ and its Monday", "2026-04-24 16:00", 2, 0, "2026-04-28 08:30"},
		{"35h: four 7.5h days, then 5h on Friday", "2026-11-23 07:30", 35, cut, "2026-11-27 14:30"},
	})
}

func TestAddWorking(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		t    string
		d    time.Duration
		want string
	}{
		{"2026-11-23 17:00", 0, "2026-11-23 17:00"},
		{"2026-11-23 20:00", 0, "2026-11-23 20:00"}, // zero never moves
		{"2026-11-23 17:00", 30 * time.Minute, "2026-11-24 08:00"},
		{"2026-11-23 11:00", 30 * time.Minute, "2026-11-23 11:30"},
		{"2026-11-23 11:00", 31 * time.Minute, "2026-11-23 13:31"},
		{"2026-11-29 12:00", time.Hour, "2026-11-30 08:30"},
		{"2026-11-23 07:30", 15 * time.Hour, "2026-11-24 17:00"},
		{"2026-11-24 08:00", -30 * time.Minute, "2026-11-24 07:30"},
		{"2026-11-24 07:30", -30 * time.Minute, "2026-11-23 16:30"},
		{"2026-11-23 13:30", -time.Hour, "2026-11-23 10:30"},
		{"2026-11-30 08:00", -time.Hour, "2026-11-27 16:30"},
		{"2026-04-28 08:30", -2 * time.Hour, "2026-04-24 16:00"},
	}
	for _, tt := range tests {
		if got, want := cal.AddWorking(vn(t, tt.t), tt.d), vn(t, tt.want); !got.Equal(want) {
			t.Errorf("AddWorking(%s, %v) = %v; want %v", tt.t, tt.d, got, want)
		}
	}
	if got, want := cal.AddWorking(vn(t, "2026-11-23 07:30"), 15*time.Hour+time.Nanosecond), vn(t, "2026-11-25 07:30").Add(time.Nanosecond); !got.Equal(want) {
		t.Errorf("AddWorking(Mon 07:30, 15h+1ns) = %v; want %v", got, want)
	}
}

func TestWorkingDuration(t *testing.T) {
	cal := New(Config{}, nil)
	h := time.Hour
	tests := []struct {
		from, to string
		want     time.Duration
	}{
		{"2026-11-23 07:30", "2026-11-23 17:00", 7*h + 30*time.Minute},
		{"2026-11-23 10:00", "2026-11-24 10:00", 7*h + 30*time.Minute},
		{"2026-11-27 16:00", "2026-11-30 08:30", 2 * h},
		{"2026-11-23 12:00", "2026-11-23 13:00", 0},
		{"2026-11-28 08:00", "2026-11-29 16:00", 0},
		{"2026-11-30 08:30", "2026-11-27 16:00", -2 * h},
		{"2026-04-24 16:00", "2026-04-28 08:30", 2 * h},
		{"2026-11-23 00:00", "2026-11-30 00:00", 37*h + 30*time.Minute},
		{"2026-11-23 10:00", "2026-11-23 10:00", 0},
		{"2026-02-13 17:00", "2026-02-23 07:30", 0}, // Tết
	}
	for _, tt := range tests {
		if got := cal.WorkingDuration(vn(t, tt.from), vn(t, tt.to)); got != tt.want {
			t.Errorf("WorkingDuration(%s, %s) = %v; want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestPauseExtendsDue(t *testing.T) {
	cal := New(Config{}, nil)
	received := vn(t, "2026-11-23 10:00")
	due := cal.DueDays(received, 1, DefaultCutoff) // Tue 17:00
	// Waiting for a supplement from Mon 14:00 to Tue 09:00: 3h + 1h30m.
	paused := cal.WorkingDuration(vn(t, "2026-11-23 14:00"), vn(t, "2026-11-24 09:00"))
	if want := 4*time.Hour + 30*time.Minute; paused != want {
		t.Fatalf("WorkingDuration(pause) = %v; want %v", paused, want)
	}
	if got, want := cal.AddWorking(due, paused), vn(t, "2026-11-25 14:00"); !got.Equal(want) {
		t.Errorf("AddWorking(%v, %v) = %v; want %v", due, paused, got, want)
	}
}

func TestStepDues(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		name    string
		start   string
		budgets []StepBudget
		want    []string
	}{
		{"chained", "2026-11-23 10:00", []StepBudget{
			{Work: 4 * time.Hour},                // Mon 10:00 + 4h
			{Days: 1},                            // the next working day's close
			{Work: 3*time.Hour + 45*time.Minute}, // half a day, from Tue 17:00
			{Days: 2, Work: time.Hour},           // Fri 17:00, then 1h
			{},                                   // a zero budget
			{Days: -1, Work: -time.Hour},         // negative counts as zero
		}, []string{
			"2026-11-23 16:00",
			"2026-11-24 17:00",
			"2026-11-25 11:15",
			"2026-11-30 08:30",
			"2026-11-30 08:30",
			"2026-11-30 08:30",
		}},
		{"from Saturday", "2026-11-28 09:00", []StepBudget{{Days: 1}, {Days: 1}}, []string{"2026-12-01 17:00", "2026-12-02 17:00"}},
		{"a step ending at close, then hours", "2026-11-23 07:30", []StepBudget{{Work: 7*time.Hour + 30*time.Minute}, {Work: time.Hour}}, []string{"2026-11-23 17:00", "2026-11-24 08:30"}},
		{"over Giỗ Tổ", "2026-04-24 09:00", []StepBudget{{Days: 1}, {Work: 8 * time.Hour}}, []string{"2026-04-28 17:00", "2026-05-04 08:00" /* 7.5h on 29/4; 30/4, 1/5 off */}},
		{"no steps", "2026-11-23 10:00", nil, nil},
	}
	for _, tt := range tests {
		got := cal.StepDues(vn(t, tt.start), tt.budgets)
		if len(got) != len(tt.want) {
			t.Fatalf("%s: StepDues = %v; want %v", tt.name, got, tt.want)
		}
		for i := range got {
			if want := vn(t, tt.want[i]); !got[i].Equal(want) {
				t.Errorf("%s: StepDues[%d] = %v; want %v", tt.name, i, got[i], want)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	cal := New(Config{}, nil)
	due := vn(t, "2026-11-24 17:00")
	dueMidday := vn(t, "2026-11-24 09:30")
	tests := []struct {
		finished string
		due      time.Time
		want     Outcome
	}{
		{"2026-11-23 10:00", due, OutcomeEarly},
		{"2026-11-23 23:59:59", due, OutcomeEarly},
		{"2026-11-24 00:00", due, OutcomeOnTime},
		{"2026-11-24 08:00", due, OutcomeOnTime},
		{"2026-11-24 17:00", due, OutcomeOnTime},
		{"2026-11-24 17:00:01", due, OutcomeLate},
		{"2026-11-25 08:00", due, OutcomeLate},
		{"2026-11-24 09:00", dueMidday, OutcomeOnTime},
		{"2026-11-24 09:30", dueMidday, OutcomeOnTime},
		{"2026-11-24 10:00", dueMidday, OutcomeLate},
		{"2026-11-23 16:00", dueMidday, OutcomeEarly},
	}
	for _, tt := range tests {
		if got := cal.Classify(vn(t, tt.finished), tt.due); got != tt.want {
			t.Errorf("Classify(%s, %v) = %q; want %q", tt.finished, tt.due, got, tt.want)
		}
	}
	// The due day is the local day: Mon 17:30 UTC is Tue 00:30 in Hà Nội.
	if got := cal.Classify(time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC), due); got != OutcomeOnTime {
		t.Errorf("Classify(Mon 17:30Z, %v) = %q; want %q", due, got, OutcomeOnTime)
	}
}

func TestOutcomeLabel(t *testing.T) {
	tests := []struct {
		o    Outcome
		want string
	}{
		{OutcomeEarly, "Trước hạn"},
		{OutcomeOnTime, "Đúng hạn"},
		{OutcomeLate, "Quá hạn"},
		{"other", ""},
	}
	for _, tt := range tests {
		if got := tt.o.Label(); got != tt.want {
			t.Errorf("%q.Label() = %q; want %q", tt.o, got, tt.want)
		}
	}
}
