package io.sparkotel.diagnosis

import io.sparkotel.readings.Reading
import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}

/**
 * The diagnosis's metrics in each sample: an executor's container budget and the samples it
 * failed to send, and on the driver the executors lost so far by cause (every cause, zeros
 * included, so a dashboard's series exist before the first loss) and the samples its store
 * dropped.
 */
final class DiagnosisReading(budget: Option[Long], watcher: Option[LossWatcher], sender: Option[EvidenceSender] = None)
    extends Reading {
  val name: String = Catalog.SparkotelReading.Diagnosis
  private val budgetSpec = Spec.of(Catalog.ContainerMemoryBudget.name, Catalog.ContainerMemoryBudget.attributes, Nil)
  private val causes = Catalog.LossCause.values.toArray
  private val lostSpecs = causes.map(c => Spec.of(Catalog.ExecutorLost.name, Catalog.ExecutorLost.attributes, Seq(c)))
  private val droppedSpec = Spec.of(Catalog.DiagnosisEvidenceDropped.name, Catalog.DiagnosisEvidenceDropped.attributes, Nil)

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    budget.foreach(b => out.add(ids.spec(budgetSpec), b.toDouble))
    sender.foreach(s => out.add(ids.spec(droppedSpec), s.failed.get.toDouble))
    watcher.foreach(w => out.add(ids.spec(droppedSpec), w.evidence.dropped.get.toDouble))
    watcher.foreach { w =>
      val lost = w.lost
      var i = 0
      while (i < causes.length) { out.add(ids.spec(lostSpecs(i)), lost.getOrElse(causes(i), 0L).toDouble); i += 1 }
    }
  }
}
