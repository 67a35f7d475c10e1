#!/usr/bin/env python3
"""Groups an ONNX Runtime profile (OnnxProfile) and a speechmoe profile (EncoderProfile) of the same model and
features into the same parts of the graph, in ms per pass, side by side.

    benchmarks/compare-profiles.py ORT_PROFILE.txt SPEECHMOE_PROFILE.txt

Both files are those programs' standard output. Operators are assigned by shape and module name (ONNX Runtime) or
by operation and shape (speechmoe); the rest of each pass (norms, depthwise conv, GLU, routers, element-wise
operators, and time between or outside the operators) is "everything else", so each column sums to its pass.
"""
import re
import sys

PARTS = ["subsampling convolutions", "subsampling output linears", "expert FFNs", "dense FFNs (macaron, embedding net)",
         "projections and pointwise convs", "attention (scores, softmax, sum)", "output layer and log-softmax",
         "everything else"]


def rows(path):
    """(key, ms per pass) of a profile table, and the pass median in ms."""
    text = open(path).read()
    median = float(re.search(r"median ([\d.]+) ms", text).group(1))
    runs = int(re.search(r"(\d+) (?:profiled passes|runs) after", text).group(1))
    per_pass = "per pass" in text
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"[\d.]+", cells[2] if per_pass else cells[3] or "x"):
            if cells and cells[0] in ("between nodes", "outside the backend"):
                ms = float(cells[2] if per_pass else cells[3])
                out.append((cells[0], ms if per_pass else ms / runs))
            continue
        ms = float(cells[2]) if per_pass else float(cells[3]) / runs
        out.append((cells[0], ms))
    return out, median


def ort_part(key):
    op = key.split()[0]
    if "/subsampling/out" in key:
        return 1
    if "/subsampling" in key or op == "ReorderOutput":
        return 0
    if "/out_linear" in key or op == "LogSoftmax":
        return 6
    if "feed_forward" in key:
        if op not in ("Gemm", "MatMul", "QuickGelu"):
            return 7  # the gathered export's routing (NonZero, Gather, ScatterND): speechmoe's is outside its backend
        # OnnxProfile names the net: an encoder block's feed_forward is the MoE layer
        return 2 if "encoder/blocks/feed_forward" in key and "macaron" not in key else 3
    if "/self_attn/linear" in key or "pointwise_conv" in key:
        return 4
    if "/self_attn" in key and op in ("FusedMatMul", "MatMul", "Softmax", "Add", "Div"):
        return 5
    return 7


def smoe_part(key):
    m = re.match(r"matmul (\d+)->(\d+)", key)
    if key.startswith("expertFfn"):
        return 2
    if key.startswith("attention"):
        return 5
    if key.startswith("logSoftmax"):
        return 6
    if key.startswith("forRows"):
        return 0  # the im2col copies, which ONNX Runtime's Conv does inside

    if not m:
        return 7
    i, o = int(m.group(1)), int(m.group(2))
    if i == 9 or i == 9 * o:
        return 0
    if i == 19 * o:
        return 1
    if o == VOCAB:
        return 6
    if {i, o} == {MAIN_D, 4 * MAIN_D} or {i, o} == {EMBED_D, 4 * EMBED_D}:
        return 3
    if i in (MAIN_D, EMBED_D) and o in (i, 2 * i):
        return 4
    return 7


def main():
    global MAIN_D, EMBED_D, VOCAB
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ort, ort_median = rows(sys.argv[1])
    smoe, smoe_median = rows(sys.argv[2])
    dims = [int(m.group(1)) for k, _ in smoe for m in [re.match(r"layerNorm (\d+)", k)] if m]
    MAIN_D, EMBED_D = max(dims), min(dims)
    VOCAB = max(int(m.group(2)) for k, _ in smoe for m in [re.match(r"matmul (\d+)->(\d+)", k)] if m)
    sums = {"ort": [0.0] * len(PARTS), "smoe": [0.0] * len(PARTS)}
    for k, ms in ort:
        sums["ort"][ort_part(k)] += ms
    for k, ms in smoe:
        sums["smoe"][smoe_part(k)] += ms
    total_o, total_s = sum(sums["ort"]), sum(sums["smoe"])
    print(f"| part of the graph (ms per pass) | speechmoe | ONNX Runtime | speechmoe / ORT |")
    print("|---|---|---|---|")
    for i, name in enumerate(PARTS):
        o, s = sums["ort"][i], sums["smoe"][i]
        print(f"| {name} | {s:.1f} | {o:.1f} | {s / o:.2f} |" if o else f"| {name} | {s:.1f} | {o:.1f} | |")
    print(f"| **sum of the parts** (pass median) | **{total_s:.1f}** ({smoe_median:.1f}) | **{total_o:.1f}** "
          f"({ort_median:.1f}) | **{total_s / total_o:.2f}** |")


if __name__ == "__main__":
    main()
