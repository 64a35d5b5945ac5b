package io.sparkotel.diagnosis

import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.diagnosis.Classifier.Loss

class ClassifierSpec extends AnyFunSuite {
  private val MiB = 1L << 20

  private def sample(t: Long, fields: (Int, Long)*)(stages: Int*): Sample = {
    val v = Sample.empty
    v(Sample.TimeMillis) = t
    Seq(Sample.HeapMax -> 1024 * MiB, Sample.Budget -> 2048 * MiB, Sample.CgroupOomKills -> 0L).foreach { case (k, x) => v(k) = x }
    fields.foreach { case (k, x) => v(k) = x }
    Sample("3", v, stages.toArray)
  }
  private val names: Int => String = id => s"stage-$id"

  test("exit codes are read from every cluster manager's wording") {
    assert(Classifier.exitCode("Command exited with code 52").contains(52))
    assert(Classifier.exitCode("Container from a bad node: c1 on host: h. Exit status: 137. Diagnostics: x").contains(137))
    assert(Classifier.exitCode("The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).").contains(137))
    assert(Classifier.exitCode("Executor heartbeat timed out after 120000 ms").isEmpty)
  }

  test("a task's OutOfMemoryError or exit 52 is the heap, with its peak and the stage then") {
    val s = Seq(sample(1000, Sample.HeapUsed -> 500 * MiB)(4), sample(2000, Sample.HeapUsed -> 1000 * MiB)(7))
    val v = Classifier.classify(Loss("3", "h", "Command exited with code 52", 2300), s, taskOom = false, names)
    assert(v.cause == Verdict.Heap && v.peak == 1000 * MiB && v.limit == 1024 * MiB)
    assert(v.stages == Seq(7 -> "stage-7") && v.lastSampleAgeMillis == 300 && v.exitCode.contains(52))
    assert(v.suggestion.contains("spark.executor.memory") && v.line.contains("executor 3 on h (exit 52)"), v.line)
    assert(Classifier.classify(Loss("3", "", "Executor Process Lost", 2300), s, taskOom = true, names).cause == Verdict.Heap)
  }

  test("a peak just after its stage ended (memory left behind) names that stage, within the lookback") {
    val s = Seq(sample(1000, Sample.HeapUsed -> 400 * MiB)(3), sample(1500, Sample.HeapUsed -> 900 * MiB)(5),
      sample(1800, Sample.HeapUsed -> 1000 * MiB)())
    val v = Classifier.classify(Loss("3", "h", "Command exited with code 50", 2000), s, taskOom = true, names)
    assert(v.cause == Verdict.Heap && v.peak == 1000 * MiB && v.stages == Seq(5 -> "stage-5"), v)
    assert(v.suggestion.contains("spread stage 5's data"), v.suggestion)
    val late = s.init :+ sample(1500 + Classifier.StageLookbackMillis + 1, Sample.HeapUsed -> 1000 * MiB)()
    assert(Classifier.classify(Loss("3", "h", "exit code 50", 4000), late, taskOom = true, names).stages.isEmpty)
  }

  test("a SIGKILL at the cgroup limit is container memory, naming the component that grew") {
    def at(t: Long, direct: Long) = sample(t, Sample.Rss -> (600 * MiB + direct), Sample.HeapCommitted -> 300 * MiB,
      Sample.MallocInUse -> (50 * MiB + direct), Sample.DirectUsed -> direct, Sample.CgroupLimit -> 1024 * MiB)(2)
    val s = Seq(at(1000, 0), at(2000, 200 * MiB), at(3000, 400 * MiB))
    val v = Classifier.classify(Loss("3", "h", "Command exited with code 137", 3500), s, taskOom = false, names)
    assert(v.cause == Verdict.ContainerMemory && v.component == "direct_buffers", v)
    assert(v.limit == 1024 * MiB && v.limitName == "cgroup limit" && v.stages == Seq(2 -> "stage-2"))
    assert(v.suggestion.contains("spark.executor.memoryOverhead"), v.suggestion)
  }

  test("Python workers over the container budget: the component is python, the advice pyspark.memory") {
    def at(t: Long, py: Long) = sample(t, Sample.Rss -> 700 * MiB, Sample.HeapCommitted -> 400 * MiB,
      Sample.PythonRss -> py)(5)
    val s = Seq(at(1000, 100 * MiB), at(2000, 1300 * MiB))
    val v = Classifier.classify(Loss("3", "h", "Command exited with code 137", 2500), s, taskOom = false, names)
    assert(v.cause == Verdict.ContainerMemory && v.component == "python" && v.limitName == "container budget", v)
    assert(v.suggestion.contains("spark.executor.pyspark.memory"))
  }

  test("YARN's and Kubernetes' memory wording is container memory whatever the samples say") {
    val s = Seq(sample(1000, Sample.Rss -> 100 * MiB)())
    for (r <- Seq("Container killed by YARN for exceeding physical memory limits. 2.1 GB of 2 GB physical memory used.",
      "The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM)."))
      assert(Classifier.classify(Loss("3", "", r, 1500), s, taskOom = false, names).cause == Verdict.ContainerMemory, r)
  }

  test("a SIGKILL with ample headroom, a heartbeat timeout or a driver kill is not memory") {
    val s = Seq(sample(1000, Sample.Rss -> 300 * MiB, Sample.HeapUsed -> 100 * MiB)(1))
    val kill = Classifier.classify(Loss("3", "", "Command exited with code 137", 1200), s, taskOom = false, names)
    assert(kill.cause == Verdict.NotMemory && kill.detail.startsWith("a SIGKILL with 85% headroom"), kill)
    assert(Classifier.classify(Loss("3", "", "Executor heartbeat timed out after 120000 ms", 1200), s, false, names)
      .detail == "heartbeat timed out")
    assert(Classifier.classify(Loss("3", "", "Executor killed by driver.", 1200), s, false, names).cause == Verdict.NotMemory)
  }

  test("no sample of the executor: unknown, saying why") {
    val v = Classifier.classify(Loss("9", "", "Command exited with code 137", 1200), Nil, taskOom = false, names)
    assert(v.cause == Verdict.Unknown && v.lastSampleAgeMillis == -1 && v.line.contains("no sample reached the driver"))
    assert(v.line.endsWith("[cause=unknown component=none stages= age_ms=-1]"), v.line)
  }
}
