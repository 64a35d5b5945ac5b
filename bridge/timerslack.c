/*
 * timerslack.c: gives the Go runtime's threads 1 ms of timer slack and leaves the JVM's
 * threads as they were, so that the runtime's frequent short sleeps while a cycle runs
 * coalesce into fewer wake-ups (docs/performance.md). Nothing of ours needs finer timers.
 *
 * A thread inherits its creator's slack, and Go's constructor creates the runtime's first
 * thread on the loading thread: this constructor runs before Go's (a priority runs first),
 * raises the loading thread's slack, and JNI_OnLoad, next on the same thread, puts it back.
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
