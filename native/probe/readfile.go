package probe

import (
	"errors"
	"syscall"
)

// fileReader reads small /proc and /sys files into a buffer it reuses. It uses raw syscalls:
// os.File would also try to register each file with the network poller, a wasted syscall
// on every read of the hot path.
type fileReader struct{ buf []byte }

// read returns the file's content, valid until the next read.
func (r *fileReader) read(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	if r.buf == nil {
		r.buf = make([]byte, 4096)
	}
	n := 0
	for {
		if n == len(r.buf) {
			r.buf = append(r.buf, make([]byte, len(r.buf))...)
		}
		m, err := syscall.Read(fd, r.buf[n:])
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
	err := r.eachDirent(path, func([]byte) { n++ })
	return n, err
}

// eachDirent calls fn with the name of every entry of a directory except . and ..; the
// name is valid only during the call.
func (r *fileReader) eachDirent(path string, fn func(name []byte)) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
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
func walkDirents(b []byte, fn func(name []byte)) {
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
			fn(name)
		}
		b = b[reclen:]
	}
}
