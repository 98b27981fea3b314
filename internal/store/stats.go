package store

import (
	"context"
	"fmt"
	"time"
)

// RunCounts are a script's finished runs over a window, for pass rates.
// Cancelled runs are not counted: a person stopped them, the script did
// not fail.
type RunCounts struct {
	Finished int // terminal runs other than cancelled
	Passed   int
}

// ScriptRunCounts are one script's counts over two windows.
type ScriptRunCounts struct {
	Recent RunCounts // queued at or after the recent cut-off (e.g. 24 h ago)
	Window RunCounts // queued at or after the window start (e.g. 7 days ago)
}

// CountRuns returns, per script id, the tenant's finished and passed runs
// queued at or after since (Window) and at or after recent (Recent);
// recent should not be before since. Scripts without such runs are
// absent. One grouped query, whatever the number of scripts.
func (o ops) CountRuns(ctx context.Context, tenantID string, since, recent time.Time) (map[string]ScriptRunCounts, error) {
	const counted = `status IN ('passed', 'failed', 'timed_out', 'errored', 'invalid')`
	r, err := o.q.query(ctx, `SELECT script_id,
		SUM(CASE WHEN `+counted+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'passed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+counted+` AND queued_at >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'passed' AND queued_at >= ? THEN 1 ELSE 0 END)
		FROM runs WHERE tenant_id = ? AND queued_at >= ? GROUP BY script_id`,
		recent.UnixMilli(), recent.UnixMilli(), tenantID, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("count runs: %w", err)
	}
	defer r.Close()
	out := map[string]ScriptRunCounts{}
	for r.Next() {
		var id string
		var wf, wp, rf, rp int64
		if err := r.Scan(&id, &wf, &wp, &rf, &rp); err != nil {
			return nil, fmt.Errorf("count runs: %w", err)
		}
		out[id] = ScriptRunCounts{Window: RunCounts{Finished: int(wf), Passed: int(wp)},
			Recent: RunCounts{Finished: int(rf), Passed: int(rp)}}
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("count runs: %w", err)
	}
	return out, nil
}
