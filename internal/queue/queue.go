// Package queue is Skriptable's job queue: River, on the store's own
// database (riversqlite for the embedded SQLite default, riverpgxv5 for
// Postgres). It hides River's transaction type, so the rest of the service
// enqueues a run's job in the same store transaction that creates the run.
//
// One job kind exists, "run": its arguments name a run row; the handler
// executes that run. River provides claiming, retries with backoff,
// cancellation, graceful stop and rescue of jobs whose worker died.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/skriptable/skriptable/internal/store"
)

// RunArgs are the arguments of a "run" job.
type RunArgs struct {
	RunID    string `json:"run_id"`
	TenantID string `json:"tenant_id"`
}

// Kind implements river.JobArgs.
func (RunArgs) Kind() string { return "run" }

// Job is one delivery of a run job to the handler.
type Job struct {
	ID          int64
	Attempt     int // 1-based; River's count, including deliveries after a worker died
	MaxAttempts int
	Args        RunArgs
	Errors      []string // messages of earlier failed attempts, oldest first
}

// Handler executes one job delivery. Returning nil completes the job; an
// error makes River retry it (up to MaxAttempts); river.JobCancel(err)
// ends it without retry.
type Handler func(ctx context.Context, job Job) error

// Config configures the queue of one process.
type Config struct {
	// Workers is how many runs execute at once in this process; 0 makes an
	// insert-only queue (API nodes that do not run jobs).
	Workers int
	Handler Handler
	Logger  *slog.Logger
	// JobTimeout bounds one attempt (default 11 min: the longest run plus
	// the launcher's grace); RescueAfter is when a job whose worker
	// vanished is retried (default JobTimeout + 1 min).
	JobTimeout  time.Duration
	RescueAfter time.Duration
	// RetryDelay is the wait before retry n is base*n (default 2 s).
	RetryDelay time.Duration
	// FetchCooldown and FetchPollInterval tune claim latency (River's
	// defaults are 100 ms and 1 s; Skriptable uses 20 ms and 250 ms).
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// StopGrace is how long Stop lets running jobs finish before
	// cancelling them (they are then retried, on this or another node).
	StopGrace time.Duration
}

// Counts are cluster-wide job counts.
type Counts struct {
	Available int64 // ready to be claimed (the queue depth)
	Running   int64
}

// Queue is the process's view of the job queue.
type Queue interface {
	// Migrate creates or upgrades River's tables, inside tx when it is not
	// nil (call it through store.MigrateWith, which holds the migration
	// lock, with tx nil: River's migrations need their own transactions).
	Migrate(ctx context.Context, tx *store.Tx) error
	// Start starts working jobs (no-op for insert-only queues).
	Start(ctx context.Context) error
	// Stop stops taking jobs, waits StopGrace for running ones, then
	// cancels them so that River retries them later.
	Stop(ctx context.Context) error
	// InsertRun enqueues a run job inside tx and returns its job id.
	InsertRun(ctx context.Context, tx *store.Tx, args RunArgs, maxAttempts int) (int64, error)
	// Cancel cancels a job: a queued job never runs, a running one has its
	// context cancelled. Unknown or finished jobs are not an error.
	Cancel(ctx context.Context, jobID int64) error
	// Counts counts the jobs of the whole cluster that are available (ready
	// to be claimed now: the queue depth) and running.
	Counts(ctx context.Context) (Counts, error)
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = 11 * time.Minute
	}
	if c.RescueAfter <= c.JobTimeout {
		c.RescueAfter = c.JobTimeout + time.Minute
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = 2 * time.Second
	}
	if c.FetchCooldown <= 0 {
		c.FetchCooldown = 20 * time.Millisecond
	}
	if c.FetchPollInterval <= 0 {
		c.FetchPollInterval = 250 * time.Millisecond
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 30 * time.Second
	}
	return c
}

// New builds the queue on the store's database.
func New(s *store.Store, cfg Config) (Queue, error) {
	cfg = cfg.withDefaults()
	if cfg.Workers > 0 && cfg.Handler == nil {
		return nil, errors.New("queue: workers without a handler")
	}
	switch s.Dialect() {
	case "sqlite":
		return newClient[*sql.Tx](s, riversqlite.New(s.SQLDB()), func(tx *store.Tx) *sql.Tx { return tx.SQL() }, cfg)
	case "postgres":
		return newClient[pgx.Tx](s, riverpgxv5.New(s.PGXPool()), func(tx *store.Tx) pgx.Tx { return tx.PGX() }, cfg)
	}
	return nil, fmt.Errorf("queue: unsupported database %q", s.Dialect())
}

type client[TTx any] struct {
	store  *store.Store
	cfg    Config
	driver riverdriver.Driver[TTx]
	river  *river.Client[TTx]
	txOf   func(*store.Tx) TTx
}

func newClient[TTx any](s *store.Store, d riverdriver.Driver[TTx], txOf func(*store.Tx) TTx, cfg Config) (*client[TTx], error) {
	rc := &river.Config{
		Logger:               cfg.Logger,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		RetryPolicy:          linearRetry{base: cfg.RetryDelay},
		FetchCooldown:        cfg.FetchCooldown,
		FetchPollInterval:    cfg.FetchPollInterval,
		SoftStopTimeout:      cfg.StopGrace,
	}
	if cfg.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &runWorker{handle: cfg.Handler})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	rcl, err := river.NewClient(d, rc)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &client[TTx]{store: s, cfg: cfg, driver: d, river: rcl, txOf: txOf}, nil
}

func (c *client[TTx]) Migrate(ctx context.Context, tx *store.Tx) error {
	m, err := rivermigrate.New(c.driver, &rivermigrate.Config{Logger: c.cfg.Logger})
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	if tx != nil {
		_, err = m.MigrateTx(ctx, c.txOf(tx), rivermigrate.DirectionUp, nil)
	} else {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	return nil
}

func (c *client[TTx]) Start(ctx context.Context) error {
	if c.cfg.Workers == 0 {
		return nil
	}
	return c.river.Start(ctx)
}

func (c *client[TTx]) Stop(ctx context.Context) error {
	if c.cfg.Workers == 0 {
		return nil
	}
	err := c.river.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return c.river.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

func (c *client[TTx]) InsertRun(ctx context.Context, tx *store.Tx, args RunArgs, maxAttempts int) (int64, error) {
	res, err := c.river.InsertTx(ctx, c.txOf(tx), args, &river.InsertOpts{MaxAttempts: maxAttempts})
	if err != nil {
		return 0, fmt.Errorf("enqueue run: %w", err)
	}
	return res.Job.ID, nil
}

func (c *client[TTx]) Cancel(ctx context.Context, jobID int64) error {
	_, err := c.river.JobCancel(ctx, jobID)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("cancel job %d: %w", jobID, err)
	}
	return nil
}

// countsSQL is valid on both databases (River stores the state as text
// on SQLite and as an enum on Postgres; both compare with a literal).
const countsSQL = `SELECT
	COALESCE(SUM(CASE WHEN state = 'available' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0)
	FROM river_job WHERE state IN ('available', 'running')`

func (c *client[TTx]) Counts(ctx context.Context) (Counts, error) {
	var n Counts
	var err error
	if c.store.Dialect() == store.DialectPostgres {
		err = c.store.PGXPool().QueryRow(ctx, countsSQL).Scan(&n.Available, &n.Running)
	} else {
		err = c.store.SQLDB().QueryRowContext(ctx, countsSQL).Scan(&n.Available, &n.Running)
	}
	if err != nil {
		return Counts{}, fmt.Errorf("queue counts: %w", err)
	}
	return n, nil
}

// runWorker adapts Handler to River.
type runWorker struct {
	river.WorkerDefaults[RunArgs]
	handle Handler
}

func (w *runWorker) Work(ctx context.Context, j *river.Job[RunArgs]) error {
	job := Job{ID: j.ID, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, Args: j.Args}
	for _, e := range j.Errors {
		job.Errors = append(job.Errors, e.Error)
	}
	return w.handle(ctx, job)
}

// linearRetry waits base*n before retry n: infrastructure hiccups should
// be retried soon, not after River's default polynomial backoff.
type linearRetry struct{ base time.Duration }

func (l linearRetry) NextRetry(job *rivertype.JobRow) time.Time {
	n := len(job.Errors)
	if n < 1 {
		n = 1
	}
	d := l.base * time.Duration(n)
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	return time.Now().Add(d)
}
