package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"os"

	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/server"
)

// serveCommand runs the service: API, scheduler and workers in one process
// on the embedded SQLite database by default.
func serveCommand(args []string, stdio Stdio, env Env) int {
	return serviceCommand("serve", server.RoleAll, args, stdio, env)
}

// workerCommand runs only workers (scale-out on Postgres).
func workerCommand(args []string, stdio Stdio, env Env) int {
	return serviceCommand("worker", server.RoleWorker, args, stdio, env)
}

// ParseServiceArgs parses the arguments of a service subcommand ("serve",
// "worker" or "migrate" followed by its flags) as the binary would and
// returns the node's configuration, running nothing: deployment manifests
// are tested against it. For migrate only Database and DataDir are set.
func ParseServiceArgs(args []string) (server.Config, error) {
	if len(args) == 0 {
		return server.Config{}, errors.New("no subcommand")
	}
	var msg strings.Builder
	stdio := Stdio{In: strings.NewReader(""), Out: &msg, Err: &msg}
	env := func(string) (string, bool) { return "", false }
	var cfg server.Config
	var code int
	switch args[0] {
	case "serve":
		cfg, code = parseService("serve", server.RoleAll, args[1:], stdio, env)
	case "worker":
		cfg, code = parseService("worker", server.RoleWorker, args[1:], stdio, env)
	case "migrate":
		cfg.Database, cfg.DataDir, code = parseMigrate(args[1:], stdio)
	default:
		return server.Config{}, fmt.Errorf("%q is not a service subcommand", args[0])
	}
	if code != ExitOK || cfg.DataDir == "" {
		return server.Config{}, fmt.Errorf("skriptable %s: exit %d: %s", args[0], code, msg.String())
	}
	return cfg, nil
}

func serviceCommand(name, role string, args []string, stdio Stdio, env Env) int {
	cfg, code := parseService(name, role, args, stdio, env)
	if code != ExitOK || cfg.Role == "" {
		return code
	}
	return runService(name, cfg, stdio)
}

// parseService turns a service subcommand's flags and environment into a
// server.Config. An exit code other than ExitOK, or ExitOK with an empty
// Role (after -help), means: do not run.
func parseService(name, role string, args []string, stdio Stdio, env Env) (server.Config, int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	var (
		cfg          server.Config
		allowHosts   listFlag
		memory       string
		cpus         float64
		maxMemory    string
		logFormat    string
		loopbackOnly bool
		apiOnly      bool
	)
	cfg.Role = role
	fs.StringVar(&cfg.DataDir, "data-dir", "skriptable-data", "directory for the embedded database, artifacts and keys")
	fs.StringVar(&cfg.Database, "database", "", "postgres://… to use Postgres instead of the embedded SQLite")
	fs.StringVar(&cfg.BlobDir, "blob-dir", "", "directory for artifact bytes, shared by all nodes (default: <data-dir>/blobs; with Postgres, the database, up to 32 MiB per artifact)")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "HTTP address (the API and /metrics; workers serve only /healthz, /readyz and /metrics)")
	fs.IntVar(&cfg.Workers, "workers", 2, "runs executed at once by this process")
	fs.StringVar(&cfg.Sandbox, "sandbox", "oci", "oci (isolated) or none (development only)")
	fs.Var(&allowHosts, "allow-host", "HOST:PORT every run may reach even in a private range (repeatable)")
	fs.StringVar(&memory, "memory", "1g", "memory limit of each run's sandbox")
	fs.Float64Var(&cpus, "cpus", 1, "CPU limit of each run's sandbox, in cores")
	fs.StringVar(&maxMemory, "max-memory", "4g", "the most memory a script's settings may ask for")
	fs.Float64Var(&cfg.MaxLimits.CPUs, "max-cpus", 4, "the most CPUs a script's settings may ask for")
	fs.DurationVar(&cfg.StopGrace, "stop-grace", 30*time.Second, "on SIGTERM, how long running runs may finish before they are cancelled and re-queued")
	fs.StringVar(&logFormat, "log-format", "text", "text or json")
	fs.BoolVar(&loopbackOnly, "loopback-only", false, "runs reach only --allow-host addresses and resolve no names (tests, demos)")
	if role == server.RoleAll {
		fs.BoolVar(&apiOnly, "api-only", false, "serve the API and scheduler but run no scripts (workers run elsewhere)")
	}
	// Queue timings: how long one attempt may take before River considers
	// its worker gone, and when such a job is retried. Defaults fit the
	// longest allowed run (10 min); tests shorten them.
	fs.Float64Var(&cfg.APILimits.PerKey.PerMinute, "rate-per-key", 100, "API requests per minute per key (burst: a fifth)")
	fs.Float64Var(&cfg.APILimits.PerIP.PerMinute, "rate-per-ip", 300, "API requests per minute per client IP (burst: a fifth)")
	fs.Float64Var(&cfg.APILimits.Enqueue.PerMinute, "rate-runs", 20, "runs started through the API per minute per key (burst: a quarter)")
	fs.DurationVar(&cfg.Queue.JobTimeout, "job-timeout", 11*time.Minute, "longest time one run attempt may take (advanced)")
	fs.DurationVar(&cfg.Queue.RescueAfter, "rescue-after", 12*time.Minute, "when a run whose worker died is retried (advanced; must exceed --job-timeout)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return server.Config{}, ExitOK
		}
		return server.Config{}, ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stdio.Err, "skriptable %s: unexpected argument %q\n", name, fs.Arg(0))
		return server.Config{}, ExitUsage
	}
	if apiOnly {
		cfg.Role = server.RoleAPI
	}
	for _, l := range []struct {
		lim  *ratelimit.Limit
		frac float64
	}{{&cfg.APILimits.PerKey, 5}, {&cfg.APILimits.PerIP, 5}, {&cfg.APILimits.Enqueue, 4}} {
		if l.lim.PerMinute <= 0 {
			fmt.Fprintf(stdio.Err, "skriptable %s: rate limits must be positive\n", name)
			return server.Config{}, ExitUsage
		}
		l.lim.Burst = max(1, int(l.lim.PerMinute/l.frac))
	}
	mem, err := parseBytes(memory)
	if err != nil || mem < 64<<20 {
		fmt.Fprintf(stdio.Err, "skriptable %s: --memory %q: want a size of at least 64m\n", name, memory)
		return server.Config{}, ExitUsage
	}
	maxMem, err := parseBytes(maxMemory)
	if err != nil || maxMem < mem {
		fmt.Fprintf(stdio.Err, "skriptable %s: --max-memory %q: want a size of at least --memory\n", name, maxMemory)
		return server.Config{}, ExitUsage
	}
	if cpus <= 0 || cfg.MaxLimits.CPUs < cpus {
		fmt.Fprintf(stdio.Err, "skriptable %s: --cpus must be positive and at most --max-cpus\n", name)
		return server.Config{}, ExitUsage
	}
	cfg.Limits = sandbox.Limits{Memory: mem, CPUs: cpus}
	cfg.MaxLimits.Memory = maxMem
	cfg.AllowHosts = allowHosts
	if v, ok := env("SKRIPTABLE_LOOPBACK_ONLY"); ok && v != "" && v != "0" {
		loopbackOnly = true
	}
	cfg.Public = !loopbackOnly
	cfg.RunnerBinary, _ = env("SKRIPTABLE_RUNNER_BINARY")
	var h slog.Handler = slog.NewTextHandler(stdio.Err, nil)
	if logFormat == "json" {
		h = slog.NewJSONHandler(stdio.Err, nil)
	} else if logFormat != "text" {
		fmt.Fprintf(stdio.Err, "skriptable %s: --log-format %q: want text or json\n", name, logFormat)
		return server.Config{}, ExitUsage
	}
	cfg.Logger = slog.New(h)
	cfg.AdminKeyOut = func(key string) {
		fmt.Fprintf(stdio.Out, "Created the admin API key (shown once, also saved in %s/admin-key):\n\n    %s\n\n", cfg.DataDir, key)
	}
	return cfg, ExitOK
}

// runService runs a node until SIGINT or SIGTERM.
func runService(name string, cfg server.Config, stdio Stdio) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable %s: %v\n", name, err)
		return ExitErrored
	}
	if err := srv.Start(ctx); err != nil {
		fmt.Fprintf(stdio.Err, "skriptable %s: %v\n", name, err)
		_ = srv.Stop(context.Background())
		return ExitErrored
	}
	fmt.Fprintf(stdio.Out, "Skriptable is serving on %s\n", srv.URL())
	if cfg.Role != server.RoleWorker {
		fmt.Fprintf(stdio.Out, "Dashboard: %s/ (sign in with an API key)\n", srv.URL())
	}
	<-ctx.Done()
	cfg.Logger.Info("stopping: finishing running runs", "grace", cfg.StopGrace)
	if err := srv.Stop(context.Background()); err != nil {
		cfg.Logger.Error("stop", "err", err)
		return ExitErrored
	}
	return ExitOK
}
