package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"motcua/calendar"
)

// calendarUsage is printed by "motcua calendar --help".
const calendarUsage = `Cách dùng:
  motcua calendar due --from THỜI_ĐIỂM (--days N | --hours H) [--cutoff HH:MM] [--data DIR] [--db DSN]
  motcua calendar holidays NĂM [--data DIR] [--db DSN]

Lệnh:
  due       In hạn giải quyết (RFC 3339, giờ Việt Nam +07:00) cho hồ sơ tiếp nhận lúc --from
            (RFC 3339, ví dụ 2026-11-26T09:30:00+07:00).
            --days N   N ngày làm việc: hạn là 17:00 của ngày làm việc thứ N sau ngày bắt đầu
                       (N = 0: trong ngày).
            --hours H  H giờ làm việc, chỉ tính trong giờ hành chính (07:30–11:30, 13:30–17:00).
            Có cả hai: N ngày rồi thêm H giờ.
            --cutoff HH:MM  hồ sơ nhận sau giờ này (ví dụ 15:00) tính từ ngày làm việc tiếp theo;
                       mặc định không áp dụng.
  holidays  Liệt kê các ngày nghỉ lễ, Tết, nghỉ bù, nghỉ hoán đổi của NĂM, mỗi ngày một dòng.

Lịch mặc định: nghỉ thứ Bảy, Chủ nhật; ngày lễ, Tết theo Điều 112 Bộ luật Lao động 2019,
nghỉ bù theo khoản 3 Điều 111. --data DIR hoặc --db DSN: áp dụng thêm các ngày điều chỉnh
theo thông báo hằng năm đã lưu trong cơ sở dữ liệu.
`

// Bounds on the CLI's periods, to keep a typo from running for minutes.
const (
	maxCalendarDays  = 3650
	maxCalendarHours = 100000
)

// cmdCalendar runs "motcua calendar …"; args are the arguments after
// "calendar". Subcommands:
//
//	due --from RFC3339 (--days N | --hours H) [--cutoff HH:MM] [--data DIR] [--db DSN]
//	holidays YEAR [--data DIR] [--db DSN]
//
// due prints the due instant in RFC 3339 (+07:00); holidays prints one line
// per day off, "2026-02-16  Tết Nguyên đán". loadOverrides is called, with
// the flag values as given, only when --data or --db appears on the command
// line; otherwise the default calendar is used. --help prints the usage to
// stdout and returns nil. Malformed arguments return a usageError; a failure
// of loadOverrides is returned wrapped, as is.
func cmdCalendar(args []string, stdout io.Writer, loadOverrides func(data, db string) ([]calendar.Override, error)) error {
	if len(args) == 0 {
		return calendarUsageErr("thiếu lệnh con: due hoặc holidays")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		_, err := io.WriteString(stdout, calendarUsage)
		return err
	case "due":
		return calendarDue(args[1:], stdout, loadOverrides)
	case "holidays":
		return calendarHolidays(args[1:], stdout, loadOverrides)
	}
	return calendarUsageErr("lệnh con %q không hợp lệ: dùng due hoặc holidays", args[0])
}

// calendarUsageErr builds a usageError with a Vietnamese message.
func calendarUsageErr(format string, a ...any) error {
	return usageError{err: fmt.Errorf("calendar: "+format, a...)}
}

// calendarFlags holds the flags shared by the subcommands.
type calendarFlags struct {
	name     string // the subcommand
	fs       *flag.FlagSet
	data, db string
}

func newCalendarFlags(name string) *calendarFlags {
	f := &calendarFlags{name: name, fs: flag.NewFlagSet("calendar "+name, flag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.fs.StringVar(&f.data, "data", "", "thư mục dữ liệu")
	f.fs.StringVar(&f.db, "db", "", "chuỗi kết nối cơ sở dữ liệu")
	return f
}

// parse parses args, allowing flags after positional arguments, and returns
// the positional arguments. help is true when -h or --help was given: the
// usage is then written to stdout.
func (f *calendarFlags) parse(args []string, stdout io.Writer) (positional []string, help bool, err error) {
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				_, err := io.WriteString(stdout, calendarUsage)
				return nil, true, err
			}
			return nil, false, calendarUsageErr("%s: tham số không hợp lệ: %v", f.name, err)
		}
		rest := f.fs.Args()
		if len(rest) == 0 {
			return positional, false, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), false, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// set reports whether the flag name appeared on the command line.
func (f *calendarFlags) set(name string) bool {
	found := false
	f.fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// calendar returns the default calendar plus the stored overrides when
// --data or --db was given.
func (f *calendarFlags) calendar(loadOverrides func(data, db string) ([]calendar.Override, error)) (*calendar.Calendar, error) {
	var overrides []calendar.Override
	if f.set("data") || f.set("db") {
		var err error
		if overrides, err = loadOverrides(f.data, f.db); err != nil {
			return nil, fmt.Errorf("calendar: đọc các ngày điều chỉnh: %w", err)
		}
	}
	return calendar.New(calendar.Config{}, overrides), nil
}

// parseCount parses a non-negative integer flag value up to limit.
func parseCount(flagName, s string, limit int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > limit {
		return 0, calendarUsageErr("due: --%s %q không hợp lệ: cần số nguyên từ 0 đến %d", flagName, s, limit)
	}
	return n, nil
}

func calendarDue(args []string, stdout io.Writer, loadOverrides func(data, db string) ([]calendar.Override, error)) error {
	f := newCalendarFlags("due")
	var from, days, hours, cutoff string
	f.fs.StringVar(&from, "from", "", "thời điểm tiếp nhận, RFC 3339")
	f.fs.StringVar(&days, "days", "", "số ngày làm việc")
	f.fs.StringVar(&hours, "hours", "", "số giờ làm việc")
	f.fs.StringVar(&cutoff, "cutoff", "", "giờ chốt nhận hồ sơ trong ngày, HH:MM")
	pos, help, err := f.parse(args, stdout)
	if err != nil || help {
		return err
	}
	if len(pos) > 0 {
		return calendarUsageErr("due: thừa tham số %q", pos[0])
	}
	if !f.set("from") {
		return calendarUsageErr("due: thiếu --from (thời điểm tiếp nhận, RFC 3339)")
	}
	received, err := time.Parse(time.RFC3339, from)
	if err != nil {
		return calendarUsageErr("due: --from %q không phải thời điểm RFC 3339 (ví dụ 2026-11-26T09:30:00+07:00)", from)
	}
	hasDays, hasHours := f.set("days"), f.set("hours")
	if !hasDays && !hasHours {
		return calendarUsageErr("due: cần --days N hoặc --hours H")
	}
	var budget calendar.StepBudget
	if hasDays {
		if budget.Days, err = parseCount("days", days, maxCalendarDays); err != nil {
			return err
		}
	}
	if hasHours {
		h, err := parseCount("hours", hours, maxCalendarHours)
		if err != nil {
			return err
		}
		budget.Work = time.Duration(h) * time.Hour
	}
	var cut calendar.Clock
	if f.set("cutoff") {
		if cut, err = calendar.ParseClock(cutoff); err != nil {
			return calendarUsageErr("due: --cutoff %q không hợp lệ: cần HH:MM, ví dụ 15:00", cutoff)
		}
	}
	cal, err := f.calendar(loadOverrides)
	if err != nil {
		return err
	}
	var due time.Time
	switch {
	case hasDays && budget.Work == 0:
		due = cal.DueDays(received, budget.Days, cut)
	case budget.Days == 0:
		due = cal.DueHours(received, int(budget.Work/time.Hour), cut)
	default: // N days, then H hours
		due = cal.StepDues(cal.Start(received, cut), []calendar.StepBudget{budget})[0]
	}
	_, err = fmt.Fprintln(stdout, due.Format(time.RFC3339))
	return err
}

func calendarHolidays(args []string, stdout io.Writer, loadOverrides func(data, db string) ([]calendar.Override, error)) error {
	f := newCalendarFlags("holidays")
	pos, help, err := f.parse(args, stdout)
	if err != nil || help {
		return err
	}
	if len(pos) != 1 {
		return calendarUsageErr("holidays: cần đúng một tham số NĂM, ví dụ: motcua calendar holidays 2026")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < 1 || year > 9999 {
		return calendarUsageErr("holidays: năm %q không hợp lệ: cần số từ 1 đến 9999", pos[0])
	}
	cal, err := f.calendar(loadOverrides)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, h := range cal.Holidays(year) {
		fmt.Fprintf(&b, "%s  %s\n", h.Date, h.Name)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}
