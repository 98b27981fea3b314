package chrome

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procsOf returns the pids of live processes that belong to the browser
// whose profile is dir (see isOurs). Processes that are already zombies have
// an empty cmdline and so never match; they hold no resources worth
// sweeping. Unreadable entries (a process that exited mid-scan) are skipped.
func procsOf(dir string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if isOurs(pid, dir) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// isOurs reports whether the command line of pid marks it as part of the
// browser whose profile is dir: it carries the argument
// --user-data-dir=<dir>, or some --flag=<dir>/... pointing into the profile
// (chrome_crashpad_handler, which double-forks out of our process group, has
// only --database=$HOME/.config/chromium/Crash Reports, and HOME is the
// profile).
//
// Chromium helpers rewrite their argv into one space-separated string (a
// process title), so arguments are delimited by NUL or by space here. The
// profile name is unique (MkdirTemp), so the delimited match cannot confuse
// two browsers even if TempDir contains spaces.
func isOurs(pid int, dir string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(b) == 0 {
		return false
	}
	cmd := " " + string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})) + " "
	return strings.Contains(cmd, " "+userDataDirFlag(dir)+" ") || strings.Contains(cmd, "="+dir+"/")
}

// killOurs SIGKILLs every live process of the browser whose profile is dir
// and returns how many it found. To avoid hitting an unrelated process that reused a pid between
// the scan and the kill, it first takes a handle on the process
// (os.FindProcess holds a pidfd on Linux), re-checks the cmdline, and then
// signals through the handle.
func killOurs(dir string) (int, error) {
	pids, err := procsOf(dir)
	if err != nil {
		return 0, err
	}
	for _, pid := range pids {
		proc, err := os.FindProcess(pid)
		if err != nil {
			continue
		}
		if isOurs(pid, dir) {
			_ = proc.Signal(syscall.SIGKILL) // already gone is fine
		}
		proc.Release()
	}
	return len(pids), nil
}

// sweepAttempts and sweepInterval bound how long Close keeps killing
// stragglers (about 2 s). A helper can be mid-fork when first scanned, so one
// pass is not enough; a process that survives this long is reported.
const (
	sweepAttempts = 40
	sweepInterval = 50 * time.Millisecond
)

// sweep kills, repeatedly, every process that isOurs, until a scan finds
// none. Chromium helpers (zygotes, renderers, utility processes) normally
// share the browser's process group, but one that moved to its own group or
// session would survive kill(-pgid); the profile path on its command line is
// what identifies it as ours.
func sweep(userDataDir string) error {
	for i := 0; i < sweepAttempts; i++ {
		n, err := killOurs(userDataDir)
		if err != nil {
			return fmt.Errorf("chrome: sweeping leftover processes: %w", err)
		}
		if n == 0 {
			return nil
		}
		time.Sleep(sweepInterval)
	}
	last, _ := procsOf(userDataDir)
	if len(last) == 0 {
		return nil
	}
	return fmt.Errorf("chrome: %d browser process(es) still alive after SIGKILL: %v", len(last), last)
}

// removeAttempts bounds removeDir's retries. RemoveAll can fail with
// ENOTEMPTY while a dying helper is still creating files in the profile.
const removeAttempts = 10

// removeDir deletes the profile directory, retrying briefly.
func removeDir(dir string) error {
	var err error
	for i := 0; i < removeAttempts; i++ {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("chrome: removing profile dir: %w", err)
}
