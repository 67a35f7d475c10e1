#!/usr/bin/env bash
# Runs the kernel suite and prints a table of time, GFLOP/s and % of the measured fp32 peak.
#   benchmarks/run-kernels.sh                      the whole suite (about 12 minutes)
#   benchmarks/run-kernels.sh --quick              a smoke run (-f 1 -wi 1 -i 1 -w 1s -r 1s)
#   benchmarks/run-kernels.sh --suite gemm,attention
#   benchmarks/run-kernels.sh --only GemmBenchmark -p shape=S_FFN1 -p rows=250   any selection, JMH options
# Parts of the suite: gemm gemm-types gemm-2t subsampling experts expert-scaling attention conv fbank int8.
# Builds the benchmarks jar first when it is missing (JDK 25: JAVA_HOME, or Temurin 25's usual place).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="$here/target/speechmoe-benchmarks.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
fi
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.KernelReport "$@"
