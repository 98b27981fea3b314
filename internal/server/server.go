// Package server is Skriptable's composition root: it wires the store, the
// job queue, the sandbox driver, the launcher, the worker, the scheduler
// and the HTTP API into one embeddable service with Start, Addr and Stop.
// `skriptable serve` runs every role in one process; the roles can be split
// across processes that share a Postgres database.
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/api"
	"github.com/skriptable/skriptable/internal/dashboard"
	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/metrics"
	"github.com/skriptable/skriptable/internal/notify"
	"github.com/skriptable/skriptable/internal/pgblobs"
	"github.com/skriptable/skriptable/internal/queue"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/sandbox/none"
	"github.com/skriptable/skriptable/internal/sandbox/oci"
	"github.com/skriptable/skriptable/internal/scheduler"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/worker"
)

// Roles a process can take.
const (
	RoleAll    = "all"    // API + scheduler + workers (the embedded default)
	RoleAPI    = "api"    // API + scheduler, no workers
	RoleWorker = "worker" // workers only (plus /healthz, /readyz, /metrics)
)

// Default maxima of per-script limits.
const (
	DefaultMaxMemory = 4 << 30
	DefaultMaxCPUs   = 4.0
)

// Config configures a server. Zero values take the defaults.
type Config struct {
	Role       string // RoleAll by default
	DataDir    string // default ./skriptable-data
	Database   string // "" = SQLite in DataDir; postgres://… for Postgres
	Listen     string // default 127.0.0.1:8080; ":0" picks a port
	Workers    int    // concurrent runs in this process (default 2)
	Sandbox    string // "oci" (default) or "none"
	AllowHosts []string
	// Public lets runs reach the public internet (default true in
	// production; tests and demos turn it off so nothing leaves the box).
	Public bool
	Limits sandbox.Limits
	// MaxLimits are the most memory and CPUs a script's settings may ask
	// for (default 4 GiB and 4 cores, never below Limits).
	MaxLimits    sandbox.Limits
	StopGrace    time.Duration // how long Stop lets runs finish (default 30 s)
	Logger       *slog.Logger
	SecretKey    []byte // default: $SKRIPTABLE_SECRET_KEY or <DataDir>/secret.key
	RunnerBinary string // the binary run as the sandboxed runner (default: this one)
	// BlobDir holds artifact bytes. Default: <DataDir>/blobs on SQLite; on
	// Postgres the database itself (pgblobs), so that every node sees
	// every artifact. A cluster that needs artifacts larger than
	// MaxDBArtifactBytes mounts one shared directory on every node here.
	BlobDir string
	// MaxDBArtifactBytes caps one artifact stored in Postgres (default
	// pgblobs.DefaultMaxBytes, 32 MiB).
	MaxDBArtifactBytes int64
	Queue              queue.Config
	Scheduler          scheduler.Config
	APILimits          api.Limits
	// AdminKeyOut receives the admin API key when it is created (first
	// start); it is also written to <DataDir>/admin-key (mode 0600).
	AdminKeyOut func(key string)
}

// Server is one Skriptable process.
type Server struct {
	cfg      Config
	store    *store.Store
	queue    queue.Queue
	sched    *scheduler.Scheduler
	notify   *notify.Hub
	metrics  *metrics.Metrics
	pgBlobs  *pgblobs.Blobs // artifacts in Postgres; nil with a blob directory
	httpSrv  *http.Server
	listener net.Listener
	runs     *runService

	stopOnce sync.Once
	stopErr  error
}

// New opens the store, migrates, and builds every component for the role.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	key, err := secretKey(cfg)
	if err != nil {
		return nil, err
	}
	cfg.SecretKey = key // the API derives its session-cookie key from it
	dsn := cfg.Database
	if dsn == "" {
		dsn = filepath.Join(cfg.DataDir, "skriptable.db")
	}
	// Migrations run in build, together with the queue's, under one lock.
	sc := store.Config{DSN: dsn, SecretKey: key, NoMigrate: true}
	var pgb *pgblobs.Blobs
	switch {
	case cfg.BlobDir != "":
		sc.BlobDir = cfg.BlobDir
	case isPostgres(dsn):
		pgb = &pgblobs.Blobs{MaxBytes: cfg.MaxDBArtifactBytes}
		sc.Blobs = pgb
	default:
		sc.BlobDir = filepath.Join(cfg.DataDir, "blobs")
	}
	st, err := store.Open(ctx, sc)
	if err != nil {
		return nil, err
	}
	if pgb != nil {
		pgb.Pool = st.PGXPool()
	}
	if cfg.Database == "" {
		tightenDatabaseFiles(cfg.DataDir)
	}
	s := &Server{cfg: cfg, store: st, notify: notify.NewLocal(), pgBlobs: pgb}
	if st.Dialect() == store.DialectPostgres {
		// Run events cross nodes: a worker's wake-up reaches the SSE
		// readers on every API node through LISTEN/NOTIFY.
		s.notify = notify.NewPostgres(st.PGXPool(), cfg.Logger)
	}
	if err := s.build(ctx); err != nil {
		s.notify.Close()
		_ = st.Close()
		return nil, err
	}
	return s, nil
}

func (c *Config) defaults() error {
	if c.Role == "" {
		c.Role = RoleAll
	}
	switch c.Role {
	case RoleAll, RoleAPI, RoleWorker:
	default:
		return fmt.Errorf("server: unknown role %q", c.Role)
	}
	if c.DataDir == "" {
		c.DataDir = "skriptable-data"
	}
	abs, err := filepath.Abs(c.DataDir) // sandbox bind mounts need absolute paths
	if err != nil {
		return err
	}
	c.DataDir = abs
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.Sandbox == "" {
		c.Sandbox = "oci"
	}
	c.Limits = c.Limits.WithDefaults()
	if c.MaxLimits.Memory == 0 {
		c.MaxLimits.Memory = DefaultMaxMemory
	}
	if c.MaxLimits.CPUs == 0 {
		c.MaxLimits.CPUs = DefaultMaxCPUs
	}
	c.MaxLimits.Memory = max(c.MaxLimits.Memory, c.Limits.Memory)
	c.MaxLimits.CPUs = max(c.MaxLimits.CPUs, c.Limits.CPUs)
	if c.StopGrace <= 0 {
		c.StopGrace = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.AdminKeyOut == nil {
		c.AdminKeyOut = func(string) {}
	}
	// 0711: other users may pass through (the OCI runtime resolves the
	// sandbox bundles under it as the sandbox's unprivileged uid) but not
	// list it; every file with content in it is 0600 or in a 0700 dir.
	if err := os.MkdirAll(c.DataDir, 0o711); err != nil {
		return err
	}
	return os.Chmod(c.DataDir, 0o711)
}

// tightenDatabaseFiles makes the embedded database readable by its owner
// only (SQLite creates it 0644).
func tightenDatabaseFiles(dir string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Chmod(filepath.Join(dir, "skriptable.db"+suffix), 0o600)
	}
	_ = os.Chmod(filepath.Join(dir, "blobs"), 0o700)
}

func (s *Server) build(ctx context.Context) error {
	cfg := s.cfg
	qc := cfg.Queue
	// River logs every migration and client start at INFO; keep its
	// warnings and errors only.
	qc.Logger, qc.StopGrace = slog.New(levelFilter{h: cfg.Logger.Handler(), min: slog.LevelWarn}), cfg.StopGrace
	if cfg.Role == RoleAPI {
		qc.Workers = 0
	} else {
		qc.Workers = cfg.Workers
		w, err := s.worker()
		if err != nil {
			return err
		}
		qc.Handler = s.measured(w.Handle)
	}
	q, err := queue.New(s.store, qc)
	if err != nil {
		return err
	}
	if err := s.store.MigrateWith(ctx, migrateMore(q, s.pgBlobs)); err != nil {
		return err
	}
	s.queue = q
	s.metrics = metrics.New(func(ctx context.Context) (int64, int64, error) {
		n, err := q.Counts(ctx)
		return n.Available, n.Running, err
	}, cfg.Logger)
	s.runs = &runService{store: s.store, queue: q, notify: s.notify.Notify, metrics: s.metrics}
	if cfg.Role != RoleWorker {
		if err := s.ensureAdmin(ctx); err != nil {
			return err
		}
		sc := cfg.Scheduler
		sc.Store, sc.Logger, sc.Enqueue = s.store, cfg.Logger, s.runs.enqueueScheduled
		s.sched = scheduler.New(sc)
	}
	return s.buildHTTP()
}

// worker builds the sandbox driver, reaps what a crashed process left,
// and returns the run worker.
func (s *Server) worker() (*worker.Worker, error) {
	cfg := s.cfg
	var d sandbox.Driver
	switch cfg.Sandbox {
	case "oci":
		od, err := oci.New(oci.Config{StateDir: filepath.Join(cfg.DataDir, "sandbox")})
		if err != nil {
			return nil, err
		}
		d = od
	case "none":
		cfg.Logger.Warn("sandbox none: scripts run WITHOUT isolation; use only for development")
		d = none.New()
	default:
		return nil, fmt.Errorf("server: unknown sandbox %q (want oci or none)", cfg.Sandbox)
	}
	rctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.Reap(rctx); err != nil {
		cfg.Logger.Warn("reap sandboxes left by an earlier process", "err", err)
	}
	l, err := launcher.New(launcher.Config{Driver: d, Binary: cfg.RunnerBinary, StateDir: filepath.Join(cfg.DataDir, "egress")})
	if err != nil {
		return nil, err
	}
	return worker.New(worker.Config{
		Store: s.store, Launcher: l, Notify: s.notify.Notify, AllowHosts: cfg.AllowHosts,
		Public: cfg.Public, Limits: cfg.Limits, MaxLimits: cfg.MaxLimits, Logger: cfg.Logger,
	}), nil
}

// ensureAdmin creates the admin tenant and its first key on first start.
func (s *Server) ensureAdmin(ctx context.Context) error {
	t, created, err := s.store.EnsureAdminTenant(ctx)
	if err != nil || !created {
		return err
	}
	_, key, err := s.store.CreateAPIKey(ctx, t.ID, "admin (created at first start)")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.cfg.DataDir, "admin-key"), []byte(key+"\n"), 0o600); err != nil {
		return err
	}
	s.cfg.AdminKeyOut(key)
	return nil
}

func (s *Server) buildHTTP() error {
	mux := http.NewServeMux()
	ready := func(ctx context.Context) error { return s.store.Ping(ctx) }
	if s.cfg.Role == RoleWorker {
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
		mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
			if err := ready(r.Context()); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("ok\n"))
		})
	} else {
		a, err := api.New(api.Config{Store: s.store, Runs: s.runs, Notifier: s.notify, Logger: s.cfg.Logger, Ready: ready, Limits: s.cfg.APILimits,
			MaxMemory: s.cfg.MaxLimits.Memory, MaxCPUs: s.cfg.MaxLimits.CPUs, SessionKey: api.SessionKey(s.cfg.SecretKey)})
		if err != nil {
			return err
		}
		mux.Handle("/", a.Handler())
		dash := dashboard.Handler() // the web UI at / (package dashboard)
		mux.Handle("GET /{$}", dash)
		mux.Handle("GET /assets/", dash)
	}
	mux.Handle("GET "+metrics.Path, s.metrics.Handler())
	s.httpSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Start listens and starts the workers and the scheduler.
func (s *Server) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	s.listener = ln
	go func() {
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("http server", "err", err)
		}
	}()
	if err := s.queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if s.sched != nil {
		s.sched.Start(context.WithoutCancel(ctx))
	}
	if s.cfg.Role == RoleAPI {
		s.cfg.Logger.Info("skriptable started", "role", s.cfg.Role, "addr", s.Addr(), "database", s.store.Dialect())
	} else {
		s.cfg.Logger.Info("skriptable started", "role", s.cfg.Role, "addr", s.Addr(), "workers", s.cfg.Workers, "sandbox", s.cfg.Sandbox, "database", s.store.Dialect())
	}
	return nil
}

// Addr is the address the HTTP server listens on.
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// URL is the base URL of the HTTP server.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Store is the server's store (for tests and tools).
func (s *Server) Store() *store.Store { return s.store }

// Stop stops taking runs, lets running ones finish within the grace period
// (then cancels them; they are retried after the next start), and closes
// the HTTP server and the store. Safe to call more than once.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		if s.sched != nil {
			s.sched.Stop()
		}
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.StopGrace)
		defer cancel()
		errQ := s.queue.Stop(qctx)
		hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer hcancel()
		errH := s.httpSrv.Shutdown(hctx)
		if errors.Is(errH, context.DeadlineExceeded) {
			errH = s.httpSrv.Close()
		}
		s.notify.Close()
		s.stopErr = errors.Join(errQ, errH, s.store.Close())
	})
	return s.stopErr
}

// secretKey returns the 32-byte key that encrypts secrets at rest.
func secretKey(cfg Config) ([]byte, error) {
	if len(cfg.SecretKey) > 0 {
		return cfg.SecretKey, nil
	}
	if v := os.Getenv("SKRIPTABLE_SECRET_KEY"); v != "" {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(k) != 32 {
			return nil, errors.New("SKRIPTABLE_SECRET_KEY must be 32 bytes, base64-encoded")
		}
		return k, nil
	}
	p := filepath.Join(cfg.DataDir, "secret.key")
	if b, err := os.ReadFile(p); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s: not a base64-encoded 32-byte key", p)
		}
		return k, nil
	}
	if isPostgres(cfg.Database) {
		// Each node would make its own key and none could read the
		// secrets another stored.
		cfg.Logger.Warn("no SKRIPTABLE_SECRET_KEY: generating a key for this node only; every node on a shared database must have the same key, or script secrets cannot be read", "file", p)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// levelFilter drops records below min.
type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}

// Migrate brings the database (Postgres DSN, or "" for the SQLite database
// in dataDir) to this binary's schema: the store's migrations and the job
// queue's, under the migration lock, as every node also does when it
// starts. It returns the store's schema version. A database newer than
// this binary fails with store.ErrSchemaTooNew.
func Migrate(ctx context.Context, database, dataDir string, log *slog.Logger) (int, error) {
	dsn := database
	if dsn == "" {
		if err := os.MkdirAll(dataDir, 0o711); err != nil {
			return 0, err
		}
		dsn = filepath.Join(dataDir, "skriptable.db")
	}
	st, err := store.Open(ctx, store.Config{DSN: dsn, NoMigrate: true})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if log == nil {
		log = slog.Default()
	}
	q, err := queue.New(st, queue.Config{Logger: slog.New(levelFilter{h: log.Handler(), min: slog.LevelWarn})})
	if err != nil {
		return 0, err
	}
	var pgb *pgblobs.Blobs
	if st.Dialect() == store.DialectPostgres {
		pgb = &pgblobs.Blobs{Pool: st.PGXPool()}
	}
	if err := st.MigrateWith(ctx, migrateMore(q, pgb)); err != nil {
		return 0, err
	}
	if database == "" {
		tightenDatabaseFiles(dataDir)
	}
	return st.SchemaVersion(ctx)
}

// migrateMore is what migrates after the store, under its lock: the job
// queue's tables and, on Postgres, the artifact blob table.
func migrateMore(q queue.Queue, pgb *pgblobs.Blobs) func(context.Context, *store.Tx) error {
	return func(ctx context.Context, tx *store.Tx) error {
		if err := q.Migrate(ctx, tx); err != nil {
			return err
		}
		if pgb != nil {
			return pgb.Migrate(ctx)
		}
		return nil
	}
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
