/*
 * bridge.c: every JNI entry point of sparkotel. It turns JNI arguments into the plain C
 * contract of sparkotel.h, calls the Go core, and turns failures into
 * io.sparkotel.bridge.NativeException. It also holds each slot's latest pushed batch, which
 * Go reads in place when it collects: a push checks the header, copies the batch once under
 * the slot's lock and returns, without entering Go.
 */
#include <jni.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparkotel.h"
#include "timerslack.h"
#include "_cgo_export.h"

#define ERRLEN 512

/* Global ref to NativeException, resolved once in JNI_OnLoad through the loading class loader. */
static jclass exception_class;

/* One slot per attached direct ByteBuffer: its address is looked up once, not per push. */
typedef struct {
	jobject buffer; /* global ref keeps the buffer alive while attached */
	char *address;
	jlong capacity;
} slot_t;

static slot_t slots[SOTEL_MAX_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* The latest batch pushed to each slot, until Go takes it (see sparkotel.h). */
sotel_mailbox sotel_mailboxes[SOTEL_MAX_SLOTS];

/* Go holds a mailbox's lock only to copy a batch out, so waiting is short; yielding keeps a
 * preempted holder from being starved by the waiter. */
static void mailbox_lock(sotel_mailbox *m) {
	while (__atomic_exchange_n(&m->lock, 1, __ATOMIC_ACQUIRE)) sched_yield();
}
static void mailbox_unlock(sotel_mailbox *m) { __atomic_store_n(&m->lock, 0, __ATOMIC_RELEASE); }

static int logs_waiting;    /* atomic */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
	JNIEnv *env;
	(void)reserved;
	sotel_restore_loader_slack(); /* first: Go's threads have been created with it already */
	/* 1.6 is the newest version we need; asking for more would refuse old JVMs. */
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
	jclass c = (*env)->FindClass(env, "io/sparkotel/bridge/NativeException");
	if (c == NULL) return JNI_ERR;
	exception_class = (jclass)(*env)->NewGlobalRef(env, c);
	(*env)->DeleteLocalRef(env, c);
	return exception_class == NULL ? JNI_ERR : JNI_VERSION_1_6;
}

static void throw_status(JNIEnv *env, int status, const char *what, const char *detail) {
	char msg[ERRLEN + 96];
	snprintf(msg, sizeof msg, "sparkotel %s failed (status %d)%s%s", what, status,
	         detail && detail[0] ? ": " : "", detail ? detail : "");
	(*env)->ThrowNew(env, exception_class, msg);
}

JNIEXPORT jstring JNICALL Java_io_sparkotel_bridge_NativeCore_version(JNIEnv *env, jclass cls) {
	char buf[128];
	(void)cls;
	sotel_version(buf, sizeof buf);
	return (*env)->NewStringUTF(env, buf);
}

/* keysAndValues: k0, v0, k1, v1, ... Packed as NUL-terminated strings for Go. */
JNIEXPORT jstring JNICALL Java_io_sparkotel_bridge_NativeCore_start(JNIEnv *env, jclass cls, jobjectArray kv) {
	(void)cls;
	jsize n = kv == NULL ? 0 : (*env)->GetArrayLength(env, kv);
	size_t total = 0, off = 0;
	for (jsize i = 0; i < n; i++) {
		jstring s = (jstring)(*env)->GetObjectArrayElement(env, kv, i);
		if (s == NULL) { throw_status(env, SOTEL_ERR_ARG, "start", "null key or value"); return NULL; }
		total += (size_t)(*env)->GetStringUTFLength(env, s) + 1;
		(*env)->DeleteLocalRef(env, s);
	}
	char *packed = malloc(total + 1);
	if (packed == NULL) { throw_status(env, SOTEL_ERR_ARG, "start", "out of memory"); return NULL; }
	for (jsize i = 0; i < n; i++) {
		jstring s = (jstring)(*env)->GetObjectArrayElement(env, kv, i);
		jsize len = (*env)->GetStringUTFLength(env, s);
		(*env)->GetStringUTFRegion(env, s, 0, (*env)->GetStringLength(env, s), packed + off);
		off += (size_t)len;
		packed[off++] = '\0';
		(*env)->DeleteLocalRef(env, s);
	}
	char err[ERRLEN] = {0};
	char *effective = NULL;
	int status = sotel_start(packed, off, &effective, err, sizeof err);
	free(packed);
	if (status < 0) { throw_status(env, status, "start", err); return NULL; }
	jstring out = (*env)->NewStringUTF(env, effective);
	free(effective);
	return out;
}

JNIEXPORT jint JNICALL Java_io_sparkotel_bridge_NativeCore_defineSeries(JNIEnv *env, jclass cls, jstring spec) {
	(void)cls;
	if (spec == NULL) { throw_status(env, SOTEL_ERR_ARG, "defineSeries", "null spec"); return SOTEL_ERR_ARG; }
	const char *chars = (*env)->GetStringUTFChars(env, spec, NULL);
	if (chars == NULL) return SOTEL_ERR_ARG; /* OutOfMemoryError pending */
	char err[ERRLEN] = {0};
	int id = sotel_define_series((char *)chars, strlen(chars), err, sizeof err);
	(*env)->ReleaseStringUTFChars(env, spec, chars);
	if (id < 0) throw_status(env, id, "defineSeries", err);
	return id;
}

JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_releaseSeries(JNIEnv *env, jclass cls, jint id) {
	(void)cls;
	int status = sotel_release_series(id);
	if (status < 0) throw_status(env, status, "releaseSeries", "unknown series id");
}

JNIEXPORT jint JNICALL Java_io_sparkotel_bridge_NativeCore_attach(JNIEnv *env, jclass cls, jobject buffer) {
	(void)cls;
	char *address = buffer == NULL ? NULL : (char *)(*env)->GetDirectBufferAddress(env, buffer);
	jlong capacity = buffer == NULL ? -1 : (*env)->GetDirectBufferCapacity(env, buffer);
	if (address == NULL || capacity < SOTEL_BATCH_HEADER_BYTES) {
		throw_status(env, SOTEL_ERR_ARG, "attach", "need a direct ByteBuffer of at least 16 bytes");
		return SOTEL_ERR_ARG;
	}
	pthread_mutex_lock(&slots_lock);
	int found = SOTEL_ERR_FULL;
	for (int i = 0; i < SOTEL_MAX_SLOTS; i++) {
		if (slots[i].buffer == NULL) {
			slots[i].buffer = (*env)->NewGlobalRef(env, buffer);
			slots[i].address = address;
			slots[i].capacity = capacity;
			found = i;
			break;
		}
	}
	pthread_mutex_unlock(&slots_lock);
	if (found < 0) throw_status(env, found, "attach", "all push slots are in use");
	return found;
}

JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_detach(JNIEnv *env, jclass cls, jint slot) {
	(void)cls;
	if (slot < 0 || slot >= SOTEL_MAX_SLOTS) return;
	pthread_mutex_lock(&slots_lock);
	jobject ref = slots[slot].buffer;
	memset(&slots[slot], 0, sizeof slots[slot]);
	pthread_mutex_unlock(&slots_lock);
	if (ref != NULL) (*env)->DeleteGlobalRef(env, ref);
	sotel_mailbox_clear(slot); /* its last batch stops being exported */
}

void sotel_mailbox_clear(int slot) {
	if (slot < 0 || slot >= SOTEL_MAX_SLOTS) return;
	sotel_mailbox *m = &sotel_mailboxes[slot];
	mailbox_lock(m);
	free(m->data);
	m->data = NULL;
	m->capacity = 0;
	__atomic_store_n(&m->length, 0, __ATOMIC_RELEASE);
	mailbox_unlock(m);
}

int sotel_mailbox_put(int slot, const char *batch, size_t length) {
	if (slot < 0 || slot >= SOTEL_MAX_SLOTS || batch == NULL || length < SOTEL_BATCH_HEADER_BYTES) return SOTEL_ERR_ARG;
	int32_t count;
	memcpy(&count, batch + 8, sizeof count);
	if (count < 0 || (size_t)count > (length - SOTEL_BATCH_HEADER_BYTES) / SOTEL_BATCH_ENTRY_BYTES) return SOTEL_ERR_ARG;
	size_t n = SOTEL_BATCH_HEADER_BYTES + (size_t)count * SOTEL_BATCH_ENTRY_BYTES;
	sotel_mailbox *m = &sotel_mailboxes[slot];
	mailbox_lock(m);
	if (m->capacity < n) {
		char *grown = realloc(m->data, n + n / 2);
		if (grown == NULL) {
			mailbox_unlock(m);
			return SOTEL_ERR_FULL;
		}
		m->data = grown;
		m->capacity = n + n / 2;
	}
	memcpy(m->data, batch, n);
	__atomic_store_n(&m->length, n, __ATOMIC_RELEASE);
	mailbox_unlock(m);
	return SOTEL_OK;
}

/* The hot path: the batch goes into the slot's mailbox and the call returns, without
 * entering Go. The slot's owner is the only thread pushing to it; the lock is shared only
 * with Go's read, once per collection. */
JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_push(JNIEnv *env, jclass cls, jint slot, jint length) {
	(void)cls;
	if (slot < 0 || slot >= SOTEL_MAX_SLOTS || slots[slot].address == NULL || length < 0 ||
	    (jlong)length > slots[slot].capacity) {
		throw_status(env, SOTEL_ERR_ARG, "push", "bad slot or length");
		return;
	}
	int status = sotel_mailbox_put(slot, slots[slot].address, (size_t)length);
	if (status == SOTEL_ERR_ARG) {
		char detail[96];
		int32_t count;
		memcpy(&count, slots[slot].address + 8, sizeof count);
		snprintf(detail, sizeof detail, "batch claims %d entries in %d bytes", (int)count, (int)length);
		throw_status(env, status, "push", detail);
	} else if (status < 0) {
		throw_status(env, status, "push", "out of memory for the batch");
	}
}

JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_flush(JNIEnv *env, jclass cls) {
	(void)cls;
	int status = sotel_flush();
	if (status < 0) throw_status(env, status, "flush", "core not running");
}

JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_nativeReadings(JNIEnv *env, jclass cls, jlongArray out) {
	(void)cls;
	jsize n = out == NULL ? 0 : (*env)->GetArrayLength(env, out);
	int64_t values[SOTEL_NATIVE_FIELDS];
	int status = sotel_native(values, SOTEL_NATIVE_FIELDS);
	if (status < 0) { throw_status(env, status, "nativeReadings", "core not running"); return; }
	(*env)->SetLongArrayRegion(env, out, 0, n < SOTEL_NATIVE_FIELDS ? n : SOTEL_NATIVE_FIELDS, (const jlong *)values);
}

void sotel_logs_queued(void) { __atomic_store_n(&logs_waiting, 1, __ATOMIC_RELEASE); }

JNIEXPORT jstring JNICALL Java_io_sparkotel_bridge_NativeCore_drainLogs(JNIEnv *env, jclass cls) {
	(void)cls;
	if (!__atomic_exchange_n(&logs_waiting, 0, __ATOMIC_ACQ_REL)) return NULL; /* the usual case: Go not entered */
	char *lines = sotel_drain_logs();
	if (lines == NULL) return NULL;
	jstring s = (*env)->NewStringUTF(env, lines);
	free(lines);
	return s;
}

JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_stop(JNIEnv *env, jclass cls, jlong timeout_ms) {
	(void)cls;
	char err[ERRLEN] = {0};
	int status = sotel_stop(timeout_ms, err, sizeof err);
	if (status < 0) throw_status(env, status, "stop", err);
}
