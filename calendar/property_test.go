package calendar

import (
	"math/rand"
	"sync"
	"testing"
	"time"
)

// propertyCalendars are the calendars the property tests run on: the
// default one with a few overrides, and one open on Saturday mornings.
func propertyCalendars(tb testing.TB) map[string]*Calendar {
	tb.Helper()
	src := "QĐ thử nghiệm"
	overrides := []Override{
		{Date: Date{2026, time.February, 13}, Kind: KindExtraOff, Name: "Nghỉ Tết", Source: src},
		{Date: Date{2026, time.February, 28}, Kind: KindSwapWorkday, Source: src},
		{Date: Date{2027, time.September, 1}, Kind: KindHoliday, Name: "Quốc khánh", Source: src},
		{Date: Date{2027, time.September, 3}, Kind: KindSwapWorkday, Source: src},
	}
	return map[string]*Calendar{
		"default": New(Config{}, overrides),
		"saturday": New(Config{
			SaturdayHours: []Span{{ClockAt(7, 30), ClockAt(11, 30)}},
			WorkingHours:  []Span{{ClockAt(8, 0), ClockAt(12, 0)}, {ClockAt(13, 0), ClockAt(17, 0)}},
		}, overrides),
	}
}

// randomInstant returns an instant in 2025–2031 with a bias towards the
// boundaries that matter: opening, the lunch break, the cut-off, closing.
func randomInstant(rng *rand.Rand) time.Time {
	day := Date{2025, time.January, 1}.AddDays(rng.Intn(7 * 365))
	var clock time.Duration
	switch rng.Intn(3) {
	case 0:
		marks := []Clock{ClockAt(7, 30), ClockAt(8, 0), ClockAt(11, 30), ClockAt(12, 0), ClockAt(13, 0), ClockAt(13, 30), ClockAt(15, 0), ClockAt(17, 0)}
		clock = marks[rng.Intn(len(marks))].duration() + time.Duration(rng.Intn(3)-1)*time.Second
	case 1:
		clock = time.Duration(rng.Intn(24*60)) * time.Minute
	default:
		clock = time.Duration(rng.Int63n(int64(24 * time.Hour)))
	}
	return time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, ict).Add(clock)
}

// inWorkingTime reports whether t lies inside a working span of a working
// day, with the span's start and end included.
func inWorkingTime(cal *Calendar, t time.Time) bool {
	t = t.In(cal.Location())
	d := DateOf(t)
	for _, s := range cal.WorkingSpans(d) {
		if !t.Before(d.At(s.Start, cal.Location())) && !t.After(d.At(s.End, cal.Location())) {
			return true
		}
	}
	return false
}

// bruteWorkingDuration is an independent oracle for WorkingDuration built
// on the public WorkingSpans.
func bruteWorkingDuration(cal *Calendar, a, b time.Time) time.Duration {
	loc := cal.Location()
	var total time.Duration
	for d := DateOf(a.In(loc)); !d.After(DateOf(b.In(loc))); d = d.AddDays(1) {
		for _, s := range cal.WorkingSpans(d) {
			lo, hi := d.At(s.Start, loc), d.At(s.End, loc)
			if a.After(lo) {
				lo = a
			}
			if b.Before(hi) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return total
}

// checkDueMonotone checks that due, the method named what of the calendar
// named name, moves forward with the count (one more day or hour is due
// strictly later than got = due(from, n)) and with the receipt (a receipt
// up to 72 hours later is never due earlier).
func checkDueMonotone(t *testing.T, rng *rand.Rand, name, what string, due func(time.Time, int) time.Time, from time.Time, n int, got time.Time) {
	t.Helper()
	if more := due(from, n+1); !more.After(got) {
		t.Fatalf("%s: %s(%v, %d) = %v is not after %s(…, %d) = %v", name, what, from, n+1, more, what, n, got)
	}
	later := from.Add(time.Duration(rng.Int63n(int64(72 * time.Hour))))
	if again := due(later, n); again.Before(got) {
		t.Fatalf("%s: %s(%v, %d) = %v is before %s(%v, %d) = %v", name, what, later, n, again, what, from, n, got)
	}
}

// eachDraw calls check 5000 times for each property calendar, with an
// instant drawn at random from a generator seeded with seed (the same
// draws for every calendar); check draws whatever else it needs from rng.
func eachDraw(t *testing.T, seed int64, check func(name string, cal *Calendar, rng *rand.Rand, from time.Time)) {
	t.Helper()
	for name, cal := range propertyCalendars(t) {
		rng := rand.New(rand.NewSource(seed))
		for range 5000 {
			check(name, cal, rng, randomInstant(rng))
		}
	}
}

func TestPropertyDueDays(t *testing.T) {
	eachDraw(t, 2026, func(name string, cal *Calendar, rng *rand.Rand, from time.Time) {
		n := rng.Intn(40)
		cutoff := []Clock{0, DefaultCutoff, ClockAt(11, 0)}[rng.Intn(3)]
		due := cal.DueDays(from, n, cutoff)
		d := DateOf(due)
		spans := cal.WorkingSpans(d)
		if len(spans) == 0 || !due.Equal(d.At(spans[len(spans)-1].End, cal.Location())) {
			t.Fatalf("%s: DueDays(%v, %d, %v) = %v; want close of business of a working day", name, from, n, cutoff, due)
		}
		if !due.After(from) {
			t.Fatalf("%s: DueDays(%v, %d, %v) = %v; want after the receipt", name, from, n, cutoff, due)
		}
		checkDueMonotone(t, rng, name, "DueDays", func(from time.Time, n int) time.Time { return cal.DueDays(from, n, cutoff) }, from, n, due)
		// Counting the days from Start gives the same due (a zero
		// step budget is due at once, unlike DueDays with n = 0).
		if steps := cal.StepDues(cal.Start(from, cutoff), []StepBudget{{Days: n}}); n > 0 && !steps[0].Equal(due) {
			t.Fatalf("%s: StepDues(Start(%v), %d days) = %v; want DueDays = %v", name, from, n, steps[0], due)
		}
		// The days between start and due are n working days.
		start := DateOf(cal.Start(from, cutoff))
		if got := cal.AddWorkingDays(start, n); got != d {
			t.Fatalf("%s: AddWorkingDays(%v, %d) = %v; want the due day %v", name, start, n, got, d)
		}
	})
}

func TestPropertyDueHours(t *testing.T) {
	eachDraw(t, 7, func(name string, cal *Calendar, rng *rand.Rand, from time.Time) {
		h := rng.Intn(60)
		cutoff := []Clock{0, DefaultCutoff}[rng.Intn(2)]
		due := cal.DueHours(from, h, cutoff)
		if !inWorkingTime(cal, due) {
			t.Fatalf("%s: DueHours(%v, %d, %v) = %v; want inside working hours", name, from, h, cutoff, due)
		}
		if due.Before(from) {
			t.Fatalf("%s: DueHours(%v, %d, %v) = %v; before the receipt", name, from, h, cutoff, due)
		}
		start := cal.Start(from, cutoff)
		if got := cal.WorkingDuration(start, due); got != time.Duration(h)*time.Hour {
			t.Fatalf("%s: WorkingDuration(%v, DueHours(…, %d)) = %v; want %dh", name, start, h, got, h)
		}
		checkDueMonotone(t, rng, name, "DueHours", func(from time.Time, h int) time.Time { return cal.DueHours(from, h, cutoff) }, from, h, due)
	})
}

func TestPropertyWorkingTime(t *testing.T) {
	eachDraw(t, 42, func(name string, cal *Calendar, rng *rand.Rand, from time.Time) {
		a, b := from, randomInstant(rng)
		if b.Before(a) {
			a, b = b, a
		}
		if b.Sub(a) > 60*24*time.Hour { // keep the oracle cheap
			b = a.Add(time.Duration(rng.Int63n(int64(10 * 24 * time.Hour))))
		}
		wd := cal.WorkingDuration(a, b)
		if want := bruteWorkingDuration(cal, a, b); wd != want {
			t.Fatalf("%s: WorkingDuration(%v, %v) = %v; want %v", name, a, b, wd, want)
		}
		if got := cal.WorkingDuration(b, a); got != -wd {
			t.Fatalf("%s: WorkingDuration(%v, %v) = %v; want %v", name, b, a, got, -wd)
		}
		m := a.Add(time.Duration(rng.Int63n(int64(b.Sub(a)) + 1)))
		if sum := cal.WorkingDuration(a, m) + cal.WorkingDuration(m, b); sum != wd {
			t.Fatalf("%s: WorkingDuration(%v, %v) + (…, %v) = %v; want %v", name, a, m, b, sum, wd)
		}

		// Round trip, forward and backward.
		d := time.Duration(rng.Int63n(int64(80 * time.Hour)))
		fwd := cal.AddWorking(a, d)
		if got := cal.WorkingDuration(a, fwd); got != d {
			t.Fatalf("%s: WorkingDuration(%v, AddWorking(…, %v) = %v) = %v", name, a, d, fwd, got)
		}
		if d > 0 && !inWorkingTime(cal, fwd) {
			t.Fatalf("%s: AddWorking(%v, %v) = %v; want inside working hours", name, a, d, fwd)
		}
		if more := cal.AddWorking(a, d+time.Second); !more.After(fwd) {
			t.Fatalf("%s: AddWorking(%v, %v) = %v is not after AddWorking(…, %v) = %v", name, a, d+time.Second, more, d, fwd)
		}
		back := cal.AddWorking(a, -d)
		if got := cal.WorkingDuration(back, a); got != d {
			t.Fatalf("%s: WorkingDuration(AddWorking(%v, -%v) = %v, …) = %v", name, a, d, back, got)
		}
		if d > 0 && !inWorkingTime(cal, back) {
			t.Fatalf("%s: AddWorking(%v, -%v) = %v; want inside working hours", name, a, d, back)
		}

		// A pause from a to b extends the due by exactly its working time.
		due := cal.DueDays(randomInstant(rng), rng.Intn(20), DefaultCutoff)
		extended := cal.AddWorking(due, wd)
		if got := cal.WorkingDuration(due, extended); got != wd {
			t.Fatalf("%s: pause %v: WorkingDuration(%v, %v) = %v", name, wd, due, extended, got)
		}
		if extended.Before(due) {
			t.Fatalf("%s: AddWorking(%v, %v) = %v; before the due", name, due, wd, extended)
		}
		if cal.Classify(due, due) != OutcomeOnTime || cal.Classify(due.Add(time.Nanosecond), due) != OutcomeLate {
			t.Fatalf("%s: Classify around the due %v is wrong", name, due)
		}
	})
}

// TestConcurrentUse builds years lazily from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	cal := New(Config{}, nil)
	var wg sync.WaitGroup
	results := make([]time.Time, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := time.Date(2040, 12, 20, 10, 0, 0, 0, ict)
			results[i] = cal.DueDays(from, 30, DefaultCutoff)
			_ = cal.Holidays(2041 + i%3)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if !r.Equal(results[0]) {
			t.Errorf("goroutine %d: DueDays = %v; want %v", i, r, results[0])
		}
	}
}

func TestDueDaysDoesNotAllocate(t *testing.T) {
	cal := New(Config{}, nil)
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, ict)
	cal.DueDays(from, 30, DefaultCutoff) // build the years
	allocs := testing.AllocsPerRun(100, func() {
		cal.DueDays(from, 30, DefaultCutoff)
		cal.DueHours(from, 40, DefaultCutoff)
		cal.WorkingDuration(from, from.Add(30*24*time.Hour))
		cal.AddWorking(from, 100*time.Hour)
		cal.Classify(from, from)
	})
	if allocs != 0 {
		t.Errorf("DueDays and friends allocate %v times per run; want 0", allocs)
	}
}
