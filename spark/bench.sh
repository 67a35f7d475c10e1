#!/usr/bin/env bash
# Throughput of batch transcription on this machine, in files per hour: the CLI's own batch mode (one JVM, files in
# parallel) against the BatchTranscribe job on a local Spark with 1 and 2 executor threads, on the same N files (the
# WAVs of samples/ and testdata/commands/, copied round-robin) with the same default decoding (the default model with
# its language model). Times are whole commands, JVM (and Spark) start included; the builds are done before, untimed.
# Each command also runs on the first file alone: "steady" is (N - 1) files per the extra time the N files took, the
# throughput with the start-up costs taken out; for Spark, "job s" is the time BatchTranscribe reports for the
# transcription and writing of the N files itself (its session started, its input listed). Checks that every run gives
# every file the same text. Last, spark/WarmThroughput.java runs the transcriber three times over the N files in one
# session on local[1] and local[2]: its last round is the throughput of a warm JVM, the JIT's work done.
#
#   spark/bench.sh [N]        (N files, default 200)
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-200}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/in" "$work/one"
sources=("$root"/samples/*.wav "$root"/testdata/commands/*.wav)
for ((i = 0; i < n; i++)); do
  src="${sources[i % ${#sources[@]}]}"
  cp "$src" "$work/in/$(printf %05d "$i")-$(basename "$src")"
done
cp "$work/in/00000-"* "$work/one/"

# Untimed: build the CLI's jar and run-local.sh's class path.
"$root/speechmoe" transcribe --format json "${sources[0]}" >/dev/null
SPARK_MASTER='local[1]' "$root/spark/run-local.sh" "${sources[0]}" "$work/warm" 2>/dev/null

seconds() { date +%s.%N; }
declare -A took
run() {
  local name="$1"; shift
  local start end
  start="$(seconds)"
  "$@"
  end="$(seconds)"
  took[$name]="$(awk "BEGIN { print $end - $start }")"
}
for set in one in; do
  run "cli-1-thread/$set" "$root/speechmoe" transcribe --no-progress --format json --threads 1 "$work/$set" \
    >"$work/cli1-$set.json"
  run "cli-2-threads/$set" "$root/speechmoe" transcribe --no-progress --format json --threads 2 "$work/$set" \
    >"$work/cli2-$set.json"
  run "spark-local[1]/$set" env SPARK_MASTER='local[1]' "$root/spark/run-local.sh" "$work/$set" "$work/s1-$set" 2>"$work/s1-$set.err"
  run "spark-local[2]/$set" env SPARK_MASTER='local[2]' "$root/spark/run-local.sh" "$work/$set" "$work/s2-$set" 2>"$work/s2-$set.err"
done

python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
def texts(lines, key):
    out = {}
    for line in lines:
        o = json.loads(line)
        out[os.path.basename(o[key])] = (o["text"], o["audio_seconds"])
    return out
runs = {"cli-1-thread": texts(open(f"{work}/cli1-in.json"), "file"),
        "cli-2-threads": texts(open(f"{work}/cli2-in.json"), "file")}
for name, d in (("spark-local[1]", "s1-in"), ("spark-local[2]", "s2-in")):
    lines = [l for p in sorted(glob.glob(f"{work}/{d}/part-*")) for l in open(p)]
    runs[name] = texts(lines, "path")
first = runs["cli-1-thread"]
for name, r in runs.items():
    if {k: v[0] for k, v in r.items()} != {k: v[0] for k, v in first.items()}:
        sys.exit(f"bench: {name} gives other texts than cli-1-thread")
print(f"{len(first)} files, {sum(v[1] for v in first.values()):.1f} s of audio; same text for every file in every run")
PY
job_seconds() { sed -n 's/^BatchTranscribe: .* written in \([0-9.]*\) s to .*/\1/p' "$1"; }
printf '%-16s %10s %12s %10s %12s %8s %12s\n' run "N files s" files/hour "1 file s" steady/hour "job s" job/hour
for name in cli-1-thread cli-2-threads "spark-local[1]" "spark-local[2]"; do
  all="${took[$name/in]}"
  one="${took[$name/one]}"
  job="-"
  job_rate="-"
  case $name in
    "spark-local[1]") job="$(job_seconds "$work/s1-in.err")" ;;
    "spark-local[2]") job="$(job_seconds "$work/s2-in.err")" ;;
  esac
  [ "$job" != "-" ] && job_rate="$(awk "BEGIN { printf \"%.0f\", $n * 3600 / $job }")"
  printf '%-16s %10.1f %12.0f %10.1f %12.0f %8s %12s\n' "$name" "$all" "$(awk "BEGIN { print $n * 3600 / $all }")" \
    "$one" "$(awk "BEGIN { print ($n - 1) * 3600 / ($all - $one) }")" "$job" "$job_rate"
done

classpath="$root/spark/target/classes:$(cat "$root/spark/target/run-local.classpath")"
for m in 1 2; do
  "$JAVA_HOME/bin/java" @"$root/spark/jvm.options" -Dspark.master="local[$m]" -Dspark.ui.enabled=false \
    -Dlog4j2.configurationFile="$root/spark/log4j2.properties" -cp "$classpath" "$root/spark/WarmThroughput.java" \
    "$work/in" 3 2>/dev/null
done
