package calendar

import (
	"testing"
	"time"
)

// BenchmarkDueDays30 is one due computation over 30 working days, after the
// year tables are built. Target: ≤ 2 µs and 0 allocs/op.
func BenchmarkDueDays30(b *testing.B) {
	cal := New(Config{}, nil)
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, ict)
	want := cal.DueDays(from, 30, DefaultCutoff)
	b.ReportAllocs()
	b.ResetTimer()
	var got time.Time
	for b.Loop() {
		got = cal.DueDays(from, 30, DefaultCutoff)
	}
	if !got.Equal(want) {
		b.Fatalf("DueDays = %v; want %v", got, want)
	}
}

// BenchmarkDueHours40 is one due computation over 40 working hours.
func BenchmarkDueHours40(b *testing.B) {
	cal := New(Config{}, nil)
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, ict)
	cal.DueHours(from, 40, DefaultCutoff)
	b.ReportAllocs()
	for b.Loop() {
		cal.DueHours(from, 40, DefaultCutoff)
	}
}

// BenchmarkNew is the cost of New, which builds no year table.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Config{}, nil)
	}
}

// BenchmarkBuildYear is the cost of one year table (lunar dates included),
// paid once per year per Calendar.
func BenchmarkBuildYear(b *testing.B) {
	cal := New(Config{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		cal.buildYear(2026)
	}
}
