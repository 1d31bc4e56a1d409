package pdf

import (
	"fmt"
	"strings"
	"time"
)

// Dates follow Decree 30/2020 (Phụ lục I): days below 10 and the months 1
// and 2 take a leading zero ("ngày 05 tháng 02 năm 2026", "ngày 26 tháng 11
// năm 2026").

func d30Day(d int) string { return fmt.Sprintf("%02d", d) }

func d30Month(m time.Month) string {
	if m <= 2 {
		return fmt.Sprintf("%02d", int(m))
	}
	return fmt.Sprintf("%d", int(m))
}

// longDate is "ngày 26 tháng 11 năm 2026", or a dotted placeholder for the
// zero time.
func longDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "ngày …… tháng …… năm ……"
	}
	t = t.In(loc)
	return fmt.Sprintf("ngày %s tháng %s năm %d", d30Day(t.Day()), d30Month(t.Month()), t.Year())
}

// placeDate is the italic line "Bắc Ninh, ngày 26 tháng 11 năm 2026".
func placeDate(place string, t time.Time, loc *time.Location) string {
	place = strings.TrimSpace(place)
	if place == "" {
		place = "……"
	}
	return place + ", " + longDate(t, loc)
}

// shortDate is "26/11/2026", or a placeholder for the zero time.
func shortDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "…/…/……"
	}
	return t.In(loc).Format("02/01/2006")
}

// clockDate is "09 giờ 30 phút, ngày 26/11/2026" (giờ, phút, ngày/tháng/năm
// as the forms ask), or a placeholder for the zero time.
func clockDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "…… giờ …… phút, ngày …/…/……"
	}
	t = t.In(loc)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}

// twoDigits prints n with a leading zero below 10, or dots for n <= 0.
func twoDigits(n int) string {
	if n <= 0 {
		return "……"
	}
	return fmt.Sprintf("%02d", n)
}

// DocNumber formats a document number and symbol as Decree 30/2020 wants
// them after "Số:": numbers below 10 take a leading zero and "/" separates
// the number from the symbol, e.g. DocNumber(5, "QĐ-UBND") = "05/QĐ-UBND".
func DocNumber(seq int, symbol string) string {
	return fmt.Sprintf("%02d/%s", seq, nfc(strings.TrimSpace(symbol)))
}
