package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/sandbox/none"
	"github.com/skriptable/skriptable/internal/sandbox/oci"
)

// newLauncher builds the launcher for `skriptable run`: the OCI sandbox by
// default, or the unisolated none driver when asked (with a warning).
func newLauncher(f runFlags, env Env, stdio Stdio) (*launcher.Launcher, error) {
	var (
		d   sandbox.Driver
		err error
	)
	var runnerEnv []string
	switch f.sandbox {
	case "oci":
		d, err = oci.New(oci.Config{})
		if err != nil {
			return nil, fmt.Errorf("%w (or run with --sandbox none, which does not isolate the script)", err)
		}
	case "none":
		fmt.Fprintln(stdio.Err, "skriptable: warning: --sandbox none: the script is NOT isolated from this machine; use it only for your own scripts")
		d = none.New()
		chromium := f.chromium
		if chromium == "" {
			chromium, _ = env("SKRIPTABLE_CHROMIUM")
		}
		if chromium != "" {
			runnerEnv = append(runnerEnv, "SKRIPTABLE_CHROMIUM="+chromium)
		}
	default:
		return nil, fmt.Errorf("--sandbox %q: want oci or none", f.sandbox)
	}
	bin, _ := env("SKRIPTABLE_RUNNER_BINARY") // tests point this at themselves
	return launcher.New(launcher.Config{Driver: d, Binary: bin, RunnerEnv: runnerEnv})
}

func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "run-" + hex.EncodeToString(b)
}

// parseBytes reads sizes like 512m, 2g, 1GiB, 1048576.
func parseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(f * float64(mult)), nil
}

// listFlag collects repeatable string flags.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// localSink prints a local run's output and writes its files under --out.
type localSink struct {
	root  *os.Root
	stdio Stdio
	mu    sync.Mutex
}

func (s *localSink) Log(l runnerproto.Log) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch l.Level {
	case "system":
		fmt.Fprintln(s.stdio.Err, "skriptable: "+l.Text)
	case "warn", "error", "trace":
		fmt.Fprintln(s.stdio.Err, l.Text)
	default:
		fmt.Fprintln(s.stdio.Out, l.Text)
	}
}

func (s *localSink) Step(st runnerproto.Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mark := map[string]string{"passed": "✓", "failed": "✗", "skipped": "-"}[st.Status]
	fmt.Fprintf(s.stdio.Out, "%s %s (%d ms)\n", mark, st.Name, st.DurationMS)
	if st.Error != "" {
		fmt.Fprintf(s.stdio.Out, "    %s\n", strings.ReplaceAll(st.Error, "\n", "\n    "))
	}
}

func (s *localSink) Artifact(name, _ string, data []byte) error {
	if i := strings.LastIndex(name, "/"); i > 0 {
		if err := s.root.MkdirAll(name[:i], 0o755); err != nil {
			return err
		}
	}
	return s.root.WriteFile(name, data, 0o644)
}
