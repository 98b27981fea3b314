// Command sbhelper is a static test helper that sandboxtest builds and
// bind-mounts into sandboxes, for checks a shell cannot do precisely:
//
//	sbhelper memhog            allocate and touch 16 MiB at a time, forever
//	sbhelper spin DURATION     keep two CPUs busy for DURATION, print "done", then block
//	sbhelper forkloop          fork until fork fails; print "forks N: ERRNO"
//	sbhelper loopback          listen on 127.0.0.1, connect, echo; print "loopback ok"
//	sbhelper clone3            clone3(CLONE_NEWUSER); print the errno name
//
// It never touches the network beyond 127.0.0.1.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: sbhelper memhog|spin D|forkloop|loopback|clone3")
	}
	switch os.Args[1] {
	case "memhog":
		memhog()
	case "spin":
		d, err := time.ParseDuration(os.Args[2])
		if err != nil {
			fail(err.Error())
		}
		spin(d)
	case "forkloop":
		forkloop()
	case "loopback":
		loopback()
	case "clone3":
		clone3()
	default:
		fail("unknown command " + os.Args[1])
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "sbhelper:", msg)
	os.Exit(2)
}

var sink [][]byte

func memhog() {
	for i := 1; ; i++ {
		b := make([]byte, 16<<20)
		for j := range b {
			if j%4096 == 0 {
				b[j] = 1
			}
		}
		sink = append(sink, b)
		fmt.Printf("allocated %d MiB\n", i*16)
	}
}

func spin(d time.Duration) {
	end := time.Now().Add(d)
	done := make(chan bool)
	for range 2 {
		go func() {
			x := 0
			for time.Now().Before(end) {
				for i := 0; i < 1e5; i++ {
					x += i
				}
			}
			done <- x > 0
		}()
	}
	<-done
	<-done
	fmt.Println("done")
	select {} // stay alive so the caller can read the cgroup
}

// forkloop forks children that only pause, with the raw syscall: a Go
// runtime thread creation failing at the limit would abort the helper,
// and os/exec would block in a syscall and need one.
func forkloop() {
	runtime.LockOSThread()
	n := 0
	for {
		pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
		if errno != 0 {
			fmt.Printf("forks %d: %s\n", n, errnoName(errno))
			return
		}
		if pid == 0 {
			for {
				syscall.RawSyscall(syscall.SYS_PAUSE, 0, 0, 0)
			}
		}
		n++
		if n > 100000 {
			fmt.Println("forks unlimited")
			return
		}
	}
}

func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.EAGAIN:
		return "EAGAIN"
	case syscall.ENOMEM:
		return "ENOMEM"
	case syscall.EPERM:
		return "EPERM"
	case syscall.ENOSYS:
		return "ENOSYS"
	case syscall.EINVAL:
		return "EINVAL"
	}
	return e.Error()
}

func loopback() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		fail(err.Error())
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		fail(err.Error())
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		fail(fmt.Sprintf("echo: %q %v", buf, err))
	}
	fmt.Println("loopback ok")
}

// cloneArgs is struct clone_args from linux/sched.h (first version).
type cloneArgs struct {
	flags, pidfd, childTID, parentTID, exitSignal, stack, stackSize, tls uint64
}

// clone3 probes whether a user namespace can be created with clone3,
// whose flags seccomp cannot inspect. If it succeeds, the child exits at
// once without touching the Go runtime.
func clone3() {
	runtime.LockOSThread()
	args := cloneArgs{flags: syscall.CLONE_NEWUSER, exitSignal: uint64(syscall.SIGCHLD)}
	pid, _, errno := syscall.RawSyscall(435, uintptr(unsafe.Pointer(&args)), unsafe.Sizeof(args), 0)
	if errno != 0 {
		fmt.Println(errnoName(errno))
		return
	}
	if pid == 0 {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	fmt.Println("created")
}
