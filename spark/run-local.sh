#!/usr/bin/env bash
# Runs the BatchTranscribe job on a local Spark (local[*], every core of this machine) from the Maven artifacts alone:
# the first run builds the module and has Maven resolve Spark's jars (nothing installed into ~/.m2 but what Maven
# downloads), later runs reuse the class path until a pom or a source changes.
#
#   spark/run-local.sh INPUT OUTPUT [BatchTranscribe options]
#
# INPUT is a folder or a glob, OUTPUT the folder to create; the options are BatchTranscribe's (--model, --format,
# --lm, --beam, --hotword, --threads-per-task, --partitions; --help lists them). SPARK_MASTER overrides local[*];
# JAVA_OPTS adds JVM options (e.g. -Xmx8g, -Dspark.task.cpus=2).
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ $# -lt 2 ] || [ "${1#-}" != "$1" ] || [ "${2#-}" != "$2" ]; then
  echo "usage: spark/run-local.sh INPUT OUTPUT [BatchTranscribe options]" >&2
  exit 2
fi

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n "s/^ *java.specification.version = //p" | cut -d. -f1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  echo "run-local.sh: needs JDK 25 or newer: set JAVA_HOME to one" >&2
  exit 2
fi
export JAVA_HOME

# The class path: this module's classes, the reactor's (runtime, default model) as built folders, and the jars Maven
# resolves, Spark's (provided) included.
classpath_file="$root/spark/target/run-local.classpath"
log="$root/spark/target/run-local-build.log"
if [ ! -f "$classpath_file" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main -newer "$classpath_file" -print -quit 2>/dev/null)" ]; then
  echo "run-local.sh: building the spark module and resolving Spark (first run, or the sources changed) ..." >&2
  mkdir -p "$root/spark/target"
  if ! (cd "$root" && mvn -q -B -ntp -pl spark -am compile \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath_file.partial" >"$log" 2>&1); then
    rm -f "$classpath_file.partial"
    echo "run-local.sh: the build failed; see $log" >&2
    exit 1
  fi
  mv "$classpath_file.partial" "$classpath_file"
  rm -f "$log"
fi

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA_HOME/bin/java" @"$root/spark/jvm.options" -Xss4m \
  -Dspark.master="${SPARK_MASTER:-local[*]}" -Dspark.ui.enabled=false \
  -Dlog4j2.configurationFile="$root/spark/log4j2.properties" ${JAVA_OPTS:-} \
  -cp "$root/spark/target/classes:$(cat "$classpath_file")" \
  org.speechmoe.spark.BatchTranscribe --input "$1" --output "$2" "${@:3}"
