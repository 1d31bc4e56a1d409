package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// OverrideKind says what an official override does to its day.
type OverrideKind string

// The override kinds. All but KindSwapWorkday make the day a day off.
const (
	KindHoliday      OverrideKind = "holiday"      // a holiday day (ngày nghỉ lễ, Tết), e.g. the Tết days the Prime Minister fixes
	KindCompensatory OverrideKind = "compensatory" // a compensatory day (nghỉ bù) for a holiday on a rest day
	KindExtraOff     OverrideKind = "extra_off"    // another day off, e.g. a working day swapped away (hoán đổi)
	KindSwapWorkday  OverrideKind = "swap_workday" // a working day (làm bù), usually a Saturday, with full working hours
)

// Valid reports whether k is one of the four override kinds.
func (k OverrideKind) Valid() bool {
	switch k {
	case KindHoliday, KindCompensatory, KindExtraOff, KindSwapWorkday:
		return true
	}
	return false
}

// DayOff reports whether k makes its day a day off.
func (k OverrideKind) DayOff() bool { return k.Valid() && k != KindSwapWorkday }

// Label returns the Vietnamese label of k, or "" for an unknown kind.
func (k OverrideKind) Label() string {
	switch k {
	case KindHoliday:
		return "Nghỉ lễ, Tết"
	case KindCompensatory:
		return "Nghỉ bù"
	case KindExtraOff:
		return "Nghỉ hoán đổi"
	case KindSwapWorkday:
		return "Làm bù"
	}
	return ""
}

// Override is one official exception to the computed calendar, entered by an
// admin from the government's yearly announcement or a center's decision.
// It always wins over the computed rule for its date.
type Override struct {
	Date   Date         `json:"date"`
	Kind   OverrideKind `json:"kind"`
	Name   string       `json:"name"`   // Vietnamese name shown in lists, e.g. "Tết Nguyên đán"
	Source string       `json:"source"` // the legal document, e.g. "Thông báo 6150/TB-BLĐTBXH"
}

// Validate reports whether o is complete: a valid date, a known kind, a name
// for a day off, and a source document. New itself only needs the date and
// the kind; call Validate where overrides are written.
func (o Override) Validate() error {
	var errs []error
	if !o.Date.IsValid() {
		errs = append(errs, fmt.Errorf("date: ngày không hợp lệ %q", o.Date))
	}
	if !o.Kind.Valid() {
		errs = append(errs, fmt.Errorf("kind: loại %q không hợp lệ (holiday, compensatory, extra_off hoặc swap_workday)", string(o.Kind)))
	} else if o.Kind.DayOff() && strings.TrimSpace(o.Name) == "" {
		errs = append(errs, errors.New("name: thiếu tên ngày nghỉ"))
	}
	if strings.TrimSpace(o.Source) == "" {
		errs = append(errs, errors.New("source: thiếu văn bản căn cứ"))
	}
	return errors.Join(errs...)
}

// Holiday is one day off listed by Calendar.Holidays.
// It encodes to JSON as {"date": "2026-04-27", "name": …, "kind": …, "source": …}.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"` // Vietnamese, e.g. "Giỗ Tổ Hùng Vương", "Nghỉ bù Giỗ Tổ Hùng Vương"
	// Kind is KindHoliday for a statutory holiday, KindCompensatory for a
	// compensatory day, or the kind of the override that made the day off.
	Kind   OverrideKind `json:"kind"`
	Source string       `json:"source"` // the legal basis: the Labour Code article or the override's source
}

// Vietnamese names of the statutory holidays (Labour Code 2019 Art. 112.1).
const (
	nameNewYear     = "Tết Dương lịch"
	nameTet         = "Tết Nguyên đán"
	nameHungKings   = "Giỗ Tổ Hùng Vương"
	nameVictory     = "Ngày Chiến thắng"
	nameLabourDay   = "Ngày Quốc tế Lao động"
	nameNationalDay = "Quốc khánh"
	prefixCompensed = "Nghỉ bù "

	sourceHoliday      = "Bộ luật Lao động 2019, Điều 112"
	sourceCompensatory = "Bộ luật Lao động 2019, Điều 111 khoản 3"
)

type ruleHoliday struct {
	date Date
	name string
}

// statutoryHolidays returns the holidays of Labour Code 2019 Art. 112.1 for
// Gregorian year y, in date order, as the default proposal:
//   - 1/1 Tết Dương lịch;
//   - Tết Nguyên đán: the last day of the lunar year and the first four
//     days of the new one (5 days; the Prime Minister fixes the actual days);
//   - Giỗ Tổ Hùng Vương on 10/3 lunar (never the leap third month);
//   - 30/4 Ngày Chiến thắng and 1/5 Ngày Quốc tế Lao động;
//   - Quốc khánh on 2/9 and, by our choice, the day after (3/9): the law
//     says "one adjacent day, before or after" and the Prime Minister picks
//     it each year, so the official choice comes in as overrides
//     (holiday on 1/9 plus swap_workday on 3/9 to move it).
func statutoryHolidays(y int) []ruleHoliday {
	hs := make([]ruleHoliday, 0, 11)
	hs = append(hs, ruleHoliday{Date{y, time.January, 1}, nameNewYear})
	if tet, ok := LunarToSolar(LunarDate{Year: y, Month: 1, Day: 1}); ok {
		for i := -1; i <= 3; i++ {
			hs = append(hs, ruleHoliday{tet.AddDays(i), nameTet})
		}
	}
	if gioTo, ok := LunarToSolar(LunarDate{Year: y, Month: 3, Day: 10}); ok {
		hs = append(hs, ruleHoliday{gioTo, nameHungKings})
	}
	hs = append(hs,
		ruleHoliday{Date{y, time.April, 30}, nameVictory},
		ruleHoliday{Date{y, time.May, 1}, nameLabourDay},
		ruleHoliday{Date{y, time.September, 2}, nameNationalDay},
		ruleHoliday{Date{y, time.September, 3}, nameNationalDay},
	)
	return hs
}

// buildYear computes the table of year y: the weekly pattern, the
// statutory holidays, the compensatory days, then the overrides on top.
func (c *Calendar) buildYear(y int) *yearData {
	yd := &yearData{year: y, first: daysFromCivil(y, 1, 1), n: daysInYear(y)}
	var (
		entry [366]Holiday // listed day off per day of the year
		has   [366]bool
	)
	rest := func(i int) bool { return c.rest[weekdayOf(yd.first+i)] }

	// Weekly pattern.
	for i := 0; i < yd.n; i++ {
		switch {
		case c.saturday && weekdayOf(yd.first+i) == time.Saturday:
			yd.kind[i] = daySaturday
		case rest(i):
			yd.kind[i] = dayOff
		default:
			yd.kind[i] = dayRegular
		}
	}

	// Statutory holidays, then compensatory days (Art. 111.3): each holiday
	// on a weekly rest day moves to the next day that is neither a rest
	// day, a holiday nor an already assigned compensatory day, in date
	// order. All statutory holidays fall before September 4, so the
	// compensation never leaves the year.
	rules := statutoryHolidays(y)
	for _, h := range rules {
		i := h.date.days() - yd.first
		entry[i] = Holiday{Date: h.date, Name: h.name, Kind: KindHoliday, Source: sourceHoliday}
		has[i] = true
		yd.kind[i] = dayOff
	}
	for _, h := range rules {
		i := h.date.days() - yd.first
		if !rest(i) {
			continue
		}
		j := i + 1
		for j < yd.n && (rest(j) || has[j]) {
			j++
		}
		if j < yd.n {
			entry[j] = Holiday{Date: dateOfDays(yd.first + j), Name: prefixCompensed + h.name, Kind: KindCompensatory, Source: sourceCompensatory}
			has[j] = true
			yd.kind[j] = dayOff
		}
	}

	// Overrides win.
	for _, o := range c.overrides[y] {
		i := o.Date.days() - yd.first
		if o.Kind == KindSwapWorkday {
			has[i] = false
			yd.kind[i] = dayRegular
			continue
		}
		name := strings.TrimSpace(o.Name)
		if name == "" {
			name = o.Kind.Label()
		}
		entry[i] = Holiday{Date: o.Date, Name: name, Kind: o.Kind, Source: o.Source}
		has[i] = true
		yd.kind[i] = dayOff
	}

	for i := 0; i < yd.n; i++ {
		if has[i] {
			yd.holidays = append(yd.holidays, entry[i])
		}
	}
	return yd
}
