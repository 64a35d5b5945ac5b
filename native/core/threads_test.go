package core

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestTrimThreadsEndsIdleThreads leaves idle threads (growThreads) and checks that a trim ends them all, none replaced, while the runtime
// keeps working.
func TestTrimThreadsEndsIdleThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	grown := growThreads(t)
	// With one P the runtime needs three: the first thread, sysmon and cgo's template thread.
	// Ending a thread while the first one waits in the netpoller makes the runtime start a
	// replacement for it, so anything above three means the trim ended one at the wrong time.
	before, after := trimThreads(3)
	if before != grown || after != 3 {
		t.Fatalf("trim: %d live before (%d expected), %d after (want 3)", before, grown, after)
	}
	// The runtime still schedules goroutines on what is left.
	done := make(chan struct{})
	go func() { time.Sleep(time.Millisecond); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no goroutine ran after the trim")
	}
}

// TestThreadKeeperTrimsAtMostOncePerGap checks the collection's check: the first trim ends
// every spare; later ones leave one, and none starts within trimGap of the last.
func TestThreadKeeperTrimsAtMostOncePerGap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	now := time.Now()
	k := &threadKeeper{keep: 3, next: now.Add(firstTrim)}
	growThreads(t)
	k.check(now) // before firstTrim: too early
	if n := waitForThreads(3, 200*time.Millisecond); n == 3 {
		t.Fatal("trimmed before firstTrim")
	}
	k.check(now.Add(firstTrim))
	if n := waitForThreads(3, 5*time.Second); n != 3 {
		t.Fatalf("the first trim left %d threads, want 3", n)
	}
	growThreads(t)
	k.check(now.Add(firstTrim + trimGap/2))
	if n := waitForThreads(4, 200*time.Millisecond); n == 4 {
		t.Fatal("trimmed again within trimGap")
	}
	k.check(now.Add(firstTrim + trimGap))
	if n := waitForThreads(4, 5*time.Second); n != 4 {
		t.Fatalf("a later trim left %d threads, want 4 (one spare kept)", n)
	}
}

// waitForThreads waits up to d for the live count to reach want and returns the last count.
func waitForThreads(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	n := LiveThreads()
	for n != want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = LiveThreads()
	}
	return n
}

// growThreads makes the runtime start extra threads and leaves them idle: goroutines
// blocked in system calls give up their P, so the runtime starts another thread to run the
// next. It returns the live count.
func growThreads(t *testing.T) int {
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			blockingSleep(50 * time.Millisecond)
		}()
	}
	wg.Wait()
	grown := LiveThreads()
	if grown < 6 {
		t.Fatalf("setup: expected idle threads left by blocked system calls, have %d", grown)
	}
	return grown
}
