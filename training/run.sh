#!/usr/bin/env bash
# The whole recipe of the default model on a 2-core machine: data, the SpeechMoE model and its dense baseline
# (trained side by side, one thread each, the same wall-time budget), evaluation of both with the PyTorch
# reference, conversion of the MoE model. Every step is resumable: run it again after an interruption.
#   training/run.sh [MINUTES]      (default 95: about two hours in all)
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${1:-95}
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p build-data/logs build-data/eval
MODEL_ARGS=(--d 128 --hidden 512 --embed-d 64 --max-frames 3000 --warmup 300 --minutes "$MIN")

# Debian's python3-torch calls the reference (netlib) BLAS: a training step takes 4.3x longer than with OpenBLAS
# (measured: 1.15 s against 0.27 s at d 96). OpenBLAS comes from Debian's libopenblas0-pthread, unpacked under
# build-data/ (nothing is installed) and put first on the library path of the Python steps (Java ignores it).
if blas=$(reference/openblas.sh build-data/openblas); then
  export LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "run.sh: no libopenblas0-pthread package: training runs on the reference BLAS, about 4x fewer steps" >&2
fi

nice -n 10 $PY training/make_data.py --n-train 16000 --jobs 2 | tee build-data/logs/make_data.log
nice -n 10 $PY training/train.py --prepare "${MODEL_ARGS[@]}"
# MoE: 4 experts per block. Dense: 1 expert (the same graph, so the same compute per frame; its router is a
# constant gate of 1 and the balance losses are constants).
nice -n 10 $PY training/train.py "${MODEL_ARGS[@]}" --experts 4 \
    --out build-data/model --ckpt build-data/ckpt/last.pt >> build-data/logs/train.log 2>&1 &
moe=$!
nice -n 10 $PY training/train.py "${MODEL_ARGS[@]}" --experts 1 \
    --out build-data/dense/model --ckpt build-data/dense/ckpt/last.pt >> build-data/logs/train_dense.log 2>&1 &
dense=$!
wait $moe
wait $dense

SETS=(build-data/data/test_syn_espeak.tsv build-data/data/test_syn_flite.tsv build-data/data/test_syn_festival.tsv
      build-data/data/test_syn.tsv build-data/data/test_ast.tsv)
$PY training/evaluate.py --model build-data/model --show 0 --json build-data/eval/moe.json "${SETS[@]}" \
    | tee build-data/logs/eval_moe.log
$PY training/evaluate.py --model build-data/dense/model --out build-data/eval/dense --show 0 \
    --json build-data/eval/dense.json "${SETS[@]}" | tee build-data/logs/eval_dense.log
./speechmoe convert --config build-data/model/train.yaml --checkpoint build-data/model/final.pt \
    --units build-data/model/units.txt --cmvn build-data/model/global_cmvn -o build-data/model/model.smoe --dtype q8
