package cron

import (
	"encoding/binary"
	"hash/fnv"
	"math/bits"
	"time"
)

// searchYears bounds the search in Next. Parse only accepts schedules that
// match some (month, day, weekday) combination, and every such combination
// recurs within one 400-year Gregorian cycle, so the bound is never reached
// by an accepted schedule (barring a zone whose clocks skip the time every
// single time); a shorter bound would wrongly give up on e.g. "0 0 29 2 *"
// from 2097 (2100 is not a leap year, the next run is in 2104). The search
// skips whole months that do not match, so it stays cheap.
const searchYears = 400

// nearTransition is how close to a zone transition a wall-clock time must
// be before resolve considers the neighbouring zone's offset. UTC offsets
// span -12h..+14h, so no two offsets are further apart than this.
const nearTransition = 27 * time.Hour

// Next returns the first slot strictly after t, comparing instants (t may
// be in any location; its monotonic reading is ignored). Cron fields are
// matched against the wall clock in the schedule's zone and the result is
// returned in that zone; slots are whole minutes. In a DST spring-forward
// gap a nonexistent wall-clock time is skipped for that day; a wall-clock
// time that occurs twice at fall-back yields only its first occurrence.
// @every slots are the multiples of the interval since the Unix epoch.
// Next returns the zero time if there is no such slot (the zero Schedule,
// or a slot beyond the 400-year search window or time.Time's range).
func (s *Schedule) Next(t time.Time) time.Time {
	if s.every > 0 {
		return s.nextEvery(t)
	}
	loc := s.Location()
	lt := t.In(loc)
	y, m, d := lt.Date()
	wd := lt.Weekday()
	from := lt.Hour()*60 + lt.Minute() // earliest wall minute to try today
	for end := y + searchYears; y <= end; {
		dim := daysIn(m, y)
		if s.month&(1<<m) == 0 { // jump to the 1st of the next month
			wd = (wd + time.Weekday(dim-d+1)) % 7
			d, from = 1, 0
			if m++; m > 12 {
				m, y = 1, y+1
			}
			continue
		}
		if s.dayMatches(d, wd) {
			if r, ok := s.firstInDay(loc, y, m, d, from, t); ok {
				return r
			}
		}
		from = 0
		wd = (wd + 1) % 7
		if d++; d > dim {
			d = 1
			if m++; m > 12 {
				m, y = 1, y+1
			}
		}
	}
	return time.Time{}
}

// Slots returns the slots in (from, to], in order, at most max of them
// (none if max <= 0). It is Next applied repeatedly.
func (s *Schedule) Slots(from, to time.Time, max int) []time.Time {
	var out []time.Time
	for t := from; len(out) < max; {
		n := s.Next(t)
		if n.IsZero() || n.After(to) {
			break
		}
		out = append(out, n)
		t = n
	}
	return out
}

// Jitter returns a deterministic offset in [0, max) for a (schedule id,
// slot) pair, so every node computes the same delayed start: the FNV-1a
// hash of id and the slot's Unix seconds, modulo max. It returns 0 if
// max <= 0.
func Jitter(id string, slot time.Time, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	var b [9]byte // a 0 separator, then the slot, so ids cannot run into it
	binary.BigEndian.PutUint64(b[1:], uint64(slot.Unix()))
	h.Write(b[:])
	return time.Duration(h.Sum64() % uint64(max))
}

func (s *Schedule) nextEvery(t time.Time) time.Time {
	sec := int64(s.every / time.Second)
	u := t.Unix() // floor: the nanoseconds are never negative
	q := u / sec
	if u%sec < 0 {
		q-- // floor division for instants before 1970
	}
	next := (q + 1) * sec
	if next <= u { // overflow
		return time.Time{}
	}
	r := time.Unix(next, 0).In(s.Location())
	if !r.After(t) {
		return time.Time{}
	}
	return r
}

// dayMatches applies the Vixie rule: OR when both day fields are
// restricted, AND otherwise.
func (s *Schedule) dayMatches(d int, wd time.Weekday) bool {
	domOK := s.dom&(1<<d) != 0
	dowOK := s.dow&(1<<wd) != 0
	if s.domStar || s.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// firstInDay returns the first slot on local day y-m-d that is after t,
// trying wall-clock minutes from the minute of the day from onwards.
// Minutes before from are earlier than t: on t's own day every earlier
// wall-clock time has already occurred.
func (s *Schedule) firstInDay(loc *time.Location, y int, m time.Month, d, from int, t time.Time) (time.Time, bool) {
	for hs := s.hour >> (from / 60) << (from / 60); hs != 0; hs &= hs - 1 {
		h := bits.TrailingZeros64(hs)
		lo := 0
		if h == from/60 {
			lo = from % 60
		}
		for ms := s.minute >> lo << lo; ms != 0; ms &= ms - 1 {
			r, ok := resolve(loc, y, m, d, h, bits.TrailingZeros64(ms))
			if ok && r.After(t) {
				return r, true
			}
		}
	}
	return time.Time{}, false
}

// resolve maps a wall-clock time in loc to its first instant, reporting
// false if the time does not exist (it falls in a spring-forward gap).
func resolve(loc *time.Location, y int, m time.Month, d, h, mi int) (time.Time, bool) {
	r := time.Date(y, m, d, h, mi, 0, 0, loc)
	if loc == time.UTC {
		return r, true
	}
	start, end := r.ZoneBounds()
	if (start.IsZero() || r.Sub(start) > nearTransition) && (end.IsZero() || end.Sub(r) > nearTransition) {
		return r, wallIs(r, y, m, d, h, mi) // far from transitions: unique
	}
	// Near a transition the wall time may exist under the offset before
	// or after it, under both (fall back) or under neither (spring
	// forward). time.Date does not say which it picked, so try each.
	w := time.Date(y, m, d, h, mi, 0, 0, time.UTC).Unix()
	probes, n := [3]time.Time{r}, 1 // an instant in each nearby zone
	if !start.IsZero() {
		probes[n], n = start.Add(-time.Second), n+1
	}
	if !end.IsZero() {
		probes[n], n = end, n+1
	}
	best, found := time.Time{}, false
	for _, at := range probes[:n] {
		_, off := at.Zone()
		c := time.Unix(w-int64(off), 0).In(loc)
		if wallIs(c, y, m, d, h, mi) && (!found || c.Before(best)) {
			best, found = c, true
		}
	}
	return best, found
}

func wallIs(c time.Time, y int, m time.Month, d, h, mi int) bool {
	cy, cm, cd := c.Date()
	ch, cmi, _ := c.Clock()
	return cy == y && cm == m && cd == d && ch == h && cmi == mi
}

func daysIn(m time.Month, y int) int {
	if m == time.February && (y%4 != 0 || y%100 == 0 && y%400 != 0) {
		return 28
	}
	return maxDaysIn[m]
}
