#!/usr/bin/env python3
"""Sets the unigram probability of <unk> in an ARPA file and rescales the other unigrams so that they sum to one.

IRSTLM's tlm gives the class <unk> the mass of a Witten-Bell estimate over all unseen words (log10 -1.07 here, more
than "the"); a decoder would then prefer <unk> to most words. This sets it to the out-of-vocabulary rate measured on
the held-out part of the corpus instead (e.g. 0.0091 -> log10 -2.04); every other unigram is multiplied by (1 - p_new) / (1 - p_old). Backoff weights and higher orders are unchanged.

  fix_unk.py IN.arpa OUT.arpa P_UNK
"""
import math
import os
import sys


def fix_unk(src, dst, p_unk):
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = lines.index("\\1-grams:") + 1
    end = start
    while end < len(lines) and lines[end].strip() and not lines[end].startswith("\\"):
        end += 1
    old = None
    for i in range(start, end):
        parts = lines[i].split("\t")
        if parts[1] == "<unk>":
            old = 10 ** float(parts[0])
    if old is None:
        raise SystemExit("no <unk> unigram in " + src)
    scale = math.log10((1.0 - p_unk) / (1.0 - old))
    for i in range(start, end):
        parts = lines[i].split("\t")
        if parts[1] == "<unk>":
            parts[0] = "%.6f" % math.log10(p_unk)
        else:
            parts[0] = "%.6f" % (float(parts[0]) + scale)
        lines[i] = "\t".join(parts)
    tmp = dst + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, dst)
    return old


if __name__ == "__main__":
    old = fix_unk(sys.argv[1], sys.argv[2], float(sys.argv[3]))
    print("<unk>: p %.4f -> %.4f" % (old, float(sys.argv[3])))
