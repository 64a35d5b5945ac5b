package probe

import (
	"encoding/binary"
	"errors"
	"syscall"
)

// fileReader reads small /proc and /sys files into a buffer it reuses, through plain
// descriptors (package syscall) rather than os.File, which would also register each file
// with the network poller: a wasted system call on every read of the hot path.
type fileReader struct {
	buf []byte
	fds map[string]int // held files, re-read with pread at offset 0
}

// read returns the file's content, valid until the next read. The file stays open: /proc,
// cgroup and PSI files are seq_files that the kernel regenerates on every read from offset 0,
// so a held descriptor and one pread cost a third of open+read+close. A descriptor that
// stops working (the file went away) is dropped and the file opened afresh once.
func (r *fileReader) read(path string) ([]byte, error) {
	if fd, ok := r.fds[path]; ok {
		if b, err := r.pread(fd); err == nil {
			return b, nil
		}
		syscall.Close(fd)
		delete(r.fds, path)
	}
	fd, err := r.open(path, syscall.O_RDONLY)
	if err != nil {
		return nil, err
	}
	b, err := r.pread(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if r.fds == nil {
		r.fds = map[string]int{}
	}
	r.fds[path] = fd
	return b, nil
}

// readOnce reads a file without holding it open (per-process files of other processes).
func (r *fileReader) readOnce(path string) ([]byte, error) {
	fd, err := r.open(path, syscall.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	return r.pread(fd)
}

// open opens path (close-on-exec), retrying when a signal interrupts it.
func (r *fileReader) open(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func (r *fileReader) pread(fd int) ([]byte, error) {
	if r.buf == nil {
		r.buf = make([]byte, 4096)
	}
	n := 0
	for {
		if n == len(r.buf) {
			r.buf = append(r.buf, make([]byte, len(r.buf))...)
		}
		m, err := syscall.Pread(fd, r.buf[n:], int64(n))
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m == 0 {
			return r.buf[:n], nil
		}
		n += m
	}
}

// countDir counts the entries of a directory other than . and .., without allocating names.
func (r *fileReader) countDir(path string) (int, error) {
	n := 0
	err := r.eachDirent(path, func(uint64, []byte) { n++ })
	return n, err
}

// eachDirent calls fn with the inode and name of every entry of a directory except . and
// ..; the name is valid only during the call.
func (r *fileReader) eachDirent(path string, fn func(ino uint64, name []byte)) error {
	fd, err := r.open(path, syscall.O_RDONLY|syscall.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	if len(r.buf) < 8192 {
		r.buf = make([]byte, 8192)
	}
	for {
		n, err := syscall.Getdents(fd, r.buf)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		walkDirents(r.buf[:n], fn)
	}
}

// walkDirents walks linux_dirent64 records: ino u64, off i64, reclen u16, type u8, name.
func walkDirents(b []byte, fn func(ino uint64, name []byte)) {
	for len(b) >= 19 {
		reclen := int(b[16]) | int(b[17])<<8
		if reclen < 19 || reclen > len(b) {
			return
		}
		name := b[19:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if !(len(name) == 1 && name[0] == '.') && !(len(name) == 2 && name[0] == '.' && name[1] == '.') {
			fn(binary.NativeEndian.Uint64(b), name)
		}
		b = b[reclen:]
	}
}
