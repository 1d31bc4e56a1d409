// Package calendar is the Vietnamese working calendar of a one-stop center:
// the lunar calendar, the statutory holidays, the official overrides, and
// the due-date arithmetic of regulation.md Part B §4 and §7. It is pure: no
// I/O, no clock reading, standard library only.
//
// # Days off
//
// The statutory holidays of Labour Code 2019 Art. 112 are computed for every
// year as a proposal: Tết Dương lịch (1/1), Tết Nguyên đán (the last day of
// the lunar year and the first four days of the new one), Giỗ Tổ Hùng Vương
// (10/3 lunar), Ngày Chiến thắng (30/4), Ngày Quốc tế Lao động (1/5) and
// Quốc khánh (2/9 and, by default, 3/9). A holiday that falls on a weekly
// rest day gives a compensatory day ("Nghỉ bù …") on the next working day
// (Art. 111.3). The lunar dates use Hồ Ngọc Đức's algorithm at UTC+7.
//
// The government fixes the actual days each year; an admin enters them as
// Overrides (holiday, compensatory, extra_off, swap_workday), which always
// win over the computed rule for their date.
//
// # Due dates
//
// Start: a receipt inside working hours (or before opening, or in a break)
// no later than the cut-off counts from that day; a receipt after the
// cut-off (15:00 by default, inclusive), after close of business or on a
// day off counts from the next working day's opening.
//
// Days (DueDays): the period starts the day after the start day (Civil Code
// 2015 Art. 147), so n days are due at close of business (17:00) of the n-th
// working day after the start day; n = 0 is the close of the start day.
//
// Hours (DueHours, AddWorking): exact working-time arithmetic inside the
// working spans (07:30–11:30, 13:30–17:00 by default, 7.5 hours a day).
//
// Pauses: the working time a dossier waits for a supplement does not count;
// extend with AddWorking(due, WorkingDuration(pausedFrom, pausedTo)).
//
// Classification (Classify): early before the due local date, on time on the
// due date up to the due instant, late after the due instant.
package calendar
