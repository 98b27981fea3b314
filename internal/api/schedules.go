package api

import (
	"context"
	"net/http"
	"time"

	"github.com/skriptable/skriptable/internal/cron"
	"github.com/skriptable/skriptable/internal/store"
)

// Schedule bounds.
const (
	maxJitterSeconds = 3600
	maxCronBytes     = 200
	nextRunsShown    = 3
)

// createScheduleRequest is the body of POST /scripts/{id}/schedules.
type createScheduleRequest struct {
	Cron          *string           `json:"cron" api:"required" doc:"5-field cron, a macro such as @daily, or @every <duration>"`
	Timezone      *string           `json:"timezone" doc:"IANA time zone the cron is evaluated in (default UTC)"`
	JitterSeconds *int              `json:"jitter_seconds" doc:"random delay of up to this many seconds, 0 to 3600 (default 0)"`
	Enabled       *bool             `json:"enabled" doc:"default true"`
	Params        map[string]string `json:"params" doc:"overrides of the script's parameters for runs of this schedule"`
}

// patchScheduleRequest is the body of PATCH …/schedules/{sid}; absent
// fields keep their value, params (when present) replaces them all.
type patchScheduleRequest struct {
	Cron          *string           `json:"cron"`
	Timezone      *string           `json:"timezone"`
	JitterSeconds *int              `json:"jitter_seconds" doc:"0 to 3600"`
	Enabled       *bool             `json:"enabled"`
	Params        map[string]string `json:"params" doc:"replaces all of the schedule's params"`
}

// createSchedule handles POST /scripts/{id}/schedules: 201 with the
// schedule, its description and its next slots.
func (a *API) createSchedule(w http.ResponseWriter, r *http.Request) error {
	var req createScheduleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Cron == nil {
		return invalid("cron", "is required")
	}
	sp := store.ScheduleSpec{Cron: *req.Cron, Timezone: "UTC", Enabled: true, Params: req.Params}
	if req.Timezone != nil {
		sp.Timezone = *req.Timezone
	}
	if req.JitterSeconds != nil {
		sp.JitterSeconds = *req.JitterSeconds
	}
	if req.Enabled != nil {
		sp.Enabled = *req.Enabled
	}
	if err := checkSpec(sp); err != nil {
		return err
	}
	sc, err := a.store.CreateSchedule(r.Context(), tenantID(r), r.PathValue("id"), sp)
	if err != nil {
		return orNotFound(err, "script")
	}
	w.Header().Set("Location", "/api/v1/scripts/"+sc.ScriptID+"/schedules/"+sc.ID)
	writeJSON(w, http.StatusCreated, NewScheduleView(sc, a.now()))
	return nil
}

// listSchedules handles GET /scripts/{id}/schedules, oldest first.
func (a *API) listSchedules(w http.ResponseWriter, r *http.Request) error {
	list, err := a.store.ListSchedules(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "script")
	}
	now := a.now()
	writeJSON(w, http.StatusOK, List[ScheduleView]{Items: mapItems(list, func(s store.Schedule) ScheduleView {
		return NewScheduleView(s, now)
	})})
	return nil
}

// getSchedule handles GET /scripts/{id}/schedules/{sid}.
func (a *API) getSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := scheduleOf(r, a.store)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewScheduleView(sc, a.now()))
	return nil
}

// patchSchedule handles PATCH /scripts/{id}/schedules/{sid}.
func (a *API) patchSchedule(w http.ResponseWriter, r *http.Request) error {
	var req patchScheduleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx, tid := r.Context(), tenantID(r)
	var out store.Schedule
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		sc, err := scheduleOf(r, tx)
		if err != nil {
			return err
		}
		sp := store.ScheduleSpec{Cron: sc.Cron, Timezone: sc.Timezone, JitterSeconds: sc.JitterSeconds,
			Enabled: sc.Enabled, Params: sc.Params}
		if req.Cron != nil {
			sp.Cron = *req.Cron
		}
		if req.Timezone != nil {
			sp.Timezone = *req.Timezone
		}
		if req.JitterSeconds != nil {
			sp.JitterSeconds = *req.JitterSeconds
		}
		if req.Enabled != nil {
			sp.Enabled = *req.Enabled
		}
		if req.Params != nil {
			sp.Params = req.Params
		}
		if err := checkSpec(sp); err != nil {
			return err
		}
		out, err = tx.UpdateSchedule(ctx, tid, sc.ID, sp)
		return orNotFound(err, "schedule")
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewScheduleView(out, a.now()))
	return nil
}

// deleteSchedule handles DELETE /scripts/{id}/schedules/{sid}. Runs it
// created stay.
func (a *API) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		sc, err := scheduleOf(r, tx)
		if err != nil {
			return err
		}
		return orNotFound(tx.DeleteSchedule(ctx, tenantID(r), sc.ID), "schedule")
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

// scheduleGetter is the part of store.Store and store.Tx scheduleOf uses.
type scheduleGetter interface {
	GetSchedule(ctx context.Context, tenantID, scheduleID string) (store.Schedule, error)
}

// scheduleOf loads the {sid} schedule, which must belong to the {id}
// script (404 otherwise).
func scheduleOf(r *http.Request, s scheduleGetter) (store.Schedule, error) {
	sc, err := s.GetSchedule(r.Context(), tenantID(r), r.PathValue("sid"))
	if err != nil {
		return store.Schedule{}, orNotFound(err, "schedule")
	}
	if sc.ScriptID != r.PathValue("id") {
		return store.Schedule{}, notFound("schedule")
	}
	return sc, nil
}

// checkSpec validates a schedule's user-settable fields; the cron
// parser's own message (which names the cron field at fault) is the
// error message.
func checkSpec(sp store.ScheduleSpec) error {
	if sp.JitterSeconds < 0 || sp.JitterSeconds > maxJitterSeconds {
		return invalid("jitter_seconds", "must be from 0 to %d", maxJitterSeconds)
	}
	if sp.Timezone == "" || sp.Timezone == "Local" || len(sp.Timezone) > maxCronBytes {
		return invalid("timezone", "must be an IANA time zone name such as Europe/Berlin")
	}
	if _, err := time.LoadLocation(sp.Timezone); err != nil {
		return invalid("timezone", "unknown time zone %q", sp.Timezone)
	}
	if len(sp.Cron) > maxCronBytes || hasControl(sp.Cron) {
		return invalid("cron", "must be at most %d bytes without control characters", maxCronBytes)
	}
	if _, err := cron.Parse(sp.Cron, sp.Timezone); err != nil {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Field: "cron", Message: err.Error(), cause: err}
	}
	return checkParams("params", sp.Params)
}

// NewScheduleView renders a schedule with its description and the next
// three slots after now.
func NewScheduleView(sc store.Schedule, now time.Time) ScheduleView {
	v := ScheduleView{ID: sc.ID, ScriptID: sc.ScriptID, Cron: sc.Cron, Timezone: sc.Timezone,
		JitterSeconds: sc.JitterSeconds, Enabled: sc.Enabled, Params: sc.Params, NextRuns: []time.Time{},
		CreatedAt: sc.CreatedAt.UTC(), UpdatedAt: sc.UpdatedAt.UTC()}
	if v.Params == nil {
		v.Params = map[string]string{}
	}
	parsed, err := cron.Parse(sc.Cron, sc.Timezone)
	if err != nil {
		return v
	}
	v.Description = parsed.Describe()
	t := now
	for range nextRunsShown {
		t = parsed.Next(t)
		if t.IsZero() {
			break
		}
		v.NextRuns = append(v.NextRuns, t.UTC())
	}
	return v
}
