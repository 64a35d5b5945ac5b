package sparkotel.death;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.api.java.UDF2;

/**
 * Ways for an executor to die, as a SQL function on executors (registered by job.py as
 * die(mode, partition)). Only the first attempt of partition 0 dies, so Spark's retry lets
 * the job finish and the driver outlives the loss. A UDF, not reflect(): an error thrown
 * here reaches Spark's executor as it is (reflect would wrap it), as a job's own would.
 */
public final class Die implements UDF2<String, String, String> {
  private static final List<Object> HELD = new ArrayList<>();

  @Override
  public String call(String mode, String partition) throws Exception {
    TaskContext ctx = TaskContext.get();
    if (!"0".equals(partition) || ctx == null || ctx.attemptNumber() != 0) return "spared";
    switch (mode) {
      case "heap": // fills the heap: an OutOfMemoryError on the task's thread, exit 52
        while (true) { HELD.add(new byte[16 << 20]); Thread.sleep(50); }
      case "direct": // grows native memory (direct buffers, zeroed so resident) until the kernel kills it
        while (true) { HELD.add(ByteBuffer.allocateDirect(16 << 20)); Thread.sleep(50); }
      case "sleep": // tells the harness its pid, then waits for its SIGKILL
        String name = ManagementFactory.getRuntimeMXBean().getName();
        Files.write(Paths.get(System.getenv("SPARKOTEL_DEATH_PID_FILE")),
            name.substring(0, name.indexOf('@')).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(60000);
        return "slept";
      default:
        throw new IllegalArgumentException("mode " + mode);
    }
  }
}
