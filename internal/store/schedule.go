package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Schedule runs a script on a cron expression. The store keeps the cron
// and timezone strings as given; parsing them is the scheduler's job.
type Schedule struct {
	ID            string
	TenantID      string
	ScriptID      string
	Cron          string
	Timezone      string // IANA name; "UTC" when created empty
	JitterSeconds int    // ≥ 0: random delay the scheduler may add
	Enabled       bool
	Params        map[string]string // overrides of the script's params; never nil
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ScheduleSpec is the user-settable part of a schedule.
type ScheduleSpec struct {
	Cron          string
	Timezone      string // "" means "UTC"
	JitterSeconds int
	Enabled       bool
	Params        map[string]string
}

func (sp *ScheduleSpec) normalize() error {
	if sp.Timezone == "" {
		sp.Timezone = "UTC"
	}
	if err := checkLabel("cron", sp.Cron); err != nil {
		return err
	}
	if err := checkLabel("timezone", sp.Timezone); err != nil {
		return err
	}
	if sp.JitterSeconds < 0 {
		return invalidf("jitter %d s is negative", sp.JitterSeconds)
	}
	return checkParams(sp.Params)
}

// checkParams validates a params map's names and values.
func checkParams(p map[string]string) error {
	for k, v := range p {
		if err := checkIdent("param name", k); err != nil {
			return err
		}
		if err := checkValue("param value", v); err != nil {
			return err
		}
	}
	return nil
}

// encodeParams renders params as a JSON object ("{}" for nil).
func encodeParams(p map[string]string) string {
	if len(p) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(p) // a map[string]string always marshals
	return string(b)
}

// decodeParams parses a params column; the result is never nil.
func decodeParams(s string) (map[string]string, error) {
	p := map[string]string{}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("decode params: %w", err)
	}
	return p, nil
}

const scheduleCols = `id, tenant_id, script_id, cron, timezone, jitter_seconds, enabled, params, created_at, updated_at`

func scanSchedule(r row) (Schedule, error) {
	var sc Schedule
	var params string
	var created, updated int64
	err := r.Scan(&sc.ID, &sc.TenantID, &sc.ScriptID, &sc.Cron, &sc.Timezone, &sc.JitterSeconds,
		&sc.Enabled, &params, &created, &updated)
	if err != nil {
		return Schedule{}, err
	}
	if sc.Params, err = decodeParams(params); err != nil {
		return Schedule{}, err
	}
	sc.CreatedAt, sc.UpdatedAt = msTime(created), msTime(updated)
	return sc, nil
}

// CreateSchedule adds a schedule to the tenant's script.
func (o ops) CreateSchedule(ctx context.Context, tenantID, scriptID string, sp ScheduleSpec) (Schedule, error) {
	if err := sp.normalize(); err != nil {
		return Schedule{}, fmt.Errorf("create schedule: %w", err)
	}
	now := o.s.now()
	sc, err := scanSchedule(o.q.queryRow(ctx, `INSERT INTO schedules (`+scheduleCols+`)
		SELECT ?, tenant_id, id, ?, ?, ?, ?, ?, ?, ? FROM scripts WHERE id = ? AND tenant_id = ?
		RETURNING `+scheduleCols,
		o.s.newID(), sp.Cron, sp.Timezone, sp.JitterSeconds, sp.Enabled, encodeParams(sp.Params), now, now,
		scriptID, tenantID))
	if err != nil {
		return Schedule{}, notFoundOr(err, "create schedule", "script "+scriptID)
	}
	return sc, nil
}

// GetSchedule returns the tenant's schedule.
func (o ops) GetSchedule(ctx context.Context, tenantID, scheduleID string) (Schedule, error) {
	sc, err := scanSchedule(o.q.queryRow(ctx, `SELECT `+scheduleCols+` FROM schedules WHERE id = ? AND tenant_id = ?`,
		scheduleID, tenantID))
	if err != nil {
		return Schedule{}, notFoundOr(err, "get schedule", "schedule "+scheduleID)
	}
	return sc, nil
}

// ListSchedules returns the tenant's schedules, oldest first: those of
// one script when scriptID is not empty (ErrNotFound if the tenant has no
// such script), all of the tenant's otherwise.
func (o ops) ListSchedules(ctx context.Context, tenantID, scriptID string) ([]Schedule, error) {
	if scriptID != "" {
		if err := o.ownScript(ctx, tenantID, scriptID); err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		return o.listSchedules(ctx, `WHERE tenant_id = ? AND script_id = ?`, tenantID, scriptID)
	}
	return o.listSchedules(ctx, `WHERE tenant_id = ?`, tenantID)
}

// ListEnabledSchedules returns every enabled schedule of every tenant,
// for the scheduler.
func (o ops) ListEnabledSchedules(ctx context.Context) ([]Schedule, error) {
	return o.listSchedules(ctx, `WHERE enabled = ?`, true)
}

func (o ops) listSchedules(ctx context.Context, where string, args ...any) ([]Schedule, error) {
	r, err := o.q.query(ctx, `SELECT `+scheduleCols+` FROM schedules `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	defer r.Close()
	var out []Schedule
	for r.Next() {
		sc, err := scanSchedule(r)
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		out = append(out, sc)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	return out, nil
}

// UpdateSchedule replaces the schedule's user-settable fields.
func (o ops) UpdateSchedule(ctx context.Context, tenantID, scheduleID string, sp ScheduleSpec) (Schedule, error) {
	if err := sp.normalize(); err != nil {
		return Schedule{}, fmt.Errorf("update schedule: %w", err)
	}
	sc, err := scanSchedule(o.q.queryRow(ctx, `UPDATE schedules SET cron = ?, timezone = ?, jitter_seconds = ?,
		enabled = ?, params = ?, updated_at = ? WHERE id = ? AND tenant_id = ? RETURNING `+scheduleCols,
		sp.Cron, sp.Timezone, sp.JitterSeconds, sp.Enabled, encodeParams(sp.Params), o.s.now(), scheduleID, tenantID))
	if err != nil {
		return Schedule{}, notFoundOr(err, "update schedule", "schedule "+scheduleID)
	}
	return sc, nil
}

// DeleteSchedule deletes the schedule. Runs it created stay.
func (o ops) DeleteSchedule(ctx context.Context, tenantID, scheduleID string) error {
	n, err := o.q.exec(ctx, `DELETE FROM schedules WHERE id = ? AND tenant_id = ?`, scheduleID, tenantID)
	if err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("delete schedule: schedule %s: %w", scheduleID, ErrNotFound)
	}
	return nil
}
