package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Run statuses. A run starts queued, becomes running when a worker takes
// it, and ends in exactly one terminal status.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusPassed    = "passed"
	StatusFailed    = "failed"
	StatusTimedOut  = "timed_out"
	StatusCancelled = "cancelled"
	StatusErrored   = "errored"
	// StatusInvalid: the runner refused the script before running it
	// (runnerproto's "invalid" result).
	StatusInvalid = "invalid"
)

// TerminalStatuses are the statuses a run ends in.
var TerminalStatuses = []string{StatusPassed, StatusFailed, StatusTimedOut, StatusCancelled, StatusErrored, StatusInvalid}

// terminalSQL is TerminalStatuses as an SQL list (constants, not input).
const terminalSQL = `('passed', 'failed', 'timed_out', 'cancelled', 'errored', 'invalid')`

// IsTerminal reports whether status ends a run.
func IsTerminal(status string) bool { return slices.Contains(TerminalStatuses, status) }

// Run triggers.
const (
	TriggerManual   = "manual"   // started from the dashboard
	TriggerAPI      = "api"      // started through the HTTP API
	TriggerSchedule = "schedule" // started by a schedule slot
)

// Run is one execution of a script version, across all its attempts.
type Run struct {
	ID            string
	TenantID      string
	ScriptID      string // kept after the script is deleted
	ScriptName    string // snapshot at creation
	ScriptVersion int
	Trigger       string // TriggerManual, TriggerAPI or TriggerSchedule
	ScheduleID    string // set for TriggerSchedule
	Slot          int64  // the schedule slot (Unix ms) this run is for; 0 without a schedule
	Params        map[string]string
	Status        string
	Attempt       int // the current or last attempt, 1-based; 0 before the first
	MaxAttempts   int
	QueuedAt      time.Time
	StartedAt     time.Time // first attempt's start; zero until then
	FinishedAt    time.Time // zero until terminal
	DurationMS    int64     // FinishedAt − StartedAt; 0 if it never started (or clocks disagree)
	Error         string    // what the user should see; empty when passed
	Limit         string    // the limit that ended the run ("timeout", …), if any
	ExitCode      *int      // the script's exit code, if known
	// CancelRequested is set by RequestCancel; workers poll it.
	CancelRequested bool
	JobID           int64 // the queue's job id; 0 until SetJobID
}

// NewRun describes a run to create.
type NewRun struct {
	ScriptID    string
	Version     int               // 0 means the script's latest version
	Trigger     string            // TriggerManual, TriggerAPI or TriggerSchedule
	ScheduleID  string            // required with TriggerSchedule, forbidden otherwise
	Slot        int64             // schedule slot, Unix ms (with ScheduleID)
	Params      map[string]string // the effective params; the caller merges layers
	MaxAttempts int               // 0 means the script's Retries + 1
}

// RunResult is how a run ended, for Finish.
type RunResult struct {
	Status     string // one of TerminalStatuses
	Error      string
	Limit      string
	ExitCode   *int
	FinishedAt time.Time // zero means now
}

// RunFilter narrows ListRuns; zero fields do not filter.
type RunFilter struct {
	ScriptID string
	Status   string
	Since    time.Time // QueuedAt ≥ Since
	Until    time.Time // QueuedAt < Until
}

const runCols = `id, tenant_id, script_id, script_name, script_version, trigger_type, schedule_id, slot, params,
	status, attempt, max_attempts, queued_at, started_at, finished_at, duration_ms, error, limit_hit, exit_code,
	cancel_requested, job_id`

func scanRun(r row) (Run, error) {
	var x Run
	var scheduleID *string
	var slot, started, finished, duration, jobID *int64
	var exit *int
	var params string
	var queued int64
	err := r.Scan(&x.ID, &x.TenantID, &x.ScriptID, &x.ScriptName, &x.ScriptVersion, &x.Trigger, &scheduleID, &slot,
		&params, &x.Status, &x.Attempt, &x.MaxAttempts, &queued, &started, &finished, &duration, &x.Error, &x.Limit,
		&exit, &x.CancelRequested, &jobID)
	if err != nil {
		return Run{}, err
	}
	if x.Params, err = decodeParams(params); err != nil {
		return Run{}, err
	}
	x.QueuedAt, x.StartedAt, x.FinishedAt = msTime(queued), optTime(started), optTime(finished)
	x.ExitCode = exit
	if scheduleID != nil {
		x.ScheduleID = *scheduleID
	}
	for _, p := range []struct {
		dst *int64
		src *int64
	}{{&x.Slot, slot}, {&x.DurationMS, duration}, {&x.JobID, jobID}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	return x, nil
}

func (nr *NewRun) validate() error {
	switch nr.Trigger {
	case TriggerManual, TriggerAPI:
		if nr.ScheduleID != "" {
			return invalidf("trigger %q with a schedule id", nr.Trigger)
		}
	case TriggerSchedule:
		if nr.ScheduleID == "" {
			return invalidf("trigger %q without a schedule id", nr.Trigger)
		}
	default:
		return invalidf("trigger %q is not manual, api or schedule", nr.Trigger)
	}
	if nr.MaxAttempts < 0 || nr.MaxAttempts > 100 {
		return invalidf("max attempts %d not in 0–100", nr.MaxAttempts)
	}
	return checkParams(nr.Params)
}

// CreateRun creates a queued run of the tenant's script, snapshotting its
// name and resolving its version. Call it on a Tx to insert the queue job
// in the same transaction. A schedule run for a (schedule, slot) that
// already has one is ErrConflict (without aborting a Postgres
// transaction); an unknown script, version or schedule is ErrNotFound.
func (o ops) CreateRun(ctx context.Context, tenantID string, nr NewRun) (Run, error) {
	if err := nr.validate(); err != nil {
		return Run{}, fmt.Errorf("create run: %w", err)
	}
	var run Run
	err := o.atomic(ctx, func(o ops) error {
		sc, err := o.GetScript(ctx, tenantID, nr.ScriptID)
		if err != nil {
			return err
		}
		v, err := o.GetVersion(ctx, tenantID, nr.ScriptID, nr.Version)
		if err != nil {
			return err
		}
		var scheduleID, slot any // NULL for unscheduled runs
		if nr.ScheduleID != "" {
			sch, err := o.GetSchedule(ctx, tenantID, nr.ScheduleID)
			if err != nil {
				return err
			}
			if sch.ScriptID != sc.ID {
				return invalidf("schedule %s belongs to another script", sch.ID)
			}
			scheduleID, slot = nr.ScheduleID, nr.Slot
		}
		maxAttempts := nr.MaxAttempts
		if maxAttempts == 0 {
			maxAttempts = sc.Retries + 1
		}
		id := o.s.newID()
		n, err := o.q.exec(ctx, `INSERT INTO runs (id, tenant_id, script_id, script_name, script_version,
			trigger_type, schedule_id, slot, params, status, max_attempts, queued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, slot) DO NOTHING`,
			id, tenantID, sc.ID, sc.Name, v.Version, nr.Trigger, scheduleID, slot, encodeParams(nr.Params),
			StatusQueued, maxAttempts, o.s.now())
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("schedule %s slot %d already has a run: %w", nr.ScheduleID, nr.Slot, ErrConflict)
		}
		run, err = o.GetRun(ctx, tenantID, id)
		return err
	})
	if err != nil {
		return Run{}, fmt.Errorf("create run: %w", err)
	}
	return run, nil
}

// GetRun returns the tenant's run.
func (o ops) GetRun(ctx context.Context, tenantID, runID string) (Run, error) {
	x, err := scanRun(o.q.queryRow(ctx, `SELECT `+runCols+` FROM runs WHERE id = ? AND tenant_id = ?`, runID, tenantID))
	if err != nil {
		return Run{}, notFoundOr(err, "get run", "run "+runID)
	}
	return x, nil
}

// ListRuns returns up to limit of the tenant's runs matching f, newest
// first, starting after cursor ("" for the first page), and the opaque
// cursor of the next page ("" when this is the last). Runs created while
// paging appear on no later page, so pages never repeat a run.
func (o ops) ListRuns(ctx context.Context, tenantID string, f RunFilter, cursor string, limit int) ([]Run, string, error) {
	before, err := decodeCursor("r", cursor)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	if before != "" && !validID(before) {
		return nil, "", fmt.Errorf("list runs: %w", invalidf("malformed cursor"))
	}
	limit = clampLimit(limit)
	where, args := `WHERE tenant_id = ?`, []any{tenantID}
	add := func(cond string, arg any) { where += ` AND ` + cond; args = append(args, arg) }
	if f.ScriptID != "" {
		add(`script_id = ?`, f.ScriptID)
	}
	if f.Status != "" {
		add(`status = ?`, f.Status)
	}
	if !f.Since.IsZero() {
		add(`queued_at >= ?`, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		add(`queued_at < ?`, f.Until.UnixMilli())
	}
	if before != "" {
		add(`id < ?`, before)
	}
	r, err := o.q.query(ctx, `SELECT `+runCols+` FROM runs `+where+` ORDER BY id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	defer r.Close()
	var out []Run
	for r.Next() {
		x, err := scanRun(r)
		if err != nil {
			return nil, "", fmt.Errorf("list runs: %w", err)
		}
		out = append(out, x)
	}
	if err := r.Err(); err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor("r", out[limit-1].ID)
	}
	return out, next, nil
}

// MarkRunning records that attempt (1-based) of the run has started: from
// queued, or from running when attempt is greater than the current one (a
// retry, or a redelivery after a worker died). It sets StartedAt on the
// first start only and returns the updated run; check its
// CancelRequested. Anything else (a terminal run, a stale attempt) is
// ErrConflict.
func (o ops) MarkRunning(ctx context.Context, tenantID, runID string, attempt int) (Run, error) {
	if attempt < 1 {
		return Run{}, fmt.Errorf("mark running: %w", invalidf("attempt %d < 1", attempt))
	}
	x, err := scanRun(o.q.queryRow(ctx, `UPDATE runs SET status = ?, attempt = ?, started_at = COALESCE(started_at, ?)
		WHERE id = ? AND tenant_id = ? AND (status = ? OR (status = ? AND attempt < ?))
		RETURNING `+runCols, StatusRunning, attempt, o.s.now(), runID, tenantID, StatusQueued, StatusRunning, attempt))
	if err == nil {
		return x, nil
	}
	if !noRows(err) {
		return Run{}, fmt.Errorf("mark running: %w", err)
	}
	cur, err := o.GetRun(ctx, tenantID, runID)
	if err != nil {
		return Run{}, fmt.Errorf("mark running: %w", err)
	}
	return Run{}, fmt.Errorf("mark running: run %s is %s at attempt %d, cannot start attempt %d: %w",
		runID, cur.Status, cur.Attempt, attempt, ErrConflict)
}

// Finish moves the run to a terminal status unless it already has one,
// in a single conditional UPDATE, so of any number of concurrent Finish
// calls exactly one reports changed == true and its result is what the
// row keeps. changed == false with a nil error means the run was already
// terminal (nothing was written).
func (o ops) Finish(ctx context.Context, tenantID, runID string, res RunResult) (changed bool, err error) {
	if !IsTerminal(res.Status) {
		return false, fmt.Errorf("finish run: %w", invalidf("status %q is not terminal", res.Status))
	}
	at := res.FinishedAt
	if at.IsZero() {
		at = o.s.clock()
	}
	var exit any
	if res.ExitCode != nil {
		exit = *res.ExitCode
	}
	ms := at.UnixMilli()
	n, err := o.q.exec(ctx, `UPDATE runs SET status = ?, finished_at = ?,
		duration_ms = CASE WHEN started_at IS NULL OR started_at > ? THEN 0 ELSE ? - started_at END,
		error = ?, limit_hit = ?, exit_code = ?
		WHERE id = ? AND tenant_id = ? AND status NOT IN `+terminalSQL,
		res.Status, ms, ms, ms, res.Error, res.Limit, exit, runID, tenantID)
	if err != nil {
		return false, fmt.Errorf("finish run: %w", err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := o.GetRun(ctx, tenantID, runID); err != nil {
		return false, fmt.Errorf("finish run: %w", err)
	}
	return false, nil
}

// RequestCancel flags a non-terminal run for cancellation and returns it
// (its JobID lets the caller cancel the queue job). On a terminal run it
// changes nothing and returns the run as it is.
func (o ops) RequestCancel(ctx context.Context, tenantID, runID string) (Run, error) {
	_, err := o.q.exec(ctx, `UPDATE runs SET cancel_requested = ? WHERE id = ? AND tenant_id = ?
		AND status NOT IN `+terminalSQL, true, runID, tenantID)
	if err != nil {
		return Run{}, fmt.Errorf("request cancel: %w", err)
	}
	x, err := o.GetRun(ctx, tenantID, runID)
	if err != nil {
		return Run{}, fmt.Errorf("request cancel: %w", err)
	}
	return x, nil
}

// SetJobID records the queue's job id for the run.
func (o ops) SetJobID(ctx context.Context, tenantID, runID string, jobID int64) error {
	n, err := o.q.exec(ctx, `UPDATE runs SET job_id = ? WHERE id = ? AND tenant_id = ?`, jobID, runID, tenantID)
	if err != nil {
		return fmt.Errorf("set job id: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("set job id: run %s: %w", runID, ErrNotFound)
	}
	return nil
}
