package launcher_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/sandbox/oci"
)

// TestMain makes this test binary the runner the launcher starts inside
// the sandbox ("<binary> runner"). SKRIPTABLE_TEST_RUNNER selects a
// misbehaving runner for the protocol-violation tests.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "runner" {
		if mode := os.Getenv("SKRIPTABLE_TEST_RUNNER"); mode != "" {
			os.Exit(misbehave(mode))
		}
		os.Exit(cli.Main(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

// misbehave is a hostile runner: it reads the job, then writes something
// the protocol forbids.
func misbehave(mode string) int {
	_, _ = runnerproto.ReadJob(os.Stdin, 0)
	switch mode {
	case "garbage":
		_, _ = os.Stdout.Write([]byte("this is not a frame at all, just text\n"))
	case "oversized":
		_, _ = os.Stdout.Write([]byte{0x7f, 0xff, 0xff, 0xff, 'L'}) // claims a 2 GiB log frame
	case "unknown":
		_, _ = os.Stdout.Write([]byte{0, 0, 0, 2, 'Z', '{', '}'})
	case "hang":
		// A valid log, then nothing: the launcher's deadline must end it.
		w := runnerproto.NewWriter(os.Stdout)
		_ = w.Log(runnerproto.Log{Level: "log", Text: "hanging", TimeMS: time.Now().UnixMilli()})
	}
	time.Sleep(time.Hour) // the launcher must kill us
	return 0
}

// env is shared by the package's tests: one driver, one fixture site, and
// an "internal" server on 127.0.0.2 that must never be reached.
type env struct {
	driver   sandbox.Driver
	site     *fixture.Server
	internal *hitServer
}

var (
	envOnce sync.Once
	shared  *env
	envErr  error
)

type hitServer struct {
	srv  *http.Server
	addr string
	hits atomic.Int64
}

func startHitServer(ip string) (*hitServer, error) {
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		return nil, err
	}
	h := &hitServer{addr: ln.Addr().String()}
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		fmt.Fprint(w, "INTERNAL-SECRET")
	})}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

func setup(t *testing.T) *env {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the sandbox tests need root in CI")
		}
		t.Skip("the sandbox tests need root (and crun or runc)")
	}
	envOnce.Do(func() {
		e := &env{}
		var d *oci.Driver
		d, envErr = oci.New(oci.Config{StateDir: filepath.Join(os.TempDir(), "skriptable-launcher-test")})
		if envErr != nil {
			return
		}
		e.driver = d
		if e.site, envErr = fixture.Start("127.0.0.1:0"); envErr != nil {
			return
		}
		if e.internal, envErr = startHitServer("127.0.0.2"); envErr != nil {
			return
		}
		shared = e
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	return shared
}

// fakeResolver answers the names the tests use and records every lookup;
// it never queries real DNS.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][]netip.Addr
	asked   []string
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, host)
	if a, ok := r.answers[strings.ToLower(host)]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host (test resolver)", Name: host, IsNotFound: true}
}

// collector is a launcher.Sink that keeps everything.
type collector struct {
	mu        sync.Mutex
	logs      []runnerproto.Log
	steps     []runnerproto.Step
	artifacts map[string][]byte
}

func (c *collector) Log(l runnerproto.Log) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, l)
}

func (c *collector) Step(s runnerproto.Step) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.steps = append(c.steps, s)
}

func (c *collector) Artifact(name, _ string, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.artifacts == nil {
		c.artifacts = map[string][]byte{}
	}
	c.artifacts[name] = append([]byte(nil), data...)
	return nil
}

func (c *collector) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, l := range c.logs {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

var runSeq atomic.Int64

// run executes src in the sandbox and checks that nothing of the run is
// left on the machine afterwards.
func (e *env) run(t *testing.T, src string, mod func(*launcher.Request, *launcher.Config)) (launcher.Result, *collector) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := launcher.Config{Driver: e.driver, Binary: self, StateDir: filepath.Join(os.TempDir(), "skriptable-launcher-test", "egress"), Grace: 3 * time.Second}
	id := fmt.Sprintf("t%d-%d", os.Getpid(), runSeq.Add(1))
	req := launcher.Request{
		ID: id,
		Job: runnerproto.Job{
			Filename: "hostile.js", Source: src, TimeoutMS: 30_000,
			Params: map[string]string{"BASE_URL": e.site.URL(), "INTERNAL": "http://" + e.internal.addr},
			Limits: runnerproto.JobLimits{ArtifactCount: 50, ArtifactBytes: 100 << 20, LogBytes: 10 << 20},
		},
		Limits:     sandbox.Limits{Memory: 1 << 30},
		AllowHosts: []string{strings.TrimPrefix(e.site.URL(), "http://")},
	}
	if mod != nil {
		mod(&req, &cfg)
	}
	l, err := launcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := &collector{}
	res := l.Run(context.Background(), req, sink)
	assertClean(t, req.ID)
	return res, sink
}

// assertClean fails if anything of the run is left: processes mentioning
// its id, cgroup directories, or a container of the runtime.
func assertClean(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := leftovers(id)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("run %s left behind: %v", id, left)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func leftovers(id string) []string {
	var left []string
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err == nil && strings.Contains(string(b), "skriptable-"+id) {
			left = append(left, "process "+d.Name())
		}
	}
	// Bundles, runtime state, leases and egress sockets live in the
	// state directory, named after the run.
	state := filepath.Join(os.TempDir(), "skriptable-launcher-test")
	for _, pattern := range []string{"*", "*/*"} {
		matches, _ := filepath.Glob(filepath.Join(state, pattern))
		for _, m := range matches {
			if strings.Contains(filepath.Base(m), id) {
				left = append(left, "file "+m)
			}
		}
	}
	for _, ctrl := range []string{"memory", "pids", "cpu", "cpuacct", "unified"} {
		matches, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", ctrl, "skriptable*", "*"+id+"*"))
		for _, m := range matches {
			left = append(left, "cgroup "+m)
		}
	}
	return left
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
