#!/usr/bin/env python3
"""Greedy-CTC CER / WER of a trained model directory with the PyTorch reference.

  OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/evaluate.py \
      --model build-data/model build-data/data/test_syn.tsv build-data/data/test_ast.tsv

Each manifest is `path<TAB>reference text`. Prints one line per set (and --show N examples),
writes <--out>/<set>.hyp.tsv (default build-data/eval) and, with --json, a summary JSON.
"""
import argparse
import json
import os
import sys
import time

import torch

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "reference"))
from speechmoe_ref import load_model  # noqa: E402
from speechmoe_ref.config import ids_to_text  # noqa: E402


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
        prev = cur
    return prev[-1]


def evaluate(lm, tsv, show=0, limit=0, chunk_size=None):
    rows = [l.rstrip("\n").split("\t") for l in open(tsv, encoding="utf-8") if l.strip()]
    if limit:
        rows = rows[:limit]
    ce = cn = we = wn = 0
    hyps = []
    usage = torch.zeros(lm.cfg.moe.num_experts)
    t0 = time.time()
    for p, ref in rows:
        out = lm.run_wav(p, chunk_size=chunk_size)
        hyp = ids_to_text(out["greedy_ids"].tolist(), lm.units)
        usage += torch.bincount(out["routes"].reshape(-1).long(), minlength=usage.numel()).float()
        r, h = ref.split(), hyp.split()
        ce += edit_distance(" ".join(r), " ".join(h))
        cn += len(" ".join(r))
        we += edit_distance(r, h)
        wn += len(r)
        hyps.append((p, ref, hyp))
    res = {"set": os.path.basename(tsv), "utts": len(rows), "cer": 100.0 * ce / max(1, cn),
           "wer": 100.0 * we / max(1, wn), "chars": cn, "words": wn, "seconds": round(time.time() - t0, 1),
           "expert_usage": [round(u, 3) for u in (usage / usage.sum()).tolist()]}
    for p, ref, hyp in hyps[:show]:
        print("  REF: %s\n  HYP: %s" % (ref, hyp))
    return res, hyps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "build-data", "model"))
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--chunk-size", type=int, default=None,
                    help="attention masked to chunks of this many output frames and all before (what exact "
                         "streaming of a causal model computes); 0: full context; default: as the model was trained")
    ap.add_argument("--out", default=os.path.join(ROOT, "build-data", "eval"), help="folder of the .hyp.tsv files")
    ap.add_argument("manifests", nargs="+")
    args = ap.parse_args()
    lm = load_model(args.model, args.checkpoint)
    outdir = args.out
    os.makedirs(outdir, exist_ok=True)
    results = []
    for tsv in args.manifests:
        res, hyps = evaluate(lm, tsv, args.show, args.limit, args.chunk_size)
        name = os.path.splitext(os.path.basename(tsv))[0]
        with open(os.path.join(outdir, name + ".hyp.tsv"), "w", encoding="utf-8") as f:
            for p, ref, hyp in hyps:
                f.write("%s\t%s\t%s\n" % (p, ref, hyp))
        print("%-14s utts %4d  CER %6.2f %%  WER %6.2f %%  (%.0fs, expert usage %s)" % (
            name, res["utts"], res["cer"], res["wer"], res["seconds"], res["expert_usage"]), flush=True)
        results.append(res)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
