package io.sparkotel.readings

import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}

/** Tasks running per stage here (from [[TaskActivity]]), tasks completed, and tasks failed by reason. */
final class TaskReading extends Reading {
  val name: String = Catalog.SparkotelReading.Tasks
  // java.util maps and while loops: at a sample a second this runs interpreted for minutes,
  // where Scala's maps and sets are slow and the JDK's are compiled early in any JVM. A stage
  // shown keeps its spec and the last sample that saw it.
  private val shown = new java.util.HashMap[TaskActivity.Stage, TaskReading.Shown]()
  private val failedSpecs = new java.util.HashMap[String, String]() // reason -> its spec
  private val completed = Spec.of(Catalog.SparkTasksCompleted.name, Catalog.SparkTasksCompleted.attributes, Nil)
  private var sample = 0L

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    sample += 1
    var total, live = 0L
    val active = TaskActivity.activeEntries
    while (active.hasNext) {
      val e = active.next()
      var s = shown.get(e.getKey)
      if (s == null) {
        s = new TaskReading.Shown(Spec.of(Catalog.SparkStageTasksActive.name, Catalog.SparkStageTasksActive.attributes,
          Seq(e.getKey.id.toString, e.getKey.attempt.toString)))
        shown.put(e.getKey, s)
      }
      s.seen = sample
      out.add(ids.spec(s.spec), e.getValue.doubleValue)
      total += e.getValue.intValue
      live += 1
    }
    if (shown.size > live) { // a stage ended here: release its series
      val it = shown.values.iterator
      while (it.hasNext) { val s = it.next(); if (s.seen != sample) { ids.release(s.spec); it.remove() } }
    }
    Headline.activeTasks = total
    out.add(ids.spec(completed), TaskActivity.completed.get.toDouble)
    val failures = TaskActivity.failureEntries
    while (failures.hasNext) {
      val e = failures.next()
      var spec = failedSpecs.get(e.getKey)
      if (spec == null) {
        spec = Spec.of(Catalog.SparkTasksFailed.name, Catalog.SparkTasksFailed.attributes, Seq(e.getKey))
        failedSpecs.put(e.getKey, spec)
      }
      out.add(ids.spec(spec), e.getValue.get.toDouble)
    }
  }
}

private object TaskReading {
  final class Shown(val spec: String) { var seen = 0L }
}
