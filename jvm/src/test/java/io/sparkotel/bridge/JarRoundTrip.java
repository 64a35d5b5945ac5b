package io.sparkotel.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a fresh JVM by NativeLoaderSpec with only the built jar (and this class) on the
 * class path: loads the library out of the jar and round-trips every native call.
 */
public final class JarRoundTrip {
  public static void main(String[] args) {
    List<String> warnings = new ArrayList<>();
    boolean loaded = NativeLoader.load(warnings::add);
    boolean again = NativeLoader.load(warnings::add); // second ask: no second load, no second line
    for (String w : warnings) {
      System.out.println("WARN " + w);
    }
    System.out.println("loaded=" + loaded + " again=" + again);
    if (!loaded) {
      return;
    }
    int first = NativeCore.start(new String[] {"exporter", "none", "spark.app.id", "app-1", "spark.executor.id", "driver"});
    int second = NativeCore.start(new String[0]);
    int id = NativeCore.defineSeries("jvm.memory.used\tjvm.memory.type=heap\tjvm.memory.pool.name=G1 Eden Space");
    ByteBuffer buf = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    int slot = NativeCore.attach(buf);
    buf.putLong(0, System.currentTimeMillis() * 1_000_000L).putInt(8, 1).putInt(12, 0);
    buf.putInt(16, id).putInt(20, 0).putDouble(24, 123.0);
    NativeCore.push(slot, 32);
    String malformed;
    try {
      buf.putInt(8, 99); // claims 99 entries in 32 bytes
      NativeCore.push(slot, 32);
      malformed = "accepted";
    } catch (NativeException e) {
      malformed = "rejected: " + e.getMessage();
    }
    NativeCore.detach(slot);
    NativeCore.releaseSeries(id);
    NativeCore.stop(1000);
    NativeCore.stop(1000);
    String afterStop;
    try {
      NativeCore.defineSeries("jvm.class.count");
      afterStop = "still running";
    } catch (NativeException e) {
      afterStop = "stopped";
    }
    System.out.println("version=" + NativeCore.version() + " start=" + first + "," + second
        + " slot=" + slot + " malformed=" + malformed + " afterStop=" + afterStop);
  }
}
