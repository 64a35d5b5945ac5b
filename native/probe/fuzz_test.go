package probe

import (
	"os"
	"path/filepath"
	"testing"
)

// Every parser must survive any input: /proc and /sys files change across kernels.
// Seeds are the fixture files; run one with `go test -fuzz FuzzParseStat ./native/probe`.

func addFixtures(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	addFixtures(f, "testdata/*/proc/4242/status")
	f.Add([]byte("VmRSS:\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _ = parseStatus(b) })
}

func FuzzParseStat(f *testing.F) {
	addFixtures(f, "testdata/v2/proc/*/stat")
	f.Add([]byte("1 (a) b) S"))
	f.Add([]byte(")("))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := parseStat(b); err == nil && (s.PPID < 0 || s.RSS < 0) {
			t.Fatalf("negative field from %q", b)
		}
	})
}

func FuzzParseMeminfo(f *testing.F) {
	addFixtures(f, "testdata/v2/proc/meminfo")
	f.Fuzz(func(t *testing.T, b []byte) { _ = parseMeminfo(b) })
}

func FuzzParsePSI(f *testing.F) {
	addFixtures(f, "testdata/*/proc/pressure/memory")
	addFixtures(f, "testdata/v2/sys/fs/cgroup/kubepods/pod1/memory.pressure")
	f.Add([]byte("some avg10=.5 total=\nfull ="))
	f.Fuzz(func(t *testing.T, b []byte) { _ = parsePSI(b) })
}

func FuzzCgroupFiles(f *testing.F) {
	addFixtures(f, "testdata/*/sys/fs/cgroup/*/*/*/memory.*")
	addFixtures(f, "testdata/*/sys/fs/cgroup/memory/*/*/memory.*")
	f.Add([]byte("max\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseCgroupValue(b)
		_ = flatKeyed(b, []string{"total_rss", "rss"})
	})
}

func FuzzWalkDirents(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 24, 0, 4, '1', '2', 0, 0, 0})
	f.Add(make([]byte, 19))
	f.Fuzz(func(t *testing.T, b []byte) {
		walkDirents(b, func(_ uint64, name []byte) {
			if len(name) > len(b) {
				t.Fatal("name longer than the buffer")
			}
		})
	})
}
