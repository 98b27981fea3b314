// Package runner executes one user script: it compiles it, starts a JS
// runtime with the Puppeteer module, enforces the run's limits, and reports
// everything that happens as events to a Sink. It is what runs inside the
// sandbox; it must never import the store, the queue or the API (a deps
// test enforces this), because a compromised runner must not reach them.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/js"
	"github.com/skriptable/skriptable/internal/nodelib"
	"github.com/skriptable/skriptable/internal/puppeteer"
)

// Status is how a run ended.
type Status string

// Terminal statuses of a run.
const (
	Passed   Status = "passed"    // the script finished without an uncaught error
	Failed   Status = "failed"    // the script threw, rejected, or exited non-zero
	TimedOut Status = "timed_out" // the run's time limit ended it
	Invalid  Status = "invalid"   // the script was refused before running (syntax, size)
	Errored  Status = "errored"   // Skriptable could not run it (browser failed to start, …)
)

// Job is one script run.
type Job struct {
	Filename string // the script's name as the user knows it ("login-check.js")
	Source   []byte
	Params   map[string]string // process.env
	Args     []string          // process.argv beyond the script
	Dir      string            // the script's working directory as it sees it (process.cwd())
	Timeout  time.Duration     // the whole run; default 60 s
	Limits   Limits
	Chrome   chrome.Options
	// Viewport of new pages (nil: Puppeteer's 800×600).
	Viewport *browser.Viewport
}

// Result is the run's outcome.
type Result struct {
	Status    Status
	Error     string // what the user should see; empty when passed
	Limit     string // the limit that ended the run ("timeout"), if any
	ExitCode  int    // process.exit code, if the script called it
	Duration  time.Duration
	Artifacts []string
}

// Sink receives a run's events. Methods are called from several
// goroutines, one at a time per method, in the order things happened.
type Sink interface {
	Log(l js.Log)
	// Step reports one finished test case (describe/it) of the script.
	Step(s Step)
	// Artifact stores a file the script wrote; name is a clean relative
	// path ("shots/login.png").
	Artifact(name string, data []byte) error
}

// Step is one test case of a script written with describe/it/test.
type Step struct {
	Name     string
	Status   string // passed, failed, skipped
	Duration time.Duration
	Error    string
}

// Run executes job and returns how it ended. It always returns a Result,
// never panics, and leaves no browser behind.
func Run(ctx context.Context, job Job, sink Sink) (res Result) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			res = Result{Status: Errored, Error: fmt.Sprintf("internal error: %v", r)}
		}
		res.Duration = time.Since(start)
	}()
	if job.Timeout <= 0 {
		job.Timeout = 60 * time.Second
	}
	job.Limits = job.Limits.withDefaults()
	prog, err := js.Compile(job.Filename, job.Source, js.Limits{MaxSourceBytes: job.Limits.SourceBytes})
	if err != nil {
		return Result{Status: Invalid, Error: err.Error()}
	}
	files := newFiles(job.Dir, job.Limits, sink)
	var launchErr error
	mod := puppeteer.New(puppeteer.Config{
		Files:    files,
		ExecPath: job.Chrome.ExecPath,
		Warn: func(msg string) {
			sink.Log(js.Log{Level: "warn", Text: "skriptable: " + msg, Time: time.Now()})
		},
		Launch: func(ctx context.Context, o puppeteer.LaunchOptions) (*browser.Browser, error) {
			opts := browser.Options{Chrome: job.Chrome, Viewport: job.Viewport}
			if o.Viewport != nil {
				opts.Viewport = o.Viewport
			}
			opts.NoViewport = o.NoViewport
			b, err := browser.Launch(ctx, opts)
			if err != nil {
				launchErr = err
			}
			return b, err
		},
	})
	defer mod.Close()

	runCtx, cancel := context.WithTimeoutCause(ctx, job.Timeout, &timeoutError{d: job.Timeout})
	defer cancel()
	libCfg := nodelib.Config{FS: files, Source: job.Source, OnStep: func(st nodelib.Step) {
		sink.Step(Step{Name: st.Name, Status: st.Status, Duration: st.Duration, Error: st.Error})
	}}
	modules := nodelib.Modules(libCfg)
	modules["puppeteer"], modules["puppeteer-core"] = mod.Func(), mod.Func()
	rt, err := js.New(js.Options{
		Filename: job.Filename,
		Dirname:  job.Dir,
		Env:      job.Params,
		Args:     job.Args,
		Log:      sink.Log,
		Modules:  modules,
	})
	if err != nil {
		return Result{Status: Errored, Error: err.Error()}
	}
	defer rt.Close()
	if err := nodelib.InstallGlobals(rt, libCfg); err != nil {
		return Result{Status: Errored, Error: err.Error()}
	}
	err = rt.Run(runCtx, prog)
	res = classify(err, launchErr)
	if res.Status == TimedOut {
		if hint := mod.PendingInterceptions(); hint != "" {
			res.Error += " (" + hint + ")"
		}
	}
	res.Artifacts = files.names()
	return res
}

type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string { return fmt.Sprintf("timed out after %s", e.d) }

// classify maps how the runtime ended to a Result.
func classify(err, launchErr error) Result {
	var (
		te *timeoutError
		se *js.ScriptError
		ee *js.ExitError
	)
	switch {
	case err == nil:
		return Result{Status: Passed}
	case errors.As(err, &te):
		return Result{Status: TimedOut, Error: te.Error(), Limit: "timeout"}
	case errors.As(err, &ee):
		if ee.Code == 0 {
			return Result{Status: Passed}
		}
		return Result{Status: Failed, ExitCode: ee.Code, Error: fmt.Sprintf("process.exit(%d)", ee.Code)}
	case errors.As(err, &se):
		if launchErr != nil && errors.Is(launchErr, chrome.ErrNotFound) {
			return Result{Status: Errored, Error: launchErr.Error()}
		}
		return Result{Status: Failed, Error: se.Text}
	}
	return Result{Status: Errored, Error: err.Error()}
}

// Limits bound what one run may produce.
type Limits struct {
	SourceBytes   int // script size (default 1 MiB)
	ArtifactCount int // files written (default 50)
	ArtifactBytes int // total bytes of files (default 100 MiB)
}

func (l Limits) withDefaults() Limits {
	if l.SourceBytes <= 0 {
		l.SourceBytes = 1 << 20
	}
	if l.ArtifactCount <= 0 {
		l.ArtifactCount = 50
	}
	if l.ArtifactBytes <= 0 {
		l.ArtifactBytes = 100 << 20
	}
	return l
}

// ArtifactName turns a path a script passed (screenshot({path})) into a
// clean name relative to the run's directory dir, or explains why it is
// refused: absolute paths outside dir, paths that climb out with "..",
// empty names and NUL bytes.
func ArtifactName(p, dir string) (string, error) {
	if p == "" || strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("invalid file name %q", p)
	}
	if path.IsAbs(p) {
		rel, ok := strings.CutPrefix(path.Clean(p), strings.TrimSuffix(path.Clean(dir), "/")+"/")
		if !ok || dir == "" {
			return "", fmt.Errorf("path %s is outside the output directory; use a relative path such as %q", p, path.Base(p))
		}
		p = rel
	}
	clean := path.Clean(p)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("path %s escapes the output directory", p)
	}
	return clean, nil
}

// files is the run's output directory as the script sees it: it
// implements puppeteer.Files (path: options) and nodelib.FS (the fs
// module). Contents stay in memory, only files the run wrote exist, and
// every write is sent to the sink at once, so nothing is lost if the run
// is later killed. Limits: distinct files and total bytes written.
type files struct {
	dir    string
	limits Limits
	sink   Sink

	mu      sync.Mutex
	order   []string
	content map[string][]byte
	dirs    map[string]bool
	// sent and bytes count every write sent to the sink, the way the
	// launcher's protocol reader counts artifact frames: rewriting a file
	// counts again, so the runner never sends more than the reader allows.
	sent  int
	bytes int
}

func newFiles(dir string, l Limits, sink Sink) *files {
	return &files{dir: dir, limits: l, sink: sink, content: map[string][]byte{}, dirs: map[string]bool{}}
}

// WriteFile implements puppeteer.Files and nodelib.FS.
func (f *files) WriteFile(p string, data []byte) error { return f.put(p, data, false) }

// AppendFile implements nodelib.FS.
func (f *files) AppendFile(p string, data []byte) error { return f.put(p, data, true) }

func (f *files) put(p string, data []byte, appendTo bool) error {
	name, err := ArtifactName(p, f.dir)
	if err != nil {
		return fmt.Errorf("%w: %v", fs.ErrPermission, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old, exists := f.content[name]
	if f.sent >= f.limits.ArtifactCount {
		return fmt.Errorf("artifact limit reached: a run may write at most %d files", f.limits.ArtifactCount)
	}
	if f.bytes+len(data) > f.limits.ArtifactBytes {
		return fmt.Errorf("artifact limit reached: a run may write at most %d bytes of files", f.limits.ArtifactBytes)
	}
	if appendTo {
		data = append(append([]byte(nil), old...), data...)
	} else {
		data = append([]byte(nil), data...)
	}
	if f.bytes+len(data) > f.limits.ArtifactBytes {
		return fmt.Errorf("artifact limit reached: a run may write at most %d bytes of files", f.limits.ArtifactBytes)
	}
	if err := f.sink.Artifact(name, data); err != nil {
		return err
	}
	if !exists {
		f.order = append(f.order, name)
	}
	f.content[name] = data
	f.sent++
	f.bytes += len(data)
	return nil
}

// ReadFile implements nodelib.FS: only files this run wrote.
func (f *files) ReadFile(p string) ([]byte, error) {
	name, err := ArtifactName(p, f.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", fs.ErrPermission, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.content[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return append([]byte(nil), data...), nil
}

// Exists implements nodelib.FS.
func (f *files) Exists(p string) bool {
	name, err := ArtifactName(p, f.dir)
	if err != nil {
		return p == f.dir || p == "." || p == "./"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.content[name]; ok {
		return true
	}
	return f.dirs[name] || f.hasPrefix(name+"/")
}

func (f *files) hasPrefix(prefix string) bool {
	for n := range f.content {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// ReadDir implements nodelib.FS: the names directly under p.
func (f *files) ReadDir(p string) ([]string, error) {
	prefix := ""
	if name, err := ArtifactName(p, f.dir); err == nil {
		prefix = name + "/"
	} else if p != "." && p != "./" && path.Clean(p) != path.Clean(f.dir) {
		return nil, fmt.Errorf("%w: %v", fs.ErrPermission, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, n := range f.order {
		if _, ok := f.content[n]; !ok || !strings.HasPrefix(n, prefix) {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(n, prefix), "/")
		if !seen[first] {
			seen[first] = true
			out = append(out, first)
		}
	}
	if len(out) == 0 && prefix != "" && !f.dirs[strings.TrimSuffix(prefix, "/")] {
		return nil, fs.ErrNotExist
	}
	return out, nil
}

// Remove implements nodelib.FS. The artifact already sent stays with the
// run; the script just no longer sees the file.
func (f *files) Remove(p string) error {
	name, err := ArtifactName(p, f.dir)
	if err != nil {
		return fmt.Errorf("%w: %v", fs.ErrPermission, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.content[name]; !ok {
		return fs.ErrNotExist
	}
	delete(f.content, name)
	return nil
}

// Mkdir implements nodelib.FS (directories exist implicitly).
func (f *files) Mkdir(p string) error {
	name, err := ArtifactName(p, f.dir)
	if err != nil {
		return fmt.Errorf("%w: %v", fs.ErrPermission, err)
	}
	f.mu.Lock()
	f.dirs[name] = true
	f.mu.Unlock()
	return nil
}

func (f *files) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.order...)
}

// DirSink is a Sink that writes artifacts under a directory on disk (with
// os.Root, so symlinks cannot lead outside it) and hands logs to a func.
type DirSink struct {
	Root  *os.Root
	OnLog func(js.Log)
}

// Log forwards a console message.
func (s *DirSink) Log(l js.Log) { s.OnLog(l) }

// Step is ignored: DirSink serves local runs that only print output.
func (s *DirSink) Step(Step) {}

// Artifact writes data to name under the root, creating directories.
func (s *DirSink) Artifact(name string, data []byte) error {
	if d := path.Dir(name); d != "." {
		if err := s.Root.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	return s.Root.WriteFile(name, data, 0o644)
}
