package io.sparkotel.bridge;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Loads libsparkotel once per process. Picks the library for os.name/os.arch out of the jar,
 * extracts it to a unique file (java.io.tmpdir, else the working directory when tmpdir is
 * noexec), System.loads it and unlinks the file. Never throws: on any failure it reports ONE
 * line naming the cause and the fix, and returns false so that every caller turns into a
 * no-op and Spark runs as if we were not there.
 */
public final class NativeLoader {
  /**
   * System property: load this .so instead of the bundled one (own builds, tests). Not
   * "sparkotel.*": Spark refuses executor options containing "-Dspark".
   */
  public static final String PATH_PROPERTY = "io.sparkotel.native.library";
  /** System property set process-wide once loaded: which class loader holds the library. */
  static final String LOADED_BY_PROPERTY = "sparkotel.native.loadedBy";

  private static Boolean loaded; // null until the first attempt in this class loader
  private static String failure;

  private NativeLoader() {}

  /** True when NativeCore's methods work from this class loader; warn gets the one failure line. */
  public static synchronized boolean load(Consumer<String> warn) {
    if (loaded == null) {
      try {
        failure = tryLoad();
      } catch (Throwable t) { // never let anything escape into Spark
        failure = "unexpected " + t + ". Fix: report this line to the sparkotel maintainers";
      }
      loaded = failure == null;
      if (failure != null) {
        warn.accept("sparkotel: native core not loaded, sparkotel metrics are off and the Spark job"
            + " runs unaffected. Cause: " + failure);
      }
    }
    return loaded;
  }

  /** The failure of the last load, or null. */
  public static synchronized String failure() {
    return failure;
  }

  private static String me() {
    ClassLoader cl = NativeLoader.class.getClassLoader();
    return String.valueOf(cl) + "@" + Integer.toHexString(System.identityHashCode(cl));
  }

  /** Returns null on success, else the cause and fix. */
  private static String tryLoad() throws Exception {
    String holder = System.getProperty(LOADED_BY_PROPERTY);
    if (holder != null && !holder.equals(me())) {
      return "the library is already loaded by another class loader in this JVM (" + holder
          + "), and a JVM can bind it to one only. Fix: ship the sparkotel jar in one place"
          + " (spark.jars/--jars, or extraClassPath) and do not set userClassPathFirst for it";
    }
    String os = System.getProperty("os.name", "?");
    String arch = archName(System.getProperty("os.arch", "?"));
    String override = System.getProperty(PATH_PROPERTY);
    String error;
    if (override != null) {
      error = systemLoad(new File(override));
    } else if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || arch == null) {
      return "unsupported platform " + os + "/" + System.getProperty("os.arch")
          + "; sparkotel ships Linux x86_64 and aarch64 only. Fix: run on one of those";
    } else {
      error = extractAndLoad("/io/sparkotel/native/linux-" + arch + "/libsparkotel.so");
    }
    if (error == null) {
      System.setProperty(LOADED_BY_PROPERTY, me());
    }
    return error;
  }

  static String archName(String osArch) {
    switch (osArch) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
      case "arm64":
        return "arm64";
      default:
        return null;
    }
  }

  private static String extractAndLoad(String resource) throws Exception {
    String lastError = null;
    String[] dirs = {System.getProperty("java.io.tmpdir"), System.getProperty("user.dir")};
    for (String dir : dirs) {
      if (dir == null) {
        continue;
      }
      File file;
      try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
        if (in == null) {
          return "the jar has no " + resource + ". Fix: use the released sparkotel jar, which"
              + " carries both Linux libraries";
        }
        file = File.createTempFile("libsparkotel-", ".so", new File(dir));
        Files.copy(in, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
      } catch (java.io.IOException e) {
        lastError = "cannot write the library into " + dir + " (" + e.getMessage()
            + "). Fix: point -Djava.io.tmpdir at a writable, exec-mounted directory";
        continue;
      }
      try {
        lastError = systemLoad(file);
      } finally {
        // Linux keeps the mapping once loaded: the file is not needed after System.load.
        if (!file.delete()) {
          file.deleteOnExit();
        }
      }
      if (lastError == null || !lastError.startsWith(NOEXEC)) {
        return lastError;
      }
    }
    return lastError;
  }

  private static final String NOEXEC = "the directory is mounted noexec";

  private static String systemLoad(File file) {
    try {
      System.load(file.getAbsolutePath());
      return null;
    } catch (UnsatisfiedLinkError e) {
      return explain(String.valueOf(e.getMessage()));
    }
  }

  /** Maps what the JVM says when a load fails to a cause and an actionable fix. */
  static String explain(String msg) {
    if (msg.contains("failed to map segment")) {
      return NOEXEC + " (" + msg + "). Fix: point -Djava.io.tmpdir at an exec-mounted directory";
    }
    if (msg.contains("GLIBC_")) {
      return "this system's C library is older than the library needs (" + msg
          + "). Fix: use a sparkotel release built for older glibc, or a newer OS image";
    }
    if (msg.contains("wrong ELF class") || msg.contains("Possible cause") || msg.contains("machine")) {
      return "the library does not match this CPU or JVM (" + msg + "). Fix: use a 64-bit JVM"
          + " on x86_64 or aarch64";
    }
    if (msg.contains("already loaded in another classloader")) {
      return "the library is already loaded by another class loader (" + msg + "). Fix: ship"
          + " the sparkotel jar in one place only";
    }
    if (msg.contains("too short") || msg.contains("invalid ELF header") || msg.contains("not an ELF")) {
      return "the library file is damaged or not a library (" + msg + "). Fix: re-download the"
          + " sparkotel jar";
    }
    if (msg.contains("undefined symbol")) {
      return "the library is incomplete (" + msg + "). Fix: use a released sparkotel jar";
    }
    return msg + ". Fix: check that the file exists and is readable";
  }
}
