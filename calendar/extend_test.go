package calendar

import (
	"testing"
	"time"
)

// TestExtendDue: the appointment moved by a supplement's waiting time
// (regulation.md Part B §4.5, QĐ 766 method: the waiting time is
// subtracted). Default calendar: 07:30–11:30 and 13:30–17:00, a 7h30 day.
func TestExtendDue(t *testing.T) {
	cal := New(Config{}, nil)
	tests := []struct {
		name   string
		due    string
		paused time.Duration
		want   string
	}{
		// Issue 19: a 44-second pause moved the appointment to 07:30 the next day.
		{"44 seconds keep the date", "2026-11-24 17:00", 44 * time.Second, "2026-11-24 17:00"},
		{"just under half a day keeps the date", "2026-11-24 17:00", 3*time.Hour + 44*time.Minute, "2026-11-24 17:00"},
		{"half a day moves one day", "2026-11-24 17:00", 3*time.Hour + 45*time.Minute, "2026-11-25 17:00"},
		{"one working day", "2026-11-24 17:00", 7*time.Hour + 30*time.Minute, "2026-11-25 17:00"},
		{"two days and a bit", "2026-11-24 17:00", 16 * time.Hour, "2026-11-26 17:00"},
		{"Friday to Monday", "2026-11-27 17:00", 7*time.Hour + 30*time.Minute, "2026-11-30 17:00"},
		{"over 30/4 and 1/5", "2026-04-29 17:00", 7*time.Hour + 30*time.Minute, "2026-05-04 17:00"},
		{"nothing paused", "2026-11-24 17:00", 0, "2026-11-24 17:00"},
		// A period in working hours moves by the exact working time.
		{"hours: inside the day", "2026-11-24 10:00", 44 * time.Second, "2026-11-24 10:00:44"},
		{"hours: over the lunch break", "2026-11-24 11:00", time.Hour, "2026-11-24 14:00"},
		{"hours: over the night", "2026-11-24 16:30", time.Hour, "2026-11-25 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.ExtendDue(vn(t, tt.due), tt.paused)
			if want := vn(t, tt.want); !got.Equal(want) {
				t.Errorf("ExtendDue(%s, %v) = %s; want %s", tt.due, tt.paused, got.In(ict).Format("2006-01-02 15:04:05"), tt.want)
			}
		})
	}
}
