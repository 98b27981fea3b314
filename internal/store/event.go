package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Run event kinds.
const (
	EventLog    = "log"    // console output of the script
	EventStep   = "step"   // a finished step (describe/it) with Step set
	EventSystem = "system" // Skriptable's own notices (attempt started, egress blocked, …)
)

// RunEvent is one entry of a run's timeline.
type RunEvent struct {
	RunID  string
	Seq    int64  // 1, 2, 3, … per run, assigned by AppendRunEvents
	TimeMS int64  // Unix ms; 0 on append means now
	Kind   string // EventLog, EventStep or EventSystem
	Level  string // console level for logs ("log", "warn", …)
	Text   string
	Step   *StepInfo // set for EventStep
}

// StepInfo is a step's outcome, stored as JSON.
type StepInfo struct {
	Name       string `json:"name"`
	Status     string `json:"status"` // passed, failed, skipped
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// eventBatch bounds rows per INSERT (7 parameters each; SQLite allows
// 32766 parameters, Postgres 65535).
const eventBatch = 200

// AppendRunEvents appends events to the tenant's run, assigning them the
// next consecutive sequence numbers in slice order, and returns the last
// one (0 for no events). It sets RunID and Seq (and TimeMS when 0) on the
// elements of events. Concurrent appends to one run never share or skip
// a number: each reserves its range by incrementing the run's counter,
// which locks the run row until the transaction ends.
func (o ops) AppendRunEvents(ctx context.Context, tenantID, runID string, events []RunEvent) (int64, error) {
	if len(events) == 0 {
		return 0, nil
	}
	now := o.s.now()
	step := make([]any, len(events)) // JSON text or NULL
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case EventLog, EventSystem, EventStep:
		default:
			return 0, fmt.Errorf("append run events: %w", invalidf("event kind %q", e.Kind))
		}
		if e.TimeMS == 0 {
			e.TimeMS = now
		}
		if e.Step != nil {
			b, err := json.Marshal(e.Step)
			if err != nil {
				return 0, fmt.Errorf("append run events: %w", err)
			}
			step[i] = string(b)
		}
	}
	var last int64
	err := o.atomic(ctx, func(o ops) error {
		err := o.q.queryRow(ctx, `UPDATE runs SET event_seq = event_seq + ? WHERE id = ? AND tenant_id = ?
			RETURNING event_seq`, int64(len(events)), runID, tenantID).Scan(&last)
		if err != nil {
			return notFoundOr(err, "reserve seqs", "run "+runID)
		}
		first := last - int64(len(events)) + 1
		for start := 0; start < len(events); start += eventBatch {
			chunk := events[start:min(start+eventBatch, len(events))]
			args := make([]any, 0, 7*len(chunk))
			for i := range chunk {
				e := &chunk[i]
				e.RunID, e.Seq = runID, first+int64(start+i)
				args = append(args, e.RunID, e.Seq, e.TimeMS, e.Kind, e.Level, e.Text, step[start+i])
			}
			values := strings.Repeat(`(?, ?, ?, ?, ?, ?, ?), `, len(chunk))
			_, err := o.q.exec(ctx, `INSERT INTO run_events (run_id, seq, time_ms, kind, level, message, step)
				VALUES `+values[:len(values)-2], args...)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("append run events: %w", err)
	}
	return last, nil
}

// ListRunEvents returns up to limit events of the tenant's run with
// Seq > afterSeq, in Seq order. Tailing clients pass the last Seq they
// saw. limit ≤ 0 means DefaultPageSize; it is capped at MaxPageSize.
func (o ops) ListRunEvents(ctx context.Context, tenantID, runID string, afterSeq int64, limit int) ([]RunEvent, error) {
	r, err := o.q.query(ctx, `SELECT e.run_id, e.seq, e.time_ms, e.kind, e.level, e.message, e.step
		FROM run_events e JOIN runs r ON r.id = e.run_id
		WHERE r.id = ? AND r.tenant_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
		runID, tenantID, afterSeq, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list run events: %w", err)
	}
	var out []RunEvent
	for r.Next() {
		var e RunEvent
		var step *string
		if err := r.Scan(&e.RunID, &e.Seq, &e.TimeMS, &e.Kind, &e.Level, &e.Text, &step); err != nil {
			r.Close()
			return nil, fmt.Errorf("list run events: %w", err)
		}
		if step != nil {
			e.Step = new(StepInfo)
			if err := json.Unmarshal([]byte(*step), e.Step); err != nil {
				r.Close()
				return nil, fmt.Errorf("list run events: seq %d: %w", e.Seq, err)
			}
		}
		out = append(out, e)
	}
	err = r.Err()
	r.Close() // before the next statement: SQLite has one connection
	if err != nil {
		return nil, fmt.Errorf("list run events: %w", err)
	}
	if len(out) == 0 { // no new events, or no such run?
		if _, err := o.GetRun(ctx, tenantID, runID); err != nil {
			return nil, fmt.Errorf("list run events: %w", err)
		}
	}
	return out, nil
}
