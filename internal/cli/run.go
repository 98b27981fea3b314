package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/sandbox"
)

// maxScriptRead bounds how much of a script file is read; the runner's own
// limit (1 MiB) then produces the user-facing error.
const maxScriptRead = 4 << 20

type runFlags struct {
	out          string
	timeout      time.Duration
	params       paramFlag
	allowHosts   listFlag
	json         bool
	chromium     string
	loopbackOnly bool
	sandbox      string
	memory       string
	cpus         float64
}

func runCommand(args []string, stdio Stdio, env Env) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	f := runFlags{params: paramFlag{}}
	fs.StringVar(&f.out, "out", ".", "directory for files the script writes (screenshot({path}), pdf({path}))")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "time limit for the whole run")
	fs.Var(f.params, "param", "KEY=VALUE visible to the script as process.env.KEY (repeatable)")
	fs.Var(&f.allowHosts, "allow-host", "HOST:PORT the browser may reach even in a private range, e.g. 127.0.0.1:8080 (repeatable)")
	fs.BoolVar(&f.json, "json", false, "print a one-line JSON summary at the end")
	fs.StringVar(&f.sandbox, "sandbox", "oci", "oci (isolated, needs root and crun or runc) or none (no isolation, development only)")
	fs.StringVar(&f.memory, "memory", "1g", "memory limit of the sandbox, e.g. 512m or 2g")
	fs.Float64Var(&f.cpus, "cpus", 1, "CPU limit of the sandbox in cores, e.g. 0.5")
	fs.StringVar(&f.chromium, "chromium", "", "Chromium binary for --sandbox none (default /usr/lib/chromium/chromium)")
	fs.BoolVar(&f.loopbackOnly, "loopback-only", false, "reach only --allow-host addresses, resolve no names (tests, demos; also $SKRIPTABLE_LOOPBACK_ONLY=1)")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, "Usage: skriptable run [flags] script.js [args...]\n\nRuns a Puppeteer script like `node script.js` would, without Node.js, in a sandbox.\nExit codes: 0 passed, 1 the script failed, 2 usage or input error, 3 a limit ended the run, 4 Skriptable could not run it.\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if len(pos) == 0 {
		fmt.Fprintln(stdio.Err, "skriptable run: missing the script to run")
		fs.Usage()
		return ExitUsage
	}
	if f.timeout <= 0 {
		fmt.Fprintln(stdio.Err, "skriptable run: --timeout must be positive")
		return ExitUsage
	}
	memory, err := parseBytes(f.memory)
	if err != nil || memory < 64<<20 {
		fmt.Fprintf(stdio.Err, "skriptable run: --memory %q: want a size of at least 64m, such as 512m or 2g\n", f.memory)
		return ExitUsage
	}
	if f.cpus <= 0 || f.cpus > 64 {
		fmt.Fprintln(stdio.Err, "skriptable run: --cpus must be between 0 and 64")
		return ExitUsage
	}
	if v, ok := env("SKRIPTABLE_LOOPBACK_ONLY"); ok && v != "" && v != "0" {
		f.loopbackOnly = true
	}
	scriptPath := pos[0]
	src, err := readScript(scriptPath)
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable run: %v\n", err)
		return ExitUsage
	}
	if len(src) > maxScriptRead {
		src = src[:maxScriptRead+1] // the runner names the limit
	}
	outDir, err := filepath.Abs(f.out)
	if err == nil {
		err = os.MkdirAll(outDir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable run: output directory: %v\n", err)
		return ExitUsage
	}
	root, err := os.OpenRoot(outDir)
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable run: output directory: %v\n", err)
		return ExitUsage
	}
	defer root.Close()

	l, err := newLauncher(f, env, stdio)
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable run: %v\n", err)
		return ExitErrored
	}
	req := launcher.Request{
		ID: newRunID(),
		Job: runnerproto.Job{
			Filename:  scriptPath,
			Source:    string(src),
			Params:    f.params,
			Args:      pos[1:],
			TimeoutMS: f.timeout.Milliseconds(),
			Limits:    runnerproto.JobLimits{ArtifactCount: 50, ArtifactBytes: 100 << 20, LogBytes: 10 << 20},
		},
		Limits:     sandbox.Limits{Memory: memory, CPUs: f.cpus},
		AllowHosts: f.allowHosts,
		Public:     !f.loopbackOnly,
	}
	if req.Job.Params == nil {
		req.Job.Params = map[string]string{}
	}
	sink := &localSink{root: root, stdio: stdio}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res := l.Run(ctx, req, sink)
	return report(stdio, res, f.json)
}
func readScript(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read the script: %w", err)
	}
	defer fh.Close()
	src, err := io.ReadAll(io.LimitReader(fh, maxScriptRead+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the script: %w", err)
	}
	return src, nil
}

// summary is the --json line.
type summary struct {
	Status     string   `json:"status"`
	DurationMS int64    `json:"duration_ms"`
	Error      *string  `json:"error"`
	Limit      string   `json:"limit,omitempty"`
	Artifacts  []string `json:"artifacts"`
	Blocked    int      `json:"blocked_requests,omitempty"`
}

func report(stdio Stdio, res launcher.Result, asJSON bool) int {
	code := ExitOK
	switch {
	case res.Status == "passed":
	case res.Status == "timed_out" || res.Limit != "":
		code = ExitLimit
		fmt.Fprintf(stdio.Err, "skriptable: %s\n", res.Error)
	case res.Status == "failed" && res.ExitCode != 0:
		code = res.ExitCode
	case res.Status == "failed":
		code = ExitFailed
		fmt.Fprintln(stdio.Err, res.Error)
	case res.Status == "invalid":
		code = ExitUsage
		fmt.Fprintln(stdio.Err, res.Error)
	default:
		code = ExitErrored
		fmt.Fprintf(stdio.Err, "skriptable: %s\n", res.Error)
	}
	if asJSON {
		s := summary{Status: res.Status, DurationMS: res.Duration.Milliseconds(), Limit: res.Limit, Artifacts: res.Artifacts, Blocked: res.Blocked}
		if s.Artifacts == nil {
			s.Artifacts = []string{}
		}
		if res.Error != "" {
			e := res.Error
			s.Error = &e
		}
		b, _ := json.Marshal(s)
		fmt.Fprintln(stdio.Out, string(b))
	}
	return code
}
