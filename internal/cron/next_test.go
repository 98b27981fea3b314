package cron

import (
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests need the tz database even where the system lacks it
)

func mustParse(t testing.TB, expr, tz string) *Schedule {
	t.Helper()
	s, err := Parse(expr, tz)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func utc(y int, m time.Month, d, h, mi, sec int) time.Time {
	return time.Date(y, m, d, h, mi, sec, 0, time.UTC)
}

func TestNext(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name, expr string
		from, want time.Time
	}{
		{"every minute", "* * * * *", utc(2024, 1, 1, 10, 0, 0), utc(2024, 1, 1, 10, 1, 0)},
		{"strictly after, mid-minute", "* * * * *", utc(2024, 1, 1, 10, 0, 30), utc(2024, 1, 1, 10, 1, 0)},
		{"sub-second", "* * * * *", utc(2024, 1, 1, 10, 0, 59).Add(999 * time.Millisecond), utc(2024, 1, 1, 10, 1, 0)},
		{"same day later", "30 14 * * *", utc(2024, 1, 1, 10, 0, 0), utc(2024, 1, 1, 14, 30, 0)},
		{"next day", "30 14 * * *", utc(2024, 1, 1, 14, 30, 0), utc(2024, 1, 2, 14, 30, 0)},
		{"weekday over weekend", "0 9 * * 1-5", utc(2024, 1, 5, 10, 0, 0), utc(2024, 1, 8, 9, 0, 0)},
		{"month boundary", "0 0 1 * *", utc(2024, 1, 31, 12, 0, 0), utc(2024, 2, 1, 0, 0, 0)},
		{"31st skips short months", "0 0 31 * *", utc(2024, 4, 1, 0, 0, 0), utc(2024, 5, 31, 0, 0, 0)},
		{"year boundary", "0 0 1 1 *", utc(2024, 12, 31, 23, 59, 59), utc(2025, 1, 1, 0, 0, 0)},
		{"last minute of year", "59 23 31 12 *", utc(2024, 12, 31, 23, 59, 0), utc(2025, 12, 31, 23, 59, 0)},
		{"month names", "0 0 1 JUN,DEC *", utc(2024, 6, 2, 0, 0, 0), utc(2024, 12, 1, 0, 0, 0)},
		{"leap day", "0 0 29 2 *", utc(2023, 6, 1, 0, 0, 0), utc(2024, 2, 29, 0, 0, 0)},
		{"leap day, four years on", "0 0 29 2 *", utc(2024, 2, 29, 0, 0, 0), utc(2028, 2, 29, 0, 0, 0)},
		{"leap day over 2100", "0 0 29 2 *", utc(2097, 1, 1, 0, 0, 0), utc(2104, 2, 29, 0, 0, 0)},
		{"leap day on a weekend (AND)", "0 0 29 2 */6", utc(2020, 3, 1, 0, 0, 0), utc(2032, 2, 29, 0, 0, 0)},
		{"OR: weekday first", "0 0 15 * MON", utc(2024, 1, 2, 0, 0, 0), utc(2024, 1, 8, 0, 0, 0)},
		{"OR: day-of-month first", "0 0 15 * FRI", utc(2024, 1, 13, 0, 0, 0), utc(2024, 1, 15, 0, 0, 0)},
		{"OR: 13th or Friday", "0 0 13 * 5", utc(2024, 9, 7, 0, 0, 0), utc(2024, 9, 13, 0, 0, 0)},
		{"AND: dow only", "0 0 * * SUN", utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 7, 0, 0, 0)},
		{"AND: dom only", "0 0 10 * *", utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 10, 0, 0, 0)},
		{"AND: star-step dom (Vixie)", "0 0 */2 * MON", utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 15, 0, 0, 0)},
		{"7 is Sunday", "0 12 * * 7", utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 7, 12, 0, 0)},
		{"t in another zone", "0 9 * * *", time.Date(2024, 1, 1, 5, 0, 0, 0, ny), utc(2024, 1, 2, 9, 0, 0)},
		{"before 1970", "0 0 1 1 *", utc(1969, 6, 1, 0, 0, 0), utc(1970, 1, 1, 0, 0, 0)},
		{"every: epoch-aligned", "@every 1h30m", utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 1, 1, 30, 0)},
		{"every: mid-interval", "@every 1h30m", utc(2024, 1, 1, 0, 10, 0), utc(2024, 1, 1, 1, 30, 0)},
		{"every: before 1970", "@every 7m", utc(1969, 12, 31, 23, 50, 30), utc(1969, 12, 31, 23, 53, 0)},
		{"every: crosses epoch", "@every 7m", utc(1969, 12, 31, 23, 59, 0), utc(1970, 1, 1, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParse(t, tt.expr, "").Next(tt.from)
			if !got.Equal(tt.want) {
				t.Errorf("Next(%v) = %v, want %v", tt.from, got, tt.want)
			}
		})
	}
}

func TestNextReturnsScheduleZone(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"0 9 * * *", "@every 5m"} {
		s := mustParse(t, expr, "Europe/Berlin")
		got := s.Next(utc(2024, 7, 1, 0, 0, 0))
		if got.Location() != s.Location() || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Errorf("%s: Next = %v, want a whole minute in Europe/Berlin", expr, got)
		}
	}
}

// @every slots are multiples of the interval since the epoch, whatever
// the zone, so every node agrees.
func TestEveryAlignment(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"@every 1m", "@every 7m", "@every 45m", "@every 1h30m", "@every 25h", "@every 744h"} {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			berlin, ny := mustParse(t, expr, "Europe/Berlin"), mustParse(t, expr, "America/New_York")
			from := utc(2024, 3, 30, 23, 17, 42)
			slots := berlin.Slots(from, from.Add(100*berlin.every), 50)
			if len(slots) != 50 {
				t.Fatalf("got %d slots", len(slots))
			}
			if d := slots[0].Sub(from); d <= 0 || d > berlin.every {
				t.Errorf("first slot %v is %v after %v", slots[0], d, from)
			}
			for i, s := range slots {
				if s.Unix()%int64(berlin.every/time.Second) != 0 {
					t.Errorf("slot %v is not a multiple of %v since the epoch", s, berlin.every)
				}
				if i > 0 && s.Sub(slots[i-1]) != berlin.every {
					t.Errorf("gap %v before %v", s.Sub(slots[i-1]), s)
				}
				if other := ny.Next(s.Add(-time.Second)); !other.Equal(s) {
					t.Errorf("New York disagrees: %v vs %v", other, s)
				}
			}
		})
	}
}

func TestSlots(t *testing.T) {
	t.Parallel()
	jan := utc(2024, 1, 1, 0, 0, 0)
	tests := []struct {
		name, expr string
		from, to   time.Time
		max, want  int
	}{
		{"(from, to] excludes from, includes to", "*/15 * * * *", jan, jan.Add(time.Hour), 100, 4},
		{"max caps", "*/15 * * * *", jan, jan.Add(time.Hour), 2, 2},
		{"max 0", "*/15 * * * *", jan, jan.Add(time.Hour), 0, 0},
		{"negative max", "*/15 * * * *", jan, jan.Add(time.Hour), -1, 0},
		{"to before from", "* * * * *", jan, jan.Add(-time.Hour), 10, 0},
		{"weekdays in January 2024", "0 9 * * MON-FRI", jan, utc(2024, 1, 31, 23, 59, 0), 100, 23},
		{"minutes in a day", "* * * * *", jan, jan.Add(24 * time.Hour), 10000, 1440},
		{"every 5m in a day", "@every 5m", jan, jan.Add(24 * time.Hour), 1000, 288},
		{"leap days in 2000-2100", "0 0 29 2 *", utc(2000, 1, 1, 0, 0, 0), utc(2100, 12, 31, 0, 0, 0), 100, 25},
		{"monthly in a year", "@monthly", jan.Add(-time.Minute), utc(2024, 12, 31, 0, 0, 0), 100, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParse(t, tt.expr, "").Slots(tt.from, tt.to, tt.max)
			if len(got) != tt.want {
				t.Fatalf("got %d slots, want %d: %v", len(got), tt.want, got)
			}
			for i, s := range got {
				if !s.After(tt.from) || s.After(tt.to) || i > 0 && !s.After(got[i-1]) {
					t.Errorf("slot %d = %v out of order or range", i, s)
				}
			}
		})
	}
}

// DST: a nonexistent wall-clock time is skipped that day; a repeated one
// runs once, at its first occurrence.
func TestDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr, tz string
		from, to       time.Time
		want           []time.Time
	}{
		{"Berlin spring: 02:30 skipped on Mar 31", "30 2 * * *", "Europe/Berlin",
			utc(2024, 3, 29, 12, 0, 0), utc(2024, 4, 2, 12, 0, 0),
			[]time.Time{utc(2024, 3, 30, 1, 30, 0), utc(2024, 4, 1, 0, 30, 0), utc(2024, 4, 2, 0, 30, 0)}},
		{"Berlin spring: 03:00 exists", "0 3 * * *", "Europe/Berlin",
			utc(2024, 3, 30, 12, 0, 0), utc(2024, 3, 31, 12, 0, 0),
			[]time.Time{utc(2024, 3, 31, 1, 0, 0)}},
		{"Berlin spring: every 30 minutes", "*/30 * * * *", "Europe/Berlin",
			utc(2024, 3, 31, 0, 15, 0), utc(2024, 3, 31, 1, 30, 0),
			[]time.Time{utc(2024, 3, 31, 0, 30, 0), utc(2024, 3, 31, 1, 0, 0), utc(2024, 3, 31, 1, 30, 0)}},
		{"Berlin fall: 02:30 once, first occurrence", "30 2 * * *", "Europe/Berlin",
			utc(2024, 10, 26, 12, 0, 0), utc(2024, 10, 28, 12, 0, 0),
			[]time.Time{utc(2024, 10, 27, 0, 30, 0), utc(2024, 10, 28, 1, 30, 0)}},
		{"Berlin fall: every 30 minutes skips the repeat", "*/30 * * * *", "Europe/Berlin",
			utc(2024, 10, 26, 23, 45, 0), utc(2024, 10, 27, 2, 15, 0),
			[]time.Time{utc(2024, 10, 27, 0, 0, 0), utc(2024, 10, 27, 0, 30, 0), utc(2024, 10, 27, 2, 0, 0)}},
		{"New York spring: 02:30 skipped on Mar 10", "30 2 * * *", "America/New_York",
			utc(2024, 3, 9, 12, 0, 0), utc(2024, 3, 11, 12, 0, 0),
			[]time.Time{utc(2024, 3, 11, 6, 30, 0)}},
		{"New York fall: 01:30 once", "30 1 * * *", "America/New_York",
			utc(2024, 11, 2, 12, 0, 0), utc(2024, 11, 4, 12, 0, 0),
			[]time.Time{utc(2024, 11, 3, 5, 30, 0), utc(2024, 11, 4, 6, 30, 0)}},
		{"New York fall: hourly", "0 * * * *", "America/New_York",
			utc(2024, 11, 3, 4, 30, 0), utc(2024, 11, 3, 7, 30, 0),
			[]time.Time{utc(2024, 11, 3, 5, 0, 0), utc(2024, 11, 3, 7, 0, 0)}},
		{"New York fall: from inside the repeated hour", "45 1,2 * * *", "America/New_York",
			utc(2024, 11, 3, 6, 15, 0), utc(2024, 11, 4, 12, 0, 0),
			[]time.Time{utc(2024, 11, 3, 7, 45, 0), utc(2024, 11, 4, 6, 45, 0), utc(2024, 11, 4, 7, 45, 0)}},
		{"every ignores DST", "@every 30m", "America/New_York",
			utc(2024, 11, 3, 5, 0, 0), utc(2024, 11, 3, 7, 0, 0),
			[]time.Time{utc(2024, 11, 3, 5, 30, 0), utc(2024, 11, 3, 6, 0, 0), utc(2024, 11, 3, 6, 30, 0), utc(2024, 11, 3, 7, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParse(t, tt.expr, tt.tz).Slots(tt.from, tt.to, 100)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("slot %d = %v (%v), want %v", i, got[i], got[i].UTC(), tt.want[i])
				}
			}
		})
	}
}

func TestZeroScheduleNeverFires(t *testing.T) {
	t.Parallel()
	var s Schedule
	if got := s.Next(utc(2024, 1, 1, 0, 0, 0)); !got.IsZero() {
		t.Errorf("Next = %v, want zero", got)
	}
	if got := s.Slots(utc(2024, 1, 1, 0, 0, 0), utc(2025, 1, 1, 0, 0, 0), 10); len(got) != 0 {
		t.Errorf("Slots = %v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := mustParse(t, "*/5 9-17 * * MON-FRI", "Europe/Berlin")
	want := s.Slots(utc(2024, 1, 1, 0, 0, 0), utc(2024, 2, 1, 0, 0, 0), 1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got := s.Slots(utc(2024, 1, 1, 0, 0, 0), utc(2024, 2, 1, 0, 0, 0), 1000)
			if len(got) != len(want) || s.Describe() == "" {
				t.Errorf("got %d slots, want %d", len(got), len(want))
			}
		})
	}
	wg.Wait()
}

func TestJitter(t *testing.T) {
	t.Parallel()
	slot := utc(2024, 1, 1, 9, 0, 0)
	if a, b := Jitter("job-1", slot, time.Minute), Jitter("job-1", slot.In(time.FixedZone("X", 3600)), time.Minute); a != b {
		t.Errorf("same (id, instant) gave %v and %v", a, b)
	}
	for _, max := range []time.Duration{0, -time.Second} {
		if got := Jitter("job-1", slot, max); got != 0 {
			t.Errorf("Jitter(max %v) = %v, want 0", max, got)
		}
	}
	if got := Jitter("job-1", slot, 1); got != 0 {
		t.Errorf("Jitter(max 1ns) = %v", got)
	}
	seen := map[time.Duration]bool{}
	for i := range 1000 {
		max := 5 * time.Minute
		j := Jitter("job-1", slot.Add(time.Duration(i)*time.Minute), max)
		if j < 0 || j >= max {
			t.Fatalf("Jitter = %v, outside [0, %v)", j, max)
		}
		seen[j/time.Minute] = true
	}
	if len(seen) != 5 {
		t.Errorf("1000 slots hit only %d of 5 one-minute buckets", len(seen))
	}
	if Jitter("a", slot, time.Hour) == Jitter("b", slot, time.Hour) && Jitter("c", slot, time.Hour) == Jitter("d", slot, time.Hour) {
		t.Error("jitter ignores the id")
	}
	// Pin the hash so a change that would make nodes disagree is noticed.
	if got, want := Jitter("job-1", slot, time.Hour), time.Duration(2786383714410); got != want {
		t.Errorf("Jitter(job-1, %v, 1h) = %v, want %v (FNV-1a of id, 0, big-endian Unix seconds)", slot, got, want)
	}
}

// TestSlotsMatchBruteForce compares Slots with a minute-by-minute scan of
// instants around DST transitions: a slot is an instant whose wall clock
// matches the fields and has not been seen earlier (first occurrence).
func TestSlotsMatchBruteForce(t *testing.T) {
	t.Parallel()
	exprs := []string{"* * * * *", "*/7 * * * *", "30 2 * * *", "0,30 1-3 * * *", "15 */2 * * SUN", "45 0-4 * * *", "*/20 2 27-31 * 0"}
	starts := []struct {
		tz   string
		from time.Time
	}{
		{"Europe/Berlin", utc(2024, 3, 30, 12, 0, 0)},
		{"Europe/Berlin", utc(2024, 10, 26, 12, 0, 0)},
		{"America/New_York", utc(2024, 3, 9, 12, 0, 0)},
		{"America/New_York", utc(2024, 11, 2, 12, 0, 0)},
		{"Australia/Lord_Howe", utc(2024, 4, 6, 0, 0, 0)}, // 30-minute shift
		{"Australia/Lord_Howe", utc(2024, 10, 5, 0, 0, 0)},
	}
	for _, expr := range exprs {
		for _, st := range starts {
			t.Run(expr+" "+st.tz+" "+st.from.Format("Jan"), func(t *testing.T) {
				t.Parallel()
				s := mustParse(t, expr, st.tz)
				to := st.from.Add(72 * time.Hour)
				var want []time.Time
				seen := map[[5]int]bool{}
				for u := st.from.Add(-30 * time.Hour); !u.After(to); u = u.Add(time.Minute) {
					w := u.In(s.Location())
					key := [5]int{w.Year(), int(w.Month()), w.Day(), w.Hour(), w.Minute()}
					first := !seen[key]
					seen[key] = true
					if first && u.After(st.from) && s.minute&(1<<w.Minute()) != 0 && s.hour&(1<<w.Hour()) != 0 &&
						s.month&(1<<w.Month()) != 0 && s.dayMatches(w.Day(), w.Weekday()) {
						want = append(want, u)
					}
				}
				got := s.Slots(st.from, to, 10000)
				if len(got) != len(want) {
					t.Fatalf("got %d slots, want %d", len(got), len(want))
				}
				for i := range got {
					if !got[i].Equal(want[i]) {
						t.Fatalf("slot %d = %v, want %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}
