#!/usr/bin/env bash
# Writes a random-weight model of size S or L (default S) and type f32|f16|bf16|q8 (default f32), then times
# SpeechMoeModel.open in a fresh JVM and prints resident memory. The file is deleted afterwards.
#   benchmarks/run-model-open.sh [S|L] [f32|f16|bf16|q8] [DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/speechmoe-benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
size="${1:-S}"; type="${2:-f32}"; dir="${3:-$here/target}"
file="$dir/random-$size-$type.smoe"
trap 'rm -f "$file"' EXIT
"$java" -Xmx2g -cp "$jar" org.speechmoe.benchmarks.ModelOpen write "$size" "$type" "$file"
"$java" --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.ModelOpen open "$file" 20
