#!/usr/bin/env bash
# Streaming cost with the default model on testdata/commands (spoken commands, a second of silence before each):
# latency of partial and final results for one stream (greedy, then with the default language model) and how many
# streams fed in real time the machine keeps up with. Prints JSON lines.
#   benchmarks/run-streaming.sh [SECONDS] [CHUNK_MS] [N...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/speechmoe-benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
seconds="${1:-60}"; chunk="${2:-100}"; shift $(( $# > 2 ? 2 : $# ))
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 2 4 8 16)
model="$root/default-model/src/main/resources/speechmoe/default-model.smoe"
lm="$root/default-model/src/main/resources/speechmoe/default-model.smlm"
run() { "$java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp "$jar" \
          org.speechmoe.benchmarks.StreamingBenchmark "$model" "$root/testdata/commands" "$seconds" "$chunk" "$@" \
          2> >(grep -v 'incubator modules' >&2); }
run latency
run latency "$lm"
run capacity "${counts[@]}"
