// Package launcher runs one script in a one-shot sandbox and turns what
// the sandboxed runner reports into a result. It is the trusted side of the
// runner boundary: it never runs user JavaScript itself, only reads the
// runner's framed event stream, validates every frame, masks secrets, and
// enforces the wall-clock deadline, the egress policy and the output caps.
//
// One Run is: an egress proxy on a fresh unix socket → a sandbox running
// `skriptable runner` with that socket's directory bound in → the job frame
// on the runner's stdin → events from its stdout until the result → cleanup
// that always happens (sandbox, cgroups, bundle, proxy, socket dir).
package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skriptable/skriptable/internal/egress"
	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/sandbox"
)

// Paths inside the sandbox.
const (
	sandboxBinary = "/sb/skriptable"
	sandboxEgress = "/run/egress"
	proxySocket   = "proxy.sock"
	bridgeAddr    = "127.0.0.1:3128"
)

// Config is fixed for one launcher (one process serving many runs).
type Config struct {
	Driver   sandbox.Driver
	Binary   string // the skriptable binary to run as the runner (default os.Executable())
	StateDir string // per-run egress socket directories live here (default os.TempDir()/skriptable-egress)
	// Grace is added to a job's timeout before the launcher kills the
	// sandbox; within it the runner reports "timed out" itself (default 5 s).
	Grace time.Duration
	// RunnerEnv is appended to the runner's environment (tests use it).
	RunnerEnv []string
	// Resolver resolves names for the egress proxy (default: the host's
	// resolver; tests inject one so that no query leaves the machine).
	Resolver egress.Resolver
}

// Request is one run.
type Request struct {
	ID         string // unique; becomes the sandbox id
	Job        runnerproto.Job
	Limits     sandbox.Limits
	AllowHosts []string // egress exceptions ("127.0.0.1:8080")
	Ports      []int    // ports allowed besides 80 and 443 (default: just those)
	Public     bool     // whether public internet addresses are reachable
	Secrets    []string // values replaced by [secret] in everything reported
	Output     runnerproto.Limits
}

// Sink receives the run's events, already validated and masked. Calls are
// made from one goroutine, in order.
type Sink interface {
	Log(l runnerproto.Log)
	Step(s runnerproto.Step)
	Artifact(name, contentType string, data []byte) error
}

// Result is how the run ended.
type Result struct {
	Status       string // passed, failed, timed_out, invalid, errored
	Error        string
	Limit        string // "timeout", "memory", … when a limit ended the run
	ExitCode     int
	Duration     time.Duration
	Artifacts    []string
	LogTruncated bool
	Blocked      int // egress requests denied
	// CPU and MemoryPeak are what the sandbox used (runner and browser
	// together), when the driver can account for them.
	CPU        time.Duration
	MemoryPeak int64
}

// Launcher starts sandboxed runs.
type Launcher struct{ cfg Config }

// New checks the configuration.
func New(cfg Config) (*Launcher, error) {
	if cfg.Driver == nil {
		return nil, errors.New("launcher: no sandbox driver")
	}
	if cfg.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("launcher: find own binary: %w", err)
		}
		cfg.Binary = exe
	}
	if cfg.StateDir == "" {
		cfg.StateDir = filepath.Join(os.TempDir(), "skriptable-egress")
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 5 * time.Second
	}
	if err := os.MkdirAll(cfg.StateDir, 0o711); err != nil {
		return nil, fmt.Errorf("launcher: state dir: %w", err)
	}
	return &Launcher{cfg: cfg}, nil
}

// Run executes one request. It always returns a Result and always cleans
// up; ctx cancellation kills the sandbox (the run is then "errored" with
// ctx's cause, or the caller maps it to "cancelled").
func (l *Launcher) Run(ctx context.Context, req Request, sink Sink) (res Result) {
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	mask := newMasker(req.Secrets)

	// 1. Egress proxy on a per-run unix socket.
	dir, err := os.MkdirTemp(l.cfg.StateDir, "run-")
	if err != nil {
		return Result{Status: "errored", Error: "egress: " + err.Error()}
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil { // the sandbox's mapped uid must reach the socket
		return Result{Status: "errored", Error: "egress: " + err.Error()}
	}
	sockPath := filepath.Join(dir, proxySocket)
	ln, err := net.Listen("unix", sockPath)
	if err != nil {
		return Result{Status: "errored", Error: "egress: " + err.Error()}
	}
	_ = os.Chmod(sockPath, 0o666)
	var (
		decMu   sync.Mutex
		denials []egress.Decision
		nDenied int
	)
	proxy := egress.New(egress.Policy{AllowHosts: req.AllowHosts, Public: req.Public, DenyHosts: chromiumBackground, Ports: ports(req.Ports)}, egress.Options{
		Resolver: l.cfg.Resolver,
		OnDecision: func(d egress.Decision) {
			if d.Allowed || quiet(d) {
				return
			}
			decMu.Lock()
			nDenied++
			if len(denials) < 1000 {
				denials = append(denials, d)
			}
			decMu.Unlock()
		},
	})
	go func() { _ = proxy.Serve(ln) }()
	defer proxy.Close()

	// 2. The sandbox.
	job := req.Job
	isolated := false
	if iso, ok := l.cfg.Driver.(sandbox.Isolating); ok && iso.Isolates() {
		isolated = true
	}
	args := []string{sandboxBinary, "runner"}
	binds := []sandbox.Bind{{Source: l.cfg.Binary, Dest: sandboxBinary}, {Source: dir, Dest: sandboxEgress}}
	if fi, err := os.Stat("/var/cache/fontconfig"); err == nil && fi.IsDir() {
		binds = append(binds, sandbox.Bind{Source: "/var/cache/fontconfig", Dest: "/var/cache/fontconfig"})
	}
	if isolated {
		job.ProxyAddr, job.ProxySocket = bridgeAddr, sandboxEgress+"/"+proxySocket
	} else {
		// The none driver runs on the host: pick a free port, host paths.
		args[0] = l.cfg.Binary
		job.ProxyAddr, job.ProxySocket = "127.0.0.1:0", sockPath
	}
	// Encode the job before starting anything: bad input is the user's
	// error, reported as such, not a confused runner.
	var jobFrame bytes.Buffer
	if len(job.Source) > runnerproto.MaxSource {
		return Result{Status: "invalid", Error: fmt.Sprintf("script is %d bytes, over the limit of %d bytes (1 MiB)", len(job.Source), runnerproto.MaxSource)}
	}
	if err := runnerproto.WriteJob(&jobFrame, job); err != nil {
		return Result{Status: "invalid", Error: err.Error()}
	}
	env := append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "TMPDIR=/tmp"}, l.cfg.RunnerEnv...)
	proc, err := l.cfg.Driver.Start(ctx, sandbox.Spec{ID: req.ID, Args: args, Env: env, Binds: binds, Limits: req.Limits})
	if err != nil {
		return Result{Status: "errored", Error: "start sandbox: " + err.Error()}
	}
	defer proc.Close()
	stderr := &tailBuffer{max: 16 << 10}
	go func() { _, _ = io.Copy(stderr, proc.Stderr()) }()

	// 3. The job, then only reading.
	go func() {
		_, _ = proc.Stdin().Write(jobFrame.Bytes())
		_ = proc.Stdin().Close()
	}()
	timeout := time.Duration(job.TimeoutMS) * time.Millisecond
	var deadlineHit atomic.Bool
	deadline := time.AfterFunc(timeout+l.cfg.Grace, func() {
		deadlineHit.Store(true)
		_ = proc.Kill()
	})
	defer deadline.Stop()
	stop := context.AfterFunc(ctx, func() { _ = proc.Kill() })
	defer stop()

	res = l.read(proc, req, sink, mask)
	exit, waitErr := proc.Wait()
	var usage sandbox.Usage
	if acc, ok := proc.(sandbox.Accounting); ok {
		usage, _ = acc.Usage()
	}
	defer func() { res.CPU, res.MemoryPeak = usage.CPU, usage.MemoryPeak }()

	// 4. Decide what ended the run; limits win over the runner's story.
	decMu.Lock()
	res.Blocked = nDenied
	for _, d := range denials {
		sink.Log(runnerproto.Log{Level: "system", Text: mask.apply(d.String()), TimeMS: d.Time.UnixMilli()})
	}
	decMu.Unlock()
	switch {
	case deadlineHit.Load():
		res = Result{Status: "timed_out", Limit: "timeout", Error: fmt.Sprintf("timed out after %s", timeout), Artifacts: res.Artifacts}
	case exit.OOMKilled:
		res = Result{Status: "failed", Limit: "memory", Artifacts: res.Artifacts,
			Error: fmt.Sprintf("memory limit of %s exceeded", humanBytes(req.Limits.WithDefaults().Memory))}
	case ctx.Err() != nil:
		res = Result{Status: "errored", Error: context.Cause(ctx).Error(), Artifacts: res.Artifacts}
	case res.Status == "" && time.Since(start) >= timeout:
		res = Result{Status: "timed_out", Limit: "timeout", Error: fmt.Sprintf("timed out after %s", timeout), Artifacts: res.Artifacts}
	case res.Status == "":
		detail := exitDetail(exit, waitErr)
		if last := stderr.lastLine(); last != "" {
			detail += ": " + last
		}
		res.Status, res.Error = "errored", "the runner exited without a result ("+mask.apply(detail)+")"
	}
	return res
}

// read consumes the runner's stream until its result, a violation, or EOF.
func (l *Launcher) read(proc sandbox.Process, req Request, sink Sink, mask *masker) Result {
	r := runnerproto.NewReader(proc.Stdout(), req.Output)
	var (
		res       Result
		art       *runnerproto.ArtifactBegin
		buf       bytes.Buffer
		artifacts []string
	)
	for {
		ev, err := r.Next()
		if err != nil {
			res.LogTruncated = r.LogTruncated()
			var v *runnerproto.Violation
			if errors.As(err, &v) && v.Reason != "stream ended without a result" {
				_ = proc.Kill()
				return Result{Status: "errored", Error: v.Error(), Artifacts: artifacts}
			}
			res.Artifacts = artifacts
			return res // io.EOF after a result, or the runner died (Status "")
		}
		switch {
		case ev.Log != nil:
			ev.Log.Text = mask.apply(ev.Log.Text)
			sink.Log(*ev.Log)
		case ev.Step != nil:
			ev.Step.Name, ev.Step.Error = mask.apply(ev.Step.Name), mask.apply(ev.Step.Error)
			sink.Step(*ev.Step)
		case ev.Begin != nil:
			art = ev.Begin
			buf.Reset()
		case ev.Chunk != nil:
			buf.Write(ev.Chunk)
		case ev.End:
			data := buf.Bytes()
			if isText(art.ContentType, art.Name) {
				data = []byte(mask.apply(string(data)))
			}
			if err := sink.Artifact(art.Name, art.ContentType, data); err != nil {
				_ = proc.Kill()
				return Result{Status: "errored", Error: "store artifact: " + err.Error(), Artifacts: artifacts}
			}
			artifacts = append(artifacts, art.Name)
			art = nil
		case ev.Result != nil:
			res = Result{Status: ev.Result.Status, Error: mask.apply(ev.Result.Error), Limit: ev.Result.Limit, ExitCode: ev.Result.ExitCode}
		}
	}
}

func ports(extra []int) []int {
	if len(extra) == 0 {
		return nil // the proxy's default: 80 and 443
	}
	return append([]int{80, 443}, extra...)
}

// chromiumBackground are hosts Chromium calls on its own (component and
// update checks) that no script needs; the proxy refuses them everywhere.
var chromiumBackground = []string{
	"update.googleapis.com", "clients2.google.com", "clients2.googleusercontent.com",
	"content-autofill.googleapis.com", "passwordsleakcheck-pa.googleapis.com",
	"optimizationguide-pa.googleapis.com", "safebrowsing.googleapis.com",
	"redirector.gvt1.com", "edgedl.me.gvt1.com",
}

// quietHosts are refused without a run event when the refusal is most
// likely Chromium's own start-up traffic rather than the script's doing:
// the background hosts above, plus sign-in and search preconnects that a
// script might also reach on purpose (so these are not denied outright).
var quietHosts = map[string]bool{"accounts.google.com": true, "start.duckduckgo.com": true}

func quiet(d egress.Decision) bool {
	if d.Reason == "browser background service" {
		return true
	}
	host := d.Target
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, ":/"); i >= 0 {
		host = host[:i]
	}
	return quietHosts[strings.ToLower(host)]
}

func exitDetail(e sandbox.Exit, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case e.Signal != "":
		return "signal: " + e.Signal
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

func isText(contentType, name string) bool {
	if strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "json") || strings.Contains(contentType, "xml") {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".log", ".json", ".csv", ".html", ".htm", ".xml", ".md":
		return true
	}
	return false
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// tailBuffer keeps the last max bytes written (the runner's stderr, for
// diagnosing a runner that died without a result).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
