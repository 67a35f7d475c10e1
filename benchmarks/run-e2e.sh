#!/usr/bin/env bash
# End-to-end comparison of speechmoe, ONNX Runtime and PyTorch on one random-weight model and 30 s of audio.
#   benchmarks/run-e2e.sh [S|L] [THREADS] [WARMUPS] [RUNS]      (defaults: S 2 5 7)
# Into benchmarks/target/e2e/SIZE/: the 3m-asr model dir (reference/e2e_model.py), model.smoe (speechmoe convert),
# gathered/ and dense/ ONNX exports (reference/export_onnx.py), the PyTorch timings (reference/bench_torch.py), then
# EndToEndComparison checks every engine's log-probabilities against the reference and prints the table
# (also saved as table.txt). Every engine is timed on the same CMVN-normalised fbank: the fbank is outside all timings.
# speechmoe and ONNX Runtime's gathered export take turns (WARMUPS rounds, then RUNS timed rounds, medians), the
# dense export runs alone after them; PyTorch is timed beforehand by its own script.
# Steps whose output exists are skipped (the inputs are deterministic); rm -r the folder to redo them.
# PyTorch runs twice when it can: as installed (Debian's build calls the netlib reference BLAS) and with OpenBLAS
# through LD_LIBRARY_PATH, from Debian's libopenblas0-pthread unpacked under target/ (nothing is installed); the
# untimed Python steps (model, exports) use OpenBLAS too when it is there. L (920 M parameters) needs about 16 GB of
# disk under target/e2e/L (checkpoint, .smoe, two ONNX exports) and leaves out PyTorch as installed (minutes a pass).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
size="${1:-S}"; threads="${2:-2}"; warmups="${3:-5}"; runs="${4:-7}"
python="${PYTHON:-/usr/bin/python3}"
case "$size" in
  S|L) ;;
  *) echo "run-e2e.sh: size must be S or L, not $size" >&2; exit 2 ;;
esac
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$here/target/e2e/$size"
mkdir -p "$out"
step() { echo "== $*" >&2; }

blas=$("$root/reference/openblas.sh" "$here/target/e2e/openblas") \
  || echo "run-e2e.sh: no libopenblas0-pthread package: the PyTorch + OpenBLAS row is left out" >&2
prep_python() {  # untimed steps: OpenBLAS when there is one
  if [ -n "$blas" ]; then LD_LIBRARY_PATH="$blas" "$python" "$@"; else "$python" "$@"; fi
}

if [ ! -f "$out/meta.properties" ]; then
  step "random-weight $size model, 30 s of audio and the reference's log-probs"
  prep_python "$root/reference/e2e_model.py" --size "$size" --out "$out"
fi
if [ ! -f "$out/model.smoe" ]; then
  step "speechmoe convert"
  m="$out/model"
  "$root/speechmoe" convert --config "$m/train.yaml" --checkpoint "$m/final.pt" --units "$m/units.txt" \
    --cmvn "$m/global_cmvn" -o "$out/model.smoe.partial"
  mv "$out/model.smoe.partial" "$out/model.smoe"
fi
if [ ! -f "$out/gathered/model.onnx" ] || [ ! -f "$out/dense/model.onnx" ]; then
  step "ONNX export (gathered and dense MoE)"
  rm -rf "$out/gathered" "$out/dense"
  prep_python "$root/reference/export_onnx.py" --dir "$out/model" --out "$out" --feats "$out/feats.f32" \
    2> >(grep -v 'TracerWarning\|^  ' >&2)
fi
jar="$here/target/speechmoe-benchmarks.jar"
if [ ! -f "$jar" ] || ! unzip -l "$jar" org/speechmoe/benchmarks/EndToEndComparison.class >/dev/null 2>&1; then
  step "building the benchmarks jar"
  (cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
fi

bench_torch() {
  "$python" "$root/reference/bench_torch.py" --dir "$out/model" --feats "$out/feats.f32" --logp "$out/logp.f32" \
    --threads "$threads" --warmups "$warmups" --runs "$runs" "$@"
}
if [ "$size" = S ]; then
  step "PyTorch as installed"
  bench_torch --out "$out/torch.properties" --label "(installed BLAS)"
else
  rm -f "$out/torch.properties"
fi
if [ -n "$blas" ]; then
  step "PyTorch with OpenBLAS"
  LD_LIBRARY_PATH="$blas" OPENBLAS_NUM_THREADS="$threads" bench_torch --out "$out/torch-openblas.properties" \
    --label "+ OpenBLAS 0.3"
else
  rm -f "$out/torch-openblas.properties"
fi

step "speechmoe and ONNX Runtime"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$jar" \
  org.speechmoe.benchmarks.EndToEndComparison "$out" "$threads" "$warmups" "$runs" \
  2> >(grep -v '^WARNING: Using incubator modules' >&2) | tee "$out/table.txt"
