package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// DefaultLocation is the IANA name of the zone the calendar works in unless
// Config.Location says otherwise.
const DefaultLocation = "Asia/Ho_Chi_Minh"

// DefaultCutoff is the receipt cut-off of NĐ 61/2018 Art. 18.2: a dossier
// received after 15:00 counts from the next working day. Pass it, or a
// procedure's own cut-off, to DueDays, DueHours and Start.
const DefaultCutoff = Clock(15 * 60)

// Config describes a center's working week. The zero Config is the
// national default: Asia/Ho_Chi_Minh, rest on Saturday and Sunday, working
// hours 07:30–11:30 and 13:30–17:00 (a 7.5-hour working day).
type Config struct {
	// Location is the zone of working hours and dates. Nil means
	// Asia/Ho_Chi_Minh, or the fixed zone "ICT" (UTC+7) when the system has
	// no time zone database.
	Location *time.Location

	// RestDays are the weekly rest days of the Labour Code (Art. 111). A
	// holiday on a rest day gives a compensatory day (Art. 111.3). Nil means
	// Saturday and Sunday; an empty non-nil slice means none.
	RestDays []time.Weekday

	// WorkingHours are the working spans of a working day. Nil means
	// 07:30–11:30 and 13:30–17:00. A non-nil empty slice is invalid.
	WorkingHours []Span

	// SaturdayHours, when not empty, makes every Saturday that is not a day
	// off under the holiday rules or an override a working day with these
	// spans (e.g. 07:30–11:30 for a center that receives on Saturday
	// morning), even if Saturday is a rest day. Compensatory days are still
	// computed from RestDays, since they follow the Labour Code, not the
	// center's opening hours. A swap_workday override on a Saturday gives
	// the full WorkingHours.
	SaturdayHours []Span
}

// Validate reports whether c can be used by New: spans inside 00:00–24:00,
// each ending after it starts, not overlapping; valid weekdays; and at least
// one working weekday.
func (c Config) Validate() error {
	_, err := c.normalize()
	return err
}

type normalConfig struct {
	loc      *time.Location
	rest     [7]bool
	regular  []Span
	saturday []Span
}

func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation(DefaultLocation); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

func (c Config) normalize() (normalConfig, error) {
	var n normalConfig
	n.loc = c.Location
	if n.loc == nil {
		n.loc = defaultLocation()
	}
	rest := c.RestDays
	if rest == nil {
		rest = []time.Weekday{time.Saturday, time.Sunday}
	}
	for _, w := range rest {
		if w < time.Sunday || w > time.Saturday {
			return n, fmt.Errorf("calendar: rest day %d is not a weekday", int(w))
		}
		n.rest[w] = true
	}
	hours := c.WorkingHours
	if hours == nil {
		hours = []Span{{ClockAt(7, 30), ClockAt(11, 30)}, {ClockAt(13, 30), ClockAt(17, 0)}}
	}
	var err error
	if len(hours) == 0 {
		return n, errors.New("calendar: working hours are empty")
	}
	if n.regular, err = normalizeSpans(hours); err != nil {
		return n, fmt.Errorf("calendar: working hours: %w", err)
	}
	if len(c.SaturdayHours) > 0 {
		if n.saturday, err = normalizeSpans(c.SaturdayHours); err != nil {
			return n, fmt.Errorf("calendar: Saturday hours: %w", err)
		}
	}
	working := n.saturday != nil
	for _, r := range n.rest {
		working = working || !r
	}
	if !working {
		return n, errors.New("calendar: every weekday is a rest day")
	}
	return n, nil
}

// normalizeSpans returns a sorted copy of spans after checking them.
func normalizeSpans(spans []Span) ([]Span, error) {
	out := slices.Clone(spans)
	slices.SortFunc(out, func(a, b Span) int { return cmpInt(int(a.Start), int(b.Start)) })
	for i, s := range out {
		if s.Start < 0 || s.End > 24*60 || s.End <= s.Start {
			return nil, fmt.Errorf("span %v is not a time range within 00:00–24:00", s)
		}
		if i > 0 && s.Start < out[i-1].End {
			return nil, fmt.Errorf("spans %v and %v overlap", out[i-1], s)
		}
	}
	return out, nil
}

// schedule is the working time of one kind of day, in durations since
// local midnight.
type schedule struct {
	spans []dspan
	open  time.Duration // start of the first span
	close time.Duration // end of the last span: close of business
	total time.Duration // working time in the day
}

type dspan struct{ start, end time.Duration }

func newSchedule(spans []Span) schedule {
	var s schedule
	for _, sp := range spans {
		s.spans = append(s.spans, dspan{sp.Start.duration(), sp.End.duration()})
		s.total += sp.End.duration() - sp.Start.duration()
	}
	s.open = s.spans[0].start
	s.close = s.spans[len(s.spans)-1].end
	return s
}

// overlap returns the working time of s within [a, b).
func (s *schedule) overlap(a, b time.Duration) time.Duration {
	var d time.Duration
	for _, sp := range s.spans {
		lo, hi := max(a, sp.start), min(b, sp.end)
		if hi > lo {
			d += hi - lo
		}
	}
	return d
}

// Kinds of day in the per-year tables.
const (
	dayOff      uint8 = iota // weekly rest day, holiday or other day off
	dayRegular               // working day with Config.WorkingHours
	daySaturday              // working Saturday with Config.SaturdayHours
)

// Cached years. Outside this range year tables are built on every use,
// which is correct but slow and allocates.
const (
	minCachedYear = 1900
	maxCachedYear = 2199
)

// Calendar is a center's working calendar: the weekly schedule, the
// statutory holidays computed for every year, and the official overrides.
// A Calendar is immutable after New and safe for concurrent use; its lookups
// are O(1) and do not allocate once a year's table has been built (lazily,
// on first use of that year). All instants it returns are in Location().
type Calendar struct {
	loc       *time.Location
	rest      [7]bool
	saturday  bool
	scheds    [3]schedule // indexed by dayRegular, daySaturday
	overrides map[int][]Override
	years     []atomic.Pointer[yearData]
}

// New returns the calendar for cfg and the official overrides (from the
// database or ParseOverridesCSV). For each date, the override wins over the
// computed rule; when several overrides share a date the last one wins.
// Overrides with an invalid date or an unknown kind are ignored (check them
// with Override.Validate when they are written). An override with an empty
// name is listed under its kind's Vietnamese label.
//
// New panics if cfg.Validate reports an error; validate configuration read
// from outside first.
func New(cfg Config, overrides []Override) *Calendar {
	n, err := cfg.normalize()
	if err != nil {
		panic(err)
	}
	c := &Calendar{
		loc:       n.loc,
		rest:      n.rest,
		saturday:  n.saturday != nil,
		overrides: make(map[int][]Override),
		years:     make([]atomic.Pointer[yearData], maxCachedYear-minCachedYear+1),
	}
	c.scheds[dayRegular] = newSchedule(n.regular)
	if c.saturday {
		c.scheds[daySaturday] = newSchedule(n.saturday)
	}
	for _, o := range overrides {
		if !o.Date.IsValid() || !o.Kind.Valid() {
			continue
		}
		c.overrides[o.Date.Year] = append(c.overrides[o.Date.Year], o)
	}
	return c
}

// Location returns the zone the calendar reads and returns instants in.
func (c *Calendar) Location() *time.Location { return c.loc }

// yearData is the table of one Gregorian year.
type yearData struct {
	year     int
	first    int // day number of 1 January
	n        int // days in the year
	kind     [366]uint8
	holidays []Holiday // days off other than plain weekly rest days, by date
}

// year returns the table of year y, building it on first use.
func (c *Calendar) year(y int) *yearData {
	if y < minCachedYear || y > maxCachedYear {
		return c.buildYear(y)
	}
	slot := &c.years[y-minCachedYear]
	if p := slot.Load(); p != nil {
		return p
	}
	p := c.buildYear(y)
	if !slot.CompareAndSwap(nil, p) {
		p = slot.Load()
	}
	return p
}

// cursor walks the calendar one day at a time.
type cursor struct {
	c   *Calendar
	yd  *yearData
	day int // day number (days since 1970-01-01)
}

func (c *Calendar) cursorAt(day int) cursor {
	y, _, _ := civilFromDays(day)
	return cursor{c: c, yd: c.year(y), day: day}
}

func (k *cursor) kind() uint8 { return k.yd.kind[k.day-k.yd.first] }

func (k *cursor) sched() *schedule { return &k.c.scheds[k.kind()] }

func (k *cursor) next() {
	k.day++
	if k.day >= k.yd.first+k.yd.n {
		k.yd = k.c.year(k.yd.year + 1)
	}
}

func (k *cursor) prev() {
	k.day--
	if k.day < k.yd.first {
		k.yd = k.c.year(k.yd.year - 1)
	}
}

// nextWorking moves to the next working day after the current one.
func (k *cursor) nextWorking() {
	for k.next(); k.kind() == dayOff; k.next() {
	}
}

// prevWorking moves to the working day before the current one.
func (k *cursor) prevWorking() {
	for k.prev(); k.kind() == dayOff; k.prev() {
	}
}

// IsWorkingDay reports whether d is a working day: not a weekly rest day
// (unless Saturday hours or a swap_workday override make it one), not a
// statutory holiday or compensatory day, not an override day off. It
// returns false for an invalid Date.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if !d.IsValid() {
		return false
	}
	k := c.cursorAt(d.days())
	return k.kind() != dayOff
}

// WorkingSpans returns the working spans of day d, or nil when d is not a
// working day. The slice is a fresh copy.
func (c *Calendar) WorkingSpans(d Date) []Span {
	if !d.IsValid() {
		return nil
	}
	k := c.cursorAt(d.days())
	if k.kind() == dayOff {
		return nil
	}
	var out []Span
	for _, s := range k.sched().spans {
		out = append(out, Span{Clock(s.start / time.Minute), Clock(s.end / time.Minute)})
	}
	return out
}

// AddWorkingDays returns the n-th working day after d (before d when n < 0).
// With n == 0 it returns d itself, working day or not. Use it for rules such
// as "at least one working day before the due date" (AddWorkingDays(due, -1))
// or "the same day or the next working day" (NĐ 30/2020 Art. 18).
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	k := c.cursorAt(d.days())
	for ; n > 0; n-- {
		k.nextWorking()
	}
	for ; n < 0; n++ {
		k.prevWorking()
	}
	return dateOfDays(k.day)
}

// Holidays returns the days off of year in date order, after overrides:
// statutory holidays (also those falling on a weekly rest day),
// compensatory days and extra days off. Plain weekly rest days are not
// listed, nor are days an override turned into working days. The slice is a
// fresh copy.
func (c *Calendar) Holidays(year int) []Holiday {
	return slices.Clone(c.year(year).holidays)
}

// Provisional reports whether no override is dated in year, i.e. the days
// off of that year are only the computed proposal and the government's
// announcement has not been entered yet. Appointments in such a year should
// be flagged as provisional (regulation.md Part B §7).
func (c *Calendar) Provisional(year int) bool {
	return len(c.overrides[year]) == 0
}

// split returns the local day number and the time since local midnight of t.
func (c *Calendar) split(t time.Time) (day int, off time.Duration) {
	t = t.In(c.loc)
	_, zone := t.Zone()
	sec := t.Unix() + int64(zone)
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return int(d), time.Duration(sec-d*86400)*time.Second + time.Duration(t.Nanosecond())
}

// at returns the instant off after local midnight starting day number day.
func (c *Calendar) at(day int, off time.Duration) time.Time {
	y, m, d := civilFromDays(day)
	// Seconds and nanoseconds separately: int may be 32 bits wide.
	return time.Date(y, time.Month(m), d, 0, 0, int(off/time.Second), int(off%time.Second), c.loc)
}
