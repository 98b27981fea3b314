package storetest

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// lockPath is a file every test process on the machine flocks: tests that
// use Postgres hold it shared for their duration, and a test that
// disrupts the server itself (restarts it) holds it exclusively, so it
// waits for the others and they wait for it instead of failing.
var lockPath = filepath.Join(os.TempDir(), "skriptable-postgres-tests.lock")

// exclusiveHeld is set while this process holds the lock exclusively:
// its own Postgres calls then need no shared lock.
var exclusiveHeld atomic.Bool

func flockFor(t *testing.T, how int, what string) {
	t.Helper()
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		t.Fatalf("postgres test lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		t.Logf("waiting for other tests using Postgres (%s lock on %s)", what, lockPath)
		start := time.Now()
		if err := syscall.Flock(int(f.Fd()), how); err != nil {
			f.Close()
			t.Fatalf("postgres test lock: %v", err)
		}
		t.Logf("got the %s lock after %v", what, time.Since(start).Round(time.Millisecond))
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}

// holdShared holds the lock shared until the test ends (not when this
// process already holds it exclusively).
func holdShared(t *testing.T) {
	t.Helper()
	if !exclusiveHeld.Load() {
		flockFor(t, syscall.LOCK_SH, "shared")
	}
}

// LockPostgresExclusive is for a test that restarts or otherwise
// disrupts the Postgres server: it waits until no other test (in any
// process using this package) uses Postgres, and keeps new ones waiting
// until the test ends. Call it before Postgres.
func LockPostgresExclusive(t *testing.T) {
	t.Helper()
	flockFor(t, syscall.LOCK_EX, "exclusive")
	exclusiveHeld.Store(true)
	t.Cleanup(func() { exclusiveHeld.Store(false) })
}
