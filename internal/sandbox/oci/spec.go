package oci

import (
	"fmt"
	"runtime"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// ociVersion is what we write into config.json. specs.Version is "1.3.0",
// which crun 1.8.1 rejects ("unknown version specified"); nothing we use
// is newer than 1.0.2.
const ociVersion = "1.0.2"

// idRange is the size of the uid and gid range each sandbox gets.
const idRange = 65536

// devSize bounds the /dev tmpfs, which only holds device nodes.
const devSize = "size=65536k"

// specInput is everything buildSpec needs besides the Spec.
type specInput struct {
	limits  sandbox.Limits // with defaults applied
	etcDir  string         // the generated minimal /etc
	hostID  uint32         // host uid and gid of root inside
	cgroups string         // cgroupsPath
}

// buildSpec generates the OCI config for one run, following
// os-sandbox.md §8 and Appendices A and C. Every choice here is a security
// property; change it only together with the conformance suite.
func buildSpec(s sandbox.Spec, in specInput) *specs.Spec {
	lim := in.limits
	mem := lim.Memory
	quota := int64(lim.CPUs * 100000)
	period := uint64(100000)
	pids := int64(lim.Pids)
	tmpfsSize := fmt.Sprintf("size=%d", lim.TmpfsBytes)

	mounts := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", devSize}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", tmpfsSize}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/usr", Type: "bind", Source: "/usr", Options: []string{"rbind", "ro", "nosuid", "nodev"}},
		// runc copies the mount point's mode onto a tmpfs unless mode= is
		// given; the rootfs/tmp mount point is 1777 as well (bundle.go).
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777", tmpfsSize}},
		// Never the host's /etc: it leaks host configuration (§9.3).
		{Destination: "/etc", Type: "bind", Source: in.etcDir, Options: []string{"rbind", "ro", "nosuid", "nodev"}},
	}
	for _, b := range s.Binds {
		rw := "ro"
		if b.Writable {
			rw = "rw"
		}
		mounts = append(mounts, specs.Mount{Destination: b.Dest, Type: "bind", Source: b.Source, Options: []string{"rbind", rw, "nosuid", "nodev"}})
	}

	idmap := []specs.LinuxIDMapping{{ContainerID: 0, HostID: in.hostID, Size: idRange}}
	return &specs.Spec{
		Version:  ociVersion,
		Root:     &specs.Root{Path: "rootfs", Readonly: true},
		Hostname: "sandbox",
		Mounts:   mounts,
		Process: &specs.Process{
			Args: s.Args,
			Env:  s.Env,
			Cwd:  "/tmp",
			// Root inside the user namespace: an unprivileged host uid.
			User: specs.User{UID: 0, GID: 0},
			// All five sets empty: the sandbox has no capability at all.
			Capabilities:    &specs.LinuxCapabilities{},
			NoNewPrivileges: true,
			Rlimits: []specs.POSIXRlimit{
				{Type: "RLIMIT_NOFILE", Hard: 4096, Soft: 4096},
				{Type: "RLIMIT_CORE", Hard: 0, Soft: 0},
			},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace},
				{Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace},
				{Type: specs.MountNamespace},
				// A new, empty network namespace: only lo, no route out.
				// Egress goes through a bind-mounted unix socket (§4).
				{Type: specs.NetworkNamespace},
				{Type: specs.UserNamespace},
				// Hides the host's cgroup layout from /proc/self/cgroup.
				{Type: specs.CgroupNamespace},
			},
			UIDMappings: idmap,
			GIDMappings: idmap,
			Resources: &specs.LinuxResources{
				Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
				// limit == swap: memory+swap is capped at the same value,
				// so swapping cannot be used to exceed it.
				Memory: &specs.LinuxMemory{Limit: &mem, Swap: &mem},
				CPU:    &specs.LinuxCPU{Quota: &quota, Period: &period},
				Pids:   &specs.LinuxPids{Limit: &pids},
			},
			CgroupsPath: in.cgroups,
			Seccomp:     seccompProfile(),
			// As `runc spec` generates them.
			MaskedPaths: []string{
				"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
				"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
				"/proc/sched_debug", "/proc/scsi", "/sys/firmware",
				"/sys/devices/virtual/powercap",
			},
			ReadonlyPaths: []string{
				"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
			},
		},
	}
}

// deniedSyscalls get EPERM (os-sandbox.md Appendix C): namespace and mount
// manipulation, kernel keyrings, BPF, perf, userfaultfd, io_uring, ptrace
// and cross-process memory access, module and kexec loading, and clock,
// swap, accounting and reboot controls. They are the entry points of most
// container-escape and kernel-LPE exploits, and Chromium (run with
// --no-sandbox) needs none of them.
var deniedSyscalls = []string{
	"unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
	"move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	"keyctl", "add_key", "request_key",
	"bpf", "perf_event_open", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"ptrace", "process_vm_readv", "process_vm_writev",
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"open_by_handle_at", "name_to_handle_at",
	"swapon", "swapoff", "reboot", "syslog", "acct", "quotactl", "lookup_dcookie", "vhangup",
	"settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	"iopl", "ioperm", "personality", "fanotify_init", "nfsservctl",
}

// cloneNamespaceFlags may not be passed to clone: creating namespaces
// (above all user namespaces) is the way into many kernel bugs.
var cloneNamespaceFlags = []uint64{
	syscall.CLONE_NEWNS, syscall.CLONE_NEWCGROUP, syscall.CLONE_NEWUTS, syscall.CLONE_NEWIPC,
	syscall.CLONE_NEWUSER, syscall.CLONE_NEWPID, syscall.CLONE_NEWNET,
	0x80, // CLONE_NEWTIME
}

// seccompProfile is a deny-list with default ALLOW (Appendix C). clone3
// gets ENOSYS, not EPERM: its flags live in a struct that seccomp cannot
// inspect, and glibc falls back to clone only on ENOSYS. With EPERM,
// pthread_create and posix_spawn fail and Chromium crashes (§6).
func seccompProfile() *specs.LinuxSeccomp {
	eperm, enosys := uint(syscall.EPERM), uint(syscall.ENOSYS)
	rules := []specs.LinuxSyscall{{Names: deniedSyscalls, Action: specs.ActErrno, ErrnoRet: &eperm}}
	for _, f := range cloneNamespaceFlags {
		rules = append(rules, specs.LinuxSyscall{
			Names: []string{"clone"}, Action: specs.ActErrno, ErrnoRet: &eperm,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: f, ValueTwo: f, Op: specs.OpMaskedEqual}},
		})
	}
	rules = append(rules, specs.LinuxSyscall{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: &enosys})
	return &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Architectures: seccompArchs(),
		Syscalls:      rules,
	}
}

// seccompArchs lists the native ABI and the compat ABIs a process could
// switch to, so that the same rules apply through each of them.
func seccompArchs() []specs.Arch {
	switch runtime.GOARCH {
	case "amd64":
		return []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}
	case "arm64":
		return []specs.Arch{specs.ArchAARCH64, specs.ArchARM}
	}
	return nil
}
