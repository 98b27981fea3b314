// Package cron parses schedule expressions and computes their run times.
//
// An expression is either standard 5-field cron ("min hour dom month dow"),
// one of the macros @yearly (@annually), @monthly, @weekly, @daily
// (@midnight) and @hourly, or "@every <duration>". Cron schedules are
// evaluated on the wall clock of the schedule's IANA time zone; @every
// schedules are anchored to the Unix epoch so that every node computes the
// same slots without shared state. All slots are whole minutes.
//
// Day matching follows Vixie cron: when both day-of-month and day-of-week
// are restricted (neither field starts with "*"), a day matches if EITHER
// matches; otherwise both must. Note that "*/2" counts as unrestricted,
// exactly as in Vixie cron.
//
// Daylight saving time: a wall-clock time that does not exist on a given
// day (it falls in a spring-forward gap) is skipped for that day — the job
// does not run late to make up for it. A wall-clock time that occurs twice
// (fall back) runs once, at its first occurrence; the repeated hour is not
// run again, so e.g. "*/30 * * * *" has no slots during the repeated hour.
// Use @every for strictly uniform intervals.
package cron

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNeverFires is returned (wrapped) by Parse for a schedule that matches
// no calendar day at all, such as "0 0 30 2 *" (February 30).
var ErrNeverFires = errors.New("cron: schedule never fires")

// Bounds of an @every interval.
const (
	minEvery = time.Minute
	maxEvery = 31 * 24 * time.Hour
)

// Schedule is a parsed schedule. It is immutable and safe for concurrent
// use. The zero Schedule never fires; obtain schedules from Parse.
type Schedule struct {
	expr  string         // normalised expression, see String
	loc   *time.Location // evaluation zone; nil means UTC
	every time.Duration  // > 0 for "@every"; the fields below are then unused

	minute, hour, dom, month, dow uint64 // bit i set = value i allowed
	domStar, dowStar              bool   // field started with "*" (Vixie)
}

// macros maps each accepted macro to its canonical name and cron fields.
var macros = map[string][2]string{
	"@yearly":   {"@yearly", "0 0 1 1 *"},
	"@annually": {"@yearly", "0 0 1 1 *"},
	"@monthly":  {"@monthly", "0 0 1 * *"},
	"@weekly":   {"@weekly", "0 0 * * 0"},
	"@daily":    {"@daily", "0 0 * * *"},
	"@midnight": {"@daily", "0 0 * * *"},
	"@hourly":   {"@hourly", "0 * * * *"},
}

// Parse parses a schedule expression in a time zone (an IANA name such as
// "Europe/Berlin"; "" means UTC). "Local" is rejected because it differs
// between machines and nodes must agree on slots.
//
// Accepted: standard 5-field cron "min hour dom month dow" with *, lists
// (1,2), ranges (1-5), steps (*/15, 1-30/2, and 5/15 meaning 5-max/15),
// month names JAN-DEC and day names SUN-SAT (case-insensitive), 0 or 7 as
// Sunday (a day range ending in Sunday such as FRI-SUN is accepted); the
// macros @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly;
// and "@every <duration>" with a Go duration that is a whole number of
// minutes between 1m and 744h (31 days), e.g. "@every 5m", "@every 1h30m".
//
// Errors start with "cron: " and name the field and the problem, e.g.
// `cron: hour field "25": value 25 out of range 0-23`. A schedule that can
// never fire is rejected with an error wrapping ErrNeverFires.
func Parse(expr, timezone string) (*Schedule, error) {
	loc, err := loadZone(timezone)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(expr)
	if len(fields) == 0 {
		return nil, errors.New("cron: empty expression")
	}
	s := &Schedule{loc: loc}
	if strings.HasPrefix(fields[0], "@") {
		name := strings.ToLower(fields[0])
		if name == "@every" {
			return s.parseEvery(fields[1:])
		}
		m, ok := macros[name]
		if !ok {
			return nil, fmt.Errorf("cron: unknown macro %q (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every)", fields[0])
		}
		if len(fields) > 1 {
			return nil, fmt.Errorf("cron: %s takes no arguments", name)
		}
		if err := s.parseFields(strings.Fields(m[1])); err != nil {
			return nil, err // unreachable: the macro table is valid
		}
		s.expr = m[0]
		return s, nil
	}
	if len(fields) != 5 {
		return nil, fmt.Errorf("cron: expected 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	if err := s.parseFields(fields); err != nil {
		return nil, err
	}
	if !s.firesSomeDay() {
		return nil, fmt.Errorf("%w: day-of-month %q never occurs in month %q", ErrNeverFires, fields[2], fields[3])
	}
	s.expr = strings.ToUpper(strings.Join(fields, " "))
	return s, nil
}

func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, errors.New(`cron: time zone "Local" depends on the machine; use an IANA name such as "Europe/Berlin"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("cron: unknown time zone %q", name)
	}
	return loc, nil
}

func (s *Schedule) parseEvery(args []string) (*Schedule, error) {
	if len(args) != 1 {
		return nil, errors.New(`cron: @every takes exactly one duration, e.g. "@every 5m"`)
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return nil, fmt.Errorf("cron: @every %s: invalid duration (want a Go duration such as 5m or 1h30m)", args[0])
	}
	switch {
	case d < minEvery:
		return nil, fmt.Errorf("cron: @every %s: interval must be at least 1m", args[0])
	case d > maxEvery:
		return nil, fmt.Errorf("cron: @every %s: interval must be at most 744h (31 days)", args[0])
	case d%time.Minute != 0:
		return nil, fmt.Errorf("cron: @every %s: interval must be a whole number of minutes", args[0])
	}
	s.every = d
	s.expr = "@every " + formatEvery(d)
	return s, nil
}

// formatEvery renders d (whole minutes) compactly: 90m -> "1h30m", 2h -> "2h".
func formatEvery(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// firesSomeDay reports whether some calendar day matches. Every valid
// (month, day, weekday) combination occurs within a 400-year Gregorian
// cycle, so under the AND rule it suffices that some allowed day-of-month
// exists in some allowed month (February has 29 days).
func (s *Schedule) firesSomeDay() bool {
	if !s.domStar && !s.dowStar {
		return true // OR rule: any allowed weekday will do
	}
	for m := 1; m <= 12; m++ {
		if s.month&(1<<m) == 0 {
			continue
		}
		for d := 1; d <= maxDaysIn[m]; d++ {
			if s.dom&(1<<d) != 0 {
				return true
			}
		}
	}
	return false
}

var maxDaysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// String returns the normalised expression: cron fields separated by single
// spaces with names upper-cased ("*/5 9-17 * * MON-FRI"), the canonical
// macro name (@annually becomes @yearly, @midnight becomes @daily), or
// "@every" with a compact duration ("@every 1h30m"). Parsing it again in
// the same zone yields an equivalent schedule. The zone is not included.
func (s *Schedule) String() string { return s.expr }

// Location returns the time zone the schedule is evaluated in.
func (s *Schedule) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}
