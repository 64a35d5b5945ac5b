package pagetrim

import (
	"bufio"
	"hash/crc32"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// table lives in the executable's read-only data; its checksum must survive the drop.
var table = [...]string{"sparkotel", "drops", "only", "pages", "the", "file", "still", "holds"}

// residentKB sums Rss and Anonymous over the executable's own mappings, split by whether
// the mapping is writable.
func residentKB(t *testing.T) (roRss, roAnon, rwRss int) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ours, writable := false, false
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			ours = len(fields) >= 6 && fields[5] == exe
			writable = strings.Contains(fields[1], "w")
			continue
		}
		if !ours || len(fields) != 3 {
			continue
		}
		kb, _ := strconv.Atoi(fields[1])
		switch {
		case fields[0] == "Rss:" && writable:
			rwRss += kb
		case fields[0] == "Rss:":
			roRss += kb
		case fields[0] == "Anonymous:" && !writable:
			roAnon += kb
		}
	}
	return
}

func checksum() uint32 {
	h := crc32.NewIEEE()
	for _, s := range table {
		h.Write([]byte(s))
	}
	return h.Sum32()
}

// TestReadOnlyDropsResidentPages drops the test binary's read-only pages (it is linked the
// same way as the library is into a JVM) and checks that they left RSS, that the writable
// ones stayed, and that code, function tables and data still work afterwards.
func TestReadOnlyDropsResidentPages(t *testing.T) {
	sum := checksum()
	roBefore, anonBefore, rwBefore := residentKB(t)
	if roBefore < 1024 {
		t.Fatalf("setup: only %d KB of the test binary's read-only segments are resident", roBefore)
	}
	dropped, err := ReadOnly()
	if err != nil {
		t.Fatal(err)
	}
	roAfter, anonAfter, rwAfter := residentKB(t)
	t.Logf("advised %d KB; read-only resident %d -> %d KB; writable resident %d -> %d KB", dropped>>10, roBefore, roAfter, rwBefore, rwAfter)
	// Reading smaps again runs code that faults some pages straight back in (64 KB around
	// each fault), so a quarter gone is the bar, where nothing would go without the drop.
	if dropped < int64(roBefore)<<10/2 || roAfter > roBefore*3/4 {
		t.Fatalf("read-only resident %d -> %d KB after advising %d KB: want a quarter gone", roBefore, roAfter, dropped>>10)
	}
	if anonAfter != anonBefore || rwAfter < rwBefore {
		t.Fatalf("written pages changed: anonymous in read-only %d -> %d KB, writable resident %d -> %d KB", anonBefore, anonAfter, rwBefore, rwAfter)
	}
	// Code, the function tables (a traceback reads them) and read-only data fault back in.
	runtime.GC()
	pc := make([]uintptr, 8)
	frames := runtime.CallersFrames(pc[:runtime.Callers(1, pc)])
	if f, _ := frames.Next(); !strings.HasSuffix(f.Function, "TestReadOnlyDropsResidentPages") {
		t.Fatalf("traceback after the drop names %q", f.Function)
	}
	if checksum() != sum {
		t.Fatal("read-only data changed")
	}
	if _, err := ReadOnly(); err != nil {
		t.Fatalf("second call: %v", err)
	}
}

// poked is read-only data that the test writes as a debugger would write a breakpoint.
const poked = "sparkotel: a debugger wrote into this page"

// TestReadOnlyKeepsWrittenPages writes one byte of a read-only page the way a debugger or a
// uprobe does (the kernel gives the process a private copy of the page) and checks that the
// drop keeps that copy: dropping it would silently undo the write.
func TestReadOnlyKeepsWrittenPages(t *testing.T) {
	p := unsafe.StringData(poked)
	page := os.Getpagesize()
	start := unsafe.Add(unsafe.Pointer(p), -int(uintptr(unsafe.Pointer(p))&uintptr(page-1)))
	region := unsafe.Slice((*byte)(start), page)
	if err := syscall.Mprotect(region, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		t.Skipf("cannot make the page writable here: %v", err)
	}
	*p = 'S'
	if err := syscall.Mprotect(region, syscall.PROT_READ); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadOnly(); err != nil {
		t.Fatal(err)
	}
	// Read through the page, not the string: the compiler may fold a load from constant data.
	if got := region[uintptr(unsafe.Pointer(p))-uintptr(start)]; got != 'S' {
		t.Fatalf("the written byte reads %q after the drop: the page's private copy was dropped", got)
	}
}
