#!/usr/bin/env bash
# The whole recipe of the default model (v4) on a 2-core machine: synthetic and real speech, the SpeechMoE model
# and its dense baseline (causal, trained with dynamic chunks so that one model decodes at full context and chunk by
# chunk; side by side, one thread each, the same wall-time budget), evaluation of both with the PyTorch reference at
# full context and in chunks of 16, 8 and 4, pocketsphinx on the same real test sets, and conversion of the MoE model.
# Every step is resumable: run it again after an interruption (the training budget counts across runs).
#   training/install-packages.sh   (once, as root: voices, game data, ffmpeg, pocketsphinx)
#   training/run.sh [MINUTES]      (default 240)
# SPEECHMOE_BUILD=DIR puts everything generated in DIR (default build-data/ in the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${1:-240}
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
if [ -n "${SPEECHMOE_BUILD:-}" ] && [ ! -e build-data ]; then
  mkdir -p "$SPEECHMOE_BUILD" && ln -s "$SPEECHMOE_BUILD" build-data
fi
export SPEECHMOE_BUILD="$PWD/build-data"
B=build-data
mkdir -p $B/logs $B/eval
MODEL_ARGS=(--d 144 --blocks 6 --hidden 576 --embed-d 96 --causal --max-frames 3000 --warmup 500 --minutes "$MIN"
            --train $B/data/train_v4.tsv)

# Debian's python3-torch calls the reference (netlib) BLAS: a training step takes 4.3x longer than with OpenBLAS.
# OpenBLAS comes from Debian's libopenblas0-pthread, unpacked under build-data/ (nothing is installed) and put first
# on the library path of the Python steps (Java ignores it).
if blas=$(reference/openblas.sh $B/openblas); then
  export LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "run.sh: no libopenblas0-pthread package: training runs on the reference BLAS, about 4x fewer steps" >&2
fi

# Synthesis (two processes) and the corpus extractions (one at a time, mostly ffmpeg) run at once: 41 minutes in all
# on the 2-vCPU VM instead of one after the other.
nice -n 10 $PY training/make_data.py --n-train 16000 --train-limit 8000 --dev 200 --extra-voices --jobs 2 \
    > $B/logs/make_data.log 2>&1 &
synthesis=$!
for corpus in asterisk16k drascula sky warzone words queen; do
  nice -n 10 $PY training/corpora/$corpus.py > $B/logs/corpus_$corpus.log 2>&1
done
wait $synthesis
nice -n 10 $PY training/real_data.py | tee $B/logs/real_data.log
cat $B/data/train.tsv $B/data/train_real.tsv > $B/data/train_v4.tsv.partial
mv $B/data/train_v4.tsv.partial $B/data/train_v4.tsv

nice -n 10 $PY training/train.py --prepare "${MODEL_ARGS[@]}"
# MoE: 4 experts per block. Dense: 1 expert (the same graph, so the same compute per frame; its router is a
# constant gate of 1 and the balance losses are constants).
nice -n 10 $PY training/train.py "${MODEL_ARGS[@]}" --experts 4 \
    --out $B/model --ckpt $B/ckpt/last.pt >> $B/logs/train.log 2>&1 &
moe=$!
nice -n 10 $PY training/train.py "${MODEL_ARGS[@]}" --experts 1 \
    --out $B/dense/model --ckpt $B/dense/ckpt/last.pt >> $B/logs/train_dense.log 2>&1 &
dense=$!
wait $moe
wait $dense

SETS=($B/data/test_real*.tsv $B/data/test_ast16k.tsv $B/data/test_ast.tsv $B/data/test_syn_espeak.tsv
      $B/data/test_syn_flite.tsv $B/data/test_syn_festival.tsv $B/data/test_syn_rhvoice.tsv $B/data/test_syn.tsv)
for chunk in 0 16 8 4; do
  $PY training/evaluate.py --model $B/model --chunk-size $chunk --out $B/eval/moe_c$chunk --show 0 \
      --json $B/eval/moe_c$chunk.json "${SETS[@]}" | tee $B/logs/eval_moe_c$chunk.log &
  $PY training/evaluate.py --model $B/dense/model --chunk-size $chunk --out $B/eval/dense_c$chunk --show 0 \
      --json $B/eval/dense_c$chunk.json "${SETS[@]}" | tee $B/logs/eval_dense_c$chunk.log
  wait
done
$PY training/pocketsphinx_eval.py --out $B/eval/pocketsphinx --json $B/eval/pocketsphinx.json \
    $B/data/test_real*.tsv $B/data/test_ast16k.tsv $B/data/test_ast.tsv | tee $B/logs/eval_pocketsphinx.log
./speechmoe convert --config $B/model/train.yaml --checkpoint $B/model/final.pt \
    --units $B/model/units.txt --cmvn $B/model/global_cmvn -o $B/model/model.smoe --dtype q8
