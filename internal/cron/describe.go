package cron

import (
	"fmt"
	"math/bits"
	"strings"
	"time"
)

var (
	monthNames = [13]string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// Describe renders a human-readable English summary of the schedule, e.g.
// "every 5 minutes", "at 09:00 on Monday through Friday", "every hour at
// minute 30", "at 00:00 on day 1 of the month" or "every 15 minutes
// between 09:00 and 17:59". Times are wall-clock times in the schedule's
// zone, which the summary does not name. Shapes it cannot say simply
// (e.g. "*/7 */5 * * *") fall back to String().
func (s *Schedule) Describe() string {
	if s.every > 0 {
		return describeEvery(s.every)
	}
	when, at, ok := s.describeTime()
	if !ok {
		return s.expr
	}
	days, ok := s.describeDays()
	if !ok {
		return s.expr
	}
	months := ""
	if !isFull(s.month, 1, 12) {
		months = "in " + runOrList(s.month, func(v int) string { return monthNames[v] })
	}
	// "on January 1" reads better than "on day 1 of the month in January".
	if (s.domStar || s.dowStar) && isFull(s.dow, 0, 6) && bits.OnesCount64(s.dom) == 1 && bits.OnesCount64(s.month) == 1 {
		days, months = fmt.Sprintf("on %s %d", monthNames[bits.TrailingZeros64(s.month)], bits.TrailingZeros64(s.dom)), ""
	}
	if at && days == "" {
		days = "every day"
	}
	out := when
	for _, part := range []string{days, months} {
		if part != "" {
			out += " " + part
		}
	}
	return out
}

// describeTime describes the minute and hour fields; at reports an
// "at HH:MM" phrase, which wants a day phrase after it.
func (s *Schedule) describeTime() (text string, at, ok bool) {
	mins, hours := values(s.minute, 0, 59), values(s.hour, 0, 23)
	minAll, hourAll := isFull(s.minute, 0, 59), isFull(s.hour, 0, 23)
	minStep, hourStep := stepOf(s.minute, 0, 59), stepOf(s.hour, 0, 23)
	lo, hi, hourRun := run(s.hour)
	every := "every minute"
	if minStep > 0 {
		every = fmt.Sprintf("every %d minutes", minStep)
	}
	atMinute := ""
	if len(mins) == 1 && mins[0] != 0 {
		atMinute = fmt.Sprintf(" at minute %d", mins[0])
	}
	switch {
	case (minAll || minStep > 0) && hourAll:
		return every, false, true
	case len(mins) == 1 && hourAll:
		return "every hour" + atMinute, false, true
	case len(mins) == 1 && hourStep > 0:
		return fmt.Sprintf("every %d hours", hourStep) + atMinute, false, true
	case len(mins)*len(hours) <= 4 || len(mins) == 1 && len(hours) <= 6 && !(hourRun && hi-lo >= 2):
		var times []int
		for _, h := range hours {
			for _, m := range mins {
				times = append(times, h*60+m)
			}
		}
		return "at " + phrase(times, func(v int) string { return fmt.Sprintf("%02d:%02d", v/60, v%60) }), true, true
	case (minAll || minStep > 0) && hourRun:
		return fmt.Sprintf("%s between %02d:00 and %02d:59", every, lo, hi), false, true
	case len(mins) == 1 && hourRun && hi-lo >= 2:
		return fmt.Sprintf("every hour from %02d:%02d to %02d:%02d", lo, mins[0], hi, mins[0]), false, true
	}
	return "", false, false
}

// describeDays describes the day-of-month and day-of-week fields under the
// Vixie rule; "" means every day.
func (s *Schedule) describeDays() (string, bool) {
	domAll, dowAll := isFull(s.dom, 1, 31), isFull(s.dow, 0, 6)
	if !s.domStar && !s.dowStar { // OR rule
		if domAll || dowAll {
			return "", true
		}
		dom, ok := describeDom(s.dom)
		return dom + " or " + describeDow(s.dow), ok
	}
	switch {
	case domAll && dowAll:
		return "", true
	case dowAll:
		return describeDom(s.dom)
	case domAll:
		return describeDow(s.dow), true
	}
	return "", false // e.g. odd days that are also Mondays
}

func describeDom(mask uint64) (string, bool) {
	vs := values(mask, 1, 31)
	if lo, hi, ok := run(mask); ok && hi-lo >= 2 {
		return fmt.Sprintf("on days %d through %d of the month", lo, hi), true
	}
	if len(vs) > 6 {
		return "", false
	}
	word := "day"
	if len(vs) > 1 {
		word = "days"
	}
	return fmt.Sprintf("on %s %s of the month", word, phrase(vs, func(v int) string { return fmt.Sprint(v) })), true
}

// describeDow lists the days Monday first, so FRI-SUN is a run.
func describeDow(mask uint64) string {
	monFirst := mask>>1 | (mask&1)<<6 // bit 0 = Monday ... bit 6 = Sunday
	return "on " + runOrList(monFirst, func(v int) string { return dayNames[(v+1)%7] })
}

func describeEvery(d time.Duration) string {
	mins := int(d / time.Minute)
	switch mins {
	case 1:
		return "every minute"
	case 60:
		return "every hour"
	case 24 * 60:
		return "every day"
	}
	var parts []string
	for _, u := range []struct {
		n    int
		unit string
	}{{mins / 1440, "day"}, {mins % 1440 / 60, "hour"}, {mins % 60, "minute"}} {
		switch {
		case u.n == 1:
			parts = append(parts, "1 "+u.unit)
		case u.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", u.n, u.unit))
		}
	}
	return "every " + strings.Join(parts, " ")
}

// runOrList names the set bits of mask: "a through c" for a run of three
// or more, else "a", "a and b", "a, b and c".
func runOrList(mask uint64, name func(int) string) string {
	if lo, hi, ok := run(mask); ok && hi-lo >= 2 {
		return name(lo) + " through " + name(hi)
	}
	return phrase(values(mask, 0, 63), name)
}

// phrase joins items as English: "a", "a and b", "a, b and c".
func phrase(vs []int, name func(int) string) string {
	words := make([]string, len(vs))
	for i, v := range vs {
		words[i] = name(v)
	}
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func values(mask uint64, lo, hi int) []int {
	var vs []int
	for v := lo; v <= hi; v++ {
		if mask&(1<<v) != 0 {
			vs = append(vs, v)
		}
	}
	return vs
}

func isFull(mask uint64, lo, hi int) bool {
	for v := lo; v <= hi; v++ {
		if mask&(1<<v) == 0 {
			return false
		}
	}
	return true
}

// stepOf returns k >= 2 if mask is exactly lo, lo+k, lo+2k, ... <= hi,
// and 0 otherwise.
func stepOf(mask uint64, lo, hi int) int {
	vs := values(mask, lo, hi)
	if len(vs) < 2 || vs[0] != lo {
		return 0
	}
	k := vs[1] - vs[0]
	if k < 2 || len(vs) != (hi-lo)/k+1 {
		return 0
	}
	for i, v := range vs {
		if v != lo+i*k {
			return 0
		}
	}
	return k
}

// run reports whether the set bits of mask are one consecutive run lo..hi.
func run(mask uint64) (lo, hi int, ok bool) {
	if mask == 0 {
		return 0, 0, false
	}
	lo = bits.TrailingZeros64(mask)
	hi = 63 - bits.LeadingZeros64(mask)
	return lo, hi, mask>>lo == 1<<(hi-lo+1)-1
}
