package cron

import (
	"testing"
	"time"
)

var fuzzZones = []string{"", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu"}

// FuzzParse checks that Parse never panics and that every accepted
// schedule round-trips through String, describes itself, and has a Next
// that is a whole minute strictly after t, or zero.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"* * * * *", "*/15 9-17 * * MON-FRI", "0 0 29 2 *", "0 0 30 2 *", "5/15 1-30/2 */3 jan-dec SUN-sat",
		"0 0 1 * 7", "@yearly", "@every 1h30m", "@every 10s", "1,,2 * * * *", "0 0 */2 * */6", "30 2 * * *",
	} {
		f.Add(seed, uint8(1), int64(1711846800))
	}
	f.Fuzz(func(t *testing.T, expr string, zone uint8, unix int64) {
		tz := fuzzZones[int(zone)%len(fuzzZones)]
		s, err := Parse(expr, tz)
		if err != nil {
			return
		}
		again, err := Parse(s.String(), tz)
		if err != nil || again.String() != s.String() {
			t.Fatalf("String %q does not round-trip: %v", s.String(), err)
		}
		_ = s.Describe()
		// Keep t within years 1900-2500: far outside, time.Time arithmetic
		// is not what is being tested.
		const lo, span = -2208988800, 18934214400
		at := time.Unix(lo+(unix%span+span)%span, unix&(1<<30-1))
		next := s.Next(at)
		if next.IsZero() {
			return
		}
		if !next.After(at) {
			t.Fatalf("%q in %q: Next(%v) = %v, not after", expr, tz, at, next)
		}
		if next.Unix()%60 != 0 || next.Nanosecond() != 0 {
			t.Fatalf("%q: Next(%v) = %v, not a whole minute", expr, at, next)
		}
	})
}

func BenchmarkNext(b *testing.B) {
	for _, bm := range []struct{ name, expr, tz string }{
		{"every-minute", "* * * * *", ""},
		{"weekdays", "*/15 9-17 * * MON-FRI", "Europe/Berlin"},
		{"yearly", "@yearly", "America/New_York"},
		{"leap-day", "0 0 29 2 *", ""},
		{"every", "@every 1h30m", ""},
	} {
		b.Run(bm.name, func(b *testing.B) {
			s := mustParse(b, bm.expr, bm.tz)
			from := time.Date(2024, 3, 1, 12, 34, 56, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				if s.Next(from).IsZero() {
					b.Fatal("no next slot")
				}
			}
		})
	}
}
