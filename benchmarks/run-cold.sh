#!/usr/bin/env bash
# Cold start: whole processes of speechmoe's command line against ONNX Runtime on a short and a long file.
#   benchmarks/run-cold.sh [ROUNDS] [THREADS] [LONG_SECONDS]          (defaults: 5 2 61)
# Needs benchmarks/run-e2e.sh S's model (benchmarks/target/e2e/S: model.smoe, gathered/model.onnx, audio30.wav,
# feats.f32). Writes 1 s and LONG_SECONDS s WAVs (audio30.wav repeated) under target/cold/, then takes ROUNDS rounds,
# each one fresh process of every engine on every file, in turns:
#   speechmoe:    ./speechmoe transcribe -m model.smoe --threads THREADS FILE.wav   (SPEECHMOE_JAVA_OPTS -> JAVA_OPTS)
#   ONNX Runtime: java ... OnnxColdRun gathered/model.onnx feats.f32 SECONDS THREADS (a fresh JVM, session creation
#                 and the pass; no fbank)
# and prints per engine the medians (min-max) of wall and CPU seconds and peak RSS on each file, and the cold cost per
# audio second: (long - short) / (LONG_SECONDS - 1), round by round, then its median. Raw rows: target/cold/runs.tsv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-5}"; threads="${2:-2}"; long="${3:-61}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
python="${PYTHON:-/usr/bin/python3}"
e2e="$here/target/e2e/S"
out="$here/target/cold"
jar="$here/target/speechmoe-benchmarks.jar"
for f in model.smoe gathered/model.onnx audio30.wav feats.f32; do
  [ -f "$e2e/$f" ] || { echo "run-cold.sh: no $e2e/$f: run benchmarks/run-e2e.sh S first" >&2; exit 1; }
done
if [ ! -f "$jar" ] || ! unzip -l "$jar" org/speechmoe/benchmarks/OnnxColdRun.class >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
fi
mkdir -p "$out"
"$python" - "$e2e/audio30.wav" "$out" "$long" <<'EOF'
import sys, wave
src, out, long_s = sys.argv[1], sys.argv[2], int(sys.argv[3])
w = wave.open(src); p = w.getparams(); data = w.readframes(w.getnframes()); w.close()
second = p.framerate * p.sampwidth * p.nchannels
for s in (1, long_s):
    o = wave.open(f"{out}/audio{s}.wav", "wb"); o.setparams(p)
    o.writeframes((data * (s * second // len(data) + 1))[:s * second]); o.close()
EOF

runs="$out/runs.tsv"
printf 'round\tengine\tseconds\twall\tcpu\trss_mb\n' >"$runs"
timed() {  # ROUND ENGINE SECONDS COMMAND...
  local r=$1 engine=$2 s=$3; shift 3
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >"$out/last.log" 2>&1 \
    || { echo "run-cold.sh: $engine on $s s failed: $(tail -3 "$out/last.log")" >&2; exit 1; }
  read -r wall user sys rss <"$out/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$engine" "$s" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" >>"$runs"
}
for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
  for s in 1 "$long"; do
    JAVA_OPTS="${SPEECHMOE_JAVA_OPTS:-}" timed "$r" speechmoe "$s" \
      "$root/speechmoe" transcribe -m "$e2e/model.smoe" --threads "$threads" "$out/audio$s.wav"
    timed "$r" onnxruntime "$s" "$JAVA_HOME/bin/java" -cp "$jar" org.speechmoe.benchmarks.OnnxColdRun \
      "$e2e/gathered/model.onnx" "$e2e/feats.f32" "$s" "$threads"
  done
done
"$python" - "$runs" "$long" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t")); long_s = sys.argv[2]
def fmt(v): return f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})"
for engine in ("speechmoe", "onnxruntime"):
    mine = [r for r in rows if r["engine"] == engine]
    print(engine)
    for s in ("1", long_s):
        sel = [r for r in mine if r["seconds"] == s]
        print(f"  {s:>3} s: wall {fmt([float(r['wall']) for r in sel])} s, cpu {fmt([float(r['cpu']) for r in sel])} s,"
              f" peak RSS {fmt([float(r['rss_mb']) for r in sel])} MB")
    for what in ("wall", "cpu"):
        per = []
        for rnd in sorted({r["round"] for r in mine}):
            t = {r["seconds"]: float(r[what]) for r in mine if r["round"] == rnd}
            per.append((t[long_s] - t["1"]) / (int(long_s) - 1))
        print(f"  cold {what} per audio second ({long_s} s - 1 s): {fmt(per)}")
EOF
