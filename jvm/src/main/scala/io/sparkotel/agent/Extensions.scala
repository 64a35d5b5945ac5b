package io.sparkotel.agent

import io.sparkotel.readings.Reading
import io.sparkotel.wire.{Catalog, Spec}

/**
 * What other parts add to every sample (the diagnosis): a reading into the sample's batch,
 * and work to run right after its push, both on the agent thread. Added and removed from any
 * thread; a sampler started before an addition picks it up at its next sample.
 */
object Extensions {
  final class Extension(val reading: Reading, val afterSample: () => Unit) {
    @volatile private[agent] var errors = 0L // its reading's failures, counted as sparkotel.jvm.sampler.errors
    private[agent] val errorSpec = Spec.of(Catalog.JvmSamplerErrors.name, Catalog.JvmSamplerErrors.attributes, Seq(reading.name))
  }

  @volatile private var all = Vector.empty[Extension]

  def add(e: Extension): Unit = synchronized { all :+= e }
  def remove(e: Extension): Unit = synchronized { all = all.filterNot(_ eq e) }
  private[agent] def current: Vector[Extension] = all
}
