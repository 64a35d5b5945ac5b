package io.sparkotel.it

import java.nio.file.{Files, Path}

import scala.collection.JavaConverters._

import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}

/**
 * The console exporter's output (one JSON document per export), decoded for assertions. A
 * histogram's point has its count as its value.
 */
object ConsoleMetrics {
  final case class Point(metric: String, attrs: Map[String, String], value: Double)
  final case class Export(resource: Map[String, String], points: Seq[Point]) {
    def values(metric: String): Seq[Point] = points.filter(_.metric == metric)
    def value(metric: String, attrs: (String, String)*): Option[Double] =
      values(metric).find(p => attrs.forall { case (k, v) => p.attrs.get(k).contains(v) }).map(_.value)
  }

  private val json = new ObjectMapper

  def read(file: Path): Seq[Export] =
    if (!Files.exists(file)) Nil
    else Files.readAllLines(file).asScala.filter(_.trim.nonEmpty).flatMap { line =>
      try Some(export(json.readTree(line))) catch { case _: Exception => None } // a line being written
    }.toSeq

  private def attrs(n: JsonNode): Map[String, String] =
    if (n == null || n.isNull) Map.empty
    else n.elements.asScala.map(a => a.get("Key").asText -> a.get("Value").get("Value").asText).toMap

  private def export(root: JsonNode): Export = {
    val points = for {
      sm <- root.get("ScopeMetrics").elements.asScala
      m <- sm.get("Metrics").elements.asScala
      dp <- Option(m.get("Data").get("DataPoints")).map(_.elements.asScala).getOrElse(Iterator.empty)
    } yield Point(m.get("Name").asText, attrs(dp.get("Attributes")), Option(dp.get("Value")).getOrElse(dp.get("Count")).asDouble)
    Export(attrs(root.get("Resource")), points.toList)
  }
}
