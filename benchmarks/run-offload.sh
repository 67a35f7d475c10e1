#!/usr/bin/env bash
# The GPU offload of the routed experts against the CPU, in one JVM with TornadoVM's flags.
#   TORNADOVM_HOME=... benchmarks/run-offload.sh [experts|e2e|all] [S,L] [f32|q8|f16] [threads]
# Build first, with the GPU module: mvn -q -Ptornado -pl benchmarks -am package -DskipTests (JDK 25).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/speechmoe-benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -n "${TORNADOVM_HOME:-}" ] || { echo "set TORNADOVM_HOME to a TornadoVM 5.2 SDK (README: GPU offload)" >&2; exit 2; }
[ -f "$jar" ] || { echo "missing $jar: build it with mvn -Ptornado -pl benchmarks -am package -DskipTests" >&2; exit 1; }
exec "$java" -Xmx12g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  "@$TORNADOVM_HOME/tornado-argfile" -Dtornado.recover.bailout=False \
  -cp "$jar" org.speechmoe.benchmarks.OffloadBenchmark "$@"
