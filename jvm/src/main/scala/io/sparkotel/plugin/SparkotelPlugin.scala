package io.sparkotel.plugin

import java.util.{Collections, Map => JMap}

import org.apache.spark.SparkContext
import org.apache.spark.api.plugin.{DriverPlugin, ExecutorPlugin, PluginContext, SparkPlugin}

import io.sparkotel.core.Agent

/**
 * Enable with `spark.plugins=io.sparkotel.plugin.SparkotelPlugin`. Starts the native core in
 * the driver and in every executor; never throws into Spark.
 */
class SparkotelPlugin extends SparkPlugin {
  override def driverPlugin(): DriverPlugin = new SparkotelDriverPlugin
  override def executorPlugin(): ExecutorPlugin = new SparkotelExecutorPlugin
}

private[plugin] object PluginConfig {
  /** The identity every JVM reports with; the Spark side issue adds the sink keys. */
  def identity(ctx: PluginContext): Seq[(String, String)] = {
    val conf = ctx.conf()
    Seq(
      "spark.app.id" -> conf.getOption("spark.app.id").getOrElse(""),
      "spark.app.name" -> conf.getOption("spark.app.name").getOrElse(""),
      "spark.executor.id" -> ctx.executorID(),
      "host.name" -> ctx.hostname()
    )
  }
}

class SparkotelDriverPlugin extends DriverPlugin {
  override def init(sc: SparkContext, ctx: PluginContext): JMap[String, String] = {
    Agent.safely("driver init")(Agent.start(PluginConfig.identity(ctx), "driver"))
    Collections.emptyMap[String, String]()
  }
  override def shutdown(): Unit = Agent.stop()
}

class SparkotelExecutorPlugin extends ExecutorPlugin {
  override def init(ctx: PluginContext, extraConf: JMap[String, String]): Unit =
    Agent.safely("executor init")(Agent.start(PluginConfig.identity(ctx), s"executor ${ctx.executorID()}"))
  override def shutdown(): Unit = Agent.stop()
}
