// The JVM side of sparkotel: one jar per Scala line, carrying both Linux libraries.
// Versions come from versions.env, the project's one list of pins.

lazy val pins: Map[String, String] = {
  val src = scala.io.Source.fromFile(file("versions.env"))
  try src.getLines().map(_.trim).filter(l => l.nonEmpty && !l.startsWith("#"))
    .map { l => val i = l.indexOf('='); l.take(i) -> l.drop(i + 1) }.toMap
  finally src.close()
}
def pin(k: String): String = pins.getOrElse(k, sys.error(s"versions.env has no $k"))

ThisBuild / organization := "io.sparkotel"
ThisBuild / version := "0.1.0"
ThisBuild / scalaVersion := pin("SCALA_212")

// The JVM flags Spark's own launcher adds on Java 17+ (org.apache.spark.launcher.JavaModuleOptions).
val sparkJavaModuleOptions = Seq(
  "-XX:+IgnoreUnrecognizedVMOptions",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/java.net=ALL-UNNAMED",
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.util=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
  "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
  "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
  "-Djdk.reflect.useDirectMethodHandle=false"
)

lazy val sparkotel = (project in file("jvm"))
  .settings(
    name := "sparkotel",
    crossScalaVersions := Seq(pin("SCALA_212"), pin("SCALA_213")),
    libraryDependencies ++= Seq(
      "org.apache.spark" %% "spark-core" % pin("SPARK_COMPILE") % Provided,
      "org.scalatest" %% "scalatest" % pin("SCALATEST") % Test
    ),
    // One jar for Java 8 to 25: Java 8 bytecode and API.
    Compile / compile / javacOptions ++= Seq("--release", "8", "-Xlint:all", "-Werror"),
    scalacOptions ++= Seq("-release", "8", "-deprecation", "-feature", "-unchecked",
      // JavaConverters is deprecated on 2.13 only; it is the one API that serves both lines.
      "-Wconf:msg=JavaConverters:s"),
    // The Makefile builds the libraries into build/native/io/sparkotel/native/linux-<arch>/.
    Compile / unmanagedResourceDirectories += (ThisBuild / baseDirectory).value / "build" / "native",
    Test / fork := true,
    Test / baseDirectory := (ThisBuild / baseDirectory).value,
    Test / javaOptions ++= sparkJavaModuleOptions ++ Seq(
      "-Xmx1g",
      s"-Dsparkotel.test.jar=${(Compile / packageBin).value.getAbsolutePath}"
    ),
    Test / testOptions += Tests.Argument(TestFrameworks.ScalaTest, "-oD"),
    // `make bench` runs the JVM sample benchmark from the test classes, in its own JVM.
    Test / run / fork := true,
    Test / run / baseDirectory := (ThisBuild / baseDirectory).value,
    Test / run / javaOptions ++= sparkJavaModuleOptions ++ Seq("-Xmx1g")
  )

lazy val root = (project in file("."))
  .aggregate(sparkotel)
  .settings(crossScalaVersions := Nil, publish / skip := true)
