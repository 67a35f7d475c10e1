#!/usr/bin/env bash
# Runs the kernel suite and prints a table of time, GFLOP/s and % of the measured fp32 peak.
#   benchmarks/run-kernels.sh                      the whole suite (about 12 minutes)
#   benchmarks/run-kernels.sh --quick              a smoke run (-f 1 -wi 1 -i 1 -w 1s -r 1s)
#   benchmarks/run-kernels.sh --suite gemm,attention
#   benchmarks/run-kernels.sh --only GemmBenchmark -p shape=S_FFN1 -p rows=250   any selection, JMH options
# Parts of the suite: gemm gemm-types gemm-2t subsampling experts expert-scaling attention conv fbank.
# Build first: mvn -q -pl benchmarks -am package -DskipTests (JDK 25).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/speechmoe-benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$jar" ] || { echo "missing $jar: build it with mvn -pl benchmarks -am package -DskipTests" >&2; exit 1; }
exec "$java" --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.KernelReport "$@"
