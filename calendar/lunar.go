package calendar

import "math"

// The Vietnamese lunisolar calendar, after Hồ Ngọc Đức's published algorithm
// ("Âm lịch Việt Nam", amlich): astronomical new moons and the sun's
// longitude from Jean Meeus, "Astronomical Algorithms" (1998), evaluated at
// local midnight of UTC+7. The constants are his, unchanged; the table tests
// pin the results. Dates before 1582-10-15 are read in the proleptic
// Gregorian calendar (Date's calendar), not the Julian one his code switches
// to.

// lunarTimeZone is the offset from UTC, in hours, at which Vietnam reckons
// lunar days. Vietnam has used UTC+7 for this since 1968 (the Chinese calendar
// uses UTC+8, which is why Tết sometimes differs, e.g. 2007-02-17 vs 2007-02-18).
const lunarTimeZone = 7.0

// LunarDate is a date in the Vietnamese lunar calendar (âm lịch). Year is the
// Gregorian year in which the lunar year begins (Tết); Leap marks the
// intercalary month (tháng nhuận) that repeats Month.
type LunarDate struct {
	Year  int
	Month int // 1–12
	Day   int // 1–30
	Leap  bool
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar.
// The result for an invalid Date is unspecified.
func SolarToLunar(d Date) LunarDate {
	dayNumber := julianDay(d)
	// k estimates the lunation from the mean synodic month; the true new
	// moon can fall on either side of the mean one. Hồ Ngọc Đức's code tries
	// k+1 then k only, which yields day 0 on a few dates (e.g. 2054-05-07);
	// stepping until the month contains dayNumber fixes that and changes no
	// other result.
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := newMoonDay(k + 1)
	for monthStart > dayNumber {
		k--
		monthStart = newMoonDay(k + 1)
	}
	for next := newMoonDay(k + 2); next <= dayNumber; next = newMoonDay(k + 2) {
		k++
		monthStart = next
	}
	a11 := lunarMonth11(d.Year)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = d.Year
		a11 = lunarMonth11(d.Year - 1)
	} else {
		lunarYear = d.Year + 1
		b11 = lunarMonth11(d.Year + 1)
	}
	lunarDay := dayNumber - monthStart + 1
	diff := floorDiv(monthStart-a11, 29)
	leap := false
	lunarMonth := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11)
		if diff >= leapDiff {
			lunarMonth = diff + 10
			leap = diff == leapDiff
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Year: lunarYear, Month: lunarMonth, Day: lunarDay, Leap: leap}
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar.
// ok is false when l does not exist: a month outside 1–12, a day beyond the
// length of that lunar month (29 or 30 days), or Leap set on a month that is
// not the intercalary month of that lunar year.
func LunarToSolar(l LunarDate) (d Date, ok bool) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, false
	}
	var a11, b11 int
	if l.Month < 11 {
		a11 = lunarMonth11(l.Year - 1)
		b11 = lunarMonth11(l.Year)
	} else {
		a11 = lunarMonth11(l.Year)
		b11 = lunarMonth11(l.Year + 1)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return Date{}, false
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return Date{}, false
	}
	monthStart := newMoonDay(k + off)
	if l.Day > newMoonDay(k+off+1)-monthStart {
		return Date{}, false
	}
	return dateOfDays(monthStart + l.Day - 1 - julianDayUnixEpoch), true
}

// julianDayUnixEpoch is the Julian day number of 1970-01-01.
const julianDayUnixEpoch = 2440588

// julianDay returns the Julian day number of d.
func julianDay(d Date) int { return d.days() + julianDayUnixEpoch }

// newMoon returns the Julian date (UTC) of the k-th new moon after the one
// of 1900-01-01 (Meeus, chapter 49, abridged as in Hồ Ngọc Đức's code).
func newMoon(k int) float64 {
	const dr = math.Pi / 180
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from 1900 January 0.5
	t2 := t * t
	t3 := t2 * t
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)      // mean new moon
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude, in radians in [0, 2π),
// at Julian date jd (Meeus, chapter 25, low accuracy).
func sunLongitude(jd float64) float64 {
	const dr = math.Pi / 180
	t := (jd - 2451545.0) / 36525 // Julian centuries from J2000.0
	t2 := t * t
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// sunSector returns which twelfth of the ecliptic (0–11, each 30°, 0 starting
// at the March equinox) the sun is in at local midnight starting day dayNumber.
func sunSector(dayNumber int) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-lunarTimeZone/24) / math.Pi * 6))
}

// newMoonDay returns the Julian day number of the local day of the k-th new moon.
func newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + lunarTimeZone/24))
}

// lunarMonth11 returns the day number on which lunar month 11 begins: the
// month containing the winter solstice of Gregorian year y.
func lunarMonth11(y int) int {
	off := julianDay(Date{y, 12, 31}) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k)
	if sunSector(nm) >= 9 { // the sun is already past 270°: the solstice precedes this new moon
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapMonthOffset returns, for a lunar year that starts its month 11 on day
// a11 and has 13 months, the index (counted from month 11) of the first
// month without a major solar term: that month is the leap month.
func leapMonthOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}
