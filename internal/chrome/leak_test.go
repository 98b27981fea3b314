package chrome

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv selects what TestHelperProcess does when the test binary
// re-executes itself: "browser" or "sleep".
const (
	helperEnv    = "SKRIPTABLE_CHROME_TEST_HELPER"
	helperDirEnv = "SKRIPTABLE_CHROME_TEST_DIR"
)

// TestStartStopCycles is experiment 3: repeated start/stop, alternating a
// plain kill with a graceful CDP Browser.close, leaves no process and no file.
func TestStartStopCycles(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	var killTotal, gracefulTotal time.Duration
	for i := range 20 {
		p, err := Start(context.Background(), Options{TempDir: tmp})
		if err != nil {
			t.Fatalf("cycle %d: Start: %v", i, err)
		}
		c := newClient(p)
		if _, err := c.call("Browser.getVersion", 20*time.Second); err != nil {
			p.Close(nil)
			t.Fatalf("cycle %d: %v", i, err)
		}
		graceful := i%2 == 1
		var g func(context.Context) error
		if graceful {
			g = func(context.Context) error {
				_, err := c.send("Browser.close")
				return err
			}
		}
		start := time.Now()
		if err := p.Close(g); err != nil {
			t.Errorf("cycle %d: Close: %v", i, err)
		}
		took := time.Since(start)
		exit := p.ExitError()
		if graceful {
			gracefulTotal += took
			if exit == nil || exit.Error() != "browser process exited: exit status 0" {
				t.Errorf("cycle %d: graceful exit = %v", i, exit)
			}
		} else {
			killTotal += took
			if exit == nil || !strings.Contains(exit.Error(), "signal: killed") {
				t.Errorf("cycle %d: exit = %v", i, exit)
			}
		}
		if left := procsContaining(tmp); len(left) > 0 {
			t.Fatalf("cycle %d: processes left after Close: %v", i, left)
		}
	}
	t.Logf("mean Close: kill %v, graceful %v", killTotal/10, gracefulTotal/10)
	assertEmptyDir(t, tmp)
}

// TestParentKilled is experiment 4: SIGKILL of the Go process that started
// the browser must take the whole browser down, without any Close.
//
// Two mechanisms do that: Pdeathsig on the locked thread, and Chromium
// quitting when its CDP pipe closes. The "pipe held" case keeps a copy of
// both pipe ends alive in another process, so only Pdeathsig can save us.
func TestParentKilled(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"browser", "browser-hold-pipe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			testParentKilled(t, mode)
		})
	}
}

func testParentKilled(t *testing.T, mode string) {
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+tmp)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
	}()
	var pid, holder int
	var dir string
	select {
	case line := <-lines:
		if _, err := fmt.Sscanf(line, "%d %d %s", &pid, &holder, &dir); err != nil {
			t.Fatalf("helper said %q: %v", line, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("helper did not report its browser")
	}
	if holder > 0 {
		// The holder was started by the helper and outlives it.
		defer syscall.Kill(holder, syscall.SIGKILL)
	}
	if !strings.HasPrefix(dir, tmp) {
		t.Fatalf("helper's profile %s is not under %s", dir, tmp)
	}
	t.Logf("browser pid %d, %d processes before the kill", pid, len(procsContaining(dir)))

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed := time.Now()
	left := waitNoProcs(dir, 10*time.Second)
	if len(left) > 0 {
		t.Errorf("browser processes survived their parent's SIGKILL: %v", left)
		sweep(dir) // do not leak them from the test either
	} else {
		t.Logf("all gone %v after the kill", time.Since(killed))
	}
	if err := removeDir(dir); err != nil {
		t.Error(err)
	}
}

// TestSweepKillsEscapedProcess checks the /proc sweep on a process that left
// our process group and session, as chrome_crashpad_handler does: one
// identified by --user-data-dir, one only by a path into the profile.
func TestSweepKillsEscapedProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, arg := range []string{userDataDirFlag(dir), "--database=" + dir + "/Crash Reports"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--", arg)
		cmd.Env = append(os.Environ(), helperEnv+"=sleep")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		if err := sweep(dir); err != nil {
			t.Error(err)
		}
		select {
		case err := <-waited:
			if err == nil || !strings.Contains(err.Error(), "signal: killed") {
				t.Errorf("%s: helper exited with %v, want signal: killed", arg, err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%s: sweep did not kill the helper", arg)
		}
	}
	// A different profile whose name extends ours must not be touched.
	other := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--", userDataDirFlag(dir+"x"))
	other.Env = append(os.Environ(), helperEnv+"=sleep")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer other.Wait()
	defer other.Process.Kill()
	if err := sweep(dir); err != nil {
		t.Error(err)
	}
	if err := other.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("sweep killed a process of another profile: %v", err)
	}
}

// TestHelperProcess is not a test: it is the body of the subprocesses the
// tests above start from the test binary.
func TestHelperProcess(t *testing.T) {
	switch mode := os.Getenv(helperEnv); mode {
	case "browser", "browser-hold-pipe":
		p, err := Start(context.Background(), Options{TempDir: os.Getenv(helperDirEnv)})
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		// Open a page so that the process tree includes a renderer for
		// it before the parent kills us.
		if _, err := newClient(p).call("Target.createTarget", 20*time.Second, `{"url":"about:blank"}`); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		holder := 0
		if mode == "browser-hold-pipe" {
			r, w := p.Pipe()
			h := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			h.Env = append(os.Environ(), helperEnv+"=sleep")
			h.ExtraFiles = []*os.File{r.(*os.File), w.(*os.File)}
			if err := h.Start(); err != nil {
				fmt.Fprintln(os.Stderr, "helper:", err)
				os.Exit(1)
			}
			holder = h.Process.Pid
		}
		fmt.Printf("%d %d %s\n", p.Pid(), holder, p.UserDataDir())
		time.Sleep(time.Minute) // until the parent SIGKILLs us
		os.Exit(1)
	case "sleep":
		time.Sleep(time.Minute)
		os.Exit(1)
	default:
		t.Skip("helper process for other tests")
	}
}
