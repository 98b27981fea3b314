package api

import (
	"net/http"
	"sort"
	"time"

	"github.com/skriptable/skriptable/internal/cron"
	"github.com/skriptable/skriptable/internal/store"
)

// Overview bounds.
const (
	// overviewRecent is how many recent runs each script carries (the
	// dashboard's sparkline).
	overviewRecent = 20
	// overviewMaxScripts caps the scripts one overview lists; beyond it
	// the answer says Truncated.
	overviewMaxScripts = 1000
)

// OverviewView is the dashboard's first page: every script with its
// health, failing ones first.
type OverviewView struct {
	Scripts     []OverviewScript `json:"scripts"`
	Truncated   bool             `json:"truncated" doc:"more scripts exist than one overview lists (1000)"`
	GeneratedAt time.Time        `json:"generated_at"`
}

// OverviewScript is one script's health.
type OverviewScript struct {
	Script ScriptView `json:"script"`
	// LastRun is the newest run (of any status), if any.
	LastRun *RunView `json:"last_run,omitempty"`
	// Failing: the newest finished (not cancelled) run did not pass.
	Failing bool `json:"failing"`
	// PassRate24h and PassRate7d are passed / finished runs (cancelled
	// ones excluded) queued in the last 24 hours and 7 days; absent when
	// none finished.
	PassRate24h *float64 `json:"pass_rate_24h,omitempty"`
	PassRate7d  *float64 `json:"pass_rate_7d,omitempty"`
	Finished24h int      `json:"finished_24h"`
	Finished7d  int      `json:"finished_7d"`
	// Recent are the newest finished runs, oldest first, for a sparkline.
	Recent []RecentRun `json:"recent"`
	// NextRun is the earliest next slot of the script's enabled
	// schedules (without jitter); absent when none is enabled.
	NextRun   *time.Time `json:"next_run,omitempty"`
	Schedules int        `json:"schedules" doc:"enabled schedules"`
}

// RecentRun is one point of a sparkline.
type RecentRun struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	DurationMS int64     `json:"duration_ms"`
	QueuedAt   time.Time `json:"queued_at"`
}

// overview handles GET /overview.
func (a *API) overview(w http.ResponseWriter, r *http.Request) error {
	ctx, tid, now := r.Context(), tenantID(r), a.now()
	var scripts []store.Script
	truncated := false
	for cursor := ""; ; {
		page, next, err := a.store.ListScripts(ctx, tid, cursor, store.MaxPageSize)
		if err != nil {
			return err
		}
		scripts = append(scripts, page...)
		if next == "" {
			break
		}
		if len(scripts) >= overviewMaxScripts {
			scripts, truncated = scripts[:overviewMaxScripts], true
			break
		}
		cursor = next
	}
	counts, err := a.store.CountRuns(ctx, tid, now.Add(-7*24*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	out := OverviewView{Scripts: make([]OverviewScript, 0, len(scripts)), Truncated: truncated, GeneratedAt: now.UTC()}
	for _, sc := range scripts {
		o, err := a.overviewScript(r, sc, counts[sc.ID], now)
		if err != nil {
			return err
		}
		out.Scripts = append(out.Scripts, o)
	}
	sortOverview(out.Scripts)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// overviewScript builds one script's entry: its newest runs (an indexed
// query per script) and its schedules' next slot.
func (a *API) overviewScript(r *http.Request, sc store.Script, c store.ScriptRunCounts, now time.Time) (OverviewScript, error) {
	ctx, tid := r.Context(), tenantID(r)
	o := OverviewScript{Script: NewScriptView(sc), Recent: []RecentRun{},
		Finished24h: c.Recent.Finished, Finished7d: c.Window.Finished,
		PassRate24h: rate(c.Recent), PassRate7d: rate(c.Window)}
	runs, _, err := a.store.ListRuns(ctx, tid, store.RunFilter{ScriptID: sc.ID}, "", overviewRecent)
	if err != nil {
		return o, err
	}
	if len(runs) > 0 {
		v := NewRunView(runs[0])
		o.LastRun = &v
	}
	for i := len(runs) - 1; i >= 0; i-- { // oldest first
		x := runs[i]
		if !store.IsTerminal(x.Status) || x.Status == store.StatusCancelled {
			continue
		}
		o.Recent = append(o.Recent, RecentRun{ID: x.ID, Status: x.Status, DurationMS: x.DurationMS, QueuedAt: x.QueuedAt.UTC()})
	}
	for _, x := range runs { // newest first
		if store.IsTerminal(x.Status) && x.Status != store.StatusCancelled {
			o.Failing = x.Status != store.StatusPassed
			break
		}
	}
	scheds, err := a.store.ListSchedules(ctx, tid, sc.ID)
	if err != nil {
		return o, orNotFound(err, "script")
	}
	for _, s := range scheds {
		if !s.Enabled {
			continue
		}
		o.Schedules++
		p, err := cron.Parse(s.Cron, s.Timezone)
		if err != nil {
			continue
		}
		if next := p.Next(now); !next.IsZero() && (o.NextRun == nil || next.Before(*o.NextRun)) {
			n := next.UTC()
			o.NextRun = &n
		}
	}
	return o, nil
}

// rate is passed/finished, nil when nothing finished.
func rate(c store.RunCounts) *float64 {
	if c.Finished == 0 {
		return nil
	}
	f := float64(c.Passed) / float64(c.Finished)
	return &f
}

// sortOverview puts failing scripts first, then by name.
func sortOverview(s []OverviewScript) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Failing != s[j].Failing {
			return s[i].Failing
		}
		return s[i].Script.Name < s[j].Script.Name
	})
}
