package core

import (
	"runtime"
	"runtime/metrics"
	"syscall"
	"time"
)

// loadThread is the thread that ran package initialisation: in the c-shared library that is
// the runtime's first thread (m0), which the runtime never ends (it would wedge it instead).
var loadThread = syscall.Gettid()

// trimRounds bounds the work of one trim: each round ends at most one thread, and a load leaves only a few.
const trimRounds = 16

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

// trimThreads ends idle runtime threads until at most keep remain, and returns the live
// count before and after.
//
// Why: when the library loads, the runtime starts with GOMAXPROCS = all CPUs, and its
// initialisation leaves idle threads behind (a spinning one, and one that took over while
// the first thread waited for the GC's helpers). The runtime never ends idle threads, so
// they would stay in the executor for its whole life. A goroutine that exits while locked
// to its thread ends that thread (documented for runtime.LockOSThread); that is the only
// way to give one back. The first thread cannot be ended, so it is kept as the worker:
// the trim hops from thread to thread, ending each, until it lands on the first thread,
// which then ends the rest.
func trimThreads(keep int) (before, after int) {
	before = LiveThreads()
	done := make(chan struct{})
	go trimFrom(keep, trimRounds, 0, 0, done)
	<-done
	return before, LiveThreads()
}

// trimFrom runs locked to its thread; ended is the live count left when the thread before
// it ended (0 on the first hop), misses how many hops in a row got a thread started for them.
func trimFrom(keep, rounds, ended, misses int, done chan struct{}) {
	runtime.LockOSThread()
	if ended > 0 && !dropsBelow(ended) {
		misses++ // no idle thread took this hop: the runtime started one for it
	} else {
		misses = 0
	}
	if syscall.Gettid() == loadThread {
		endOthers(keep, rounds)
	} else if rounds > 0 && misses < maxMisses && LiveThreads() > keep {
		// The runtime hands the P to an idle thread, which runs the next hop; with none idle
		// it starts one, which the hop ends instead. maxMisses bounds those starts: in a
		// container near its pid limit a failed thread start would abort the process.
		go trimFrom(keep, rounds-1, LiveThreads(), misses, done)
		return // locked: this thread ends
	}
	runtime.UnlockOSThread()
	close(done)
}

// maxMisses is how many threads in a row a trim may have started only to end them.
const maxMisses = 2

// endOthers runs on the first thread, held by the calling goroutine: a goroutine started
// now runs on another thread, and ending that one leaves the first as the worker.
func endOthers(keep, rounds int) {
	for ; rounds > 0; rounds-- {
		live := LiveThreads()
		if live <= keep {
			return
		}
		// A timer, not a go statement: its goroutine starts on the thread that runs the
		// timer, an idle one or the one waiting in the netpoller; a go statement would go
		// to an idle thread or, when the only other one is in the netpoller, a new one.
		ran := make(chan struct{})
		time.AfterFunc(0, func() {
			runtime.LockOSThread()
			close(ran)
		})
		<-ran
		if !dropsBelow(live) {
			return // it ran on a thread started for it: no idle thread is left to end
		}
	}
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
