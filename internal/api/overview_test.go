package api

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

func testOverview(t *testing.T, newConfig func(*testing.T) store.Config) {
	var mu sync.Mutex
	now := time.Date(2025, 6, 10, 12, 0, 30, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	cfg := newConfig(t)
	cfg.Now = clock
	e := newEnv(t, cfg, withConfig(func(c *Config) { c.Now = clock }))
	a, tid := e.alice.key, e.alice.tenant.ID
	start := now

	finish := func(scriptID, status string, ms int64) RunView {
		t.Helper()
		run := e.mkRun(a, scriptID)
		if _, err := e.store.MarkRunning(e.ctx, tid, run.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Finish(e.ctx, tid, run.ID, store.RunResult{Status: status,
			FinishedAt: clock().Add(time.Duration(ms) * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		return run
	}
	healthy, flaky, idle := e.mkScript(a, "healthy"), e.mkScript(a, "zz-flaky"), e.mkScript(a, "idle")
	e.mkScript(e.bob.key, "bobs") // another tenant's script never shows

	// Three days ago: flaky passed twice. Within 24 h: flaky passed once,
	// then failed; a cancelled run is ignored. healthy passed.
	set(start.Add(-72 * time.Hour))
	finish(flaky.ID, store.StatusPassed, 100)
	finish(flaky.ID, store.StatusPassed, 200)
	set(start.Add(-time.Hour))
	finish(flaky.ID, store.StatusPassed, 300)
	last := finish(flaky.ID, store.StatusFailed, 400)
	finish(healthy.ID, store.StatusPassed, 50)
	finish(healthy.ID, store.StatusCancelled, 10)
	set(start)
	e.must(201, nil, "POST", "/api/v1/scripts/"+healthy.ID+"/schedules", a, obj{"cron": "*/5 * * * *"})
	e.must(201, nil, "POST", "/api/v1/scripts/"+healthy.ID+"/schedules", a, obj{"cron": "@hourly"})
	e.must(201, nil, "POST", "/api/v1/scripts/"+idle.ID+"/schedules", a, obj{"cron": "* * * * *", "enabled": false})

	var ov OverviewView
	e.must(200, &ov, "GET", "/api/v1/overview", a, nil)
	var names []string
	for _, s := range ov.Scripts {
		names = append(names, s.Script.Name)
	}
	if got := strings.Join(names, ","); got != "zz-flaky,healthy,idle" {
		t.Fatalf("order = %s, want the failing script first, then by name", got)
	}
	f, h, i := ov.Scripts[0], ov.Scripts[1], ov.Scripts[2]
	if !f.Failing || f.LastRun == nil || f.LastRun.ID != last.ID || f.Finished24h != 2 || f.Finished7d != 4 ||
		f.PassRate24h == nil || *f.PassRate24h != 0.5 || f.PassRate7d == nil || *f.PassRate7d != 0.75 {
		t.Errorf("flaky = %+v", f)
	}
	var durations []int64
	for _, r := range f.Recent {
		durations = append(durations, r.DurationMS)
	}
	if len(durations) != 4 || durations[0] != 100 || durations[3] != 400 || f.Recent[3].Status != "failed" {
		t.Errorf("flaky recent = %+v (want oldest first)", f.Recent)
	}
	// healthy: the cancelled run is its last run but does not make it
	// failing nor count; next run is the earlier of its two schedules.
	if h.Failing || h.LastRun == nil || h.LastRun.Status != "cancelled" || h.Finished24h != 1 || *h.PassRate24h != 1 ||
		len(h.Recent) != 1 || h.Schedules != 2 || h.NextRun == nil || !h.NextRun.Equal(time.Date(2025, 6, 10, 12, 5, 0, 0, time.UTC)) {
		t.Errorf("healthy = %+v next %v", h, h.NextRun)
	}
	if i.Failing || i.LastRun != nil || i.PassRate24h != nil || i.PassRate7d != nil || i.NextRun != nil ||
		i.Schedules != 0 || len(i.Recent) != 0 {
		t.Errorf("idle = %+v", i)
	}
	// A week later the old runs fall out of both windows.
	set(start.Add(5 * 24 * time.Hour))
	var later OverviewView
	e.must(200, &later, "GET", "/api/v1/overview", a, nil)
	if f := later.Scripts[0]; f.Finished7d != 2 || f.Finished24h != 0 || f.PassRate24h != nil {
		t.Errorf("5 days later flaky = %+v", f)
	}
	e.wantErr(401, "unauthorized", "GET", "/api/v1/overview", "", nil)
}

func testSchedulePreview(t *testing.T, newConfig func(*testing.T) store.Config) {
	now := time.Date(2025, 3, 1, 12, 3, 0, 0, time.UTC)
	e := newEnv(t, newConfig(t), withConfig(func(c *Config) { c.Now = func() time.Time { return now } }))
	a := e.alice.key
	var p SchedulePreview
	e.must(200, &p, "GET", "/api/v1/schedule-preview?cron=*/5+*+*+*+*", a, nil)
	if p.Description != "every 5 minutes" || len(p.NextRuns) != 3 || p.Timezone != "UTC" {
		t.Fatalf("preview = %+v", p)
	}
	for k, m := range []int{5, 10, 15} {
		if want := time.Date(2025, 3, 1, 12, m, 0, 0, time.UTC); !p.NextRuns[k].Equal(want) {
			t.Errorf("next_runs[%d] = %v, want %v", k, p.NextRuns[k], want)
		}
	}
	e.must(200, &p, "GET", "/api/v1/schedule-preview?cron=0+9+*+*+1-5&timezone=Europe/Berlin&count=5", a, nil)
	if len(p.NextRuns) != 5 || !p.NextRuns[0].Equal(time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("Berlin preview = %+v", p)
	}
	if err := e.wantErr(400, "invalid_query", "GET", "/api/v1/schedule-preview?cron=61+*+*+*+*", a, nil); err.Field != "cron" {
		t.Errorf("bad cron error = %+v", err)
	}
	if err := e.wantErr(400, "invalid_query", "GET", "/api/v1/schedule-preview?cron=@daily&timezone=Mars/Base", a, nil); err.Field != "timezone" {
		t.Errorf("bad zone error = %+v", err)
	}
	e.wantErr(400, "invalid_query", "GET", "/api/v1/schedule-preview", a, nil)
	e.wantErr(400, "invalid_query", "GET", "/api/v1/schedule-preview?cron=@daily&count=21", a, nil)
}

func testDiff(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	var sc ScriptView
	e.must(201, &sc, "POST", "/api/v1/scripts", a, obj{"name": "d", "source": "a\nb\nc\n"})
	e.must(201, nil, "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "a\nB\nc\nd\n"})
	var d DiffView
	e.must(200, &d, "GET", "/api/v1/scripts/"+sc.ID+"/diff", a, nil)
	if got := renderDiff(d.Lines); d.From != 1 || d.To != 2 || got != " a|-b|+B| c|+d" || d.Added != 2 || d.Removed != 1 {
		t.Errorf("diff 1→2 = %+v (%s)", d, got)
	}
	e.must(200, &d, "GET", "/api/v1/scripts/"+sc.ID+"/diff?from=0&to=1", a, nil)
	if got := renderDiff(d.Lines); got != "+a|+b|+c" {
		t.Errorf("diff 0→1 = %s", got)
	}
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/"+sc.ID+"/diff?from=9", a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/"+sc.ID+"/diff", e.bob.key, nil)
	e.wantErr(400, "invalid_query", "GET", "/api/v1/scripts/"+sc.ID+"/diff?to=x", a, nil)
}

// renderDiff writes lines as "<op><text>" joined by "|" (op " " for =).
func renderDiff(ls []DiffLine) string {
	var parts []string
	for _, l := range ls {
		op := l.Op
		if op == "=" {
			op = " "
		}
		parts = append(parts, op+l.Text)
	}
	return strings.Join(parts, "|")
}

func TestDiffLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ old, new, want string }{
		{"", "", ""},
		{"a\n", "a\n", " a"},
		{"a\nb\n", "", "-a|-b"},
		{"x\na\ny\nb\nz", "a\nq\nb", "-x| a|-y|+q| b|-z"},
		{"1\n2\n3\n4\n5", "1\n3\n4\n5\n6", " 1|-2| 3| 4| 5|+6"},
		{"a\nb", "a\nb\n", " a| b"}, // a final newline makes no line
	} {
		ls := DiffLines(tc.old, tc.new)
		if got := renderDiff(ls); got != tc.want {
			t.Errorf("DiffLines(%q, %q) = %s, want %s", tc.old, tc.new, got, tc.want)
		}
		// Line numbers count up on each side.
		o, n := 0, 0
		for _, l := range ls {
			if l.Op != "+" {
				if o++; l.Old != o {
					t.Errorf("%q→%q: old line %d, want %d", tc.old, tc.new, l.Old, o)
				}
			}
			if l.Op != "-" {
				if n++; l.New != n {
					t.Errorf("%q→%q: new line %d, want %d", tc.old, tc.new, l.New, n)
				}
			}
		}
	}
	// Past the table bound the middle is replaced wholesale, still correct.
	big := strings.Repeat("x\n", 2500)
	ls := DiffLines("a\n"+big+"b\n", "c\n"+strings.Repeat("y\n", 2500)+"d\n")
	if len(ls) != 5004 {
		t.Errorf("big diff has %d lines", len(ls))
	}
}
