package io.sparkotel.diagnosis

import java.nio.file.Path

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{Path => HPath}

/**
 * Copies a local file into a Hadoop FileSystem directory (file:, hdfs:, s3a:, abfss:, or a
 * plain path on the default file system). Spark's own SparkHadoopUtil is private[spark], so
 * the configuration is built as it builds one: Hadoop's defaults and *-site.xml files from the
 * class path, then every spark.hadoop.* key of the job with the prefix removed.
 */
private[diagnosis] object HadoopCopy {
  def configuration(sparkConf: Seq[(String, String)]): Configuration = {
    val conf = new Configuration()
    sparkConf.foreach { case (k, v) => if (k.startsWith("spark.hadoop.")) conf.set(k.stripPrefix("spark.hadoop."), v) }
    conf
  }

  /** Copies file into the directory uri, returning the destination. */
  def copy(file: Path, uri: String, sparkConf: Seq[(String, String)]): String = {
    val dir = new HPath(uri)
    val fs = dir.getFileSystem(configuration(sparkConf))
    fs.mkdirs(dir)
    val dest = new HPath(dir, file.getFileName.toString)
    fs.copyFromLocalFile(false, true, new HPath(file.toUri), dest)
    fs.makeQualified(dest).toString
  }
}
