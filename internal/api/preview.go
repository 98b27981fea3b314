package api

import (
	"net/http"
	"time"

	"github.com/skriptable/skriptable/internal/cron"
	"github.com/skriptable/skriptable/internal/store"
)

// Schedule preview bounds.
const (
	defaultPreviewCount = 3
	maxPreviewCount     = 20
)

// SchedulePreview is a cron expression in words and its next slots.
type SchedulePreview struct {
	Cron        string      `json:"cron"`
	Timezone    string      `json:"timezone"`
	Description string      `json:"description" doc:"the expression in words, e.g. \"every 5 minutes\""`
	NextRuns    []time.Time `json:"next_runs" doc:"the next slots (UTC), without jitter"`
}

// previewSchedule handles GET /schedule-preview?cron=&timezone=&count=:
// what a schedule would do, without creating it, so the dashboard can
// show "every 5 minutes — next at 12:05, 12:10, 12:15" while the user
// types. A cron or time zone that does not parse is a 400 naming it.
func (a *API) previewSchedule(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	n, err := queryInt(r, "count", defaultPreviewCount, 1, maxPreviewCount)
	if err != nil {
		return err
	}
	expr, tz := q.Get("cron"), q.Get("timezone")
	if tz == "" {
		tz = "UTC"
	}
	if expr == "" {
		return badQuery("cron", "is required")
	}
	if err := checkSpec(store.ScheduleSpec{Cron: expr, Timezone: tz}); err != nil {
		if e, ok := err.(*Error); ok {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: e.Field, Message: e.Message}
		}
		return err
	}
	p, err := cron.Parse(expr, tz)
	if err != nil { // checkSpec parsed it already
		return badQuery("cron", "%s", err.Error())
	}
	out := SchedulePreview{Cron: expr, Timezone: tz, Description: p.Describe(), NextRuns: []time.Time{}}
	t := a.now()
	for range n {
		if t = p.Next(t); t.IsZero() {
			break
		}
		out.NextRuns = append(out.NextRuns, t.UTC())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
