/*
 * timerslack.c: gives the Go runtime's threads a 1 ms timer slack, and leaves the JVM's
 * threads as they were.
 *
 * Why: while a collection or an export runs, Go's sysmon thread wakes every 20 us (the
 * kernel adds the thread's timer slack, 50 us by default, to each sleep) to look for
 * goroutines to preempt and system calls to take the P back from. Inside a JVM a cycle
 * of ours lasts a few ms of wall time, so there are dozens of these wake-ups, each a
 * context switch. With 1 ms of slack the kernel lets them coalesce: the Go side's CPU at
 * one cycle a second fell by a fifth (docs/performance.md). Nothing of ours needs timers finer
 * than that: samples are 100 ms apart at least, exports have second-long timeouts, and
 * sysmon's 10 ms preemption tick is unchanged.
 *
 * How: a thread inherits its creator's timer slack. Loading a Go c-shared library runs
 * Go's constructor, which creates the runtime's first thread on the loading thread; every
 * other Go thread is created from that one. So this constructor, which runs before Go's
 * (constructors with a priority run before those without), raises the loading thread's
 * slack, and JNI_OnLoad, which System.load calls next on the same thread, puts it back.
 * prctl needs no privilege for the calling thread.
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "timerslack.h"

#define GO_TIMER_SLACK_NS 1000000UL

static long loader_tid;                 /* the thread whose slack we changed; 0: none */
static unsigned long loader_slack_ns;   /* its slack before */

__attribute__((constructor(101))) static void raise_slack_for_go(void) {
	int before = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (before < 0 || (unsigned long)before >= GO_TIMER_SLACK_NS) return;
	if (prctl(PR_SET_TIMERSLACK, GO_TIMER_SLACK_NS, 0, 0, 0) != 0) return;
	loader_slack_ns = (unsigned long)before;
	loader_tid = syscall(SYS_gettid);
}

void sotel_restore_loader_slack(void) {
	/* Only on the loading thread, once: a second System.load of the library (another class
	 * loader) runs no constructor and must not change its caller's slack. */
	if (loader_tid == 0 || syscall(SYS_gettid) != loader_tid) return;
	prctl(PR_SET_TIMERSLACK, loader_slack_ns, 0, 0, 0);
	loader_tid = 0;
}
