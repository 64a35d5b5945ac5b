/*
 * bridge.c: every JNI entry point of sparkotel. It turns JNI arguments into the plain C
 * contract of sparkotel.h, calls the Go core, and turns failures into
 * io.sparkotel.bridge.NativeException. Nothing here blocks or allocates on the push path.
 */
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparkotel.h"
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

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
	JNIEnv *env;
	(void)reserved;
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
JNIEXPORT jint JNICALL Java_io_sparkotel_bridge_NativeCore_start(JNIEnv *env, jclass cls, jobjectArray kv) {
	(void)cls;
	jsize n = kv == NULL ? 0 : (*env)->GetArrayLength(env, kv);
	size_t total = 0, off = 0;
	for (jsize i = 0; i < n; i++) {
		jstring s = (jstring)(*env)->GetObjectArrayElement(env, kv, i);
		if (s == NULL) { throw_status(env, SOTEL_ERR_ARG, "start", "null key or value"); return SOTEL_ERR_ARG; }
		total += (size_t)(*env)->GetStringUTFLength(env, s) + 1;
		(*env)->DeleteLocalRef(env, s);
	}
	char *packed = malloc(total + 1);
	if (packed == NULL) { throw_status(env, SOTEL_ERR_ARG, "start", "out of memory"); return SOTEL_ERR_ARG; }
	for (jsize i = 0; i < n; i++) {
		jstring s = (jstring)(*env)->GetObjectArrayElement(env, kv, i);
		jsize len = (*env)->GetStringUTFLength(env, s);
		(*env)->GetStringUTFRegion(env, s, 0, (*env)->GetStringLength(env, s), packed + off);
		off += (size_t)len;
		packed[off++] = '\0';
		(*env)->DeleteLocalRef(env, s);
	}
	char err[ERRLEN] = {0};
	int status = sotel_start(packed, off, err, sizeof err);
	free(packed);
	if (status < 0) throw_status(env, status, "start", err);
	return status;
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
	sotel_detach(slot); /* its last batch stops being exported */
}

/* The hot path: no lock, no JNI lookups. The slot's owner is the only thread pushing to it. */
JNIEXPORT void JNICALL Java_io_sparkotel_bridge_NativeCore_push(JNIEnv *env, jclass cls, jint slot, jint length) {
	(void)cls;
	if (slot < 0 || slot >= SOTEL_MAX_SLOTS || slots[slot].address == NULL || length < 0 ||
	    (jlong)length > slots[slot].capacity) {
		throw_status(env, SOTEL_ERR_ARG, "push", "bad slot or length");
		return;
	}
	int status = sotel_push(slot, slots[slot].address, (size_t)length);
	if (status < 0) throw_status(env, status, "push", NULL);
}

JNIEXPORT jstring JNICALL Java_io_sparkotel_bridge_NativeCore_drainLogs(JNIEnv *env, jclass cls) {
	(void)cls;
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
