package io.sparkotel.readings

import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge
import io.sparkotel.readings.TaskActivity.Stage
import io.sparkotel.wire.{BatchWriter, SeriesIds}

class TaskActivitySpec extends AnyFunSuite {
  private def onThread(f: => Unit): Unit = { val t = new Thread(new Runnable { def run(): Unit = f }); t.start(); t.join() }

  test("a stage's series lives while its tasks run here and is released after the last one") {
    TaskActivity.reset()
    val bridge = new FakeBridge
    val ids = new SeriesIds(bridge)
    val out = new BatchWriter(bridge)
    val reading = new TaskReading
    def sample(): Map[String, Double] = { out.begin(0); reading.read(ids, out); out.push(); bridge.last }
    val stage3 = "sparkotel.spark.stage.tasks.active\tspark.stage.id=3\tspark.stage.attempt=0"

    val gate = new java.util.concurrent.CountDownLatch(1)
    val workers = (1 to 2).map { _ =>
      val t = new Thread(new Runnable { def run(): Unit = { TaskActivity.started(Stage(3, 0)); gate.await(); TaskActivity.ended(None) } })
      t.start(); t
    }
    while (TaskActivity.snapshot.getOrElse(Stage(3, 0), 0) < 2) Thread.sleep(5)
    onThread { TaskActivity.started(Stage(4, 1)); TaskActivity.ended(Some("ExceptionFailure")) }
    assert(sample()(stage3) == 2)
    gate.countDown()
    workers.foreach(_.join())
    val after = sample()
    assert(!after.contains(stage3) && bridge.released.contains(stage3))
    assert(after("sparkotel.spark.tasks.completed") == 2)
    assert(after("sparkotel.spark.tasks.failed\tsparkotel.spark.task.failure=ExceptionFailure") == 1)
    assert(TaskActivity.snapshot.isEmpty, "no stage left behind")
  }
}
