package io.sparkotel.agent

import java.util.concurrent.{ScheduledFuture, ScheduledThreadPoolExecutor, ThreadFactory, TimeUnit, TimeoutException}

import scala.util.control.NonFatal

import org.slf4j.LoggerFactory

/**
 * The one thread sparkotel adds to a JVM ("sparkotel", a daemon). All of our work that is not
 * a Spark callback runs on it, one task at a time: starting the core (extracting and loading
 * the library takes a few hundred ms, far too long for Spark's threads), sampling, forwarding
 * the sink's registry, and stopping. Running one task at a time is the locking: a stop queued
 * behind a start waits for it, and the sampler never races its own shutdown.
 */
object AgentThread {
  private val log = LoggerFactory.getLogger("io.sparkotel.Agent")
  @volatile private var thread: Thread = _

  private lazy val pool: ScheduledThreadPoolExecutor = {
    val p = new ScheduledThreadPoolExecutor(1, new ThreadFactory {
      def newThread(r: Runnable): Thread = {
        val t = new Thread(r, "sparkotel")
        t.setDaemon(true) // never keeps a JVM alive
        thread = t
        t
      }
    })
    p.setRemoveOnCancelPolicy(true) // cancelled schedules leave nothing queued
    p
  }

  def onThread: Boolean = Thread.currentThread() eq thread

  /** Queues task; a failure in it is logged at DEBUG (callers log their own WARN). */
  def submit(task: Runnable): Unit = pool.execute(new Guarded(task))

  /** Runs f every periodMillis after the previous run ended: a slow run delays, never bursts. */
  def every(periodMillis: Long, initialDelayMillis: Long)(f: => Unit): ScheduledFuture[_] =
    pool.scheduleWithFixedDelay(guard(f), initialDelayMillis, periodMillis, TimeUnit.MILLISECONDS)

  /** Runs f once, delayMillis from now. */
  def after(delayMillis: Long)(f: => Unit): ScheduledFuture[_] = pool.schedule(guard(f), delayMillis, TimeUnit.MILLISECONDS)

  /**
   * Runs f on the thread after what is queued before it, and waits at most timeoutMillis
   * (inline when called on the thread). False when it did not finish in time; it still runs.
   */
  def await(timeoutMillis: Long)(f: => Unit): Boolean =
    if (onThread) { guard(f).run(); true }
    else try { pool.submit(guard(f)).get(timeoutMillis, TimeUnit.MILLISECONDS); true }
    catch {
      case _: TimeoutException => false
      case _: InterruptedException => Thread.currentThread().interrupt(); false
    }

  private def guard(f: => Unit): Runnable = new Guarded(new Runnable { def run(): Unit = f })

  private final class Guarded(task: Runnable) extends Runnable {
    // A throw would silently cancel a periodic schedule: catch here, whatever the task.
    def run(): Unit = try task.run() catch {
      case e @ (NonFatal(_) | _: LinkageError) => log.debug(s"sparkotel: background task failed: $e")
    }
  }
}
