package io.sparkotel.bridge;

import java.nio.ByteBuffer;

/**
 * The native methods of libsparkotel, one-to-one with bridge/bridge.c. Callers go through
 * {@link NativeLoader#load} first; every method throws {@link NativeException} on failure.
 * Batch layout and status codes: bridge/sparkotel.h.
 */
public final class NativeCore {
  private NativeCore() {}

  /** Size of a batch header and of one entry, in bytes (sparkotel.h). */
  public static final int BATCH_HEADER_BYTES = 16;
  public static final int BATCH_ENTRY_BYTES = 16;

  public static native String version();

  /**
   * keysAndValues: k0, v0, k1, v1, ... Returns the effective configuration the core parsed,
   * as "key=value" lines: {@code attached} (true when the core was already running in this
   * process and was joined), then the settings the JVM side acts on, e.g. {@code interval.ms}.
   */
  public static native String start(String[] keysAndValues);

  /** spec: metric name, then tab-separated key=value attributes. Returns the series id. */
  public static native int defineSeries(String spec);

  public static native void releaseSeries(int id);

  /** Registers a direct buffer once (its address is cached); returns the slot to push with. */
  public static native int attach(ByteBuffer direct);

  public static native void detach(int slot);

  /** Hands the first {@code length} bytes of the slot's buffer to the core, which copies them. */
  public static native void push(int slot, int length);

  /** Has the core collect and send now; returns at once (the send runs on the core's own goroutine). */
  public static native void flush();

  /**
   * Fills out with the newest native readings (RSS, malloc, children, cgroup), in the order of
   * the NATIVE_* indices below (sparkotel.h's SOTEL_NATIVE_*); -1 where unknown.
   */
  public static native void nativeReadings(long[] out);

  public static final int NATIVE_RSS = 0;
  public static final int NATIVE_RSS_ANON = 1;
  public static final int NATIVE_RSS_FILE = 2;
  public static final int NATIVE_MALLOC_IN_USE = 3;
  public static final int NATIVE_MALLOC_FREE = 4;
  public static final int NATIVE_PYTHON_RSS = 5;
  public static final int NATIVE_OTHER_CHILDREN_RSS = 6;
  public static final int NATIVE_CGROUP_USAGE = 7;
  public static final int NATIVE_CGROUP_LIMIT = 8;
  public static final int NATIVE_CGROUP_OOM_KILLS = 9;
  public static final int NATIVE_MALLOC_MMAPPED = 10;
  public static final int NATIVE_FIELDS = 11;

  /** Log lines the core queued since the last call ("LEVEL message", newline-separated), or null. */
  public static native String drainLogs();

  public static native void stop(long timeoutMillis);
}
