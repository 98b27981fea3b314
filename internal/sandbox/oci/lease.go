package oci

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Uid-range leases.
//
// Each running sandbox maps its root to a distinct block of 65536 host ids,
// so two sandboxes never share a host uid (they could otherwise signal or
// ptrace each other's processes, or read each other's files). Lease n is the
// file leases/<n>; its holder keeps it open with an exclusive flock for the
// sandbox's whole life and writes the sandbox's ID into it.
//
// flock makes leases safe across launcher processes sharing a StateDir and
// self-cleaning across crashes: the kernel drops the lock when the holder
// dies. A lease file that can be locked but still names an ID is therefore
// the leftover of a crash: its container may still be running under that
// uid range, so whoever takes the lease reaps that ID first. The files are
// never unlinked, which avoids the classic unlink-while-locked race.

// lease is a held uid range.
type lease struct {
	n    int
	file *os.File
}

// tryLease tries to lock lease n. It returns nil, "", nil if someone else
// holds it, and the ID a crashed holder left behind, if any.
func tryLease(dir string, n int) (*lease, string, error) {
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(n)), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, "", err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, "", nil
		}
		return nil, "", err
	}
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<10))
	if err != nil {
		f.Close()
		return nil, "", err
	}
	return &lease{n: n, file: f}, strings.TrimSpace(string(b)), nil
}

// acquireLease locks the first free lease among n ranges. stale is the ID
// a crashed holder left in it, which the caller must reap before using the
// range.
func acquireLease(dir string, ranges int) (l *lease, stale string, err error) {
	for n := 0; n < ranges; n++ {
		l, stale, err := tryLease(dir, n)
		if err != nil {
			return nil, "", err
		}
		if l != nil {
			return l, stale, nil
		}
	}
	return nil, "", fmt.Errorf("all %d uid ranges are in use: raise Config.UIDRanges or run fewer sandboxes at once", ranges)
}

// set records id as the lease's owner.
func (l *lease) set(id string) error {
	if err := l.file.Truncate(0); err != nil {
		return err
	}
	_, err := l.file.WriteAt([]byte(id+"\n"), 0)
	return err
}

// release empties and unlocks the lease. Only call it once nothing of the
// sandbox can still run under the range.
func (l *lease) release() error {
	err := l.file.Truncate(0)
	return errors.Join(err, l.file.Close())
}

// abandon unlocks the lease but leaves the ID in it, so that the next
// holder or Reap cleans up what could not be removed now.
func (l *lease) abandon() error { return l.file.Close() }

// leaseOwner reads lease n without locking it.
func leaseOwner(dir string, n int) string {
	b, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(n)))
	return strings.TrimSpace(string(b))
}

// leaseOwners reads every lease file without locking it: n → ID.
func leaseOwners(dir string, ranges int) map[int]string {
	out := map[int]string{}
	for n := 0; n < ranges; n++ {
		if id := leaseOwner(dir, n); id != "" {
			out[n] = id
		}
	}
	return out
}
