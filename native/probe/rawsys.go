package probe

import (
	"syscall"
	"unsafe"
)

// Raw system calls for the files the probes read every cycle (/proc, /sys, cgroup). They
// return in microseconds and never wait on anything outside the kernel, so they skip the Go
// scheduler's syscall bookkeeping: through syscall.Syscall, any read over 20 µs lets sysmon
// hand our P to another thread, which it must wake (or create) for the rest of the cycle.
// Opening paths uses a NUL-terminated copy kept in the caller's buffer: no allocation.
// The stat call has a different number on each architecture (rawsys_<arch>.go): the
// library is built for amd64 and arm64.

// cPath returns path NUL-terminated in buf (reused).
func cPath(buf []byte, path string) []byte {
	return append(append(buf[:0], path...), 0)
}

func rawOpen(cpath []byte, flags int) (int, error) {
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&cpath[0])),
		uintptr(flags|syscall.O_CLOEXEC), 0, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

var atFDCWD = -0x64 // AT_FDCWD; a variable, as a negative constant cannot convert to uintptr

func rawPread(fd int, b []byte, off int64) (int, error) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
		uintptr(off), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawGetdents(fd int, b []byte) (int, error) {
	n, _, e := syscall.RawSyscall(syscall.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawClose(fd int) { syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0) }

func rawStat(cpath []byte, st *syscall.Stat_t) error {
	_, _, e := syscall.RawSyscall6(sysFstatat, uintptr(atFDCWD), uintptr(unsafe.Pointer(&cpath[0])),
		uintptr(unsafe.Pointer(st)), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
