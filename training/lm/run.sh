#!/usr/bin/env bash
# The default English word 4-gram language model (ARPA), from English text in Debian packages, with IRSTLM.
# Resumable: every step whose output exists is skipped (delete the file to redo a step).
#   training/lm/run.sh [OUT.arpa]          (default build-data/lm/default.arpa; work files beside it)
# Needs (Debian bookworm): fortunes fortunes-min wordnet-base sword-text-web libsword-utils dict-devil irstlm,
# and what training/make_data.py imports (python3-torch python3-torchaudio python3-numpy,
# asterisk-core-sounds-en-wav asterisk-core-sounds-en): it is imported to exclude the recipe's test prompts.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-build-data/lm/default.arpa}
W=$(dirname "$OUT")
ORDER=${ORDER:-4}
PRUNE=${PRUNE:-1e-7}            # prune-lm threshold (weighted-difference pruning) for 2-, 3- and 4-grams
PY=/usr/bin/python3
export PATH=/usr/lib/irstlm/bin:$PATH OMP_NUM_THREADS=1
mkdir -p "$W"
t0=$SECONDS
step() { echo "[lm $((SECONDS - t0))s] $*"; }

# 1. corpus: one normalized sentence per line, test and dev prompts removed; 5 % held out
if [ ! -s "$W/train.txt" ]; then
  step "corpus"
  nice -n 10 $PY training/lm/prepare_corpus.py --out "$W" > "$W/prepare_corpus.log"
fi
for s in train heldout; do
  [ -s "$W/$s.se" ] || sed 's/^/<s> /; s/$/ <\/s>/' "$W/$s.txt" > "$W/$s.se"
done

# 2. interpolated modified Kneser-Ney (IRSTLM "msb" = ImprovedKneserNey), all n-grams kept (no singleton pruning);
#    the vocabulary is every word of the training part; words outside it score as <unk>
if [ ! -s "$W/full$ORDER.arpa" ]; then
  step "tlm order $ORDER"
  nice -n 10 tlm -tr="$W/train.se" -n="$ORDER" -lm=msb -ps=no -o="$W/full$ORDER.arpa.partial" > "$W/tlm.log" 2>&1
  mv "$W/full$ORDER.arpa.partial" "$W/full$ORDER.arpa"
fi

# 3. pruning
P="$W/pruned$ORDER-$PRUNE.arpa"
if [ ! -s "$P" ]; then
  step "prune-lm $PRUNE"
  nice -n 10 prune-lm -t="$PRUNE" "$W/full$ORDER.arpa" "$P.partial" > "$W/prune.log" 2>&1
  mv "$P.partial" "$P"
fi

# 4. <unk> gets the held-out OOV rate (see fix_unk.py)
if [ ! -s "$OUT" ]; then
  step "<unk>"
  oov=$(nice -n 10 compile-lm "$P" --eval="$W/heldout.se" 2>&1 | sed -n 's/.*Nw=\([0-9]*\).*Noov=\([0-9]*\).*/\2 \1/p' \
        | awk '{printf "%.6f", $1 / $2}')
  $PY training/lm/fix_unk.py "$P" "$OUT" "$oov"
fi

# 5. report: n-gram counts, size, held-out perplexity of the full and the shipped model
step "evaluate"
{
  grep -m "$ORDER" '^ngram ' "$OUT"
  ls -l "$OUT" | awk '{printf "ARPA bytes %d\n", $5}'
  printf 'full   %s' "$(nice -n 10 compile-lm "$W/full$ORDER.arpa" --eval="$W/heldout.se" 2>&1 | grep PP=)"; echo
  printf 'pruned %s' "$(nice -n 10 compile-lm "$P" --eval="$W/heldout.se" 2>&1 | grep PP=)"; echo
  printf 'final  %s' "$(nice -n 10 compile-lm "$OUT" --eval="$W/heldout.se" 2>&1 | grep PP=)"; echo
} | tee "$W/report.txt"
step "done: $OUT"
