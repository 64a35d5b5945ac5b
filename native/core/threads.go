package core

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// loadThread is the thread that ran package initialisation: in the c-shared library that is
// the runtime's first thread (m0), which the runtime never ends (it would wedge it instead).
var loadThread = syscall.Gettid()

// LiveThreads is the number of OS threads the Go runtime owns now (callers from C, such as
// JVM threads, are not counted).
func LiveThreads() int {
	s := [1]metrics.Sample{{Name: "/sched/threads/total:threads"}}
	metrics.Read(s[:])
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int(s[0].Value.Uint64())
}

// Why threads are trimmed: the runtime never ends an idle thread. Loading the library leaves
// idle ones behind (it starts with one P per CPU). Later, whenever work needs a thread while
// the only worker waits in the netpoller, the runtime starts one more: sysmon taking the P
// from a thread that returned to the JVM or sat in a system call, or waking the scavenger
// after a GC (traced in a JVM: one or the other every 10 to 20 s). With one P the runtime
// needs three: the first thread, sysmon and cgo's template thread. A goroutine that exits
// while locked to its thread ends that thread (documented for runtime.LockOSThread); that is
// the only way to give one back.
//
// The catch is the P of the thread that ends: it goes to an idle thread, and with none idle
// the runtime starts a new one, a replacement for the thread just ended. So a thread is ended
// only while the first thread is idle: when a timer wakes the trim on another thread, that
// thread was the one waiting in the netpoller, and the first thread, not polling and not
// running (the P was free), is idle.

const (
	trimRounds = 16                    // bounds one trim's work; each round ends at most one thread
	trimHop    = 2 * time.Millisecond  // after a flip, time for the first thread to go idle
	trimFlip   = 50 * time.Millisecond // long enough for sysmon to see a system call twice
	// Failed rounds in a row before a trim gives up: a thread replaced, or a flip that did not
	// move the polling. Each may have cost a thread start, and near a container's pid limit a
	// failed start aborts the process.
	maxMisses = 2

	// The first trim waits for the start's call to have returned to the JVM (sysmon then
	// takes the P from that thread, which may start one more); see threadKeeper.
	firstTrim = time.Second
	trimGap   = 10 * time.Second
)

var trimming sync.Mutex // one trim at a time: a second would end the threads the first relies on

// trimThreads ends idle runtime threads until at most keep remain, and returns the live
// count before and after. It waits for the trim; it is meant for a goroutine of ours, not a
// JVM thread's call. A trim already under way makes it return at once.
func trimThreads(keep int) (before, after int) {
	before = LiveThreads()
	if before <= keep || !trimming.TryLock() {
		return before, before
	}
	defer trimming.Unlock()
	t := &trim{keep: keep, rounds: trimRounds, done: make(chan struct{})}
	time.AfterFunc(0, t.round)
	<-t.done
	return before, LiveThreads()
}

// trim is one trim's state, handed from round to round (each on the thread it landed on).
type trim struct {
	keep, rounds int
	ended        int  // the live count when the previous round ended its thread, else 0
	misses       int  // failed rounds in a row (see maxMisses)
	flipped      bool // the previous round held the first thread to move the polling
	done         chan struct{}
}

// round runs on the thread that ran the timer that started it (time.AfterFunc starts f on
// that thread's P), or on the idle thread that took the P of the thread the last round ended.
func (t *trim) round() {
	if t.ended > 0 {
		if dropsBelow(t.ended) {
			t.misses = 0
		} else {
			t.misses++
		}
		t.ended = 0
	}
	live := LiveThreads()
	if t.rounds <= 0 || t.misses >= maxMisses || live <= t.keep {
		close(t.done) // misses: the runtime keeps starting one for each ended; stop churning
		return
	}
	t.rounds--
	if syscall.Gettid() != loadThread {
		t.flipped = false
		// Not the first thread, so the first is idle: this thread was woken from the netpoller
		// by the timer, or took the P from one that was. The next round goes to an idle thread.
		t.ended = live
		go t.round()
		runtime.LockOSThread()
		return // exits locked: this thread ends
	}
	if t.flipped {
		// Back on the first thread: no idle thread took over the polling (perhaps none is
		// idle, and sysmon started one for the P).
		if t.misses++; t.misses >= maxMisses {
			close(t.done)
			return
		}
	}
	t.flipped = true
	// The first thread was the one polling, so the idle ones never run a timer. Holding it in
	// a system call makes sysmon hand the P on: an idle thread takes it and, with the next
	// round's timer set, waits in the netpoller in the first thread's place, which is idle
	// once back. The timer then wakes the other thread.
	time.AfterFunc(trimFlip+trimHop, t.round)
	blockingSleep(trimFlip)
}

// blockingSleep sleeps in a system call that the runtime sees as one (Syscall, unlike
// RawSyscall, marks the P as in a system call), so that sysmon takes the P away.
func blockingSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
}

// dropsBelow waits briefly for the live count to drop below live: a thread leaves the
// count only after it has handed on its P, so the goroutine it woke may look first.
func dropsBelow(live int) bool {
	for spin := 0; spin < 1000; spin++ {
		if LiveThreads() < live {
			return true
		}
		syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
	}
	return false
}

// threadKeeper starts trims from the collection loop. The first, a second after the start,
// goes down to keep. After that the runtime soon wants a spare again (a GC's scavenger
// wake-up or a hand-off while the only worker polls: every 10 to 20 s in a JVM), and ending
// it each time would only trade it for a thread start a few seconds later (measured: about
// 10% more CPU a cycle at 1 s, for no fewer threads most of the time). So later trims leave
// that one spare and end only what a burst of hand-offs added, at most once per trimGap.
// Collections run on the exporter's goroutine, and the last one on whoever stops the core.
type threadKeeper struct {
	mu      sync.Mutex
	keep    int
	next    time.Time // no trim starts before
	trimmed bool      // the first trim has run
}

func (k *threadKeeper) check(now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	limit := k.keep
	if k.trimmed {
		limit++
	}
	if now.Before(k.next) {
		return
	}
	if LiveThreads() <= limit {
		k.next = now.Add(time.Second) // look again in a second, not at every 100 ms sample
		return
	}
	k.next, k.trimmed = now.Add(trimGap), true
	// Not logged: the JVM drains log lines by calling into Go, and the return from such a
	// call can hand the P on, which is what starts a spare. sparkotel.self.threads shows it.
	go trimThreads(limit)
}
