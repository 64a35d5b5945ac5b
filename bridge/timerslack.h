/* timerslack.h: see timerslack.c. */
#ifndef SPARKOTEL_TIMERSLACK_H
#define SPARKOTEL_TIMERSLACK_H

/* Puts back the loading thread's timer slack, which the library's constructor raised so
 * that the Go runtime's threads inherit it. Call once the library is loaded (JNI_OnLoad). */
void sotel_restore_loader_slack(void);

#endif
