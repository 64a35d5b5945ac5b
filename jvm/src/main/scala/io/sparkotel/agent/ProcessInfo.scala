package io.sparkotel.agent

import scala.util.control.NonFatal

private[sparkotel] object ProcessInfo {
  /** This JVM's pid (Java 8 has no ProcessHandle). */
  lazy val pid: Long =
    try java.lang.management.ManagementFactory.getRuntimeMXBean.getName.takeWhile(_ != '@').toLong
    catch { case NonFatal(_) => -1L }
}
