package io.sparkotel.sink

import org.scalatest.funsuite.AnyFunSuite

class SparkNamesSpec extends AnyFunSuite {
  test("app id and executor id move out of the name; the rest is snake case") {
    val app = Some("app-20261123-0001")
    assert(SparkNames.clean("app-20261123-0001.driver.BlockManager.memory.maxMem_MB", app, Some("driver")) ==
      "spark.block_manager.memory.max_mem_mb")
    assert(SparkNames.clean("app-20261123-0001.3.executor.threadpool.activeTasks", app, Some("3")) ==
      "spark.executor.threadpool.active_tasks")
    assert(SparkNames.clean("myns.3.JVMCPU.jvmCpuTime", Some("myns"), Some("3")) == "spark.jvmcpu.jvm_cpu_time")
    assert(SparkNames.clean("other.name with space", app, Some("1")) == "spark.other.name_with_space")
  }
}
