package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/scheduler"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

// clock is an injected clock shared by the schedulers of a test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func backends(t *testing.T, f func(t *testing.T, cfg store.Config)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); f(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); f(t, storetest.Postgres(t)(t)) })
}

// TestSlotsFireOnceAcrossSchedulers runs two schedulers (two serve
// processes sharing a database) against one store with an injected clock.
func TestSlotsFireOnceAcrossSchedulers(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		base := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		clk := &clock{now: base.Add(-time.Minute)}
		cfg.Now = clk.Now
		st, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ten, err := st.CreateTenant(ctx, "acme", false)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := st.CreateScript(ctx, ten.ID, "check", "check.js", "console.log(1)", store.ScriptSettings{})
		if err != nil {
			t.Fatal(err)
		}
		every5, err := st.CreateSchedule(ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: "*/5 * * * *", Enabled: true, Params: map[string]string{"K": "v"}})
		if err != nil {
			t.Fatal(err)
		}
		off, err := st.CreateSchedule(ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: "* * * * *", Enabled: false})
		if err != nil {
			t.Fatal(err)
		}
		enqueue := func(ctx context.Context, s store.Schedule, slot time.Time) error {
			_, err := st.CreateRun(ctx, s.TenantID, store.NewRun{ScriptID: s.ScriptID, Trigger: store.TriggerSchedule, ScheduleID: s.ID, Slot: slot.UnixMilli(), Params: s.Params})
			return err
		}
		a := scheduler.New(scheduler.Config{Store: st, Enqueue: enqueue, Now: clk.Now})
		b := scheduler.New(scheduler.Config{Store: st, Enqueue: enqueue, Now: clk.Now})
		tickBoth := func() {
			var wg sync.WaitGroup
			for _, s := range []*scheduler.Scheduler{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := s.Tick(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		// 12:00 … 12:14 minute by minute: slots 12:00, 12:05, 12:10.
		for m := 0; m < 15; m++ {
			clk.Set(base.Add(time.Duration(m)*time.Minute + 7*time.Second))
			tickBoth()
		}
		runs, _, err := st.ListRuns(ctx, ten.ID, store.RunFilter{}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		slots := map[int64]int{}
		for _, r := range runs {
			if r.ScheduleID == off.ID {
				t.Errorf("a disabled schedule fired: %+v", r)
			}
			if r.Params["K"] != "v" {
				t.Errorf("schedule params missing: %+v", r.Params)
			}
			slots[r.Slot]++
		}
		if len(runs) != 3 {
			t.Fatalf("%d runs, want 3 (12:00, 12:05, 12:10): %v", len(runs), slots)
		}
		for slot, n := range slots {
			if n != 1 {
				t.Errorf("slot %v has %d runs", time.UnixMilli(slot).UTC(), n)
			}
		}
		// Editing takes effect at the next tick: every minute from now on.
		if _, err := st.UpdateSchedule(ctx, ten.ID, every5.ID, store.ScheduleSpec{Cron: "* * * * *", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		for m := 15; m < 18; m++ {
			clk.Set(base.Add(time.Duration(m)*time.Minute + 7*time.Second))
			tickBoth()
		}
		runs, _, _ = st.ListRuns(ctx, ten.ID, store.RunFilter{}, "", 100)
		if len(runs) != 6 {
			t.Fatalf("after the edit: %d runs, want 6", len(runs))
		}
	})
}

// A server that was down does not replay every missed slot: only those
// within the catch-up window run.
func TestMissedSlotsAreNotReplayed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := storetest.SQLite(t)
	base := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := &clock{now: base}
	cfg.Now = clk.Now
	st, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten, _ := st.CreateTenant(ctx, "acme", false)
	sc, _ := st.CreateScript(ctx, ten.ID, "check", "check.js", "1", store.ScriptSettings{})
	if _, err := st.CreateSchedule(ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: "* * * * *", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	n := 0
	s := scheduler.New(scheduler.Config{Store: st, Now: clk.Now, CatchUp: 2 * time.Minute, Enqueue: func(context.Context, store.Schedule, time.Time) error {
		n++
		return nil
	}})
	clk.Set(base.Add(3 * time.Hour)) // down for three hours
	if err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d runs after a 3 h outage, want the 2 slots inside the 2 min catch-up window", n)
	}
}
