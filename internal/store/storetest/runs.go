package storetest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

func testSchedules(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	sc2 := h.script(ten.ID, "s2")
	spec := store.ScheduleSpec{Cron: "*/5 * * * *", JitterSeconds: 30, Enabled: true, Params: map[string]string{"ENV": "prod"}}
	a, err := h.s.CreateSchedule(h.ctx, ten.ID, sc.ID, spec)
	must(t, err)
	eq(t, "timezone default", a.Timezone, "UTC")
	eq(t, "params", a.Params["ENV"], "prod")
	b, err := h.s.CreateSchedule(h.ctx, ten.ID, sc2.ID, store.ScheduleSpec{Cron: "@hourly", Timezone: "Europe/Berlin"})
	must(t, err)
	eq(t, "params never nil", b.Params != nil, true)
	_, err = h.s.CreateSchedule(h.ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: ""})
	wantErr(t, err, store.ErrInvalid, "cron")

	got, err := h.s.GetSchedule(h.ctx, ten.ID, a.ID)
	must(t, err)
	eq(t, "get", fmt.Sprint(got), fmt.Sprint(a))
	perScript, err := h.s.ListSchedules(h.ctx, ten.ID, sc.ID)
	must(t, err)
	eq(t, "per script", len(perScript), 1)
	perTenant, err := h.s.ListSchedules(h.ctx, ten.ID, "")
	must(t, err)
	eq(t, "per tenant", len(perTenant), 2)

	// Another tenant's enabled schedule shows in the scheduler's list.
	o := h.tenant("other")
	oc, err := h.s.CreateSchedule(h.ctx, o.ID, h.script(o.ID, "x").ID, store.ScheduleSpec{Cron: "@daily", Enabled: true})
	must(t, err)
	enabled, err := h.s.ListEnabledSchedules(h.ctx)
	must(t, err)
	if len(enabled) != 2 || enabled[0].ID != a.ID || enabled[1].ID != oc.ID {
		t.Fatalf("ListEnabledSchedules = %+v, want %s and %s", enabled, a.ID, oc.ID)
	}

	up, err := h.s.UpdateSchedule(h.ctx, ten.ID, a.ID, store.ScheduleSpec{Cron: "0 * * * *", Enabled: false})
	must(t, err)
	eq(t, "cron", up.Cron, "0 * * * *")
	eq(t, "enabled", up.Enabled, false)
	eq(t, "params replaced", len(up.Params), 0)
	enabled, err = h.s.ListEnabledSchedules(h.ctx)
	must(t, err)
	eq(t, "enabled after update", len(enabled), 1)

	must(t, h.s.DeleteSchedule(h.ctx, ten.ID, a.ID))
	wantErr(t, h.s.DeleteSchedule(h.ctx, ten.ID, a.ID), store.ErrNotFound, "")
}

func testRunLifecycle(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s") // Retries: 1
	_, err := h.s.AddVersion(h.ctx, ten.ID, sc.ID, "s.js", "v2")
	must(t, err)
	r, err := h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerAPI,
		Params: map[string]string{"A": "1"}})
	must(t, err)
	eq(t, "status", r.Status, store.StatusQueued)
	eq(t, "version", r.ScriptVersion, 2)
	eq(t, "name", r.ScriptName, "s")
	eq(t, "max attempts", r.MaxAttempts, 2)
	eq(t, "params", r.Params["A"], "1")
	eq(t, "attempt", r.Attempt, 0)
	if !r.StartedAt.IsZero() || r.ExitCode != nil || r.ScheduleID != "" {
		t.Fatalf("fresh run %+v", r)
	}
	pinned, err := h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Version: 1, Trigger: store.TriggerManual, MaxAttempts: 5})
	must(t, err)
	eq(t, "pinned version", pinned.ScriptVersion, 1)
	eq(t, "explicit max attempts", pinned.MaxAttempts, 5)
	_, err = h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Version: 7, Trigger: store.TriggerManual})
	wantErr(t, err, store.ErrNotFound, "")
	_, err = h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Trigger: "cron"})
	wantErr(t, err, store.ErrInvalid, "trigger")

	must(t, h.s.SetJobID(h.ctx, ten.ID, r.ID, 42))
	r1, err := h.s.MarkRunning(h.ctx, ten.ID, r.ID, 1)
	must(t, err)
	eq(t, "running", r1.Status, store.StatusRunning)
	eq(t, "attempt", r1.Attempt, 1)
	eq(t, "job id", r1.JobID, int64(42))
	if r1.StartedAt.IsZero() {
		t.Fatal("StartedAt not set")
	}
	_, err = h.s.MarkRunning(h.ctx, ten.ID, r.ID, 1) // same attempt again
	wantErr(t, err, store.ErrConflict, "attempt 1")
	r2, err := h.s.MarkRunning(h.ctx, ten.ID, r.ID, 2) // retry
	must(t, err)
	eq(t, "retry attempt", r2.Attempt, 2)
	eq(t, "first start kept", r2.StartedAt, r1.StartedAt)

	c, err := h.s.RequestCancel(h.ctx, ten.ID, r.ID)
	must(t, err)
	eq(t, "cancel requested", c.CancelRequested, true)

	exit := 3
	_, err = h.s.Finish(h.ctx, ten.ID, r.ID, store.RunResult{Status: store.StatusRunning})
	wantErr(t, err, store.ErrInvalid, "terminal")
	fin := r1.StartedAt.Add(1500 * time.Millisecond)
	changed, err := h.s.Finish(h.ctx, ten.ID, r.ID, store.RunResult{Status: store.StatusFailed, Error: "boom",
		Limit: "timeout", ExitCode: &exit, FinishedAt: fin})
	must(t, err)
	eq(t, "changed", changed, true)
	changed, err = h.s.Finish(h.ctx, ten.ID, r.ID, store.RunResult{Status: store.StatusPassed})
	must(t, err)
	eq(t, "changed twice", changed, false)
	done, err := h.s.GetRun(h.ctx, ten.ID, r.ID)
	must(t, err)
	eq(t, "final status", done.Status, store.StatusFailed)
	eq(t, "error", done.Error, "boom")
	eq(t, "limit", done.Limit, "timeout")
	eq(t, "duration", done.DurationMS, int64(1500))
	eq(t, "finished", done.FinishedAt, fin.UTC().Truncate(time.Millisecond))
	if done.ExitCode == nil || *done.ExitCode != 3 {
		t.Fatalf("exit code %v, want 3", done.ExitCode)
	}
	_, err = h.s.MarkRunning(h.ctx, ten.ID, r.ID, 3)
	wantErr(t, err, store.ErrConflict, "failed")

	// Cancelling a finished run changes nothing; a queued run can end
	// without ever starting.
	c, err = h.s.RequestCancel(h.ctx, ten.ID, pinned.ID)
	must(t, err)
	changed, err = h.s.Finish(h.ctx, ten.ID, pinned.ID, store.RunResult{Status: store.StatusCancelled})
	must(t, err)
	eq(t, "cancel queued", changed, true)
	p, err := h.s.GetRun(h.ctx, ten.ID, pinned.ID)
	must(t, err)
	eq(t, "never-started duration", p.DurationMS, int64(0))
	eq(t, "cancel flag", c.CancelRequested, true)
	c, err = h.s.RequestCancel(h.ctx, ten.ID, r.ID)
	must(t, err)
	eq(t, "status after late cancel", c.Status, store.StatusFailed)
}

// testFinishRace: 20 goroutines finish one run with different statuses;
// exactly one wins and the row shows its result.
func testFinishRace(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	r := h.run(ten.ID, h.script(ten.ID, "s").ID)
	_, err := h.s.MarkRunning(h.ctx, ten.ID, r.ID, 1)
	must(t, err)
	const n = 20
	statuses := store.TerminalStatuses
	var wg sync.WaitGroup
	won := make([]bool, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			won[i], errs[i] = h.s.Finish(h.ctx, ten.ID, r.ID, store.RunResult{
				Status: statuses[i%len(statuses)], Error: fmt.Sprint("finisher ", i)})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i := range n {
		must(t, errs[i])
		if won[i] {
			if winner >= 0 {
				t.Fatalf("finishers %d and %d both won", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no finisher won")
	}
	got, err := h.s.GetRun(h.ctx, ten.ID, r.ID)
	must(t, err)
	eq(t, "status", got.Status, statuses[winner%len(statuses)])
	eq(t, "error", got.Error, fmt.Sprint("finisher ", winner))
}

func testSlotConflict(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	sch, err := h.s.CreateSchedule(h.ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: "* * * * *", Enabled: true})
	must(t, err)
	slot := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC).UnixMilli()
	nr := store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerSchedule, ScheduleID: sch.ID, Slot: slot}
	first, err := h.s.CreateRun(h.ctx, ten.ID, nr)
	must(t, err)
	eq(t, "slot", first.Slot, slot)
	eq(t, "schedule id", first.ScheduleID, sch.ID)
	_, err = h.s.CreateRun(h.ctx, ten.ID, nr)
	wantErr(t, err, store.ErrConflict, "slot")

	// In a transaction the duplicate leaves the transaction usable.
	err = h.s.InTx(h.ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateRun(h.ctx, ten.ID, nr); !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("duplicate in tx: %v, want ErrConflict", err)
		}
		next := nr
		next.Slot += 60_000
		_, err := tx.CreateRun(h.ctx, ten.ID, next)
		return err
	})
	must(t, err)
	runs, _, err := h.s.ListRuns(h.ctx, ten.ID, store.RunFilter{}, "", 10)
	must(t, err)
	eq(t, "runs", len(runs), 2)

	_, err = h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerSchedule})
	wantErr(t, err, store.ErrInvalid, "schedule id")
	other := h.script(ten.ID, "other")
	_, err = h.s.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: other.ID, Trigger: store.TriggerSchedule, ScheduleID: sch.ID})
	wantErr(t, err, store.ErrInvalid, "another script")
}

// testListRuns pages through 25 runs 10 at a time: 10, 10, 5, newest
// first, no duplicates.
func testListRuns(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	var ids []string
	for range 25 {
		ids = append(ids, h.run(ten.ID, sc.ID).ID)
	}
	other := h.tenant("other")
	h.run(other.ID, h.script(other.ID, "s").ID)

	var sizes []int
	var got []string
	cursor := ""
	for {
		runs, next, err := h.s.ListRuns(h.ctx, ten.ID, store.RunFilter{}, cursor, 10)
		must(t, err)
		sizes = append(sizes, len(runs))
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	eq(t, "page sizes", fmt.Sprint(sizes), "[10 10 5]")
	for i := range got {
		eq(t, fmt.Sprint("run ", i), got[i], ids[len(ids)-1-i])
	}
	_, _, err := h.s.ListRuns(h.ctx, ten.ID, store.RunFilter{}, "bm9wZQ", 10)
	wantErr(t, err, store.ErrInvalid, "cursor")
}

func testListRunsFilters(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	a := h.script(ten.ID, "a")
	b := h.script(ten.ID, "b")
	ra := h.run(ten.ID, a.ID)
	h.run(ten.ID, a.ID)
	rb := h.run(ten.ID, b.ID)
	_, err := h.s.Finish(h.ctx, ten.ID, ra.ID, store.RunResult{Status: store.StatusPassed})
	must(t, err)

	count := func(f store.RunFilter) int {
		t.Helper()
		runs, _, err := h.s.ListRuns(h.ctx, ten.ID, f, "", 0)
		must(t, err)
		return len(runs)
	}
	eq(t, "by script", count(store.RunFilter{ScriptID: a.ID}), 2)
	eq(t, "by status", count(store.RunFilter{Status: store.StatusPassed}), 1)
	eq(t, "by both", count(store.RunFilter{ScriptID: a.ID, Status: store.StatusQueued}), 1)
	eq(t, "since", count(store.RunFilter{Since: rb.QueuedAt}), countSince(h, ten.ID, rb.QueuedAt))
	eq(t, "until past", count(store.RunFilter{Until: ra.QueuedAt.Add(-time.Hour)}), 0)
	eq(t, "since future", count(store.RunFilter{Since: time.Now().Add(time.Hour)}), 0)
}

// countSince counts the tenant's runs queued at or after since.
func countSince(h *harness, tenantID string, since time.Time) int {
	return h.count(`SELECT COUNT(*) FROM runs WHERE tenant_id = $1 AND queued_at >= $2`, tenantID, since.UnixMilli())
}
