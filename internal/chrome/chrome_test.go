package chrome

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestDefaultFlags(t *testing.T) {
	t.Parallel()
	flags := DefaultFlags()
	for _, want := range []string{"--headless", "--remote-debugging-pipe"} {
		if !slices.Contains(flags, want) {
			t.Errorf("DefaultFlags lacks %s", want)
		}
	}
	for _, f := range flags {
		if strings.HasPrefix(f, "--remote-debugging-port") || strings.HasPrefix(f, "--remote-debugging-address") {
			t.Errorf("DefaultFlags contains a debugging port flag: %s", f)
		}
		if f == "--single-process" || strings.Contains(f, "site-per-process") || strings.HasPrefix(f, "--user-data-dir") {
			t.Errorf("DefaultFlags contains forbidden flag %s", f)
		}
	}
	// The full argument list Start builds must not gain a port either.
	args, err := buildArgs(Options{ExtraFlags: []string{"--proxy-server=http://127.0.0.1:1"}}, "/tmp/x", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range args {
		if strings.Contains(a, "remote-debugging-port") {
			t.Errorf("buildArgs produced %s", a)
		}
	}
	if n := len(args); args[n-2] != "--user-data-dir=/tmp/x" || args[n-1] != "about:blank" {
		t.Errorf("args end %q, want --user-data-dir as the last switch, then the initial URL", args[n-2:])
	}
	DefaultFlags()[0] = "mutated"
	if DefaultFlags()[0] != "--headless" {
		t.Error("DefaultFlags shares its backing array between calls")
	}
}

func TestExtraFlagsRejected(t *testing.T) {
	t.Parallel()
	for _, f := range []string{
		"--remote-debugging-port=9222",
		"--remote-debugging-port",
		"--user-data-dir=/tmp/elsewhere",
		"--single-process",
		"--disable-features=IsolateOrigins,site-per-process",
		"--disable-site-isolation-trials",
	} {
		dir := t.TempDir()
		_, err := Start(context.Background(), Options{TempDir: dir, ExtraFlags: []string{f}})
		if err == nil {
			t.Errorf("Start accepted ExtraFlags %q", f)
		}
		assertEmptyDir(t, dir)
	}
}

// TestRoundTrip is experiment 2: a real CDP exchange over the pipe, then
// Close from several goroutines at once.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	var stderr lockedBuffer
	p := startBrowser(t, Options{Stderr: &stderr})
	if p.Pid() <= 0 {
		t.Fatalf("Pid = %d", p.Pid())
	}
	if !filepath.IsAbs(p.UserDataDir()) {
		t.Errorf("UserDataDir %q is not absolute", p.UserDataDir())
	}
	if p.ExitError() != nil {
		t.Errorf("ExitError before Done = %v", p.ExitError())
	}
	c := newClient(p)
	msg, err := c.call("Browser.getVersion", 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := msg["result"].(map[string]any)
	product, _ := res["product"].(string)
	if !strings.Contains(product, "Chrome") {
		t.Errorf("product = %q, reply %v", product, msg)
	}
	t.Logf("product %s, %d processes", product, len(procsContaining(p.UserDataDir())))

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = p.Close(nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Close #%d: %v", i, err)
		}
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	if err := p.ExitError(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Errorf("ExitError = %v, want a kill", err)
	}
	if _, err := os.Stat(p.UserDataDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profile dir still there: %v", err)
	}
	if left := procsContaining(p.UserDataDir()); len(left) > 0 {
		t.Errorf("processes left after Close: %v", left)
	}
	if err := p.Close(nil); err != nil {
		t.Errorf("second Close: %v", err)
	}
	r, w := p.Pipe()
	if _, err := w.Write([]byte("{}\x00")); err == nil {
		t.Error("write to pipe after Close succeeded")
	}
	if _, err := r.Read(make([]byte, 1)); err == nil {
		t.Error("read from pipe after Close succeeded")
	}
}

// TestBrowserKilledExternally is experiment 6: the main process dies under us.
func TestBrowserKilledExternally(t *testing.T) {
	t.Parallel()
	p := startBrowser(t, Options{})
	c := newClient(p)
	if _, err := c.call("Browser.getVersion", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(p.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed 10 s after SIGKILL")
	}
	t.Logf("Done %v after kill", time.Since(killed))
	if err := p.ExitError(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Errorf("ExitError = %v, want signal: killed", err)
	}
	// The CDP reader must see the connection end (EOF), not hang, and
	// writes must fail.
	eof := make(chan error, 1)
	go func() {
		_, err := c.r.ReadBytes(0)
		eof <- err
	}()
	select {
	case err := <-eof:
		if !errors.Is(err, io.EOF) {
			t.Errorf("read after the browser died: %v, want EOF", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("read from the pipe still blocked 10 s after the browser died")
	}
	if _, err := c.send("Browser.getVersion"); err == nil {
		t.Error("write after the browser died succeeded")
	}
	if err := p.Close(nil); err != nil {
		t.Errorf("Close: %v", err)
	}
	if left := procsContaining(p.UserDataDir()); len(left) > 0 {
		t.Errorf("processes left after Close: %v", left)
	}
}

// TestRootWithoutNoSandbox runs the real browser into a startup failure and
// checks that ExitError carries Chromium's own explanation, minus its log
// header.
func TestRootWithoutNoSandbox(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root: Chromium refuses root only")
	}
	no := false
	p := startBrowser(t, Options{NoSandbox: &no})
	select {
	case <-p.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("browser did not exit")
	}
	want := "browser process exited: exit status 1: Running as root without --no-sandbox is not supported"
	if err := p.ExitError(); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ExitError = %v\nwant prefix     %s", err, want)
	}
}

// TestMissingBinary is experiment 5.
func TestMissingBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notExec := filepath.Join(dir, "chromium")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/nonexistent/chromium", notExec, dir} {
		_, err := Start(context.Background(), Options{ExecPath: path, TempDir: dir})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Start(%s) = %v, want ErrNotFound", path, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "apt-get install -y chromium") ||
			!strings.Contains(msg, "SKRIPTABLE_CHROMIUM") || !strings.Contains(msg, path) {
			t.Errorf("unhelpful message: %s", msg)
		}
	}
	_, err := Start(context.Background(), Options{ExecPath: "/nonexistent/chromium"})
	want := "Chromium not found at /nonexistent/chromium: install it with `apt-get install -y chromium` or set SKRIPTABLE_CHROMIUM to the browser binary"
	if err == nil || err.Error() != want {
		t.Errorf("message = %v\nwant      %s", err, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("Start left files behind: %v", entries)
	}
}

func TestStartCancelledContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, Options{TempDir: dir}); !errors.Is(err, context.Canceled) {
		t.Errorf("Start = %v, want context.Canceled", err)
	}
	assertEmptyDir(t, dir)
}

// TestExecPathFromEnv is experiment 7. It uses t.Setenv, so it is not
// parallel. The fake browser records its arguments and environment, writes a
// line to stderr and exits 3.
func TestExecPathFromEnv(t *testing.T) {
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	envFile := filepath.Join(dir, "env")
	fake := filepath.Join(dir, "fake-chromium")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\nenv > " + envFile +
		"\necho 'some warning' >&2\necho 'fatal: fake browser gave up' >&2\necho >&2\nexit 3\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SKRIPTABLE_CHROMIUM", fake)
	t.Setenv("SKRIPTABLE_TEST_SECRET", "hunter2")
	profiles := filepath.Join(dir, "profiles")
	if err := os.Mkdir(profiles, 0o755); err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	p, err := Start(context.Background(), Options{TempDir: profiles, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("fake browser did not exit")
	}
	exitErr := p.ExitError()
	if err := p.Close(nil); err != nil {
		t.Errorf("Close: %v", err)
	}
	want := "browser process exited: exit status 3: fatal: fake browser gave up"
	if exitErr == nil || exitErr.Error() != want {
		t.Errorf("ExitError = %v, want %s", exitErr, want)
	}
	if !strings.Contains(stderr.String(), "some warning") {
		t.Errorf("Options.Stderr got %q", stderr.String())
	}
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	argList := strings.Split(strings.TrimSpace(string(args)), "\n")
	if !slices.Contains(argList, "--remote-debugging-pipe") {
		t.Errorf("args lack --remote-debugging-pipe: %q", argList)
	}
	if !slices.Contains(argList, "--user-data-dir="+p.UserDataDir()) {
		t.Errorf("args lack --user-data-dir=%s: %q", p.UserDataDir(), argList)
	}
	if os.Geteuid() == 0 && !slices.Contains(argList, "--no-sandbox") {
		t.Errorf("running as root but no --no-sandbox: %q", argList)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "hunter2") {
		t.Errorf("caller's environment leaked to the browser:\n%s", env)
	}
	if !strings.Contains(string(env), "HOME="+p.UserDataDir()+"\n") {
		t.Errorf("HOME is not the profile dir:\n%s", env)
	}
	assertEmptyDir(t, profiles)

	// An explicit Env is used as is.
	p, err = Start(context.Background(), Options{TempDir: profiles, Env: []string{"ONLY=1"}})
	if err != nil {
		t.Fatal(err)
	}
	<-p.Done()
	p.Close(nil)
	env, err = os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(env), "ONLY=1\n") || strings.Contains(string(env), "HOME=") {
		t.Errorf("explicit Env not used as is:\n%s", env)
	}
}

// TestCloseGracefulIgnoresContext: a graceful func that never returns must
// not hold Close beyond the 2 s grace period.
func TestCloseGracefulIgnoresContext(t *testing.T) {
	t.Parallel()
	p := startBrowser(t, Options{})
	release := make(chan struct{})
	defer close(release)
	var deadline time.Time
	var mu sync.Mutex
	start := time.Now()
	err := p.Close(func(ctx context.Context) error {
		mu.Lock()
		deadline, _ = ctx.Deadline()
		mu.Unlock()
		<-release
		return nil
	})
	took := time.Since(start)
	if err != nil {
		t.Errorf("Close: %v", err)
	}
	if took < gracePeriod-100*time.Millisecond || took > gracePeriod+3*time.Second {
		t.Errorf("Close took %v, want about %v", took, gracePeriod)
	}
	mu.Lock()
	if d := deadline.Sub(start); d < gracePeriod-100*time.Millisecond || d > gracePeriod+100*time.Millisecond {
		t.Errorf("graceful context deadline %v after Close started, want %v", d, gracePeriod)
	}
	mu.Unlock()
	if err := p.ExitError(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Errorf("ExitError = %v", err)
	}
}

func TestStripLogPrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"[21672:21672:1125/004348.238721:ERROR:content/browser/zygote_host/zygote_host_impl_linux.cc:103] Running as root": "Running as root",
		"[WARNING] not a chromium header": "[WARNING] not a chromium header",
		"plain line":                      "plain line",
		"[1:2:3/4:ERROR:x.cc:1] ":         "[1:2:3/4:ERROR:x.cc:1] ",
	} {
		if got := stripLogPrefix(in); got != want {
			t.Errorf("stripLogPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
