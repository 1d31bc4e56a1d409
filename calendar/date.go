package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Date is a civil date (proleptic Gregorian calendar) with no time of day and
// no location. The zero Date is not a valid date. Date values are comparable
// with == and usable as map keys.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's own location. Convert t with
// t.In first to read it in another zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a date written as YYYY-MM-DD (ISO 8601, four-digit year).
// It rejects dates that do not exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("ngày %q không đúng dạng YYYY-MM-DD", s)
	}
	y, err1 := atoiDigits(s[0:4])
	m, err2 := atoiDigits(s[5:7])
	d, err3 := atoiDigits(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil {
		return Date{}, fmt.Errorf("ngày %q không đúng dạng YYYY-MM-DD", s)
	}
	date := Date{y, time.Month(m), d}
	if !date.IsValid() {
		return Date{}, fmt.Errorf("ngày %q không tồn tại", s)
	}
	return date, nil
}

// atoiDigits parses a string made only of ASCII digits (no sign).
func atoiDigits(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a digit")
		}
	}
	return strconv.Atoi(s)
}

// IsValid reports whether d names a day that exists: month 1–12 and day
// within the month. Years may be any integer.
func (d Date) IsValid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysInMonth(d.Year, d.Month)
}

// String returns the date as YYYY-MM-DD, for example "2026-11-26".
func (d Date) String() string {
	if d.Year >= 0 && d.Year <= 9999 {
		var b [10]byte
		put := func(i, v, n int) {
			for j := i + n - 1; j >= i; j-- {
				b[j] = byte('0' + v%10)
				v /= 10
			}
		}
		put(0, d.Year, 4)
		b[4] = '-'
		put(5, int(d.Month)%100, 2)
		b[7] = '-'
		put(8, d.Day%100, 2)
		return string(b[:])
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes d as YYYY-MM-DD, so that Date reads and writes as a
// JSON string.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsValid() {
		return nil, fmt.Errorf("calendar: invalid date %d-%d-%d", d.Year, int(d.Month), d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a YYYY-MM-DD date, with the checks of ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return weekdayOf(d.days())
}

// AddDays returns the date n calendar days after d (before d when n < 0).
func (d Date) AddDays(n int) Date {
	return dateOfDays(d.days() + n)
}

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if
// d is after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// At returns the instant at the given wall clock of d in loc.
func (d Date) At(c Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, loc)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// days returns the number of days from 1970-01-01 to d (negative before).
func (d Date) days() int { return daysFromCivil(d.Year, int(d.Month), d.Day) }

func dateOfDays(z int) Date {
	y, m, d := civilFromDays(z)
	return Date{y, time.Month(m), d}
}

// floorDiv returns a/b rounded towards negative infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// daysFromCivil and civilFromDays are Howard Hinnant's algorithms for the
// proleptic Gregorian calendar; day 0 is 1970-01-01.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// weekdayOf returns the weekday of day number z (1970-01-01 was a Thursday).
func weekdayOf(z int) time.Weekday {
	w := (z + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInYear(y int) int {
	if isLeap(y) {
		return 366
	}
	return 365
}

func daysInMonth(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Clock is a wall-clock time of day in minutes after midnight: 0 is 00:00
// and 1440 is 24:00 (the end of the day). Build one with ClockAt or
// ParseClock.
type Clock int

// ClockAt returns the Clock for hour:minute, for example ClockAt(15, 0).
func ClockAt(hour, minute int) Clock { return Clock(hour*60 + minute) }

// ParseClock parses "H:MM" or "HH:MM" between 00:00 and 24:00.
func ParseClock(s string) (Clock, error) {
	i := len(s) - 3
	if i >= 1 && i <= 2 && s[i] == ':' {
		h, err1 := atoiDigits(s[:i])
		m, err2 := atoiDigits(s[i+1:])
		if err1 == nil && err2 == nil && h <= 24 && m <= 59 && (h < 24 || m == 0) {
			return ClockAt(h, m), nil
		}
	}
	return 0, fmt.Errorf("giờ %q không đúng dạng HH:MM (00:00–24:00)", s)
}

// String returns the clock as HH:MM, for example "15:00".
func (c Clock) String() string {
	if c < 0 || c > 24*60 {
		return fmt.Sprintf("Clock(%d)", int(c))
	}
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// duration returns the time since midnight that c stands for.
func (c Clock) duration() time.Duration { return time.Duration(c) * time.Minute }

// Span is a half-open interval of working time within a day, [Start, End).
type Span struct {
	Start, End Clock
}

// String returns the span as "07:30–11:30".
func (s Span) String() string { return s.Start.String() + "–" + s.End.String() }
