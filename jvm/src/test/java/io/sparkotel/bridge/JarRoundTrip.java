package io.sparkotel.bridge;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a fresh JVM by NativeLoaderSpec with only the built jar (and this class) on the
 * class path: loads the library out of the jar and round-trips every native call.
 */
public final class JarRoundTrip {
  public static void main(String[] args) throws Exception {
    List<String> warnings = new ArrayList<>();
    boolean[] loadedBox = new boolean[1];
    String[] loaderSlack = new String[1];
    // Loaded on a thread of its own, renamed, so that the Go threads (which inherit its
    // name) can be told apart from the JVM's once it has ended.
    Thread loader = new Thread(() -> {
      String tid = null;
      try {
        Files.write(Paths.get("/proc/thread-self/comm"), LOADER.getBytes(StandardCharsets.UTF_8));
        tid = new File(Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString()).getName();
      } catch (IOException e) {
        loaderSlack[0] = "unknown (" + e + ")";
      }
      String before = tid == null ? "" : slack(tid);
      loadedBox[0] = NativeLoader.load(warnings::add);
      if (tid != null) loaderSlack[0] = before + "->" + slack(tid);
    });
    loader.start();
    loader.join();
    boolean loaded = loadedBox[0];
    boolean again = NativeLoader.load(warnings::add); // second ask: no second load, no second line
    for (String w : warnings) {
      System.out.println("WARN " + w);
    }
    System.out.println("loaded=" + loaded + " again=" + again);
    if (!loaded) {
      return;
    }
    String first = NativeCore.start(new String[] {"exporter", "none", "spark.app.id", "app-1", "spark.executor.id", "driver"});
    String second = NativeCore.start(new String[0]);
    // After a call into Go: the runtime finishes starting (sysmon, the template thread) then.
    System.out.println("slack loader=" + loaderSlack[0] + " go=" + goThreadsSlack());
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
    System.out.println("version=" + NativeCore.version() + " start=" + first.replace('\n', ' ').trim() + "," + second.replace('\n', ' ').trim()
        + " slot=" + slot + " malformed=" + malformed + " afterStop=" + afterStop);
  }

  private static final String LOADER = "sotel-loader";

  /** A thread's timer slack in ns, or the error: reading another thread's needs CAP_SYS_NICE. */
  private static String slack(String tid) {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc/" + tid + "/timerslack_ns")), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "unreadable";
    }
  }

  /** The timer slack of every thread named as the loader was, once it has ended: Go's. */
  private static String goThreadsSlack() throws IOException {
    StringBuilder out = new StringBuilder();
    File[] tasks = new File("/proc/self/task").listFiles();
    for (File t : tasks == null ? new File[0] : tasks) {
      String comm = new String(Files.readAllBytes(new File(t, "comm").toPath()), StandardCharsets.UTF_8).trim();
      if (comm.equals(LOADER)) out.append(out.length() == 0 ? "" : ",").append(slack(t.getName()));
    }
    return out.toString();
  }
}
