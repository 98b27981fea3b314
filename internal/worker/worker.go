// Package worker executes run jobs: it loads a run and its script from the
// store, hands it to the launcher (which runs it in a sandbox), stores
// what comes back (events, steps, artifacts) as it arrives, and decides the
// run's single terminal status, or whether River should try again.
//
// Retries: infrastructure failures (the sandbox or browser would not
// start, the runner died without a result) are retried up to
// InfraAttempts; a script that fails is retried only as often as its
// script says (retries: 1, like Checkly's "retry on failure").
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/queue"
	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/store"
)

// InfraAttempts is how many times a run is tried when Skriptable itself
// fails; script retries come on top.
const InfraAttempts = 3

// Error prefixes of failed attempts as River records them; the worker
// counts earlier script failures by them.
const (
	infraPrefix  = "infra: "
	scriptPrefix = "script: "
)

// Config configures the worker of one process.
type Config struct {
	Store      *store.Store
	Launcher   *launcher.Launcher
	Notify     func(runID string) // wakes readers of the run's events
	AllowHosts []string           // operator egress exceptions for every run
	Public     bool               // whether runs may reach the public internet
	Limits     sandbox.Limits     // per-run sandbox limits unless a script asks otherwise
	// MaxLimits caps what a script may ask for (Memory, CPUs); a zero
	// field means the script may not exceed Limits.
	MaxLimits sandbox.Limits
	Logger    *slog.Logger
	// FlushEvery bounds how long events wait before being stored (default 200 ms).
	FlushEvery time.Duration
}

// Worker runs jobs.
type Worker struct{ cfg Config }

// New builds a worker.
func New(cfg Config) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Notify == nil {
		cfg.Notify = func(string) {}
	}
	if cfg.FlushEvery <= 0 {
		cfg.FlushEvery = 200 * time.Millisecond
	}
	return &Worker{cfg: cfg}
}

// MaxAttempts is the queue's attempt budget for a script with retries.
func MaxAttempts(scriptRetries int) int { return InfraAttempts + scriptRetries }

// Handle is the queue.Handler executing one delivery of a run job.
func (w *Worker) Handle(ctx context.Context, job queue.Job) error {
	s := w.cfg.Store
	tenant, runID := job.Args.TenantID, job.Args.RunID
	run, err := s.GetRun(ctx, tenant, runID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted: nothing to do
	}
	if err != nil {
		return fmt.Errorf("%sload run: %w", infraPrefix, err)
	}
	if store.IsTerminal(run.Status) {
		return nil // a redelivery after the run already ended
	}
	if run.CancelRequested {
		return w.finish(ctx, run, launcher.Result{Status: store.StatusCancelled, Error: "cancelled before it started"})
	}
	// The run's own attempt counter, not River's: River hands back a job
	// interrupted by a shutdown without counting that attempt, but the run
	// did start, and every start must be a new, higher attempt.
	attempt := run.Attempt + 1
	req, scriptRetries, reqErr := w.request(ctx, run, attempt)
	started := fmt.Sprintf("attempt %d started", attempt)
	if note := limitsNote(req.Limits, w.cfg.Limits); reqErr == nil && note != "" {
		started += " (" + note + ")"
	}
	// Marking the run running and recording "attempt N started" commit
	// together: whoever sees attempt N (a client, or a crash right after)
	// also finds its start in the log.
	err = s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if run, err = tx.MarkRunning(ctx, tenant, runID, attempt); err != nil {
			return err
		}
		_, err = tx.AppendRunEvents(ctx, tenant, runID, []store.RunEvent{{Kind: store.EventSystem, Level: "system", Text: started}})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil // another delivery owns it
	}
	if err != nil {
		return fmt.Errorf("%smark running: %w", infraPrefix, err)
	}
	w.cfg.Notify(runID)
	if reqErr != nil {
		return w.finish(ctx, run, launcher.Result{Status: store.StatusErrored, Error: reqErr.Error()})
	}
	sink := newSink(w, run, attempt)
	res := w.cfg.Launcher.Run(ctx, req, sink)
	if res.CPU > 0 {
		sink.add(store.RunEvent{Kind: store.EventSystem, Level: "system", Text: fmt.Sprintf(
			"resources: %.2f CPU-seconds, peak memory %d MiB", res.CPU.Seconds(), res.MemoryPeak>>20)})
	}
	sink.close(ctx)

	if ctx.Err() != nil {
		// Cancelled by a user, or this process is stopping.
		cur, err := s.GetRun(context.WithoutCancel(ctx), tenant, runID)
		if err == nil && cur.CancelRequested {
			if err := w.finish(context.WithoutCancel(ctx), run, launcher.Result{Status: store.StatusCancelled, Error: "cancelled while running"}); err != nil {
				return err // retried: the next delivery sees the request and ends the run
			}
			return river.JobCancel(errors.New("cancelled by user"))
		}
		sink.systemNow(context.WithoutCancel(ctx), "attempt interrupted: Skriptable is stopping; the run will be retried")
		return fmt.Errorf("%sinterrupted: %w", infraPrefix, context.Cause(ctx))
	}
	switch res.Status {
	case store.StatusPassed:
	case store.StatusErrored:
		if job.Attempt < job.MaxAttempts && infraFailures(job.Errors) < InfraAttempts-1 {
			sink.systemNow(ctx, fmt.Sprintf("attempt %d errored (%s); trying again", attempt, res.Error))
			return errors.New(infraPrefix + res.Error)
		}
	case store.StatusFailed, store.StatusTimedOut:
		if scriptFailures(job.Errors) < scriptRetries && job.Attempt < job.MaxAttempts {
			sink.systemNow(ctx, fmt.Sprintf("attempt %d %s; retrying as the script allows", attempt, res.Status))
			return errors.New(scriptPrefix + res.Error)
		}
	case "invalid":
		res.Status = store.StatusFailed
	default:
		res.Status, res.Error = store.StatusErrored, "unknown result status "+res.Status
	}
	return w.finish(ctx, run, res)
}

// request builds the launcher request for the run's attempt.
func (w *Worker) request(ctx context.Context, run store.Run, attempt int) (launcher.Request, int, error) {
	s := w.cfg.Store
	sc, err := s.GetScript(ctx, run.TenantID, run.ScriptID)
	if err != nil {
		return launcher.Request{}, 0, fmt.Errorf("the script is gone: %w", err)
	}
	v, err := s.GetVersion(ctx, run.TenantID, run.ScriptID, run.ScriptVersion)
	if err != nil {
		return launcher.Request{}, 0, fmt.Errorf("script version %d: %w", run.ScriptVersion, err)
	}
	secrets, err := s.SecretValues(ctx, run.TenantID, run.ScriptID)
	if err != nil {
		return launcher.Request{}, 0, fmt.Errorf("secrets: %w", err)
	}
	params := map[string]string{}
	for k, v := range run.Params {
		params[k] = v
	}
	var secretValues []string
	for k, v := range secrets {
		params[k] = v // secrets are environment variables too, and win
		secretValues = append(secretValues, v)
	}
	filename := v.Filename
	if filename == "" {
		filename = "script.js"
	}
	return launcher.Request{
		ID: fmt.Sprintf("r%s-%d", strings.ToLower(run.ID), attempt),
		Job: runnerproto.Job{
			Filename:  filename,
			Source:    v.Source,
			Params:    params,
			TimeoutMS: sc.TimeoutMS,
			Limits:    runnerproto.JobLimits{ArtifactCount: 50, ArtifactBytes: 100 << 20, LogBytes: 10 << 20},
		},
		Limits:     ScriptLimits(sc, w.cfg.Limits, w.cfg.MaxLimits),
		AllowHosts: w.cfg.AllowHosts,
		Public:     w.cfg.Public,
		Secrets:    secretValues,
	}, sc.Retries, nil
}

// finish records the terminal status (a no-op if the run already has one)
// and wakes event readers. The write is retried through a database
// restart; if it still fails, the returned error makes River retry the
// job, so a run never stays "running" after its job completed.
func (w *Worker) finish(ctx context.Context, run store.Run, res launcher.Result) error {
	var exit *int
	if res.ExitCode != 0 {
		exit = &res.ExitCode
	}
	err := retryStore(context.WithoutCancel(ctx), storeRetryFor, func(ctx context.Context) error {
		_, err := w.cfg.Store.Finish(ctx, run.TenantID, run.ID, store.RunResult{
			Status: res.Status, Error: res.Error, Limit: res.Limit, ExitCode: exit,
		})
		return err
	})
	w.cfg.Notify(run.ID)
	if err != nil {
		w.cfg.Logger.Error("finish run", "run", run.ID, "err", err)
		return fmt.Errorf("%srecord the result: %w", infraPrefix, err)
	}
	return nil
}

func countPrefix(errs []string, prefix string) int {
	n := 0
	for _, e := range errs {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}

func scriptFailures(errs []string) int { return countPrefix(errs, scriptPrefix) }
func infraFailures(errs []string) int  { return countPrefix(errs, infraPrefix) }

// ScriptLimits returns the sandbox limits of a run of sc: the operator's
// defaults, with the memory and CPUs the script asks for clamped to the
// operator's maxima (a zero maximum means the default is the maximum).
// The clamp happens here as well as in the API because the operator may
// lower a maximum after a script was saved.
func ScriptLimits(sc store.Script, def, maxi sandbox.Limits) sandbox.Limits {
	def = def.WithDefaults()
	l := def
	if sc.MemoryBytes > 0 {
		l.Memory = min(sc.MemoryBytes, max(maxi.Memory, def.Memory))
	}
	if sc.CPUs > 0 {
		l.CPUs = min(sc.CPUs, max(maxi.CPUs, def.CPUs))
	}
	// Two full tmpfs mounts must still fit in the memory limit.
	l.TmpfsBytes = min(l.TmpfsBytes, l.Memory/4)
	return l
}

// limitsNote describes limits that differ from the operator's defaults,
// for the run's event log ("" when none do).
func limitsNote(l, def sandbox.Limits) string {
	def = def.WithDefaults()
	var parts []string
	if l.Memory != def.Memory {
		parts = append(parts, fmt.Sprintf("memory %d MiB", l.Memory>>20))
	}
	if l.CPUs != def.CPUs {
		parts = append(parts, fmt.Sprintf("%g CPUs", l.CPUs))
	}
	return strings.Join(parts, ", ")
}
