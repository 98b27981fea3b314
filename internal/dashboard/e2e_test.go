package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/api"
	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/server"
)

// TestMain lets the test binary stand in for the skriptable binary: the
// service's launcher and `skriptable run` both start "<binary> runner"
// inside the sandbox.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "runner" {
		os.Exit(cli.Main(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

// TestDashboardEndToEnd drives the dashboard in headless Chromium against
// a real `serve` on 127.0.0.1:0. The browser side is a Puppeteer script
// (testdata/e2e.js) run by Skriptable's own runner in its sandbox: sign
// in, create a script, schedule it, run it and watch the live log, see
// the screenshot and the failing line, filter the history, create and
// revoke a key, see the scheduled run appear, and check that a log line
// with <script> stays text. It saves screenshots of every page at
// 1280×800 and at phone width to $DASHBOARD_SHOTS (default: a temp dir).
func TestDashboardEndToEnd(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the service and the runner use the oci sandbox, which needs root")
	}
	if testing.Short() {
		t.Skip("a minute-long browser test (it waits for a cron slot)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	site, err := fixture.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	siteHost := strings.TrimPrefix(site.URL(), "http://")

	var key string
	generous := ratelimit.Limit{PerMinute: 1e6, Burst: 1e4}
	srv, err := server.New(context.Background(), server.Config{
		DataDir:      dataDir(t),
		Listen:       "127.0.0.1:0",
		Workers:      2,
		AllowHosts:   []string{siteHost},
		RunnerBinary: self,
		StopGrace:    5 * time.Second,
		AdminKeyOut:  func(k string) { key = k },
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		APILimits:    api.Limits{PerIP: generous, PerKey: generous, Enqueue: generous},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })

	out := os.Getenv("DASHBOARD_SHOTS")
	if out == "" {
		out = t.TempDir()
	}
	env := func(k string) (string, bool) {
		switch k {
		case "SKRIPTABLE_LOOPBACK_ONLY":
			return "1", true // nothing leaves the machine
		case "SKRIPTABLE_RUNNER_BINARY":
			return self, true
		}
		return "", false
	}
	var stdout, stderr bytes.Buffer
	args := []string{"run", filepath.Join("testdata", "e2e.js"), "--out", out, "--timeout", "4m",
		"--allow-host", strings.TrimPrefix(srv.URL(), "http://"),
		"--param", "BASE_URL=" + srv.URL(), "--param", "KEY=" + key, "--param", "SITE_URL=" + site.URL()}
	code := cli.MainEnv(args, cli.Stdio{In: strings.NewReader(""), Out: &stdout, Err: &stderr}, env)
	t.Logf("e2e.js output:\n%s", stdout.String())
	if code != cli.ExitOK {
		t.Fatalf("e2e.js exit %d:\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "e2e: all checks passed") {
		t.Fatalf("e2e.js did not finish its checks")
	}
	shots, _ := filepath.Glob(filepath.Join(out, "shots", "*.png"))
	if len(shots) < 12 {
		t.Errorf("only %d screenshots written", len(shots))
	}
	t.Logf("screenshots in %s", filepath.Join(out, "shots"))
}

// dataDir is a data directory whose parents the sandbox's unprivileged
// uid can pass through (t.TempDir's parent is 0700).
func dataDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "skriptable-dashboard-test-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(d, 0o711)
	t.Cleanup(func() { _ = os.RemoveAll(d) })
	return filepath.Join(d, "data")
}
