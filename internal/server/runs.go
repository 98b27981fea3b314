package server

import (
	"context"
	"fmt"
	"time"

	"github.com/skriptable/skriptable/internal/metrics"
	"github.com/skriptable/skriptable/internal/queue"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/worker"
)

// runService implements api.Runs on the queue: a run's row and its job
// are created in one transaction, so neither exists without the other.
type runService struct {
	store   *store.Store
	queue   queue.Queue
	notify  func(runID string)
	metrics *metrics.Metrics
}

// Enqueue implements api.Runs.
func (r *runService) Enqueue(ctx context.Context, tenantID, scriptID, trigger string, params map[string]string) (store.Run, error) {
	return r.enqueue(ctx, tenantID, scriptID, store.NewRun{Trigger: trigger}, params)
}

// enqueueScheduled is the scheduler's EnqueueFunc.
func (r *runService) enqueueScheduled(ctx context.Context, sc store.Schedule, slot time.Time) error {
	_, err := r.enqueue(ctx, sc.TenantID, sc.ScriptID, store.NewRun{
		Trigger: store.TriggerSchedule, ScheduleID: sc.ID, Slot: slot.UnixMilli(),
	}, sc.Params)
	return err
}

func (r *runService) enqueue(ctx context.Context, tenantID, scriptID string, nr store.NewRun, overrides map[string]string) (store.Run, error) {
	var run store.Run
	err := r.store.InTx(ctx, func(tx *store.Tx) error {
		sc, err := tx.GetScript(ctx, tenantID, scriptID)
		if err != nil {
			return err
		}
		params, err := tx.ListParams(ctx, tenantID, scriptID)
		if err != nil {
			return err
		}
		if params == nil {
			params = map[string]string{}
		}
		for k, v := range overrides {
			params[k] = v
		}
		nr.ScriptID, nr.Params = scriptID, params
		nr.MaxAttempts = worker.MaxAttempts(sc.Retries)
		run, err = tx.CreateRun(ctx, tenantID, nr)
		if err != nil {
			return err
		}
		id, err := r.queue.InsertRun(ctx, tx, queue.RunArgs{RunID: run.ID, TenantID: tenantID}, nr.MaxAttempts)
		if err != nil {
			return err
		}
		run.JobID = id
		return tx.SetJobID(ctx, tenantID, run.ID, id)
	})
	if err != nil {
		return store.Run{}, err
	}
	r.notify(run.ID)
	return run, nil
}

// Cancel implements api.Runs.
func (r *runService) Cancel(ctx context.Context, tenantID, runID string) (store.Run, error) {
	run, err := r.store.RequestCancel(ctx, tenantID, runID)
	if err != nil {
		return store.Run{}, err
	}
	if store.IsTerminal(run.Status) {
		return run, fmt.Errorf("run %s already %s: %w", runID, run.Status, store.ErrConflict)
	}
	if err := r.queue.Cancel(ctx, run.JobID); err != nil {
		return run, err
	}
	if run.Status == store.StatusQueued {
		// Not started: it will never start, so it ends here. (If a worker
		// claimed it meanwhile, it sees the request and ends it the same
		// way; Finish lets only one of them write.)
		ended, err := r.store.Finish(ctx, tenantID, runID, store.RunResult{Status: store.StatusCancelled, Error: "cancelled before it started"})
		if err != nil {
			return run, err
		}
		if ended {
			r.metrics.RunEndedUnstarted(store.StatusCancelled)
		}
	}
	r.notify(runID)
	return r.store.GetRun(ctx, tenantID, runID)
}

// measured wraps the worker's job handler with the run metrics: runs in
// progress, and, when this delivery ended the run, its status and
// duration (a redelivery of a run that had already ended counts nothing).
func (s *Server) measured(h queue.Handler) queue.Handler {
	return func(ctx context.Context, job queue.Job) error {
		began := time.Now()
		done := s.metrics.RunStarted()
		err := h(ctx, job)
		done()
		run, gerr := s.store.GetRun(context.WithoutCancel(ctx), job.Args.TenantID, job.Args.RunID)
		if gerr == nil && store.IsTerminal(run.Status) && !run.FinishedAt.Before(began.Truncate(time.Millisecond)) {
			if run.StartedAt.IsZero() {
				s.metrics.RunEndedUnstarted(run.Status)
			} else {
				s.metrics.RunFinished(run.Status, run.FinishedAt.Sub(run.StartedAt))
			}
		}
		return err
	}
}
